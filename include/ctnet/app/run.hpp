#pragma once
// What every example program shares: the common flags, the run directory,
// error reporting at the top level, and the standard plots of a metrics log.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <ctnet/app/flags.hpp>
#include <ctnet/core/error.hpp>
#include <ctnet/io/line_plot.hpp>
#include <ctnet/train/metrics_log.hpp>

namespace ctnet {

/// The flags every ctnet example takes.
struct CommonOptions {
  std::size_t epochs = 1, batch = 32;
  std::uint64_t seed = 42;
  std::string data, out, dataset;
  bool resume = false, progress = true;
};

inline CommonOptions common_options(Flags& flags, std::size_t epochs, std::size_t batch,
                                    const std::string& out) {
  CommonOptions o;
  o.epochs = flags.u64("epochs", epochs, "number of epochs", 1);
  o.batch = flags.u64("batch", batch, "mini-batch size", 1);
  o.seed = flags.u64("seed", 42, "seed for initialisation, shuffling and dropout");
  o.dataset = flags.choice("dataset", {"mnist", "fashion", "cifar10"}, "mnist", "data set");
  o.data = flags.str("data", "", "directory of the data set's IDX files (default: data/mnist, $CTNET_DATA)");
  o.out = flags.str("out", out, "run directory to write");
  o.resume = flags.flag("resume", "continue from the run directory's checkpoint");
  o.progress = !flags.flag("quiet", "no progress line");
  return o;
}

/// Creates the run directory (and parents).
inline void prepare_run_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Error(dir + ": cannot create the run directory: " + ec.message());
}

/// Writes a text file through a temporary name, so it is whole or absent.
inline void write_text_file(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    if (!out) throw Error(path + ": cannot write");
  }
  std::filesystem::rename(tmp, path);
}

/// A plot of some columns of a metrics log against its epoch column.
inline void plot_columns(const std::string& metrics_csv, const std::string& png,
                         const std::string& title, const std::string& ylabel,
                         const std::vector<std::pair<std::string, std::string>>& columns) {
  LinePlot plot{title, "epoch", ylabel, {}};
  const auto epochs = MetricsLog::read_column(metrics_csv, "epoch");
  for (const auto& [column, label] : columns)
    plot.series.push_back(Series{label, epochs, MetricsLog::read_column(metrics_csv, column)});
  write_line_plot(png, plot);
}

/// Runs a program's body, turning any error into one line on stderr and exit
/// status 1 (2 for a bad flag or argument).
template <class Body>
int run_main(const char* program, Body&& body) {
  try {
    return body();
  } catch (const Error& e) {
    std::fprintf(stderr, "%s: error: %s\n", program, e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: error: %s\n", program, e.what());
    return 1;
  }
}

}  // namespace ctnet
