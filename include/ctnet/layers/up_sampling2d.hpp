#pragma once
#include <algorithm>
#include <cstddef>
#include <string>

#include <fmt/format.h>

#include <ctnet/core/layer.hpp>
#include <ctnet/core/parallel.hpp>

namespace ctnet {

/// Nearest-neighbour upsampling: H x W x C -> (H * Factor) x (W * Factor) x C,
/// each pixel repeated in a Factor x Factor block. Keras:
/// `layers.UpSampling2D(size=Factor)` with its default interpolation="nearest".
template <std::size_t Factor = 2>
struct UpSampling2D {
  static_assert(Factor > 0, "UpSampling2D needs a non-zero factor");
  static constexpr const char* keras_class = "UpSampling2D";
  static constexpr const char* keras_name = "up_sampling2d";
  static std::string name() { return fmt::format("UpSampling2D<{}>", Factor); }

  template <class In>
  using check = window_check<In, 3>;

  template <class In>
  struct layer : LayerBase<In, Shape<In::dims[0] * Factor, In::dims[1] * Factor, In::dims[2]>> {
    static constexpr std::size_t H = In::dims[0], W = In::dims[1], C = In::dims[2];
    static constexpr std::size_t OH = H * Factor, OW = W * Factor;

    // y[i * f + a, j * f + b, c] = x[i, j, c]
    template <class = NoActivation>
    void forward(const float* x, float* y, std::size_t n, Pass&) {
      parallel_for(n * H, [&](std::size_t r0, std::size_t r1) {
        for (std::size_t r = r0; r < r1; ++r) {  // r = sample * H + input row
          const float* xr = x + r * W * C;
          float* yr = y + r * Factor * OW * C;
          for (std::size_t j = 0; j < W; ++j)
            for (std::size_t b = 0; b < Factor; ++b)
              std::copy_n(xr + j * C, C, yr + (j * Factor + b) * C);
          for (std::size_t a = 1; a < Factor; ++a) std::copy_n(yr, OW * C, yr + a * OW * C);
        }
      });
    }
    // dx[i, j, c] = sum over the block of dy
    template <class = NoActivation>
    void backward(const float*, const float*, float* dy, float* dx, std::size_t n) {
      if (dx == nullptr) return;
      parallel_for(n * H, [&](std::size_t r0, std::size_t r1) {
        for (std::size_t r = r0; r < r1; ++r) {
          float* __restrict xr = dx + r * W * C;
          const float* gr = dy + r * Factor * OW * C;
          std::fill(xr, xr + W * C, 0.0f);
          for (std::size_t a = 0; a < Factor; ++a)
            for (std::size_t j = 0; j < W; ++j)
              for (std::size_t b = 0; b < Factor; ++b) {
                const float* __restrict g = gr + a * OW * C + (j * Factor + b) * C;
                for (std::size_t c = 0; c < C; ++c) xr[j * C + c] += g[c];
              }
        }
      });
    }
  };
};

}  // namespace ctnet
