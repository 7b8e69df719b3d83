#pragma once
// The tensor adaptor: the only header that includes xtensor. ctnet keeps its
// buffers as flat, aligned xtensor containers (shapes live in the types) and
// takes xtensor views over raw pointers for element-wise expressions.
#include <array>
#include <cstddef>
#include <span>

#include <xtensor/xadapt.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xnoalias.hpp>
#include <xtensor/xtensor.hpp>

namespace ctnet {

/// A flat, owning, SIMD-aligned float buffer.
using Buffer = xt::xtensor<float, 1>;

/// A zero-filled buffer of n floats.
inline Buffer zeros(std::size_t n) {
  Buffer b = Buffer::from_shape({n});
  b.fill(0.0f);
  return b;
}

/// Resize `b` to hold at least n floats (contents zeroed when it grows).
inline void ensure_size(Buffer& b, std::size_t n) {
  if (b.size() < n) b = zeros(n);
}

/// A non-owning 1-D xtensor view of n floats at p, for element-wise
/// expressions; evaluated by assignment, never kept lazy across layers.
inline auto xview(float* p, std::size_t n) {
  return xt::adapt(p, n, xt::no_ownership(), std::array<std::size_t, 1>{n});
}
inline auto xview(const float* p, std::size_t n) {
  return xt::adapt(p, n, xt::no_ownership(), std::array<std::size_t, 1>{n});
}

inline std::span<float> as_span(Buffer& b) { return {b.data(), b.size()}; }
inline std::span<const float> as_span(const Buffer& b) { return {b.data(), b.size()}; }

}  // namespace ctnet
