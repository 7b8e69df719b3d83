#pragma once
// The passes over a GEMM's output that fusion merges: bias and activation
// forward, activation derivative and bias gradient backward. One pass each,
// whatever the list fuses, so that fusion costs nothing when there is none.
#include <cstddef>
#include <type_traits>

#include <ctnet/core/layer.hpp>

namespace ctnet::detail {

/// y[r, j] = Act(y[r, j] + b[j]) over a rows x cols row-major block.
template <class Act, bool Bias>
void bias_activation(float* y, const float* b, std::size_t rows, std::size_t cols) {
  constexpr bool identity = std::is_same_v<Act, NoActivation>;
  if constexpr (identity && !Bias) return;
  for (std::size_t r = 0; r < rows; ++r) {
    float* yr = y + r * cols;
    for (std::size_t j = 0; j < cols; ++j) {
      float v = yr[j];
      if constexpr (Bias) v += b[j];
      if constexpr (!identity) v = Act::f(v);
      yr[j] = v;
    }
  }
}

/// dy[r, j] *= Act'(y[r, j]) in place, and db[j] += sum_r dy[r, j].
template <class Act, bool Bias>
void activation_bias_grad(float* dy, const float* y, float* db, std::size_t rows,
                          std::size_t cols) {
  constexpr bool identity = std::is_same_v<Act, NoActivation>;
  if constexpr (identity && !Bias) return;
  for (std::size_t r = 0; r < rows; ++r) {
    float* gr = dy + r * cols;
    const float* yr = y + r * cols;
    for (std::size_t j = 0; j < cols; ++j) {
      float g = gr[j];
      if constexpr (!identity) gr[j] = g = g * Act::df(yr[j]);
      if constexpr (Bias) db[j] += g;
    }
  }
}

}  // namespace ctnet::detail
