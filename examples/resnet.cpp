// A small residual network (zoo/resnet.hpp: three stages, global average
// pooling, a Dense head) on Fashion-MNIST, or on CIFAR-10's 32x32x3 images.
//
//   resnet --epochs 10 --out runs/resnet
//   resnet --dataset cifar10 --data DIR --out runs/resnet-cifar10
//
// Adam at 1e-3 with a cosine decay to 0 over the epochs (--lr-schedule).
// Trains on the training images, scores on the test images after every
// epoch, and writes a run directory: summary.txt, metrics.csv, loss.png,
// accuracy.png and checkpoint.safetensors (written after every epoch;
// --resume continues from it).
#include <harness/classifier_run.hpp>
#include <harness/flags.hpp>
#include <harness/run.hpp>
#include <ctnet/zoo/resnet.hpp>

using namespace ctnet;

int main(int argc, char** argv) {
  return run_main("resnet", [&]() -> int {
    Flags flags(argc, argv,
                "A small ResNet (3 stages, global average pooling) on Fashion-MNIST or CIFAR-10 "
                "(Adam, cross-entropy).");
    ClassifierRunOptions o = classifier_options(flags, 10, 64, "runs/resnet", "fashion", "cosine",
                                                {"mnist", "fashion", "cifar10"});
    if (flags.finish()) return 0;
    o.title = "ResNet";
    if (o.common.dataset == "cifar10") return run_classifier<zoo::SmallResNet<32, 32, 3>>(o);
    return run_classifier<zoo::SmallResNet<28, 28, 1>>(o);
  });
}
