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
/// Any shape. Keras: `layers.Dropout(rate)`. Element i's draw is a hash of
/// (one draw of the pass's generator, i) (`mix_seed`, splitmix64's mixer), so
/// the mask is the same whatever the number of threads, and drawn in SIMD.
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
      const std::uint64_t key = pass.rng->next_u64();
      const std::size_t base = pass.first * In::size;  // element 0's index in the global batch
      parallel_for(total, [&](std::size_t i0, std::size_t i1) {
        draw_mask(mask.data(), key, base, i0, i1);
        for (std::size_t i = i0; i < i1; ++i) y[i] = x[i] * mask[i];
      });
    }
    // m[i] = 0 with probability Rate, else 1 / (1 - Rate), from element i's
    // own hash of the key: no generator state, so the loop vectorises.
    static void draw_mask(float* __restrict m, std::uint64_t key, std::size_t base, std::size_t i0, std::size_t i1) {
      const float keep = 1.0f / (1.0f - Rate);
      for (std::size_t i = i0; i < i1; ++i)
        m[i] = static_cast<float>(mix_seed(key, base + i) >> 40) * 0x1.0p-24f < Rate ? 0.0f : keep;
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
