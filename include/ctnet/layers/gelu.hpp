#pragma once
#include <cmath>
#include <numbers>
#include <string>

#include <ctnet/layers/elementwise.hpp>

namespace ctnet {

/// x Φ(x), Φ the standard normal CDF (the exact form, Keras's default
/// `approximate=False`); any shape. Keras: `activation="gelu"`. Its derivative
/// Φ(x) + x φ(x) is written in the input, so the layer keeps it (or the Dense
/// or Conv it is fused into keeps its pre-activation values).
struct GELU : Elementwise<GELU> {
  static constexpr const char* keras_class = "Activation";
  static constexpr const char* keras_name = "activation";
  static std::string name() { return "GELU"; }
  static constexpr Derivative derivative = Derivative::of_input;
  static float f(float x) { return 0.5f * x * (1.0f + std::erf(x * std::numbers::sqrt2_v<float> / 2)); }
  static float df(float x) {
    const float cdf = 0.5f * (1.0f + std::erf(x * std::numbers::sqrt2_v<float> / 2));
    const float pdf = std::exp(-0.5f * x * x) * std::numbers::inv_sqrtpi_v<float> /
                      std::numbers::sqrt2_v<float>;
    return cdf + x * pdf;
  }
};

}  // namespace ctnet
