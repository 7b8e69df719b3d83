#pragma once
#include <cmath>
#include <string>

#include <fmt/format.h>

#include <ctnet/layers/elementwise.hpp>

namespace ctnet {

/// x for x > 0, alpha * (exp(x) - 1) otherwise; any shape. Keras:
/// `layers.ELU(alpha)` or `activation="elu"` (alpha 1). The derivative is read
/// off the output (y > 0 ? 1 : y + alpha), so the layer works in place and
/// fuses into a preceding Dense, Conv2D or BatchNorm; requires alpha > 0.
template <float Alpha = 1.0f>
struct ELU : Elementwise<ELU<Alpha>> {
  static_assert(Alpha > 0.0f, "ELU needs a positive alpha");
  static constexpr const char* keras_class = "ELU";
  static constexpr const char* keras_name = "elu";
  // {:f}: six decimals ("0.400000"), as the model signatures in checkpoints have them.
  static std::string name() { return fmt::format("ELU<{:f}>", Alpha); }
  static constexpr Derivative derivative = Derivative::of_output;
  static float f(float x) { return x > 0.0f ? x : Alpha * std::expm1(x); }
  static float df(float y) { return y > 0.0f ? 1.0f : y + Alpha; }
};

}  // namespace ctnet
