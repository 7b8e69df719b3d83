#pragma once
#include <cstddef>
#include <limits>
#include <string>

#include <ctnet/store/checkpoint.hpp>
#include <ctnet/train/fit.hpp>

namespace ctnet {

/// Keras's ModelCheckpoint: after every epoch writes the networks to `path`
/// (atomically: a run killed at any moment leaves the previous file whole);
/// with `save_best_only`, only when the monitored figure improved (lower is
/// better unless `mode_max`; a NaN never is). Load it with
/// CheckpointReader::load_model under the step's names ("model"; "generator",
/// "discriminator"; "encoder", "decoder").
struct ModelCheckpoint {
  std::string path{};
  std::string monitor = "val_loss";
  bool save_best_only = false;
  bool mode_max = false;
  double best = std::numeric_limits<double>::infinity();  ///< of the figure, negated in max mode

  void on_train_begin(FitState& s) {
    if (save_best_only) require_figure(s, monitor, "ModelCheckpoint");
  }
  void on_epoch_end(FitState& s, const EpochLog& log) {
    if (save_best_only) {
      const double v = mode_max ? -log[monitor] : log[monitor];
      if (!(v < best)) return;  // also when v is NaN
      best = v;
    }
    if (!s.writes) return;  // not process 0 of a data-parallel run
    CheckpointWriter w;
    s.add_networks(w);
    w.set("epoch", fmt::format("{}", log.epoch));
    if (save_best_only) w.set(monitor, fmt::format("{}", log[monitor]));
    w.write(path);
  }
  void save(CheckpointWriter& w) const {
    if (save_best_only) w.set("model_checkpoint.best." + path, fmt::format("{}", best));
  }
  void load(const CheckpointReader& r) {
    const std::string v = r.get("model_checkpoint.best." + path);
    if (!v.empty()) best = r.number("model_checkpoint.best." + path);
  }
};

}  // namespace ctnet
