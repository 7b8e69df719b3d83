#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>

#include <ctnet/core/layer.hpp>

namespace ctnet {

/// Softmax over a vector: y_i = exp(x_i) / sum_j exp(x_j). Keras:
/// `activation="softmax"`. Takes a rank-1 input. When it ends a classifier,
/// the training loop fuses it with the cross-entropy (gradient p - t) and
/// never calls its backward.
struct Softmax {
  static constexpr const char* keras_class = "Softmax";
  static constexpr const char* keras_name = "softmax";
  static std::string name() { return "Softmax"; }

  template <class In>
  using check = std::conditional_t<In::rank == 1, why::accepted, why::needs_flat_input>;

  template <class In>
  struct layer : LayerBase<In, In> {
    static constexpr Storage storage = Storage::in_place;
    static constexpr bool needs_output = true;
    static constexpr std::size_t k = In::size;

    template <class = NoActivation>
    void forward(const float* x, float* y, std::size_t n, Pass&) {
      for (std::size_t r = 0; r < n; ++r) {
        const float* xr = x + r * k;
        float* yr = y + r * k;
        const float m = *std::max_element(xr, xr + k);
        float s = 0.0f;
        for (std::size_t i = 0; i < k; ++i) s += (yr[i] = std::exp(xr[i] - m));
        for (std::size_t i = 0; i < k; ++i) yr[i] /= s;
      }
    }
    // dx = y * (dy - <dy, y>), the Jacobian-vector product.
    template <class = NoActivation>
    void backward(const float*, const float* y, float* dy, float* dx, std::size_t n) {
      if (dx == nullptr) return;
      for (std::size_t r = 0; r < n; ++r) {
        const float* yr = y + r * k;
        const float* gr = dy + r * k;
        float dot = 0.0f;
        for (std::size_t i = 0; i < k; ++i) dot += gr[i] * yr[i];
        float* dr = dx + r * k;
        for (std::size_t i = 0; i < k; ++i) dr[i] = yr[i] * (gr[i] - dot);
      }
    }
  };
};

}  // namespace ctnet
