#pragma once
#include <algorithm>
#include <cmath>
#include <string>

#include <ctnet/layers/elementwise.hpp>

namespace ctnet {

/// log(1 + exp(x)), computed without overflow; any shape. Keras:
/// `activation="softplus"`. Its derivative sigmoid(x) = 1 - exp(-y) is written
/// in the output, so the layer works in place.
struct Softplus : Elementwise<Softplus> {
  static constexpr const char* keras_class = "Activation";
  static constexpr const char* keras_name = "activation";
  static std::string name() { return "Softplus"; }
  static constexpr Derivative derivative = Derivative::of_output;
  static float f(float x) { return std::max(x, 0.0f) + std::log1p(std::exp(-std::abs(x))); }
  static float df(float y) { return -std::expm1(-y); }
};

}  // namespace ctnet
