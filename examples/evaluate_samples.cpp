// Scores generated MNIST-like samples with the LeNet of report 3 (trained by
// examples/lenet):
//
//   evaluate_samples --samples runs/cgan/samples-images-idx3-ubyte
//                    --labels runs/cgan/samples-labels-idx1-ubyte
//                    --classifier runs/lenet/lenet.safetensors
//
// Prints one JSON object: the number of samples, the share LeNet assigns
// their label (labelled samples; report 3's "inception score"), the
// Inception Score, the Frechet distance between LeNet's 84 penultimate
// features of the samples and of the MNIST test set, the test error on
// MNIST of a 1-nearest-neighbour classifier fitted on the samples (labelled
// samples; report 2's Table 3), and the predicted class counts. With labels
// it also writes confusion.png (rows label, columns LeNet's class).
#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>

#include <harness/flags.hpp>
#include <harness/run.hpp>
#include <ctnet/core/error.hpp>
#include <ctnet/data/mnist.hpp>
#include <ctnet/data/samples.hpp>
#include <ctnet/eval/confusion_plot.hpp>
#include <ctnet/eval/sample_scores.hpp>
#include <ctnet/zoo/report3_lenet.hpp>

using namespace ctnet;
using zoo::report3::LeNet;

int main(int argc, char** argv) {
  return run_main("evaluate_samples", [&]() -> int {
    Flags flags(argc, argv,
                "Scores an IDX file of 28x28 samples with a trained LeNet; prints one JSON object.");
    const std::string samples = flags.str("samples", "", "IDX file of sample images (bytes 0..255)");
    const std::string labels = flags.str("labels", "", "IDX file of their labels (conditional samples)");
    const std::string classifier = flags.str("classifier", "runs/lenet/lenet.safetensors",
                                             "LeNet checkpoint written by examples/lenet");
    const std::string data = flags.str("data", "", "MNIST directory (default: data/mnist, $CTNET_DATA)");
    const std::string out = flags.str("out", "", "directory for confusion.png (default: the samples' directory)");
    const bool nn = !flags.flag("no-nn", "leave out the 1-nearest-neighbour test error");
    if (flags.finish()) return 0;
    if (samples.empty()) fail("--samples is required: an IDX file of sample images");

    const Dataset s = load_samples(samples, labels, 28, 28, 1, Scale::unit);
    auto judge = FeatureClassifier<LeNet, zoo::report3::lenet_feature_layers>::load(classifier);
    SampleScorer<LeNet, zoo::report3::lenet_feature_layers> scorer(
        std::move(judge), load_mnist(find_dataset_dir("mnist", data), false, Scale::unit));
    const SampleScores scores = scorer.score(s, nn);
    if (!labels.empty()) {
      const std::filesystem::path dir =
          !out.empty() ? std::filesystem::path(out)
                       : std::filesystem::absolute(samples).parent_path();
      prepare_run_dir(dir.string());
      const std::string title = fmt::format("LeNet on {} samples: {:.1f}% given their label", scores.samples,
                                            100.0 * scores.label_accuracy.value_or(0.0));
      write_confusion_matrix((dir / "confusion.png").string(), scores.confusion, scores.classes, title);
    }
    fmt::print("{}\n", to_json(scores));
    return 0;
  });
}
