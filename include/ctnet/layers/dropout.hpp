#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include <ctnet/core/layer.hpp>
#include <ctnet/core/parallel.hpp>
#include <ctnet/core/rng.hpp>
#include <ctnet/core/tensor.hpp>

namespace ctnet {

/// Inverted dropout: while training, each element is zeroed with probability
/// Rate and the rest scaled by 1 / (1 - Rate); the identity at inference.
/// Any shape. Keras: `layers.Dropout(rate)`. The mask is drawn across the
/// thread pool in blocks of 16,384 elements, block b from its own stream
/// seeded by (one draw of the pass's generator, b): the same mask whatever
/// the number of threads.
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
      const std::uint64_t base = pass.rng->next_u64();
      constexpr std::size_t block = std::size_t{1} << 14;
      float* m = mask.data();
      parallel_for((total + block - 1) / block, [&](std::size_t b0, std::size_t b1) {
        for (std::size_t b = b0; b < b1; ++b) {
          Rng rng(mix_seed(base, b));
          for (std::size_t i = b * block, end = std::min(total, i + block); i < end; ++i) {
            m[i] = rng.uniform() < Rate ? 0.0f : keep;
            y[i] = x[i] * m[i];
          }
        }
      });
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
      const float* m = mask.data();
      parallel_for(total, [&](std::size_t i0, std::size_t i1) {
        for (std::size_t i = i0; i < i1; ++i) dx[i] = dy[i] * m[i];
      });
    }
  };
};

}  // namespace ctnet
