// Report 1, Part I: the seven CNN experiments on MNIST.
//
//   cnn_classifier --experiment 2 --epochs 3 --out runs/cnn-exp2
//
// Trains on the 60,000 training images, scores on the 10,000 test images
// after every epoch, and writes a run directory: summary.txt, metrics.csv,
// loss.png, accuracy.png and checkpoint.safetensors (written after every
// epoch; --resume continues from it).
#include <string>

#include <harness/classifier_run.hpp>
#include <harness/flags.hpp>
#include <harness/run.hpp>
#include <ctnet/zoo/report1_cnn.hpp>

using namespace ctnet;

int main(int argc, char** argv) {
  return run_main("cnn_classifier", [&]() -> int {
    Flags flags(argc, argv, "Report 1's CNN experiments 1-7 on MNIST (Adam, cross-entropy).");
    const auto experiment = flags.u64("experiment", 2, "experiment of report 1 (7 adds early stopping)", 1, 7);
    ClassifierRunOptions o = classifier_options(flags, 3, 32, "");
    if (flags.finish()) return 0;
    if (experiment == 7) o.early_stopping = true;
    o.title = fmt::format("Experiment {}", experiment);
    if (o.common.out.empty()) o.common.out = fmt::format("runs/cnn-exp{}", experiment);
    namespace r1 = zoo::report1;
    switch (experiment) {
      case 1: return run_classifier<r1::Experiment1>(o);
      case 2: return run_classifier<r1::Experiment2>(o);
      case 3: return run_classifier<r1::Experiment3>(o);
      case 4: return run_classifier<r1::Experiment4>(o);
      case 5: return run_classifier<r1::Experiment5>(o);
      case 6: return run_classifier<r1::Experiment6>(o);
      default: return run_classifier<r1::Experiment7>(o);
    }
  });
}
