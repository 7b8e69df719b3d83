#pragma once
#include <string>

#include <ctnet/layers/elementwise.hpp>

namespace ctnet {

/// max(x, 0), element-wise; any shape. Keras: `layers.ReLU()` or `activation="relu"`.
struct ReLU : Elementwise<ReLU> {
  static constexpr const char* keras_class = "ReLU";
  static constexpr const char* keras_name = "re_lu";
  static std::string name() { return "ReLU"; }
  static constexpr Derivative derivative = Derivative::of_output;
  static float f(float x) { return x > 0.0f ? x : 0.0f; }
  static float df(float y) { return y > 0.0f ? 1.0f : 0.0f; }
};

}  // namespace ctnet
