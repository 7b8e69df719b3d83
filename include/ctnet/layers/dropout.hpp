#pragma once
#include <cstddef>
#include <string>

#include <fmt/format.h>

#include <ctnet/core/layer.hpp>
#include <ctnet/core/tensor.hpp>

namespace ctnet {

/// Inverted dropout: while training, each element is zeroed with probability
/// Rate and the rest scaled by 1 / (1 - Rate); the identity at inference.
/// Any shape. Keras: `layers.Dropout(rate)`.
template <float Rate>
struct Dropout {
  static_assert(Rate >= 0.0f && Rate < 1.0f, "Dropout's rate must be in [0, 1)");
  static constexpr const char* keras_class = "Dropout";
  static constexpr const char* keras_name = "dropout";
  // {:f}: six decimals ("0.400000"), as the model signatures in checkpoints have them.
  static std::string name() { return fmt::format("Dropout<{:f}>", Rate); }

  template <class In>
  using check = why::accepted;

  template <class In>
  struct layer : LayerBase<In, In> {
    static constexpr Storage storage = Storage::in_place;

    Buffer mask;  // 0 or 1 / (1 - Rate) per element of the last training pass
    bool masked = false;

    void reserve(std::size_t batch) { ensure_size(mask, batch * In::size); }

    template <class = NoActivation>
    void forward(const float* x, float* y, std::size_t n, Pass& pass) {
      const std::size_t total = n * In::size;
      masked = pass.training && Rate > 0.0f;
      if (!masked) {
        if (y != x)
          for (std::size_t i = 0; i < total; ++i) y[i] = x[i];
        return;
      }
      ensure_size(mask, total);
      const float keep = 1.0f / (1.0f - Rate);
      for (std::size_t i = 0; i < total; ++i) {
        mask[i] = pass.rng->uniform() < Rate ? 0.0f : keep;
        y[i] = x[i] * mask[i];
      }
    }
    // dx = dy * mask
    template <class = NoActivation>
    void backward(const float*, const float*, float* dy, float* dx, std::size_t n) {
      if (dx == nullptr) return;
      const std::size_t total = n * In::size;
      if (!masked) {
        if (dx != dy)
          for (std::size_t i = 0; i < total; ++i) dx[i] = dy[i];
        return;
      }
      for (std::size_t i = 0; i < total; ++i) dx[i] = dy[i] * mask[i];
    }
  };
};

}  // namespace ctnet
