#pragma once
// ctnet::nice_ticks / ctnet::format_tick: axis tick positions on 1-2-5
// steps ("nice numbers", Heckbert 1990) and their labels, for the plots.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace ctnet {

/// Tick positions for an axis: `values` are the multiples of `step` inside
/// the closed range that nice_ticks was given, in increasing order.
struct AxisTicks {
  double step = 1.0;
  std::vector<double> values;
};

/// The 1, 2 or 5 x 10^k nearest to `raw` the way a reader rounds
/// (1.4 -> 1, 1.6 -> 2, 4 -> 5, 8 -> 10).
inline double nice_step(double raw) {
  if (!(raw > 0.0) || !std::isfinite(raw)) return 1.0;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / magnitude;
  const double nice = f < 1.5 ? 1.0 : f < 3.0 ? 2.0 : f < 7.0 ? 5.0 : 10.0;
  return nice * magnitude;
}

/// The most ticks, up to `target`, on a 1-2-5 step (..., 0.5, 1, 2, 5, 10,
/// ...) inside [lo, hi]; at least 2 when lo < hi, even if that exceeds a
/// target below 2. Needs lo < hi, both finite; otherwise returns the single
/// tick lo (or none if lo is not finite).
inline AxisTicks nice_ticks(double lo, double hi, std::size_t target = 6) {
  AxisTicks t;
  if (!std::isfinite(lo) || !std::isfinite(hi)) return t;
  if (!(hi > lo)) {
    t.values.push_back(lo);
    return t;
  }
  const auto count = [&](double step) {
    return std::floor(hi / step + 1e-9) - std::ceil(lo / step - 1e-9) + 1.0;
  };
  // Walk the 1-2-5 steps upwards from below range / target; the first that
  // gives at most `target` ticks wins, unless it gives only one: then the
  // step before it.
  const double goal = static_cast<double>(std::max<std::size_t>(target, 1));
  double exponent = std::floor(std::log10((hi - lo) / goal)) - 1.0;
  double previous = 0.0;
  t.step = 0.0;
  for (int guard = 0; guard < 8 && t.step == 0.0; ++guard, exponent += 1.0)
    for (double m : {1.0, 2.0, 5.0}) {
      const double step = m * std::pow(10.0, exponent);
      const double n = count(step);
      if (n <= goal) {
        t.step = (n >= 2.0 || previous == 0.0) ? step : previous;
        break;
      }
      previous = step;
    }
  if (t.step == 0.0) t.step = nice_step((hi - lo) / 2.0);  // unreachable in practice
  const double first = std::ceil(lo / t.step - 1e-9);
  const double last = std::floor(hi / t.step + 1e-9);
  for (double k = first; k <= last; k += 1.0) {
    double v = k * t.step;
    if (std::abs(v) < t.step * 1e-9) v = 0.0;  // no "-0" or "1e-17"
    t.values.push_back(v);
  }
  return t;
}

/// nice_ticks for an axis of whole numbers (epochs): a step of at least 1,
/// so no tick falls between two of them.
inline AxisTicks whole_ticks(double lo, double hi, std::size_t target = 6) {
  AxisTicks t = nice_ticks(lo, hi, target);
  if (t.step >= 1.0 || !std::isfinite(lo) || !std::isfinite(hi)) return t;
  t.step = 1.0;
  t.values.clear();
  for (double v = std::ceil(lo); v <= hi; v += 1.0) t.values.push_back(v);
  return t;
}

/// The label of tick value `v` on an axis with spacing `step` whose ticks
/// reach `axis_max` in absolute value (v itself by default): just enough
/// decimals to tell neighbouring ticks apart ("0.25", "10", "1500"), and
/// %g-style exponents when the axis reaches 1e6 or steps below 1e-4
/// ("2e+05", "1e+06"), for every tick of that axis alike.
inline std::string format_tick(double v, double step, double axis_max = 0.0) {
  if (v == 0.0) return "0";
  const double mag = std::max({std::abs(v), step, std::abs(axis_max)});
  if (mag >= 1e6 || step < 1e-4) return fmt::format("{:.3g}", v);
  const int decimals = std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9)));
  return fmt::format("{:.{}f}", v, decimals);
}

/// The labels of all of `ticks`, formatted alike (see format_tick).
inline std::vector<std::string> format_ticks(const AxisTicks& ticks) {
  double axis_max = 0.0;
  for (double v : ticks.values) axis_max = std::max(axis_max, std::abs(v));
  std::vector<std::string> labels;
  labels.reserve(ticks.values.size());
  for (double v : ticks.values) labels.push_back(format_tick(v, ticks.step, axis_max));
  return labels;
}

}  // namespace ctnet
