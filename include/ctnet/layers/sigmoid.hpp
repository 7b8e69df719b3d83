#pragma once
#include <cmath>
#include <string>

#include <ctnet/layers/elementwise.hpp>

namespace ctnet {

/// 1 / (1 + exp(-x)), element-wise; any shape. Keras: `activation="sigmoid"`.
struct Sigmoid : Elementwise<Sigmoid> {
  static constexpr const char* keras_class = "Activation";
  static constexpr const char* keras_name = "activation";
  static std::string name() { return "Sigmoid"; }
  static float f(float x) { return 1.0f / (1.0f + std::exp(-x)); }
  static float df(float y) { return y * (1.0f - y); }
};

}  // namespace ctnet
