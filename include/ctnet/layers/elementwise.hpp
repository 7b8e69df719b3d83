#pragma once
// The shared body of element-wise activation layers. An activation names its
// function `f`, the derivative `df` and what `df` is written in
// (`derivative`): of the output y, and the layer works in place and backward
// reads y; of the input x, and the layer writes a buffer of its own and
// backward reads x. Either kind fuses into the pass over a preceding Dense's,
// Conv's or BatchNorm's output (model/plan.hpp, layers/epilogue.hpp).
#include <cstddef>
#include <string>

#include <ctnet/core/layer.hpp>

namespace ctnet {

/// CRTP base: `struct ReLU : Elementwise<ReLU> { f, df, derivative, names }`.
template <class A>
struct Elementwise {
  template <class In>
  using check = why::accepted;

  template <class In>
  struct layer : LayerBase<In, In> {
    static constexpr bool of_output = A::derivative == Derivative::of_output;
    static constexpr Storage storage = of_output ? Storage::in_place : Storage::own;
    static constexpr bool needs_output = of_output;

    // y = f(x); x and y may be the same buffer.
    template <class = NoActivation>
    void forward(const float* x, float* y, std::size_t n, Pass&) {
      const std::size_t total = n * In::size;
      for (std::size_t i = 0; i < total; ++i) y[i] = A::f(x[i]);
    }
    // dx = dy * f'(y or x); dx and dy may be the same buffer.
    template <class = NoActivation>
    void backward(const float* x, const float* y, float* dy, float* dx, std::size_t n) {
      if (dx == nullptr) return;
      const std::size_t total = n * In::size;
      const float* v = of_output ? y : x;
      for (std::size_t i = 0; i < total; ++i) dx[i] = dy[i] * A::df(v[i]);
    }
  };
};

}  // namespace ctnet
