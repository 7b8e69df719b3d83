#pragma once
// The BLAS adaptor: the only header that includes cblas (OpenBLAS). Row-major
// single-precision GEMM is all the layers need; eval/ also takes covariances
// in double precision.
#include <cstddef>
#include <type_traits>

#include <cblas.h>

namespace ctnet::blas {

/// C = alpha * op(A) * op(B) + beta * C, row-major; op(A) is M x K, op(B) is
/// K x N, C is M x N; lda/ldb/ldc are the row strides of A, B and C as stored.
/// T is float (cblas_sgemm, the layers) or double (cblas_dgemm, eval/'s
/// covariances), deduced from the matrices only.
template <class T>
  requires std::is_same_v<T, float> || std::is_same_v<T, double>
inline void gemm(bool trans_a, bool trans_b, std::size_t m, std::size_t n, std::size_t k,
                 std::type_identity_t<T> alpha, const T* a, std::size_t lda, const T* b,
                 std::size_t ldb, std::type_identity_t<T> beta, T* c, std::size_t ldc) {
  if (m == 0 || n == 0) return;
  const auto ta = trans_a ? CblasTrans : CblasNoTrans, tb = trans_b ? CblasTrans : CblasNoTrans;
  const int im = static_cast<int>(m), in = static_cast<int>(n), ik = static_cast<int>(k);
  if constexpr (std::is_same_v<T, float>)
    cblas_sgemm(CblasRowMajor, ta, tb, im, in, ik, alpha, a, static_cast<int>(lda), b,
                static_cast<int>(ldb), beta, c, static_cast<int>(ldc));
  else
    cblas_dgemm(CblasRowMajor, ta, tb, im, in, ik, alpha, a, static_cast<int>(lda), b,
                static_cast<int>(ldb), beta, c, static_cast<int>(ldc));
}

/// Number of threads OpenBLAS uses for GEMM.
inline int threads() { return openblas_get_num_threads(); }
/// Set OpenBLAS's thread count (never more than the machine's cores).
inline void set_threads(int n) { openblas_set_num_threads(n); }

}  // namespace ctnet::blas
