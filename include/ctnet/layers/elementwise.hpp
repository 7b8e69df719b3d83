#pragma once
// The shared body of element-wise activation layers. An activation names its
// function `f` and the derivative `df` in terms of the output y, so backward
// needs only the output and the layer can work in place; the model fuses it
// into the pass over a preceding GEMM's output when the list allows.
#include <cstddef>
#include <string>

#include <ctnet/core/layer.hpp>

namespace ctnet {

/// CRTP base: `struct ReLU : Elementwise<ReLU> { f, df, names }`.
template <class A>
struct Elementwise {
  template <class In>
  using check = why::accepted;

  template <class In>
  struct layer : Parameterless {
    using input = In;
    using output = In;
    static constexpr Storage storage = Storage::in_place;
    static constexpr bool needs_output = true;


    // y = f(x); x and y may be the same buffer.
    template <class = NoActivation>
    void forward(const float* x, float* y, std::size_t n, Pass&) {
      const std::size_t total = n * In::size;
      for (std::size_t i = 0; i < total; ++i) y[i] = A::f(x[i]);
    }
    // dx = dy * f'(x), with f' written through y; dx and dy may be the same buffer.
    template <class = NoActivation>
    void backward(const float*, const float* y, float* dy, float* dx, std::size_t n) {
      if (dx == nullptr) return;
      const std::size_t total = n * In::size;
      for (std::size_t i = 0; i < total; ++i) dx[i] = dy[i] * A::df(y[i]);
    }
  };
};

}  // namespace ctnet
