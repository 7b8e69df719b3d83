#pragma once
#include <algorithm>
#include <cstddef>
#include <string>

#include <fmt/format.h>

#include <ctnet/core/layer.hpp>

namespace ctnet {

/// Zeros around an H x W x C input: Pad rows above and below, Pad columns left
/// and right (a positive number, or Hw{rows, cols}): (H + 2 rows) x (W + 2 cols) x C.
/// Keras: `layers.ZeroPadding2D(padding)`, default 1.
template <auto Pad = 1>
  requires WindowArg<Pad>
struct ZeroPadding2D {
  static constexpr Hw pad = as_hw<Pad>;
  static constexpr const char* keras_class = "ZeroPadding2D";
  static constexpr const char* keras_name = "zero_padding2d";
  static std::string name() { return fmt::format("ZeroPadding2D<{}>", window_name(pad)); }

  template <class In>
  using check = window_check<In, 3>;

  template <class In>
  struct layer
      : LayerBase<In, Shape<In::dims[0] + 2 * pad.h, In::dims[1] + 2 * pad.w, In::dims[2]>> {
    static constexpr std::size_t H = In::dims[0], W = In::dims[1], C = In::dims[2];
    static constexpr std::size_t OH = H + 2 * pad.h, OW = W + 2 * pad.w;

    // y = 0 around, x inside
    template <class = NoActivation>
    void forward(const float* x, float* y, std::size_t n, Pass&) {
      std::fill(y, y + n * OH * OW * C, 0.0f);
      for (std::size_t b = 0; b < n; ++b)
        for (std::size_t r = 0; r < H; ++r)
          std::copy_n(x + (b * H + r) * W * C, W * C,
                      y + ((b * OH + r + pad.h) * OW + pad.w) * C);
    }
    // dx = dy inside the padding
    template <class = NoActivation>
    void backward(const float*, const float*, float* dy, float* dx, std::size_t n) {
      if (dx == nullptr) return;
      for (std::size_t b = 0; b < n; ++b)
        for (std::size_t r = 0; r < H; ++r)
          std::copy_n(dy + ((b * OH + r + pad.h) * OW + pad.w) * C, W * C,
                      dx + (b * H + r) * W * C);
    }
  };
};

}  // namespace ctnet
