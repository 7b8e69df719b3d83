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
/// better unless `mode_max`). Load it with CheckpointReader::load_model under
/// the step's names ("model"; "generator", "discriminator"; "encoder", "decoder").
struct ModelCheckpoint {
  std::string path{};
  std::string monitor = "val_loss";
  bool save_best_only = false;
  bool mode_max = false;
  double best = std::numeric_limits<double>::quiet_NaN();

  void on_epoch_end(FitState& s, const EpochLog& log) {
    if (save_best_only) {
      const double v = log[monitor];
      const bool better = best != best || (mode_max ? v > best : v < best);  // NaN: nothing yet
      if (!better) return;
      best = v;
    }
    CheckpointWriter w;
    s.add_networks(w);
    w.set("epoch", fmt::format("{}", log.epoch));
    if (save_best_only) w.set(monitor, fmt::format("{}", best));
    w.write(path);
  }
  void save(CheckpointWriter& w) const {
    if (save_best_only) w.set("model_checkpoint.best." + path, fmt::format("{}", best));
  }
  void load(const CheckpointReader& r) {
    const std::string v = r.get("model_checkpoint.best." + path);
    if (!v.empty()) best = std::stod(v);
  }
};

}  // namespace ctnet
