// Report 2: the DCGAN in the TensorFlow tutorial's form, or with Radford et
// al.'s guidelines (--radford: ReLU in G, BatchNorm in G and D, weights from
// N(0, 0.02), Adam 2e-4 / 0.5, batch 128).
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
    d.common.batch = radford ? 128 : 256;
    d.lr_g = d.lr_d = radford ? 2e-4 : 1e-4;
    d.beta1 = radford ? 0.5 : 0.9;
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
