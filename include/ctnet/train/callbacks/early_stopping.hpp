#pragma once
#include <cstddef>
#include <limits>
#include <string>

#include <ctnet/store/checkpoint.hpp>
#include <ctnet/train/fit.hpp>

namespace ctnet {

/// Keras's EarlyStopping(monitor, min_delta, patience): stops training when
/// the monitored figure (lower is better) has not improved on the best by more
/// than `min_delta` for more than `patience` epochs. Its state is kept in the
/// resume record.
struct EarlyStopping {
  std::string monitor = "val_loss";
  double min_delta = 0.01;
  std::size_t patience = 0;
  double best = std::numeric_limits<double>::infinity();
  std::size_t wait = 0;

  /// Records an epoch's figure; true when training should stop.
  bool update(double value, std::size_t epoch_index) {
    ++wait;
    if (best - value > min_delta) {
      best = value;
      wait = 0;
    }
    return wait > patience && epoch_index > 0;
  }
  void on_epoch_end(FitState& s, const EpochLog& log) {
    if (update(log[monitor], s.epoch)) s.stop = true;
  }
  void save(CheckpointWriter& w) const {
    w.set("early_stopping.best", fmt::format("{}", best));
    w.set("early_stopping.wait", fmt::format("{}", wait));
  }
  void load(const CheckpointReader& r) {
    if (r.get("early_stopping.best").empty()) return;  // a record written without early stopping
    best = std::stod(r.get("early_stopping.best"));
    wait = std::stoull(r.get("early_stopping.wait"));
  }
};

}  // namespace ctnet
