// Report 3, section 4: training a classifier on synthetic data. For each
// real fraction f (10 %, 20 %, ..., 100 %), LeNet is trained on --train-size
// images, f of them real MNIST training images and the rest conditional-GAN
// samples (with their labels), and scored on the real MNIST test set. Then
// one class alone at a lower real fraction (class 0 at 40 %, the others all
// real).
//
//   cgan --epochs 20 --samples 60000 --out runs/cgan
//   synthetic_training --samples runs/cgan/samples-images-idx3-ubyte
//       --labels runs/cgan/samples-labels-idx1-ubyte --out runs/synthetic
//
// Writes synthetic.csv (real_fraction, test_accuracy), synthetic.png and
// per_class.csv; prints a line per run.
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include <harness/flags.hpp>
#include <harness/run.hpp>
#include <ctnet/data/batcher.hpp>
#include <ctnet/data/mnist.hpp>
#include <ctnet/data/samples.hpp>
#include <ctnet/train/supervised.hpp>
#include <harness/csv_table.hpp>
#include <ctnet/train/optimizer.hpp>
#include <ctnet/zoo/report3_lenet.hpp>

using namespace ctnet;

namespace {

struct Options {
  std::size_t train_size = 60000, epochs = 5, batch = 64, cls = 0;
  double class_fraction = 0.4;
  std::uint64_t seed = 42;
  bool progress = true;
};

/// Appends images `idx` of `from` (with their labels) to `to`.
void append(Dataset& to, const Dataset& from, const std::vector<std::size_t>& idx) {
  const std::size_t s = from.sample_size();
  for (std::size_t i : idx) {
    to.images.insert(to.images.end(), from.images.begin() + static_cast<std::ptrdiff_t>(i * s),
                     from.images.begin() + static_cast<std::ptrdiff_t>((i + 1) * s));
    to.labels.push_back(from.labels[i]);
  }
  to.count = to.labels.size();
}

/// The first `count` indices of a seeded shuffle of `data` whose label passes `keep`.
template <class Keep>
std::vector<std::size_t> pick(const Dataset& data, std::size_t count, std::uint64_t seed, Keep keep) {
  std::vector<std::size_t> out;
  for (std::size_t i : Batcher::permutation(data.count, seed, 0)) {
    if (out.size() == count) break;
    if (keep(data.labels[i])) out.push_back(i);
  }
  if (out.size() < count)
    fail("needs {} images, the set holds {} of the kind asked for; generate more samples "
         "(cgan --samples N) or lower --train-size", count, out.size());
  return out;
}

Dataset empty_like(const Dataset& d) {
  Dataset e;
  e.height = d.height;
  e.width = d.width;
  e.channels = d.channels;
  return e;
}

double train_and_score(const Dataset& train, const Dataset& test, const Options& o) {
  using Net = zoo::report3::LeNet;
  auto net = Net::make(seed{o.seed});
  Adam opt;
  const History h = fit(net, opt, CategoricalCrossEntropy{}, train,
                        {.epochs = o.epochs, .batch = o.batch, .seed = o.seed, .validation = &test,
                         .progress = o.progress});
  return h.back()["val_accuracy"];
}

}  // namespace

int main(int argc, char** argv) {
  return run_main("synthetic_training", [&]() -> int {
    Flags flags(argc, argv, "Report 3: LeNet trained on real and conditional-GAN images.");
    const std::string samples = flags.str("samples", "", "generated images (IDX), e.g. runs/cgan/samples-images-idx3-ubyte");
    const std::string labels = flags.str("labels", "", "their labels (IDX), e.g. runs/cgan/samples-labels-idx1-ubyte");
    const std::string data = flags.str("data", "", "directory of MNIST's IDX files (default: data/mnist, $CTNET_DATA)");
    const std::string out = flags.str("out", "runs/synthetic", "run directory to write");
    const std::string fractions_text = flags.str("fractions", "0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1.0",
                                                 "real fractions, comma-separated");
    Options o;
    o.train_size = flags.u64("train-size", o.train_size, "training images per run (real + synthetic)", 10, 60'000);
    o.epochs = flags.u64("epochs", o.epochs, "LeNet's epochs per run", 1, 1'000'000);
    o.batch = flags.u64("batch", o.batch, "LeNet's batch size", 1, std::size_t{1} << 20);
    o.seed = flags.u64("seed", o.seed, "seed for the subsets, initialisation and shuffling");
    o.cls = flags.u64("class", o.cls, "the class trained at --class-fraction in the per-class run", 0, 9);
    o.class_fraction = flags.real("class-fraction", o.class_fraction, "real fraction of --class", {0.0, 1.0});
    o.progress = !flags.flag("quiet", "no progress line");
    if (flags.finish()) return 0;
    if (samples.empty() || labels.empty()) fail("--samples and --labels are required");
    std::vector<double> fractions;
    std::stringstream list(fractions_text);
    for (std::string item; std::getline(list, item, ',');) {
      std::size_t used = 0;
      double f = -1.0;
      try {
        f = std::stod(item, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != item.size() || !(f >= 0.0 && f <= 1.0))
        fail("--fractions expects numbers in [0, 1] separated by commas, got '{}'", fractions_text);
      fractions.push_back(f);
    }

    const std::string dir = find_dataset_dir("mnist", data);
    const Dataset real = load_mnist(dir, true, Scale::unit);
    const Dataset test = load_mnist(dir, false, Scale::unit);
    const Dataset fake = load_samples(samples, labels, 28, 28, 1, Scale::unit);
    prepare_run_dir(out);
    auto any = [](std::uint8_t) { return true; };

    CsvTable log(out + "/synthetic.csv", {"real_fraction", "real_images", "synthetic_images", "test_accuracy"});
    for (double f : fractions) {
      const std::size_t n_real = static_cast<std::size_t>(f * static_cast<double>(o.train_size) + 0.5);
      Dataset train = empty_like(real);
      append(train, real, pick(real, n_real, o.seed, any));
      append(train, fake, pick(fake, o.train_size - n_real, o.seed + 1, any));
      const double acc = train_and_score(train, test, o);
      fmt::print("real fraction {:.2f} ({} real, {} synthetic): test accuracy {:.4f}\n", f, n_real,
                 o.train_size - n_real, acc);
      std::fflush(stdout);
      log.add_row({f, static_cast<double>(n_real), static_cast<double>(o.train_size - n_real), acc});
    }
    LinePlot plot{"LeNet trained on real and conditional-GAN images", "real fraction",
                  "test accuracy", {}};
    plot.series.push_back(Series{"", log.column("real_fraction"),
                                 log.column("test_accuracy")});
    write_line_plot(out + "/synthetic.png", plot);

    // One class at a lower real fraction: its share of the training set as in
    // the real data, the rest of that share synthetic; other classes all real.
    {
      const auto real_idx = pick(real, o.train_size, o.seed, any);
      std::size_t in_class = 0;
      for (std::size_t i : real_idx) in_class += real.labels[i] == o.cls;
      const std::size_t keep = static_cast<std::size_t>(o.class_fraction * static_cast<double>(in_class) + 0.5);
      std::vector<std::size_t> chosen;
      std::size_t kept = 0;
      for (std::size_t i : real_idx)
        if (real.labels[i] != o.cls || kept++ < keep) chosen.push_back(i);
      Dataset train = empty_like(real);
      append(train, real, chosen);
      const auto c = static_cast<std::uint8_t>(o.cls);
      append(train, fake, pick(fake, in_class - keep, o.seed + 1, [c](std::uint8_t l) { return l == c; }));
      const double acc = train_and_score(train, test, o);
      fmt::print("class {} at real fraction {:.2f} ({} real, {} synthetic; other classes real): "
                 "test accuracy {:.4f}\n", o.cls, o.class_fraction, keep, in_class - keep, acc);
      CsvTable pc(out + "/per_class.csv", {"class", "real_fraction", "test_accuracy"});
      pc.add_row({static_cast<double>(o.cls), o.class_fraction, acc});
    }
    fmt::print("run directory {}\n", out);
    return 0;
  });
}
