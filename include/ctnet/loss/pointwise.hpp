#pragma once
#include <cstddef>
#include <span>

namespace ctnet {

/// A loss that is the mean of `Derived::f(y - t)` over every output value,
/// gradient `Derived::df(y - t) / N`. It fuses with no activation: after a
/// final Sigmoid or Tanh the gradient goes back through it. Targets are
/// tensors of the output's shape.
template <class Derived>
struct PointwiseLoss {
  using target = float;
  template <class>
  static constexpr bool fuses = false;
  template <class>
  static constexpr bool accepts = true;

  template <bool>
  static double value(std::span<const float> y, std::span<const float> t, std::size_t n,
                      std::size_t k, std::span<float> dy) {
    const std::size_t count = n * k;
    const float inv = 1.0f / static_cast<float>(count);
    double loss = 0.0;
    for (std::size_t i = 0; i < count; ++i) {
      const float d = y[i] - t[i];
      loss += Derived::f(d);
      dy[i] = Derived::df(d) * inv;
    }
    return loss / static_cast<double>(count);
  }
};

}  // namespace ctnet
