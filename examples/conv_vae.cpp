// Report 5's convolutional VAE (Keras's example): a 2-D latent space,
// Bernoulli decoder, Adam 1e-3, batch 128; Adam's rate warms up over the
// first 500 steps (--warmup 0 for the report's), without which one seed in
// five loses a latent unit for good (docs/benchmarks.md).
//
//   conv_vae --epochs 30 --out runs/conv-vae
//
// Writes the same run directory as mlp_vae.
#include <harness/vae_run.hpp>
#include <ctnet/zoo/report5_vae.hpp>

using namespace ctnet;

int main(int argc, char** argv) {
  return run_main("conv_vae", [&]() -> int {
    Flags flags(argc, argv, "Report 5's convolutional VAE (2-D latent space).");
    VaeRunOptions d;
    d.common.epochs = 30;
    d.common.batch = 128;
    d.warmup = 500;
    d.title = "Conv VAE";
    const VaeRunOptions o = vae_run_options(flags, d, "runs/conv-vae");
    if (flags.finish()) return 0;
    return run_vae<zoo::report5::ConvVae>(o);
  });
}
