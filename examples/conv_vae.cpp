// Report 5's convolutional VAE (Keras's example): a 2-D latent space,
// Bernoulli decoder, Adam 1e-3, batch 128. Two warm-ups over the first 1000
// steps (--warmup 0 --kl-warmup 0 for the report's settings): Adam's rate
// rises linearly over 1 / (1 - beta2) steps, the span of its second-moment
// average, and so does the KL term's weight in the gradient. Without them
// most of the encoder's Dense(16) units die in the first steps and one seed
// in four loses a latent unit for good, as PyTorch's peer does (2 seeds of
// 5); with Adam's alone, 1 of 8 (docs/benchmarks.md).
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
    d.warmup = 1000;
    d.kl_warmup = 1000;
    d.title = "Conv VAE";
    const VaeRunOptions o = vae_run_options(flags, d, "runs/conv-vae");
    if (flags.finish()) return 0;
    return run_vae<zoo::report5::ConvVae>(o);
  });
}
