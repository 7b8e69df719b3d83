// Report 3, section 5: PCA as a generative model, scored like the GANs.
//
//   pca_generator --components 1,2,4,8,16,32,64,128,256 --out runs/pca
//
// Fits each MNIST class's mean and principal components on the training
// images; for each n draws 1,000 samples per class from the class's
// Gaussian restricted to its n largest components, writes them to
// n<NNN>/samples-images-idx3-ubyte (labels in samples-labels-idx1-ubyte,
// a 10 x 10 grid in samples.png, one class per column) and scores them with
// the LeNet checkpoint, as evaluate_samples would: pca.csv (n,
// label_accuracy, inception_score, frechet_distance, nn_test_error) and
// pca_score.png and pca_frechet.png (the scores against log2 n).
//
// --mode reconstruct scores instead the first 1,000 training images of each
// class projected on n of their class's components and back, which may be
// what the report did (its score rises with n and saturates near 64, where
// samples' falls: with one component a sample is its class mean moved along
// one direction, a clear digit; with more, Gaussian noise in every
// direction makes it less digit-like).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <harness/flags.hpp>
#include <harness/run.hpp>
#include <ctnet/core/error.hpp>
#include <ctnet/data/mnist.hpp>
#include <ctnet/data/samples.hpp>
#include <ctnet/eval/pca.hpp>
#include <ctnet/eval/sample_scores.hpp>
#include <ctnet/plot/image_grid.hpp>
#include <ctnet/plot/line_plot.hpp>
#include <harness/csv_table.hpp>
#include <ctnet/zoo/report3_lenet.hpp>

using namespace ctnet;
using zoo::report3::LeNet;

namespace {

// The first per_class images of each class, in the order 0, 1, ..., 9, 0, 1, ...
Dataset first_of_each_class(const Dataset& data, std::size_t per_class, std::size_t classes) {
  std::vector<std::vector<std::size_t>> index(classes);
  for (std::size_t i = 0; i < data.count; ++i)
    if (data.labels[i] < classes && index[data.labels[i]].size() < per_class)
      index[data.labels[i]].push_back(i);
  Dataset out = subset(data, 0, 0);
  for (std::size_t k = 0; k < per_class; ++k)
    for (std::size_t c = 0; c < classes; ++c) {
      if (index[c].size() < per_class)
        fail("class {} has fewer than {} images", c, per_class);
      const auto img = data.image(index[c][k]);
      out.images.insert(out.images.end(), img.begin(), img.end());
      out.labels.push_back(static_cast<std::uint8_t>(c));
      ++out.count;
    }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  return run_main("pca_generator", [&]() -> int {
    Flags flags(argc, argv, "Report 3's per-class PCA generator, scored by LeNet for each n.");
    const std::vector<std::size_t> counts =
        flags.u64_list("components", "1,2,4,8,16,32,64,128,256", "numbers of principal components", 0, 28 * 28);
    const std::size_t per_class = flags.u64("per-class", 1000, "samples per class for each n", 2, 100'000);
    const std::string classifier = flags.str("classifier", "runs/lenet/lenet.safetensors",
                                             "LeNet checkpoint written by examples/lenet");
    const std::string data = flags.str("data", "", "MNIST directory (default: data/mnist, $CTNET_DATA)");
    const std::string out = flags.str("out", "runs/pca", "run directory to write");
    const std::uint64_t seed = flags.u64("seed", 42, "seed for the samples");
    const bool nn = !flags.flag("no-nn", "leave out the 1-nearest-neighbour test error");
    const std::string mode = flags.choice("mode", {"sample", "reconstruct"}, "sample",
                                          "draw samples, or reconstruct training images");
    if (flags.finish()) return 0;

    constexpr std::size_t K = zoo::report3::lenet_feature_layers;
    auto judge = FeatureClassifier<LeNet, K>::load(classifier);
    const std::string dir = find_dataset_dir("mnist", data);
    SampleScorer<LeNet, K> scorer(std::move(judge), load_mnist(dir, false, Scale::unit));
    prepare_run_dir(out);
    fmt::print(stderr, "fitting per-class PCA on MNIST's training images...\n");
    const Dataset train = load_mnist(dir, true, Scale::unit);
    const ClassPca pca = ClassPca::fit(train, 10);
    const Dataset originals = mode == "reconstruct" ? first_of_each_class(train, per_class, 10) : Dataset{};

    const std::string csv = out + "/pca.csv";
    CsvTable log(csv, {"n", "label_accuracy", "inception_score", "frechet_distance", "nn_test_error"});
    for (std::size_t n : counts) {
      const std::string run = fmt::format("{}/n{:03}", out, n);
      prepare_run_dir(run);
      const Dataset gen = mode == "reconstruct" ? pca.reconstruct_all(originals, n)
                                                : pca.generate(n, per_class, seed + n);
      const std::string images = run + "/samples-images-idx3-ubyte";
      const std::string labels = run + "/samples-labels-idx1-ubyte";
      write_samples(images, gen.images, gen.count, 28, 28, 1, Scale::unit, labels, gen.labels);
      write_image_grid(run + "/samples.png", std::span<const float>(gen.images).first(100 * 784), 100,
                       28, 28, 1, 10, 0.0f, 1.0f,
                       {fmt::format("PCA, {} components: the first 100 {}", n,
                                    mode == "reconstruct" ? "reconstructions" : "samples")});
      // Score the files as written (bytes), as evaluate_samples would.
      const SampleScores s = scorer.score(load_samples(images, labels, 28, 28, 1, Scale::unit), nn);
      log.add_row({static_cast<double>(n), s.label_accuracy.value_or(NAN), s.inception_score,
                     s.frechet_distance, s.nn_test_error.value_or(NAN)});
      fmt::print("n={} {}\n", n, to_json(s));
      std::fflush(stdout);
    }

    LinePlot plot{mode == "reconstruct" ? "Per-class PCA reconstructions scored by LeNet"
                                        : "Per-class PCA samples scored by LeNet", "log2(principal components)", "score", {}};
    const auto ns = log.column("n");
    std::vector<double> x;
    for (double n : ns) x.push_back(n > 0 ? std::log2(n) : NAN);
    auto is = log.column("inception_score");
    for (double& v : is) v /= 10.0;
    plot.series.push_back(Series{"share given its label", x, log.column("label_accuracy")});
    plot.series.push_back(Series{"Inception Score / 10", x, std::move(is)});
    if (nn) plot.series.push_back(Series{"1-NN test error", x, log.column("nn_test_error")});
    write_line_plot(out + "/pca_score.png", plot);
    LinePlot fid{"Frechet distance to the MNIST test set in LeNet features",
                 "log2(principal components)", "Frechet distance",
                 {Series{"", x, log.column("frechet_distance")}}};
    write_line_plot(out + "/pca_frechet.png", fid);
    fmt::print("run directory {}\n", out);
    return 0;
  });
}
