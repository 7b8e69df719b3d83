#pragma once
// The convolution as im2col + GEMM (Conv2D's strategy but for narrow
// layers), one chunk of samples at a time per thread (`chunk_samples`: about
// 1 MiB of patches, at least 512 rows where that fits in 8 MiB), in a scratch
// buffer of the thread's own, so that memory stays bounded whatever the batch. Forward: y = im2col(x) W, then the epilogue on
// the chunk. Backward, per chunk: the patches again (cheaper than keeping the
// whole batch's: they are redone in cache), dW_thread += colᵀ g; then
// dx = col2im(g Wᵀ), or for stride 1 the convolution of the padded gradient
// with the flipped kernel (im2col + a GEMM shaped like forward's). A 1x1
// stride-1 convolution skips im2col (its patches are x).
#include <algorithm>
#include <cstddef>

#include <ctnet/core/blas.hpp>
#include <ctnet/core/parallel.hpp>
#include <ctnet/core/tensor.hpp>
#include <ctnet/layers/epilogue.hpp>
#include <ctnet/layers/im2col.hpp>

namespace ctnet::detail {

template <ConvGeometry G, std::size_t F>
struct GemmConv {
  static constexpr const char* name = "im2col + GEMM";
  static constexpr std::size_t in_size = G.h * G.w * G.c, out_size = G.oh * G.ow * F;
  static constexpr std::size_t patch = G.patch(), rows = G.oh * G.ow, wsize = patch * F;
  static constexpr bool direct = G.kh == 1 && G.kw == 1 && G.sh == 1 && G.sw == 1;  // col == x
  static constexpr bool dx_as_conv = G.sh == 1 && G.sw == 1 && !direct;
  static constexpr ConvGeometry back = back_geometry(G, F);
  static constexpr std::size_t back_patch = G.kh * G.kw * F;
  // one sample's scratch: its patches, or its input gradient's patches
  static constexpr std::size_t per_sample = std::max(rows * patch, dx_as_conv ? G.h * G.w * back_patch : 0);
  static constexpr std::size_t chunk = chunk_samples(per_sample, rows);

  Buffer scratch;     // per thread: one chunk's patches
  Buffer dw_partial;  // per thread: its share of the kernel gradient
  Buffer w_flipped;   // the kernel of the input gradient's convolution

  static std::size_t threads() { return ThreadPool::instance().size(); }
  void reserve(std::size_t batch) {
    if constexpr (!direct) {
      ensure_size(scratch, threads() * std::min(chunk, batch) * per_sample);
      ensure_size(dw_partial, threads() * wsize);
    }
    if constexpr (dx_as_conv) ensure_size(w_flipped, wsize);
  }

  /// The patches of samples [b0, b1) in the thread's scratch (x for 1x1).
  const float* patches(std::size_t slot, const float* x, std::size_t b0, std::size_t b1) {
    if constexpr (direct) {
      return x + b0 * in_size;
    } else {
      float* c = slot_scratch(slot);
      im2col(G, x + b0 * in_size, c, b1 - b0);
      return c;
    }
  }
  float* slot_scratch(std::size_t slot) { return scratch.data() + slot * (scratch.size() / threads()); }

  // y = im2col(x) W, then epilogue(y of samples [b0, b1), b0, b1 - b0)
  template <class Epilogue>
  void forward(const float* w, const float* x, float* y, std::size_t n, Epilogue&& epilogue) {
    reserve(n);
    parallel_chunks(n, chunk, [&](std::size_t slot, std::size_t b0, std::size_t b1) {
      const float* a = patches(slot, x, b0, b1);
      float* yb = y + b0 * out_size;
      blas::gemm(false, false, (b1 - b0) * rows, F, patch, 1.0f, a, patch, w, F, 0.0f, yb, F);
      epilogue(yb, b0, b1 - b0);
    });
  }

  // dW += colᵀ g; dx as above (when dx is set)
  void backward(const float* w, const float* x, const float* g, float* dw, float* dx, std::size_t n) {
    if constexpr (direct) {
      weight_grad_parallel(x, patch, g, n * rows, patch, F, dw);
      if (dx == nullptr) return;
      parallel_for(n * rows, [&](std::size_t r0, std::size_t r1) {
        blas::gemm(false, true, r1 - r0, patch, F, 1.0f, g + r0 * F, F, w, F, 0.0f, dx + r0 * patch, patch);
      });
    } else {
      std::fill(dw_partial.begin(), dw_partial.begin() + static_cast<long>(threads() * wsize), 0.0f);
      if (dx != nullptr && dx_as_conv) flip_kernel(G, F, w, w_flipped.data());
      parallel_chunks(n, chunk, [&](std::size_t slot, std::size_t b0, std::size_t b1) {
        const float* gb = g + b0 * out_size;
        const std::size_t r = (b1 - b0) * rows;
        blas::gemm(true, false, patch, F, r, 1.0f, patches(slot, x, b0, b1), patch, gb, F, 1.0f,
                   dw_partial.data() + slot * wsize, F);
        if (dx == nullptr) return;
        float* c = slot_scratch(slot);
        if constexpr (dx_as_conv) {
          im2col(back, gb, c, b1 - b0);
          blas::gemm(false, false, (b1 - b0) * G.h * G.w, G.c, back_patch, 1.0f, c, back_patch,
                     w_flipped.data(), G.c, 0.0f, dx + b0 * in_size, G.c);
        } else {
          blas::gemm(false, true, r, patch, F, 1.0f, gb, F, w, F, 0.0f, c, patch);
          col2im(G, c, dx + b0 * in_size, b1 - b0);
        }
      });
      for (std::size_t t = 0; t < threads(); ++t)
        for (std::size_t i = 0; i < wsize; ++i) dw[i] += dw_partial[t * wsize + i];
    }
  }
};

}  // namespace ctnet::detail
