#pragma once
#include <string>

#include <fmt/format.h>

#include <ctnet/layers/elementwise.hpp>

namespace ctnet {

/// x for x > 0, alpha * x otherwise; any shape. Keras: `layers.LeakyReLU(alpha)`,
/// whose default alpha is 0.3. Requires alpha > 0 so the derivative can be read
/// off the output's sign.
template <float Alpha = 0.3f>
struct LeakyReLU : Elementwise<LeakyReLU<Alpha>> {
  static_assert(Alpha > 0.0f, "LeakyReLU needs a positive alpha");
  static constexpr const char* keras_class = "LeakyReLU";
  static constexpr const char* keras_name = "leaky_re_lu";
  // {:f}: six decimals ("0.400000"), as the model signatures in checkpoints have them.
  static std::string name() { return fmt::format("LeakyReLU<{:f}>", Alpha); }
  static constexpr Derivative derivative = Derivative::of_output;
  static float f(float x) { return x > 0.0f ? x : Alpha * x; }
  static float df(float y) { return y > 0.0f ? 1.0f : Alpha; }
};

}  // namespace ctnet
