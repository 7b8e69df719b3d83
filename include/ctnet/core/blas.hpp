#pragma once
// The BLAS adaptor: the only header that includes a GEMM library. Row-major
// single-precision GEMM is all the layers need; eval/ also takes covariances
// in double precision (always OpenBLAS's cblas_dgemm).
//
// Single precision goes to oneDNN's dnnl_sgemm when CTNET_USE_DNNL is
// defined (the CMake target defines it when Debian's libdnnl-dev is found):
// oneDNN picks its kernels from the CPU's features at run time, while
// OpenBLAS 0.3.21 names its kernels by CPU model and falls back to SSE3
// ("Prescott") on models newer than it knows, 4-6x slower on the layers'
// shapes (docs/benchmarks.md). Without it, cblas_sgemm.
#include <cstddef>
#include <stdexcept>
#include <type_traits>

#include <cblas.h>
#if defined(CTNET_USE_DNNL)
#include <dnnl.h>
// oneDNN (Debian's build) threads with OpenMP; its thread count is a
// per-thread setting of the calling thread: OpenMP's omp_set_num_threads,
// declared under a name of ctnet's own bound to that symbol, so that it
// neither needs <omp.h> (clang ships none without libomp-dev) nor clashes
// with the declaration of whichever <omp.h> a program includes.
extern "C" void ctnet_omp_set_num_threads(int) noexcept __asm__("omp_set_num_threads");
#endif

namespace ctnet::blas {

/// C = alpha * op(A) * op(B) + beta * C, row-major; op(A) is M x K, op(B) is
/// K x N, C is M x N; lda/ldb/ldc are the row strides of A, B and C as stored.
/// T is float (the layers) or double (eval/'s covariances), deduced from the
/// matrices only.
template <class T>
  requires std::is_same_v<T, float> || std::is_same_v<T, double>
inline void gemm(bool trans_a, bool trans_b, std::size_t m, std::size_t n, std::size_t k,
                 std::type_identity_t<T> alpha, const T* a, std::size_t lda, const T* b,
                 std::size_t ldb, std::type_identity_t<T> beta, T* c, std::size_t ldc) {
  if (m == 0 || n == 0) return;
#if defined(CTNET_USE_DNNL)
  if constexpr (std::is_same_v<T, float>) {
    using dim = dnnl_dim_t;
    if (dnnl_sgemm(trans_a ? 'T' : 'N', trans_b ? 'T' : 'N', dim(m), dim(n), dim(k), alpha, a,
                   dim(lda), b, dim(ldb), beta, c, dim(ldc)) != dnnl_success)
      throw std::invalid_argument("ctnet::blas::gemm: oneDNN refused the matrix shapes");
    return;
  }
#endif
  const auto ta = trans_a ? CblasTrans : CblasNoTrans, tb = trans_b ? CblasTrans : CblasNoTrans;
  const int im = static_cast<int>(m), in = static_cast<int>(n), ik = static_cast<int>(k);
  const int ia = static_cast<int>(lda), ib = static_cast<int>(ldb), ic = static_cast<int>(ldc);
  if constexpr (std::is_same_v<T, float>)
    cblas_sgemm(CblasRowMajor, ta, tb, im, in, ik, alpha, a, ia, b, ib, beta, c, ic);
  else
    cblas_dgemm(CblasRowMajor, ta, tb, im, in, ik, alpha, a, ia, b, ib, beta, c, ic);
}

/// Number of threads OpenBLAS uses for GEMM.
inline int threads() { return openblas_get_num_threads(); }
/// Set the GEMM thread count: OpenBLAS's (for the process) and oneDNN's (for
/// the calling thread: ThreadPool's workers call this for themselves).
inline void set_threads(int n) {
  openblas_set_num_threads(n);
#if defined(CTNET_USE_DNNL)
  ctnet_omp_set_num_threads(n);
#endif
}

/// The library behind single-precision GEMM, for the benchmarks' reports.
inline const char* sgemm_library() {
#if defined(CTNET_USE_DNNL)
  return "oneDNN dnnl_sgemm";
#else
  return "OpenBLAS cblas_sgemm";
#endif
}

}  // namespace ctnet::blas
