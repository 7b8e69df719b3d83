#pragma once
#include <cmath>

#include <ctnet/loss/pointwise.hpp>

namespace ctnet {

/// Mean of |y - t| over every output value; gradient sign(y - t) / N (0 at
/// y = t). Keras: `mean_absolute_error`.
struct MeanAbsoluteError : PointwiseLoss<MeanAbsoluteError> {
  static constexpr const char* name = "mean_absolute_error";
  static double f(float d) { return std::abs(static_cast<double>(d)); }
  static float df(float d) { return d > 0.0f ? 1.0f : d < 0.0f ? -1.0f : 0.0f; }
};

}  // namespace ctnet
