// Report 2: the DCGAN in the TensorFlow tutorial's form, or with Radford et
// al.'s guidelines (--radford: ReLU in G, BatchNorm in G and D, weights from
// N(0, 0.02)). Both train with the DCGAN paper's batch 128 and Adam 2e-4,
// beta1 0.5: the tutorial's batch 256 and Adam 1e-4 (beta1 0.9) draw the same
// stroke in every cell after 5 epochs (Frechet 170; docs/benchmarks.md) and
// stay reachable: --batch 256 --lr-g 1e-4 --lr-d 1e-4 --beta1 0.9.
//
//   dcgan --epochs 10 --out runs/dcgan
//
// Writes a latent-space walk (latent-walk.png) besides the common run files.
#include <harness/gan_run.hpp>
#include <ctnet/zoo/report2_dcgan.hpp>

using namespace ctnet;

int main(int argc, char** argv) {
  return run_main("dcgan", [&]() -> int {
    Flags flags(argc, argv, "Report 2's DCGAN (TensorFlow tutorial form; --radford for the paper's).");
    const bool radford = flags.flag("radford", "Radford et al.'s guidelines instead of the tutorial's");
    GanRunOptions d;
    d.common.epochs = 10;
    d.common.batch = 128;
    d.lr_g = d.lr_d = 2e-4;
    d.beta1 = 0.5;
    d.init = radford ? Init::normal_002 : Init::glorot_uniform;
    d.grid_every = 2;
    d.walk = true;
    d.title = radford ? "DCGAN (Radford)" : "DCGAN";
    const GanRunOptions o = gan_run_options(flags, d, radford ? "runs/dcgan-radford" : "runs/dcgan");
    if (flags.finish()) return 0;
    namespace r2 = zoo::report2;
    if (radford) return run_gan<r2::RadfordGenerator<>, r2::RadfordDiscriminator<>>(o);
    return run_gan<r2::Generator, r2::Discriminator>(o);
  });
}
