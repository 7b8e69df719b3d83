#pragma once
// The BLAS adaptor: the only header that includes cblas (OpenBLAS). Row-major
// single-precision GEMM is all the layers need.
#include <cstddef>

#include <cblas.h>

namespace ctnet::blas {

/// C = alpha * op(A) * op(B) + beta * C, row-major; op(A) is M x K, op(B) is
/// K x N, C is M x N; lda/ldb/ldc are the row strides of A, B and C as stored.
inline void gemm(bool trans_a, bool trans_b, std::size_t m, std::size_t n, std::size_t k,
                 float alpha, const float* a, std::size_t lda, const float* b, std::size_t ldb,
                 float beta, float* c, std::size_t ldc) {
  if (m == 0 || n == 0) return;
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
              trans_b ? CblasTrans : CblasNoTrans, static_cast<int>(m), static_cast<int>(n),
              static_cast<int>(k), alpha, a, static_cast<int>(lda), b, static_cast<int>(ldb), beta,
              c, static_cast<int>(ldc));
}

/// Number of threads OpenBLAS uses for GEMM.
inline int threads() { return openblas_get_num_threads(); }
/// Set OpenBLAS's thread count (never more than the machine's cores).
inline void set_threads(int n) { openblas_set_num_threads(n); }

}  // namespace ctnet::blas
