#pragma once
// The convolution for patches too big to keep for a batch (over 4 MiB per
// sample, with too many filters for the narrow strategy): each thread streams
// its samples through a patch buffer of one sample, rebuilds the patches in
// backward and sums its own kernel gradient. Nothing of batch size is kept.
#include <cstddef>

#include <ctnet/core/blas.hpp>
#include <ctnet/core/parallel.hpp>
#include <ctnet/core/tensor.hpp>
#include <ctnet/layers/im2col.hpp>

namespace ctnet::detail {

template <ConvGeometry G, std::size_t F>
struct StreamedConv {
  static constexpr const char* name = "streamed";
  static constexpr std::size_t in_size = G.h * G.w * G.c, out_size = G.oh * G.ow * F;
  static constexpr std::size_t patch = G.patch(), rows = G.oh * G.ow, wsize = patch * F;

  Buffer col, dcol;   // per thread: one sample's patches and their gradient
  Buffer dw_partial;  // per thread: the kernel gradient

  static std::size_t threads() { return ThreadPool::instance().size(); }
  void reserve(std::size_t) {
    ensure_size(col, threads() * rows * patch);
    ensure_size(dcol, threads() * rows * patch);
    ensure_size(dw_partial, threads() * wsize);
  }

  template <class Epilogue>
  void forward(const float* w, const float* x, float* y, std::size_t n, Epilogue&& epilogue) {
    reserve(n);
    parallel_slots(n, [&](std::size_t slot, std::size_t b0, std::size_t b1) {
      float* c = col.data() + slot * rows * patch;
      for (std::size_t s = b0; s < b1; ++s) {
        im2col(G, x + s * in_size, c, 1);
        float* ys = y + s * out_size;
        blas::gemm(false, false, rows, F, patch, 1.0f, c, patch, w, F, 0.0f, ys, F);
        epilogue(ys, s, std::size_t{1});
      }
    });
  }

  // per sample: dW += im2col(x)ᵀ g; dx = col2im(g Wᵀ)
  void backward(const float* w, const float* x, const float* g, float* dw, float* dx, std::size_t n) {
    std::fill(dw_partial.begin(), dw_partial.begin() + static_cast<long>(threads() * wsize), 0.0f);
    parallel_slots(n, [&](std::size_t slot, std::size_t b0, std::size_t b1) {
      float* c = col.data() + slot * rows * patch;
      float* dc = dcol.data() + slot * rows * patch;
      float* dws = dw_partial.data() + slot * wsize;
      for (std::size_t s = b0; s < b1; ++s) {
        const float* gs = g + s * out_size;
        im2col(G, x + s * in_size, c, 1);
        blas::gemm(true, false, patch, F, rows, 1.0f, c, patch, gs, F, 1.0f, dws, F);
        if (dx == nullptr) continue;
        blas::gemm(false, true, rows, patch, F, 1.0f, gs, F, w, F, 0.0f, dc, patch);
        col2im(G, dc, dx + s * in_size, 1);
      }
    });
    for (std::size_t t = 0; t < threads(); ++t)
      for (std::size_t i = 0; i < wsize; ++i) dw[i] += dw_partial[t * wsize + i];
  }
};

}  // namespace ctnet::detail
