#pragma once
// The figures a training step reports, and their running means over an epoch.
#include <array>
#include <cstddef>
#include <initializer_list>
#include <string_view>

#include <ctnet/core/error.hpp>

namespace ctnet {

/// One figure of a step: its name ("loss", "accuracy", "d_loss"), its value
/// and its weight in the epoch's mean (the batch size for a per-sample mean,
/// 1 for a per-step mean, 0 when the step did not measure it).
struct Metric {
  std::string_view name;
  double value = 0.0, weight = 1.0;
};

/// The figures of one step, at most `capacity`, without allocation.
class Metrics {
 public:
  static constexpr std::size_t capacity = 8;
  Metrics() = default;
  Metrics(std::initializer_list<Metric> ms) {
    for (const auto& m : ms) add(m.name, m.value, m.weight);
  }
  void add(std::string_view name, double value, double weight = 1.0) {
    if (size_ == capacity) fail("a step reports more than {} metrics", capacity);
    items_[size_++] = {name, value, weight};
  }
  std::size_t size() const { return size_; }
  const Metric* begin() const { return items_.data(); }
  const Metric* end() const { return items_.data() + size_; }
  const Metric& operator[](std::size_t i) const { return items_[i]; }
  /// A figure by name; a missing one is an error naming it.
  double value(std::string_view name) const {
    for (const auto& m : *this)
      if (m.name == name) return m.value;
    fail("no figure named '{}'", name);
  }

 private:
  std::array<Metric, capacity> items_{};
  std::size_t size_ = 0;
};

/// Weighted running means of a step's figures over an epoch.
class RunningMeans {
 public:
  void reset() { size_ = 0; }
  void add(const Metrics& m) {
    if (size_ == 0) {
      size_ = m.size();
      for (std::size_t i = 0; i < size_; ++i) names_[i] = m[i].name, sums_[i] = weights_[i] = 0.0;
    }
    for (std::size_t i = 0; i < size_ && i < m.size(); ++i) {
      sums_[i] += m[i].value * m[i].weight;
      weights_[i] += m[i].weight;
    }
  }
  /// The means so far (a figure never measured is 0).
  Metrics means() const {
    Metrics out;
    for (std::size_t i = 0; i < size_; ++i)
      out.add(names_[i], weights_[i] > 0.0 ? sums_[i] / weights_[i] : 0.0);
    return out;
  }

 private:
  std::array<std::string_view, Metrics::capacity> names_{};
  std::array<double, Metrics::capacity> sums_{}, weights_{};
  std::size_t size_ = 0;
};

}  // namespace ctnet
