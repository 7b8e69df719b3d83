#pragma once
#include <ctnet/loss/pointwise.hpp>

namespace ctnet {

/// Mean of (y - t)^2 over every output value; gradient 2 (y - t) / N. Keras:
/// `mean_squared_error` (a per-sample mean, then the batch mean: the same number).
struct MeanSquaredError : PointwiseLoss<MeanSquaredError> {
  static constexpr const char* name = "mean_squared_error";
  static double f(float d) { return static_cast<double>(d) * d; }
  static float df(float d) { return 2.0f * d; }
};

}  // namespace ctnet
