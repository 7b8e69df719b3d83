#pragma once
// Telling a run that diverges, before or when its figures stop being numbers:
// where the first non-finite parameter or gradient is, and a loss that has
// grown to several times its start (a learning rate far too high trains on
// with finite, useless weights: Adam at 1e6 ended at loss 12-14, exit 0).
#include <cmath>
#include <cstddef>
#include <string>

#include <fmt/format.h>

#include <ctnet/core/layer.hpp>
#include <ctnet/model/summary.hpp>
#include <ctnet/train/metrics.hpp>

namespace ctnet {

/// "<prefix>/<layer>/<role> value" or "... gradient" for the first parameter
/// of `net` (forward order; a composite's parts in turn) holding a NaN or an
/// infinity in its values or its gradient; "" when all are finite.
template <class Net>
std::string first_non_finite(Net& net, const std::string& prefix) {
  std::string found;
  if constexpr (requires { typename Net::parts; }) {
    net.visit_parts([&](const char* part, auto& p) {
      if (found.empty()) found = first_non_finite(p, prefix + "." + part);
    });
  } else {
    const auto names = layer_names<Net>();
    const auto finite = [](std::span<const float> v) {
      for (float x : v)
        if (!std::isfinite(x)) return false;
      return true;
    };
    net.visit_params_indexed([&](std::size_t layer, const ParamRef& p) {
      if (!found.empty()) return;
      const bool value_ok = finite(p.value);
      if (value_ok && finite(p.grad)) return;
      found = fmt::format("{}/{}/{} {}", prefix, names[layer], p.role, value_ok ? "gradient" : "value");
    });
  }
  return found;
}

/// Watches the figure named "loss" (supervised and VAE steps; a GAN's losses
/// rise and fall by design and are not watched): the run has diverged when
/// the mean of the latest `window` steps exceeds `factor` times the mean of
/// the first `window` (4 and 100 steps: a learning run never comes near).
class LossWatch {
 public:
  explicit LossWatch(double factor = 4.0, std::size_t window = 100) : factor_(factor), window_(window) {}

  /// Takes a step's figures; returns a message when the loss has diverged.
  std::string add(const Metrics& m) {
    for (const auto& x : m) {
      if (x.name != std::string_view("loss")) continue;
      if (first_n_ < window_) {
        first_ += x.value;
        ++first_n_;
        return {};
      }
      recent_ += x.value;
      if (++recent_n_ < window_) return {};
      const double start = first_ / static_cast<double>(window_), now = recent_ / static_cast<double>(window_);
      recent_ = 0.0;
      recent_n_ = 0;
      if (start > 0.0 && now > factor_ * start)
        return fmt::format("the loss's mean over the last {} steps, {:.4g}, is over {:g} times its mean "
                           "over the first {}, {:.4g}; lower the learning rate",
                           window_, now, factor_, window_, start);
    }
    return {};
  }

 private:
  double factor_;
  std::size_t window_;
  double first_ = 0.0, recent_ = 0.0;
  std::size_t first_n_ = 0, recent_n_ = 0;
};

}  // namespace ctnet
