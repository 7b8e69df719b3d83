#pragma once
// The mean and covariance of a set of vectors, in double precision: what the
// Frechet distance compares and what PCA decomposes.
#include <algorithm>
#include <cstddef>
#include <span>
#include <vector>

#include <ctnet/core/blas.hpp>
#include <ctnet/core/error.hpp>

namespace ctnet {

/// Mean (dim) and covariance (dim x dim, row-major) of `count` vectors. The
/// covariance is the unbiased one (divided by count - 1), as numpy.cov.
struct Moments {
  std::size_t dim = 0, count = 0;
  std::vector<double> mean, cov;
};

/// The moments of the n rows of `x` (n x d floats, row-major). Works through
/// the rows in blocks, so memory stays at a few MB beyond the d x d result
/// whatever n is. Throws ctnet::Error when x is not n x d or n < 2.
inline Moments moments(std::span<const float> x, std::size_t n, std::size_t d) {
  if (x.size() != n * d)
    fail("moments: {} values are not {} rows of {}", x.size(), n, d);
  if (n < 2) fail("moments: a covariance needs at least 2 samples, got {}", n);
  Moments m;
  m.dim = d;
  m.count = n;
  m.mean.assign(d, 0.0);
  for (std::size_t r = 0; r < n; ++r)
    for (std::size_t j = 0; j < d; ++j) m.mean[j] += x[r * d + j];
  for (double& v : m.mean) v /= static_cast<double>(n);
  // cov = sum over blocks of Xcᵀ Xc, Xc the block's rows less the mean.
  m.cov.assign(d * d, 0.0);
  const std::size_t rows = std::max<std::size_t>(1, (std::size_t{1} << 20) / std::max<std::size_t>(d, 1));
  std::vector<double> centred(std::min(rows, n) * d);
  for (std::size_t first = 0; first < n; first += rows) {
    const std::size_t b = std::min(rows, n - first);
    for (std::size_t r = 0; r < b; ++r)
      for (std::size_t j = 0; j < d; ++j)
        centred[r * d + j] = static_cast<double>(x[(first + r) * d + j]) - m.mean[j];
    blas::gemm(true, false, d, d, b, 1.0, centred.data(), d, centred.data(), d, 1.0, m.cov.data(), d);
  }
  for (double& v : m.cov) v /= static_cast<double>(n - 1);
  return m;
}

}  // namespace ctnet
