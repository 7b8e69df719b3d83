#pragma once
// SIMD loops through xsimd (Debian's libxsimd-dev, xtensor's own SIMD
// layer): an element-wise update written once for a batch and for the tail
// (for_elements with load/store), and logarithms of a buffer. The optimizers'
// updates and the binary cross-entropy use them.
#include <cmath>
#include <cstddef>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#include <ctnet/core/parallel.hpp>

namespace ctnet::simd {

#if defined(__AVX512F__) && defined(__AVX2__)
// 256-bit batches where 512 are available: these loops are memory-bound, and
// GCC 12 warns falsely inside the 512-bit intrinsics that take an undefined
// operand (_mm512_sqrt_ps, _mm512_getexp_pd: its bug 105593).
using arch = xsimd::avx2;
#else
using arch = xsimd::default_arch;
#endif
using floats = xsimd::batch<float, arch>;
using doubles = xsimd::batch<double, arch>;

/// f(std::type_identity<V>, k) for k in [0, n): in steps of a SIMD batch with
/// V = floats, then the tail with V = float, so that an update is written
/// once for both; split across the pool when n pays for waking it.
template <class F>
void for_elements(std::size_t n, F&& f) {
  constexpr std::size_t w = floats::size;
  auto range = [&](std::size_t k0, std::size_t k1) {
    std::size_t k = k0;
    for (; k + w <= k1; k += w) f(std::type_identity<floats>{}, k);
    for (; k < k1; ++k) f(std::type_identity<float>{}, k);
  };
  const std::size_t body = n - n % w;
  if (n >= (std::size_t{1} << 15))
    parallel_for(body / w, [&](std::size_t b0, std::size_t b1) { range(b0 * w, b1 * w); });
  else
    range(0, body);
  range(body, n);
}

/// p[k...] as V: one value, or a SIMD batch of them, loaded and stored.
template <class V, class T>
V load(const T* p, std::size_t k) {
  if constexpr (std::is_arithmetic_v<V>)
    return p[k];
  else
    return V::load_unaligned(p + k);
}
template <class V, class T>
void store(T* p, std::size_t k, const V& v) {
  if constexpr (std::is_arithmetic_v<V>)
    p[k] = v;
  else
    v.store_unaligned(p + k);
}

/// The natural logarithm of n doubles in place, a SIMD batch at a time
/// (xsimd::log: within an ulp or two of std::log).
inline void log_in_place(double* v, std::size_t n) {
  std::size_t k = 0;
  for (; k + doubles::size <= n; k += doubles::size)
    xsimd::log(doubles::load_unaligned(v + k)).store_unaligned(v + k);
  for (; k < n; ++k) v[k] = std::log(v[k]);
}

}  // namespace ctnet::simd
