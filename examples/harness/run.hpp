#pragma once
// What every example program shares: the common flags, the run directory,
// error reporting at the top level, the engine's options and the plots of a
// training history.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include <ctnet/core/atomic_file.hpp>
#include <ctnet/core/error.hpp>
#include <ctnet/core/layer.hpp>
#include <ctnet/core/parallel.hpp>
#include <ctnet/data/cifar10.hpp>
#ifdef CTNET_HAS_MPI
#include <ctnet/mpi/world.hpp>
#endif
#include <ctnet/data/mnist.hpp>
#include <ctnet/plot/line_plot.hpp>
#include <ctnet/train/fit.hpp>
#include <ctnet/train/history.hpp>
#include <ctnet/version.hpp>
#include <harness/flags.hpp>

namespace ctnet {

/// The learning rates the examples accept: Adam diverges long before 1.
inline constexpr Flags::Interval learning_rates{0.0, 1.0, true, false};
/// The most samples an example writes at the end (`--samples`): 100,000 of
/// CIFAR-10's size are 1.2 GB of floats.
inline constexpr std::uint64_t max_samples = 100'000;

/// `--init`: the kernels' (and, for pytorch, the biases') initialiser.
inline Init init_option(Flags& flags, Init fallback) {
  static const std::vector<std::pair<std::string, Init>> inits{
      {"glorot", Init::glorot_uniform}, {"he", Init::he_normal}, {"normal", Init::normal_002}, {"pytorch", Init::pytorch}};
  std::vector<std::string> names;
  std::string chosen;
  for (const auto& [name, init] : inits) {
    names.push_back(name);
    if (init == fallback) chosen = name;
  }
  const std::string v = flags.choice("init", names, chosen,
                                     "initialiser: glorot-uniform (Keras), he-normal, N(0, 0.02) (DCGAN), or "
                                     "PyTorch's default (kernels and biases U(+-1/sqrt(fan_in)))");
  for (const auto& [name, init] : inits)
    if (name == v) return init;
  return fallback;
}

/// The processes of this run: MPI's when a launcher started it (`mpirun -np
/// N program ...`: data parallelism), else none (one process trains alone).
inline Collective* processes() {
#ifdef CTNET_HAS_MPI
  static const std::unique_ptr<mpi::World> world = launched_in_parallel() ? std::make_unique<mpi::World>() : nullptr;
  return world.get();
#else
  if (launched_in_parallel())
    fail("this program was built without MPI (libopenmpi-dev), so it cannot train data-parallel under mpirun");
  return nullptr;
#endif
}

/// The flags every ctnet example takes.
struct CommonOptions {
  std::size_t epochs = 1, batch = 32;
  std::uint64_t seed = 42;
  std::string data, out, dataset;
  bool resume = false, progress = true;
  bool sync_batch_norm = false;  ///< under mpirun: BatchNorm over the global batch
  /// The processes that train together (`processes()`), none for one.
  Collective* group = nullptr;
  /// Whether this process prints and writes the run directory (process 0).
  bool leads() const { return group == nullptr || group->leads(); }
};

/// The data sets of 28x28 grey images; the programs whose models also take
/// CIFAR-10's 32x32 colour images add "cifar10".
inline const std::vector<std::string> grey_datasets{"mnist", "fashion"};

inline CommonOptions common_options(Flags& flags, std::size_t epochs, std::size_t batch,
                                    const std::string& out, const std::string& dataset = "mnist",
                                    const std::vector<std::string>& datasets = grey_datasets) {
  CommonOptions o;
  o.epochs = flags.u64("epochs", epochs, "number of epochs", 1, 1'000'000);
  o.batch = flags.u64("batch", batch, "mini-batch size", 1, std::size_t{1} << 20);
  o.seed = flags.u64("seed", 42, "seed for initialisation, shuffling and dropout");
  o.dataset = flags.choice("dataset", datasets, dataset, "data set");
  o.data = flags.str("data", "", "directory of the data set's IDX files (default: data/mnist, $CTNET_DATA)");
  o.out = flags.str("out", out, "run directory to write");
  o.resume = flags.flag("resume", "continue from the run directory's checkpoint");
  o.progress = !flags.flag("quiet", "no progress line");
  o.sync_batch_norm = flags.flag("sync-batch-norm",
                                 "under mpirun: BatchNorm's statistics over the global batch (default: each "
                                 "process's share)");
  o.group = processes();
  return o;
}

/// Creates the run directory (and parents).
inline void prepare_run_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) fail("{}: cannot create the run directory: {}", dir, ec.message());
}
/// Creates a run's directory, in process 0 only.
inline void prepare_run_dir(const CommonOptions& c) {
  if (c.leads()) prepare_run_dir(c.out);
}

/// Writes the run directory's summary.txt: the networks' summaries (`text`)
/// and the version of ctnet that trained them.
inline void write_summary(const CommonOptions& c, const std::string& text) {
  write_text_atomic(c.out + "/summary.txt", fmt::format("{}\ntrained with ctnet {}\n", text, version));
}

/// The run's first line on stdout (process 0): `what`, and the threads
/// (and processes) that train.
inline void print_start(const CommonOptions& c, const std::string& what) {
  if (!c.leads()) return;
  if (c.group && c.group->size() > 1)
    fmt::print("{}, {} processes of {} threads\n", what, c.group->size(), ThreadPool::instance().size());
  else
    fmt::print("{}, {} threads\n", what, ThreadPool::instance().size());
  std::fflush(stdout);
}

/// The engine's options for a run of the common flags: the run directory's
/// checkpoint is the resume record.
inline FitOptions fit_options(const CommonOptions& c, const std::string& checkpoint = "checkpoint.safetensors") {
  FitOptions f;
  f.epochs = c.epochs;
  f.batch = c.batch;
  f.seed = c.seed;
  f.progress = c.progress;
  f.backup = c.out + "/" + checkpoint;
  f.resume = c.resume;
  f.collective = c.group;
  f.sync_batch_norm = c.sync_batch_norm;
  return f;
}

/// A plot of some figures of a training history against the epoch.
inline void plot_history(const History& history, const std::string& png, const std::string& title,
                         const std::string& ylabel,
                         const std::vector<std::pair<std::string, std::string>>& columns) {
  LinePlot plot{title, "epoch", ylabel, {}, true};
  const auto epochs = history.column("epoch");
  for (const auto& [column, label] : columns)
    plot.series.push_back(Series{label, epochs, history.column(column)});
  write_line_plot(png, plot);
}

/// Runs a program's body, turning any error into one line on stderr and exit
/// status 1 (2 for a bad flag or argument). In a data-parallel run the line
/// names the process, and the error ends every process at once.
template <class Body>
int run_main(const char* program, Body&& body) {
  try {
    return body();
  } catch (const std::exception& e) {  // ctnet::Error and the standard library's
    Collective* group = nullptr;
    try {
      group = processes();
    } catch (const std::exception&) {
    }
    if (group && group->size() > 1) {
      fmt::print(stderr, "{}: rank {} of {}: error: {}\n", program, group->rank(), group->size(), e.what());
      std::fflush(stderr);
      group->abort(1);
    }
    fmt::print(stderr, "{}: error: {}\n", program, e.what());
    return 1;
  }
}

/// Loads the training (or test) images the example asked for (`--dataset`,
/// `--data`): MNIST or Fashion-MNIST from their usual places, CIFAR-10 from
/// --data; with `limit` > 0 only the first `limit` images.
inline Dataset load_images(const CommonOptions& c, bool train, Scale scale, std::size_t limit = 0) {
  if (c.dataset == "cifar10") {
    if (c.data.empty())
      fail("--dataset cifar10 needs --data DIR, a directory holding CIFAR-10's binary batches "
           "(data_batch_1.bin ... data_batch_5.bin, test_batch.bin)");
    Dataset all = load_cifar10(c.data, train, scale);
    return limit > 0 && limit < all.count ? subset(all, 0, limit) : all;
  }
  return load_mnist(find_dataset_dir(c.dataset, c.data), train, scale, limit);
}

}  // namespace ctnet
