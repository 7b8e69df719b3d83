#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <type_traits>

#include <ctnet/core/simd.hpp>
#include <ctnet/layers/sigmoid.hpp>
#include <ctnet/layers/softmax.hpp>

namespace ctnet {

/// How a loss over many values per sample is averaged.
enum class Reduction {
  mean,            ///< over every value of the batch (Keras's default)
  sum_per_sample,  ///< summed over a sample's values, averaged over samples (nats per image)
};

/// Binary cross-entropy against targets in [0, 1] of the output's shape.
/// After a final Sigmoid it is fused with it (gradient (p - t) / N at the
/// logits, probabilities clipped to [1e-7, 1 - 1e-7] in the loss as Keras
/// does); on raw logits z it is max(z, 0) - z t + log(1 + exp(-|z|)), stable
/// for any z. Keras: `BinaryCrossentropy(from_logits)` chosen from the
/// network. `Reduction::sum_per_sample` is the Bernoulli negative
/// log-likelihood of an image (a VAE's reconstruction term). A final Softmax
/// does not compile.
template <Reduction R = Reduction::mean>
struct BasicBinaryCrossEntropy {
  static constexpr const char* name = "binary_crossentropy";
  using target = float;
  template <class Last>
  static constexpr bool fuses = std::is_same_v<Last, Sigmoid>;
  template <class Last>
  static constexpr bool accepts = !std::is_same_v<Last, Softmax>;

  template <bool Probs>
  static double value(std::span<const float> y, std::span<const float> t, std::size_t n,
                      std::size_t k, std::span<float> dz) {
    const std::size_t count = n * k;
    const std::size_t divisor = R == Reduction::mean ? count : n;
    const float inv = 1.0f / static_cast<float>(divisor);
    double loss = 0.0;
    if constexpr (Probs) {
      // the logarithms a block at a time, as SIMD batches (a VAE's
      // reconstruction term takes two per pixel)
      constexpr std::size_t block = 512;
      double logs[2 * block];
      for (std::size_t i0 = 0; i0 < count; i0 += block) {
        const std::size_t m = std::min(block, count - i0);
        for (std::size_t j = 0; j < m; ++j) {
          const double pi = std::clamp(static_cast<double>(y[i0 + j]), 1e-7, 1.0 - 1e-7);
          logs[j] = pi;
          logs[block + j] = 1.0 - pi;
        }
        simd::log_in_place(logs, m);
        simd::log_in_place(logs + block, m);
        for (std::size_t j = 0, i = i0; j < m; ++j, ++i) {
          const double ti = t[i];
          loss -= ti * logs[j] + (1.0 - ti) * logs[block + j];
          dz[i] = (y[i] - t[i]) * inv;
        }
      }
    } else {
      for (std::size_t i = 0; i < count; ++i) {
        const double ti = t[i], zi = y[i];
        loss += std::max(zi, 0.0) - zi * ti + std::log1p(std::exp(-std::abs(zi)));
        dz[i] = static_cast<float>(1.0 / (1.0 + std::exp(-zi)) - ti) * inv;
      }
    }
    return loss / static_cast<double>(divisor);
  }
};

using BinaryCrossEntropy = BasicBinaryCrossEntropy<Reduction::mean>;

}  // namespace ctnet
