// Report 5: the convolutional GAN whose Keras summaries the report prints
// (D 40,705 parameters, G 1,164,289), on MNIST or Fashion-MNIST.
//
//   conv_gan --epochs 20 --out runs/conv-gan
//
// Adam 2e-4, beta1 0.5; the discriminator sees half real, half generated
// batches; images scaled to [0, 1] to match the generator's sigmoid output.
#include <harness/gan_run.hpp>
#include <ctnet/zoo/report5_gan.hpp>

using namespace ctnet;

int main(int argc, char** argv) {
  return run_main("conv_gan", [&]() -> int {
    Flags flags(argc, argv, "Report 5's GAN (Conv2D discriminator, Conv2DTranspose generator).");
    GanRunOptions d;
    d.common.epochs = 20;
    d.common.batch = 128;
    d.lr_g = d.lr_d = 2e-4;
    d.beta1 = 0.5;
    d.scale = Scale::unit;
    d.grid_every = 5;
    d.title = "Report 5 GAN";
    const GanRunOptions o = gan_run_options(flags, d, "runs/conv-gan");
    if (flags.finish()) return 0;
    return run_gan<zoo::report5::Generator, zoo::report5::Discriminator>(o);
  });
}
