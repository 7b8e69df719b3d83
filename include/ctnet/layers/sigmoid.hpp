#pragma once
#include <cmath>
#include <string>
#include <type_traits>

#include <ctnet/layers/elementwise.hpp>

namespace ctnet {

/// 1 / (1 + exp(-x)), element-wise; any shape. Keras: `activation="sigmoid"`.
struct Sigmoid : Elementwise<Sigmoid> {
  static constexpr const char* keras_class = "Activation";
  static constexpr const char* keras_name = "activation";
  static std::string name() { return "Sigmoid"; }
  static constexpr Derivative derivative = Derivative::of_output;
  static float f(float x) { return 1.0f / (1.0f + std::exp(-x)); }
  static float df(float y) { return y * (1.0f - y); }
};

/// Whether a network's last layer is a Sigmoid (a loss on probabilities is
/// then fused with it: the gradient at the logits is p - t).
template <class Net>
inline constexpr bool ends_with_sigmoid =
    std::is_same_v<typename Net::template spec_at<Net::depth - 1>, Sigmoid>;

}  // namespace ctnet
