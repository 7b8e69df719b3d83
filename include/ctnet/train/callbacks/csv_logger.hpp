#pragma once
#include <cstdio>
#include <string>

#include <fmt/format.h>

#include <ctnet/core/atomic_file.hpp>
#include <ctnet/core/error.hpp>
#include <ctnet/train/fit.hpp>

namespace ctnet {

/// Keras's CSVLogger: one row per epoch (epoch, the figures in the history's
/// order, seconds), appended and flushed as each epoch ends, so an interrupted
/// run keeps what it measured. At the start of a run the file is written anew
/// from the history (a resumed run's earlier epochs, nothing of a later one).
struct CsvLogger {
  std::string path{};

  static std::string header(const EpochLog& e) {
    std::string s = "epoch";
    for (const auto& [k, v] : e.values) s += "," + k;
    return s + ",seconds\n";
  }
  static std::string row(const EpochLog& e) {
    std::string s = fmt::format("{}", e.epoch);
    for (const auto& [k, v] : e.values) s += fmt::format(",{:.6g}", v);
    return s + fmt::format(",{:.6g}\n", e.seconds);
  }

  void on_train_begin(FitState& s) {
    if (!s.writes) return;  // not process 0 of a data-parallel run
    std::string text;
    if (!s.history.empty()) text = header(s.history.epochs.front());
    for (const auto& e : s.history.epochs) text += row(e);
    write_text_atomic(path, text);
  }
  void on_epoch_end(FitState& s, const EpochLog& log) {
    if (!s.writes) return;
    std::FILE* f = std::fopen(path.c_str(), "a");
    if (f == nullptr) fail("{}: cannot append to the metrics log", path);
    const std::string text = (s.history.epochs.size() == 1 ? header(log) : std::string()) + row(log);
    const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    if ((std::fclose(f) != 0) || !ok) fail("{}: cannot append to the metrics log", path);
  }
};

}  // namespace ctnet
