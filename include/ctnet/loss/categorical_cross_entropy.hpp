#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include <ctnet/core/error.hpp>
#include <ctnet/layers/sigmoid.hpp>
#include <ctnet/layers/softmax.hpp>

namespace ctnet {

/// Cross-entropy against integer class labels. After a final Softmax it is
/// fused with it (the gradient at the logits is (p - onehot) / n, the
/// Softmax's backward is skipped); on a network ending in raw logits it
/// computes the softmax itself, stably. Keras: `sparse_categorical_crossentropy`
/// (`from_logits` chosen from the network). A final Sigmoid does not compile.
struct CategoricalCrossEntropy {
  static constexpr const char* name = "categorical_crossentropy";
  using target = std::uint8_t;
  template <class Last>
  static constexpr bool fuses = std::is_same_v<Last, Softmax>;
  template <class Last>
  static constexpr bool accepts = !std::is_same_v<Last, Sigmoid>;

  /// Mean loss of n rows of k scores (probabilities when `Probs`, else
  /// logits); writes dL/dlogits into `dlogits` (which may alias y).
  template <bool Probs>
  static double value(std::span<const float> y, std::span<const std::uint8_t> labels,
                      std::size_t n, std::size_t k, std::span<float> dlogits) {
    double loss = 0.0;
    const float inv_n = 1.0f / static_cast<float>(n);
    for (std::size_t r = 0; r < n; ++r) {
      const std::size_t label = labels[r];
      if (label >= k)  // never read past the row: a one-line error instead
        fail("label {} (row {} of the batch) is not below the network's {} outputs", label, r, k);
      const float* yr = y.data() + r * k;
      float* dr = dlogits.data() + r * k;
      if constexpr (Probs) {
        loss -= std::log(std::max(yr[label], 1e-7f));  // Keras clips probabilities at 1e-7
        for (std::size_t j = 0; j < k; ++j) dr[j] = (yr[j] - (j == label ? 1.0f : 0.0f)) * inv_n;
      } else {
        const float m = *std::max_element(yr, yr + k);
        double s = 0.0;
        for (std::size_t j = 0; j < k; ++j) s += std::exp(static_cast<double>(yr[j] - m));
        const double log_s = std::log(s);
        loss += log_s - static_cast<double>(yr[label] - m);
        for (std::size_t j = 0; j < k; ++j) {
          const double pj = std::exp(static_cast<double>(yr[j] - m) - log_s);
          dr[j] = static_cast<float>(pj - (j == label ? 1.0 : 0.0)) * inv_n;
        }
      }
    }
    return loss / static_cast<double>(n);
  }
};

/// Number of rows of scores (n x k) whose arg-max is the label.
inline std::size_t count_correct(std::span<const float> scores,
                                 std::span<const std::uint8_t> labels, std::size_t k) {
  std::size_t correct = 0;
  for (std::size_t r = 0; r < labels.size(); ++r) {
    const float* s = scores.data() + r * k;
    if (static_cast<std::size_t>(std::max_element(s, s + k) - s) == labels[r]) ++correct;
  }
  return correct;
}

}  // namespace ctnet
