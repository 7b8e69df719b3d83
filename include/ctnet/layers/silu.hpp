#pragma once
#include <cmath>
#include <string>

#include <ctnet/layers/elementwise.hpp>

namespace ctnet {

/// x sigmoid(x) (swish); any shape. Keras: `activation="silu"`. Its
/// derivative s (1 + x (1 - s)), s = sigmoid(x), is written in the input.
struct SiLU : Elementwise<SiLU> {
  static constexpr const char* keras_class = "Activation";
  static constexpr const char* keras_name = "activation";
  static std::string name() { return "SiLU"; }
  static constexpr Derivative derivative = Derivative::of_input;
  static float f(float x) { return x / (1.0f + std::exp(-x)); }
  static float df(float x) {
    const float s = 1.0f / (1.0f + std::exp(-x));
    return s * (1.0f + x * (1.0f - s));
  }
};

}  // namespace ctnet
