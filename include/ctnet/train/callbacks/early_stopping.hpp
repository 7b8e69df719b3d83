#pragma once
#include <cstddef>
#include <limits>
#include <string>

#include <ctnet/store/checkpoint.hpp>
#include <ctnet/train/fit.hpp>

namespace ctnet {

/// Keras's EarlyStopping(monitor, min_delta, patience): stops training when
/// the monitored figure has not improved on the best by more than `min_delta`
/// for more than `patience` epochs. Lower is better unless `mode_max` (an
/// accuracy). Its state is kept in the resume record. A figure the run will
/// not have (val_loss without validation data) is an error before training.
struct EarlyStopping {
  std::string monitor = "val_loss";
  double min_delta = 0.0;
  std::size_t patience = 0;
  bool mode_max = false;
  double best = std::numeric_limits<double>::infinity();  ///< of the figure, negated in max mode
  std::size_t wait = 0;

  void on_train_begin(FitState& s) { require_figure(s, monitor, "EarlyStopping"); }
  /// Records an epoch's figure; true when training should stop.
  bool update(double figure, std::size_t epoch_index) {
    const double value = mode_max ? -figure : figure;
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
    best = r.number("early_stopping.best");
    wait = r.count("early_stopping.wait");
  }
};

}  // namespace ctnet
