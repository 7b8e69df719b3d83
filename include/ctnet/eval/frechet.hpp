#pragma once
// The Frechet distance between two Gaussians fitted to two sets of feature
// vectors (Heusel et al. 2017's FID when the features are Inception's; here
// they are a trained classifier's penultimate activations):
//
//   d² = |mu1 - mu2|² + Tr(C1 + C2 - 2 (C1^½ C2 C1^½)^½)
//
// C1^½ C2 C1^½ is symmetric positive semi-definite, so the whole formula
// needs only symmetric eigen decompositions (no general matrix square root
// as scipy.linalg.sqrtm computes): C1^½ = V diag(√λ) Vᵀ, and the trace of
// the square root of a symmetric matrix is the sum of the roots of its
// eigenvalues.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

#include <ctnet/core/blas.hpp>
#include <ctnet/core/error.hpp>
#include <ctnet/core/lapack.hpp>
#include <ctnet/eval/moments.hpp>

namespace ctnet {

namespace detail {

// The square root of a symmetric positive semi-definite d x d matrix
// (eigenvalues below 0, which rounding makes of zeros, count as 0).
inline std::vector<double> symmetric_sqrt(std::size_t d, std::vector<double> a) {
  const std::vector<double> values = lapack::symmetric_eigen(d, a);  // a: eigenvectors as rows
  // V diag(√λ) Vᵀ with the eigenvectors as rows of a: Σ_i √λ_i a_iᵀ a_i.
  std::vector<double> scaled(d * d);
  for (std::size_t i = 0; i < d; ++i) {
    const double s = std::sqrt(std::max(values[i], 0.0));
    for (std::size_t j = 0; j < d; ++j) scaled[i * d + j] = s * a[i * d + j];
  }
  std::vector<double> out(d * d);
  blas::gemm(true, false, d, d, d, 1.0, a.data(), d, scaled.data(), d, 0.0, out.data(), d);
  return out;
}

}  // namespace detail

/// The Frechet distance between N(a.mean, a.cov) and N(b.mean, b.cov) (the
/// squared one, as FID reports it). 0 for equal moments; for covariances
/// that commute, |mu1 - mu2|² + Σ (√λ1_i - √λ2_i)². Rounding below 0 gives
/// 0. Throws ctnet::Error when the dimensions differ.
inline double frechet_distance(const Moments& a, const Moments& b) {
  const std::size_t d = a.dim;
  if (b.dim != d || a.mean.size() != d || b.mean.size() != d || a.cov.size() != d * d ||
      b.cov.size() != d * d)
    fail("frechet_distance: moments of {} and {} dimensions", a.dim, b.dim);
  double dist = 0.0;
  for (std::size_t j = 0; j < d; ++j) {
    const double diff = a.mean[j] - b.mean[j];
    dist += diff * diff + a.cov[j * d + j] + b.cov[j * d + j];
  }
  // M = S C2 S with S = C1^½; Tr(M^½) = Σ √eig(M).
  const std::vector<double> s = detail::symmetric_sqrt(d, a.cov);
  std::vector<double> t(d * d), m(d * d);
  blas::gemm(false, false, d, d, d, 1.0, s.data(), d, b.cov.data(), d, 0.0, t.data(), d);
  blas::gemm(false, false, d, d, d, 1.0, t.data(), d, s.data(), d, 0.0, m.data(), d);
  // Symmetrise what rounding left slightly asymmetric.
  for (std::size_t i = 0; i < d; ++i)
    for (std::size_t j = 0; j < i; ++j) m[i * d + j] = m[j * d + i] = 0.5 * (m[i * d + j] + m[j * d + i]);
  double trace_sqrt = 0.0;
  for (double v : lapack::symmetric_eigen(d, m)) trace_sqrt += std::sqrt(std::max(v, 0.0));
  return std::max(0.0, dist - 2.0 * trace_sqrt);
}

/// The Frechet distance between the Gaussians fitted to the rows of `x`
/// (nx x d) and of `y` (ny x d).
inline double frechet_distance(std::span<const float> x, std::size_t nx, std::span<const float> y,
                               std::size_t ny, std::size_t d) {
  return frechet_distance(moments(x, nx, d), moments(y, ny, d));
}

}  // namespace ctnet
