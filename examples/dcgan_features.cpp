// Report 2's feature-extractor evaluation (its Table 1): the trained DCGAN
// discriminator's last convolutional features (7x7x128 after LeakyReLU,
// dropout off, flattened: 6,272 values) feed a softmax regression trained on
// 100 or 1,000 labelled MNIST images per class, scored on the MNIST test set.
// The same regression on the 784 raw pixels, in the same run, is the baseline.
//
//   dcgan_features --checkpoint runs/dcgan/checkpoint.safetensors --out runs/dcgan-features
//
// Prints one line per (input, labels per class) and writes features.csv.
#include <cstdio>
#include <string>
#include <vector>

#include <harness/flags.hpp>
#include <harness/run.hpp>
#include <ctnet/data/batcher.hpp>
#include <ctnet/data/mnist.hpp>
#include <ctnet/eval/feature_classifier.hpp>
#include <ctnet/layers/dense.hpp>
#include <ctnet/layers/softmax.hpp>
#include <ctnet/train/supervised.hpp>
#include <harness/csv_table.hpp>
#include <ctnet/train/optimizer.hpp>
#include <ctnet/zoo/report2_dcgan.hpp>

using namespace ctnet;

namespace {

/// The first `per_class` images of each class in a seeded shuffle of `data`.
std::vector<std::size_t> labelled_subset(const Dataset& data, std::size_t per_class, std::uint64_t seed) {
  const auto order = Batcher::permutation(data.count, seed, 0);
  std::vector<std::size_t> taken(10, 0), out;
  for (std::size_t i : order)
    if (taken[data.labels[i]] < per_class) {
      ++taken[data.labels[i]];
      out.push_back(i);
    }
  return out;
}

/// `rows` of `values` floats each as a Dataset of 1 x values x 1 "images".
Dataset as_dataset(std::vector<float> values, std::vector<std::uint8_t> labels, std::size_t width) {
  Dataset d;
  d.count = labels.size();
  d.height = 1;
  d.width = width;
  d.channels = 1;
  d.images = std::move(values);
  d.labels = std::move(labels);
  return d;
}

/// Softmax regression on `train`, test accuracy on `test`.
template <std::size_t In>
double regression_accuracy(const Dataset& train, const Dataset& test, std::size_t epochs,
                           std::uint64_t s) {
  using Net = Sequential<Input<In>, Dense<10>, Softmax>;
  auto net = Net::make(seed{s});
  Adam opt;
  const History h = fit(net, opt, CategoricalCrossEntropy{}, train,
                        {.epochs = epochs, .batch = 32, .seed = s, .validation = &test, .progress = false});
  return h.back()["val_accuracy"];
}

}  // namespace

int main(int argc, char** argv) {
  return run_main("dcgan_features", [&]() -> int {
    Flags flags(argc, argv, "Report 2: the DCGAN discriminator's features under a linear classifier.");
    const std::string ckpt = flags.str("checkpoint", "runs/dcgan/checkpoint.safetensors",
                                       "a dcgan run's checkpoint (TensorFlow-tutorial form)");
    const std::string data = flags.str("data", "", "directory of MNIST's IDX files (default: data/mnist, $CTNET_DATA)");
    const std::string out = flags.str("out", "runs/dcgan-features", "run directory to write");
    const std::size_t epochs = flags.u64("epochs", 30, "epochs of the softmax regression", 1, 1'000'000);
    const std::uint64_t s = flags.u64("seed", 42, "seed for the labelled subsets and the regression");
    const std::vector<std::size_t> per_class =
        flags.u64_list("per-class", "100,1000", "labelled images per class", 1, 60'000);
    if (flags.finish()) return 0;

    using D = zoo::report2::Discriminator;
    using Features = FeatureClassifier<D, D::depth - 1>;  // all but the last Dense
    constexpr std::size_t f = Features::feature_size;
    auto extractor = Features::load(ckpt, "discriminator");
    const std::string dir = find_dataset_dir("mnist", data);
    // The DCGAN trains on [-1, 1] images; its features are of such images.
    const Dataset train = load_mnist(dir, true, Scale::symmetric);
    const Dataset test = load_mnist(dir, false, Scale::symmetric);
    prepare_run_dir(out);

    std::vector<float> test_features(test.count * f);
    extractor.run(test.images, test.count, test_features, {});
    const Dataset test_f = as_dataset(std::move(test_features), test.labels, f);
    const Dataset test_p = as_dataset(test.images, test.labels, 784);

    CsvTable log(out + "/features.csv", {"per_class", "pixels_accuracy", "features_accuracy"});
    for (std::size_t k : per_class) {
      const auto idx = labelled_subset(train, k, s);
      std::vector<float> pixels(idx.size() * 784), feats(idx.size() * f);
      std::vector<std::uint8_t> labels(idx.size());
      gather(train, idx, pixels, labels);
      extractor.run(pixels, idx.size(), feats, {});
      const double acc_p = regression_accuracy<784>(as_dataset(pixels, labels, 784), test_p, epochs, s);
      const double acc_f = regression_accuracy<f>(as_dataset(std::move(feats), labels, f), test_f, epochs, s);
      fmt::print("{} labels per class: softmax regression test accuracy {:.4f} on pixels, {:.4f} on "
                 "the discriminator's {} features\n", k, acc_p, acc_f, f);
      std::fflush(stdout);
      log.add_row({static_cast<double>(k), acc_p, acc_f});
    }
    fmt::print("run directory {}\n", out);
    return 0;
  });
}
