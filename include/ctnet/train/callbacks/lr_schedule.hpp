#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include <ctnet/store/checkpoint.hpp>
#include <ctnet/train/fit.hpp>

namespace ctnet {

/// Keras's LearningRateScheduler: at the start of every epoch, sets each
/// optimizer's learning rate to its rate at the start of training times
/// `factor(epoch)` (epoch from 0). A schedule depends only on the epoch, so a
/// resumed run follows it exactly.
struct LearningRateScheduler {
  std::function<double(std::size_t epoch)> factor{};
  std::vector<float> base{};

  void on_train_begin(FitState& s) {
    // a second fit with the same schedule keeps the first's rates; a resumed
    // one the rates of the run it resumes (load, before this)
    if (!base.empty()) return;
    for (const float* lr : s.learning_rates) base.push_back(*lr);
  }
  /// The rates at the start of training, in the resume record: a resumed run
  /// decays from them, not from the rates the record was written with.
  void save(CheckpointWriter& w) const {
    for (std::size_t i = 0; i < base.size(); ++i)
      w.set(fmt::format("lr_schedule.base.{}", i), fmt::format("{}", base[i]));
  }
  void load(const CheckpointReader& r) {
    std::vector<float> loaded;
    for (std::size_t i = 0;; ++i) {
      const std::string key = fmt::format("lr_schedule.base.{}", i);
      if (r.get(key).empty()) break;
      loaded.push_back(static_cast<float>(r.number(key)));
    }
    if (!loaded.empty()) base = std::move(loaded);
  }
  void on_epoch_begin(FitState& s) {
    const double f = factor(s.epoch);
    for (std::size_t i = 0; i < s.learning_rates.size(); ++i)
      *s.learning_rates[i] = static_cast<float>(base[i] * f);
  }
};

/// Multiplies the rate by `gamma` every `every` epochs (PyTorch's StepLR).
inline LearningRateScheduler step_decay(std::size_t every, double gamma) {
  if (every == 0) fail("step_decay: every must be at least 1 epoch");
  return {[=](std::size_t e) { return std::pow(gamma, static_cast<double>(e / every)); }};
}
/// Multiplies the rate by `gamma` every epoch (ExponentialLR).
inline LearningRateScheduler exponential_decay(double gamma) {
  return {[=](std::size_t e) { return std::pow(gamma, static_cast<double>(e)); }};
}
/// Half a cosine from the rate down to `floor` times it over `epochs` epochs
/// (CosineAnnealingLR, per epoch).
inline LearningRateScheduler cosine_decay(std::size_t epochs, double floor = 0.0) {
  return {[=](std::size_t e) {
    const double t = epochs > 1 ? static_cast<double>(std::min(e, epochs - 1)) / static_cast<double>(epochs - 1) : 1.0;
    return floor + (1.0 - floor) * 0.5 * (1.0 + std::cos(std::numbers::pi * t));
  }};
}

}  // namespace ctnet
