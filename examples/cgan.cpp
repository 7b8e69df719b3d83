// Report 3: the class-conditional GAN (the report's DCGAN with F = 1, D = 1,
// the label concatenated to G's noise and, through Dense(784), to D's image
// as a second channel), batch 64, label smoothing (real = 0.9), Adam 2e-4
// with beta1 0.5 (the DCGAN paper's). The report's Adam 1e-4 (beta1 0.9)
// needs its 20-25 epochs; in 5 it stays at 93.7 % of samples classified as
// their label (docs/benchmarks.md): --lr-g 1e-4 --lr-d 1e-4 --beta1 0.9.
//
//   cgan --epochs 20 --out runs/cgan
//
// Besides the common GAN run files (the sample grids have one digit per
// row), writes 10,000 samples, 1,000 per class, as samples-images-idx3-ubyte
// with their labels in samples-labels-idx1-ubyte, for evaluate_samples.
#include <harness/gan_run.hpp>
#include <ctnet/zoo/report3_cgan.hpp>

using namespace ctnet;

int main(int argc, char** argv) {
  return run_main("cgan", [&]() -> int {
    Flags flags(argc, argv, "Report 3's class-conditional GAN.");
    GanRunOptions d;
    d.common.epochs = 20;
    d.common.batch = 64;
    d.gan.real_label = 0.9f;
    d.lr_g = d.lr_d = 2e-4;
    d.beta1 = 0.5;
    d.scale = Scale::symmetric;
    d.grid_every = 1;
    d.title = "Conditional GAN";
    const GanRunOptions o = gan_run_options(flags, d, "runs/cgan");
    if (flags.finish()) return 0;
    namespace r3 = zoo::report3;
    return run_gan<r3::ConditionalGenerator<1>, r3::ConditionalDiscriminator<1, 1>>(o);
  });
}
