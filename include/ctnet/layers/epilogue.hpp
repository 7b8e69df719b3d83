#pragma once
// The passes over a GEMM's output that fusion merges: bias and activation
// forward, activation derivative and bias gradient backward. One pass each,
// whatever the list fuses, so that fusion costs nothing when there is none.
#include <cstddef>
#include <algorithm>
#include <type_traits>

#include <ctnet/core/layer.hpp>
#include <ctnet/core/parallel.hpp>
#include <ctnet/core/tensor.hpp>

namespace ctnet::detail {

/// The values a fused activation's derivative reads in backward: the layer's
/// output y, or (an activation whose derivative is written in its input, such
/// as GELU) the pre-activation values, which the layer then keeps here.
struct PreActivation {
  Buffer kept;
  /// Size the store for `total` values, if Act needs it.
  template <class Act>
  void reserve(std::size_t total) {
    if constexpr (keeps_pre_activation<Act>) ensure_size(kept, total);
  }
  /// Where forward stores the values from `offset` on (null if Act needs none).
  template <class Act>
  float* store(std::size_t offset) {
    if constexpr (keeps_pre_activation<Act>) return kept.data() + offset;
    return nullptr;
  }
  /// What backward passes Act's derivative: the kept values or the output y.
  template <class Act>
  const float* derivative_input(const float* y) const {
    if constexpr (keeps_pre_activation<Act>) return kept.data();
    return y;
  }
};

/// y[r, j] = Act(y[r, j] + b[j]) over a rows x cols row-major block; the
/// values before Act go to pre[r, j] when Act's derivative reads them.
template <class Act, bool Bias>
void bias_activation(float* y, const float* b, std::size_t rows, std::size_t cols,
                     float* pre = nullptr) {
  constexpr bool identity = std::is_same_v<Act, NoActivation>;
  if constexpr (identity && !Bias) return;
  for (std::size_t r = 0; r < rows; ++r) {
    float* __restrict yr = y + r * cols;
    const float* __restrict br = b;
    for (std::size_t j = 0; j < cols; ++j) {
      float v = yr[j];
      if constexpr (Bias) v += br[j];
      if constexpr (keeps_pre_activation<Act>) pre[r * cols + j] = v;
      if constexpr (!identity) v = Act::f(v);
      yr[j] = v;
    }
  }
}

/// dy[r, j] *= Act'(v[r, j]) in place, and db[j] += sum_r dy[r, j], for v what
/// Act's derivative reads (`PreActivation::derivative_input`).
template <class Act, bool Bias>
void activation_bias_grad(float* dy, const float* y, float* db, std::size_t rows,
                          std::size_t cols) {
  constexpr bool identity = std::is_same_v<Act, NoActivation>;
  if constexpr (identity && !Bias) return;
  for (std::size_t r = 0; r < rows; ++r) {
    float* __restrict gr = dy + r * cols;
    const float* __restrict yr = y + r * cols;
    float* __restrict dbr = db;
    for (std::size_t j = 0; j < cols; ++j) {
      float g = gr[j];
      if constexpr (!identity) gr[j] = g = g * Act::df(yr[j]);
      if constexpr (Bias) dbr[j] += g;
    }
  }
}

/// activation_bias_grad over all rows, split across the pool's threads; the
/// bias gradient is summed per thread into `partial` (threads x cols) first.
template <class Act, bool Bias>
void activation_bias_grad_parallel(float* dy, const float* y, float* db, std::size_t rows,
                                   std::size_t cols, Buffer& partial) {
  constexpr bool identity = std::is_same_v<Act, NoActivation>;
  if constexpr (identity && !Bias) return;
  const std::size_t threads = ThreadPool::instance().size();
  if constexpr (Bias) {
    ensure_size(partial, threads * cols);
    std::fill(partial.begin(), partial.begin() + static_cast<long>(threads * cols), 0.0f);
  }
  parallel_slots(rows, [&](std::size_t t, std::size_t r0, std::size_t r1) {
    activation_bias_grad<Act, Bias>(dy + r0 * cols, y + r0 * cols,
                                    Bias ? partial.data() + t * cols : nullptr, r1 - r0, cols);
  });
  if constexpr (Bias)
    for (std::size_t t = 0; t < threads; ++t)
      for (std::size_t j = 0; j < cols; ++j) db[j] += partial[t * cols + j];
}

/// dW(m x cols) += A^T g for A (rows x m) and g (rows x cols), split over m.
inline void weight_grad_parallel(const float* a, std::size_t lda, const float* g, std::size_t rows,
                                 std::size_t m, std::size_t cols, float* dw) {
  parallel_for(m, [&](std::size_t m0, std::size_t m1) {
    blas::gemm(true, false, m1 - m0, cols, rows, 1.0f, a + m0, lda, g, cols, 1.0f, dw + m0 * cols,
               cols);
  });
}

}  // namespace ctnet::detail
