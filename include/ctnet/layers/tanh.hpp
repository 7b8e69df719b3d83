#pragma once
#include <cmath>
#include <string>

#include <ctnet/layers/elementwise.hpp>

namespace ctnet {

/// tanh(x), element-wise; any shape. Keras: `activation="tanh"`.
struct Tanh : Elementwise<Tanh> {
  static constexpr const char* keras_class = "Activation";
  static constexpr const char* keras_name = "activation";
  static std::string name() { return "Tanh"; }
  static constexpr Derivative derivative = Derivative::of_output;
  static float f(float x) { return std::tanh(x); }
  static float df(float y) { return 1.0f - y * y; }
};

}  // namespace ctnet
