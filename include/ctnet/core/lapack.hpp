#pragma once
// The LAPACK adaptor: the only header that includes xtensor-blas. Its own
// header rather than core/blas.hpp because (a) xtensor-blas's xlinalg.hpp
// declares the cblas functions itself and does not compile next to
// OpenBLAS's <cblas.h>, so only its LAPACK part (xlapack.hpp) is used, and
// (b) that part costs about 2 s of compile time, which the layers (all of
// which include core/blas.hpp) should not pay. Only eval/ needs it.
#include <algorithm>
#include <cstddef>
#include <span>
#include <vector>

#include <ctnet/core/error.hpp>

// xlapack.hpp uses cxxblas's ASSERT without including where it is defined.
#include <xflens/cxxblas/auxiliary/debugmacro.h>
#include <xtensor-blas/xlapack.hpp>

namespace ctnet::lapack {

/// Eigen decomposition of a real symmetric n x n matrix (LAPACK's dsyevd,
/// what numpy.linalg.eigh calls). `a` holds the matrix row-major (only its
/// lower triangle is read); on return it holds the eigenvectors as rows:
/// row i is the unit eigenvector of the i-th eigenvalue. Returns the
/// eigenvalues in descending order (PCA's order). Throws ctnet::Error when
/// the sizes disagree or LAPACK does not converge.
inline std::vector<double> symmetric_eigen(std::size_t n, std::span<double> a) {
  if (a.size() != n * n)
    fail("symmetric_eigen: {} values for a {}x{} matrix", a.size(), n, n);
  if (n == 0) return {};
  using Matrix = xt::xtensor<double, 2, xt::layout_type::column_major>;
  using Vector = xt::xtensor<double, 1, xt::layout_type::column_major>;
  // Row-major lower triangle = column-major upper triangle: the same
  // symmetric matrix, so the values can be copied as they are.
  Matrix m = Matrix::from_shape({n, n});
  std::copy(a.begin(), a.end(), m.data());
  Vector w = Vector::from_shape({n});
  const int info = xt::lapack::syevd(m, 'V', 'U', w);
  if (info != 0)
    fail("symmetric_eigen: LAPACK dsyevd failed (info {})", info);
  // Column j of m (contiguous in column-major order) is the eigenvector of
  // w[j], ascending; write them out as rows, largest first.
  std::vector<double> values(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t j = n - 1 - i;
    values[i] = w(j);
    std::copy_n(m.data() + j * n, n, a.data() + i * n);
  }
  return values;
}

}  // namespace ctnet::lapack
