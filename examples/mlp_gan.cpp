// Report 1, Part II: the MLP GAN on MNIST (or Fashion-MNIST).
//
//   mlp_gan --epochs 100 --out runs/mlp-gan
//
// G: z(100) -> Dense(128) LeakyReLU(0.01) -> Dense(784) tanh -> 28x28x1.
// D: 28x28x1 -> Flatten -> Dense(128) LeakyReLU(0.01) -> Dense(1) (logit).
// Sigmoid cross-entropy on logits, real labels smoothed to 0.9, Adam for each.
#include <harness/gan_run.hpp>
#include <ctnet/zoo/report1_gan.hpp>

using namespace ctnet;

int main(int argc, char** argv) {
  return run_main("mlp_gan", [&]() -> int {
    Flags flags(argc, argv, "Report 1's MLP GAN (sigmoid cross-entropy, label smoothing 0.9).");
    GanRunOptions d;
    d.common.epochs = 100;
    d.common.batch = 128;
    d.gan.real_label = 0.9f;
    d.lr_g = d.lr_d = 2e-4;
    d.beta1 = 0.5;
    d.grid_every = 10;
    d.title = "MLP GAN";
    GanRunOptions o = gan_run_options(flags, d, "runs/mlp-gan");
    if (flags.finish()) return 0;
    return run_gan<zoo::report1::GanGenerator, zoo::report1::GanDiscriminator>(o);
  });
}
