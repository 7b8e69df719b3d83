// Report 1's fully connected VAE: a 2-D latent space, Bernoulli decoder,
// Adam 1e-3, batch 128, 40 epochs, PyTorch's initialisation (--init glorot
// for Keras's, whose fan averaging leaves the decoder's 2 -> 256 layer 4.6x
// smaller and costs 0.5-3.5 nats after 10 epochs; docs/benchmarks.md).
//
//   mlp_vae --epochs 40 --out runs/mlp-vae
//
// Writes metrics.csv (train and test negative ELBO, reconstruction and KL in
// nats per image), elbo.png, manifold.png, latent.png, reconstructions.png,
// samples.png, checkpoint.safetensors and samples-images-idx3-ubyte.
#include <harness/vae_run.hpp>
#include <ctnet/zoo/report1_vae.hpp>

using namespace ctnet;

int main(int argc, char** argv) {
  return run_main("mlp_vae", [&]() -> int {
    Flags flags(argc, argv, "Report 1's MLP VAE (2-D latent space).");
    VaeRunOptions d;
    d.common.epochs = 40;
    d.common.batch = 128;
    d.init = Init::pytorch;
    d.title = "MLP VAE";
    const VaeRunOptions o = vae_run_options(flags, d, "runs/mlp-vae");
    if (flags.finish()) return 0;
    return run_vae<zoo::report1::MlpVae>(o);
  });
}
