#pragma once
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <ctnet/core/layer.hpp>

namespace ctnet {

/// Max pooling over Pool x Pool windows with Stride, valid padding:
/// H x W x C -> ((H - Pool) / Stride + 1) x (...) x C. Keras:
/// `layers.MaxPool2D(pool_size, strides)`.
template <std::size_t Pool, std::size_t Stride = Pool>
struct MaxPool2D {
  static_assert(Pool > 0 && Stride > 0, "MaxPool2D needs non-zero sizes");
  static constexpr const char* keras_class = "MaxPooling2D";
  static constexpr const char* keras_name = "max_pooling2d";
  static std::string name() { return fmt::format("MaxPool2D<{}, {}>", Pool, Stride); }

  template <class In>
  static constexpr auto reason() {
    if constexpr (In::rank != 3)
      return why::needs_image_input{};
    else if constexpr (Pool > In::dims[0] || Pool > In::dims[1])
      return why::window_larger_than_input{};
    else
      return why::accepted{};
  }
  template <class In>
  using check = decltype(reason<In>());

  template <class In>
  struct layer : Parameterless {
    static constexpr std::size_t H = In::dims[0], W = In::dims[1], C = In::dims[2];
    static constexpr std::size_t OH = conv_out(H, Pool, Stride, false);
    static constexpr std::size_t OW = conv_out(W, Pool, Stride, false);
    using input = In;
    using output = Shape<OH, OW, C>;
    static constexpr Storage storage = Storage::own;
    static constexpr bool needs_output = false;

    std::vector<std::uint32_t> argmax;  // input index (within the sample) of each output's max

    void reserve(std::size_t batch) {
      if (argmax.size() < batch * output::size) argmax.resize(batch * output::size);
    }

    template <class = NoActivation>
    void forward(const float* x, float* y, std::size_t n, Pass&) {
      reserve(n);
      for (std::size_t b = 0; b < n; ++b) {
        const float* xb = x + b * In::size;
        for (std::size_t oy = 0; oy < OH; ++oy)
          for (std::size_t ox = 0; ox < OW; ++ox)
            for (std::size_t c = 0; c < C; ++c) {
              float best = -std::numeric_limits<float>::infinity();
              std::uint32_t at = 0;
              for (std::size_t py = 0; py < Pool; ++py)
                for (std::size_t px = 0; px < Pool; ++px) {
                  const std::size_t i = ((oy * Stride + py) * W + ox * Stride + px) * C + c;
                  if (xb[i] > best) {
                    best = xb[i];
                    at = static_cast<std::uint32_t>(i);
                  }
                }
              const std::size_t o = b * output::size + (oy * OW + ox) * C + c;
              y[o] = best;
              argmax[o] = at;
            }
      }
    }
    // dx = 0; dx[argmax] += dy
    template <class = NoActivation>
    void backward(const float*, const float*, float* dy, float* dx, std::size_t n) {
      if (dx == nullptr) return;
      for (std::size_t i = 0; i < n * In::size; ++i) dx[i] = 0.0f;
      for (std::size_t b = 0; b < n; ++b)
        for (std::size_t o = 0; o < output::size; ++o)
          dx[b * In::size + argmax[b * output::size + o]] += dy[b * output::size + o];
    }
  };
};

}  // namespace ctnet
