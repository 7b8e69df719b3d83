// Report 4: one discriminator, three generators (--generator dense|transpose|
// upsampling), on MNIST, Fashion-MNIST or CIFAR-10 (--dataset cifar10 uses the
// 32x32x3 variant: three Conv2DTranspose 4 -> 8 -> 16 -> 32, one more conv in D).
//
//   gan_generators --generator transpose --epochs 20 --out runs/gan-transpose
//
// Adam 2e-4, beta1 0.5, batch 128, noisy labels for D (5% flipped).
#include <harness/gan_run.hpp>
#include <ctnet/zoo/report4_gan.hpp>

using namespace ctnet;

int main(int argc, char** argv) {
  return run_main("gan_generators", [&]() -> int {
    Flags flags(argc, argv, "Report 4's discriminator with its three generators.");
    const std::string generator = flags.choice("generator", {"dense", "transpose", "upsampling"},
                                               "transpose", "generator form");
    GanRunOptions d;
    d.common.epochs = 20;
    d.common.batch = 128;
    d.gan.flip_probability = 0.05f;
    d.lr_g = d.lr_d = 2e-4;
    d.beta1 = 0.5;
    d.grid_every = 5;
    d.title = "Report 4 GAN (" + generator + ")";
    GanRunOptions o = gan_run_options(flags, d, "runs/gan-" + generator, {"mnist", "fashion", "cifar10"});
    if (flags.finish()) return 0;
    namespace r4 = zoo::report4;
    if (o.common.dataset == "cifar10") {
      o.title = "Report 4 GAN (CIFAR-10)";
      return run_gan<r4::CifarGenerator, r4::CifarDiscriminator>(o);
    }
    if (generator == "dense") return run_gan<r4::DenseGenerator, r4::Discriminator>(o);
    if (generator == "upsampling") return run_gan<r4::UpsamplingGenerator, r4::Discriminator>(o);
    return run_gan<r4::TransposeGenerator, r4::Discriminator>(o);
  });
}
