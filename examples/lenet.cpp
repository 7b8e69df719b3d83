// Report 3's LeNet classifier on MNIST, trained once and kept: its
// checkpoint scores generated samples (evaluate_samples, pca_generator).
//
//   lenet --epochs 5 --out runs/lenet
//
// Writes summary.txt, metrics.csv, loss.png, accuracy.png and
// lenet.safetensors (written after every epoch; --resume continues from it).
#include <harness/classifier_run.hpp>
#include <harness/flags.hpp>
#include <harness/run.hpp>
#include <ctnet/zoo/report3_lenet.hpp>

using namespace ctnet;

int main(int argc, char** argv) {
  return run_main("lenet", [&]() -> int {
    Flags flags(argc, argv, "Report 3's LeNet-5 on MNIST (Adam, cross-entropy), the samples' judge.");
    ClassifierRunOptions o = classifier_options(flags, 5, 64, "runs/lenet");
    if (flags.finish()) return 0;
    o.title = "LeNet";
    o.checkpoint = "lenet.safetensors";
    return run_classifier<zoo::report3::LeNet>(o);
  });
}
