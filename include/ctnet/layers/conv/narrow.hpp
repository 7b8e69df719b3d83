#pragma once
// The convolution for few filters behind big patches, stride 1 (report 5's
// Conv2D<1, 7> over 28x28x128: as im2col + GEMM it would be a matrix-vector
// product behind 20 MB of patches per sample): the taps are applied after
// the channel sum. Forward: Z = x Wr, one GEMM (H*W x C by C x KH*KW*F), then
// y[o, f] = sum over the taps (kh, kw) of Z[o + (kh, kw) - pad, (kh, kw, f)]
// (gather_taps). The input gradient is the stride-1 convolution of the padded
// gradient with the flipped kernel, and the kernel gradient uses the same
// patches of g: dW_flipped += im2col(pad(g))ᵀ x. No patches of x at all.
#include <algorithm>
#include <cstddef>

#include <ctnet/core/blas.hpp>
#include <ctnet/core/parallel.hpp>
#include <ctnet/core/tensor.hpp>
#include <ctnet/layers/im2col.hpp>

namespace ctnet::detail {

template <ConvGeometry G, std::size_t F>
struct NarrowConv {
  static constexpr const char* name = "narrow";
  static constexpr std::size_t in_size = G.h * G.w * G.c, out_size = G.oh * G.ow * F;
  static constexpr std::size_t taps = G.kh * G.kw, wsize = taps * G.c * F;
  static constexpr ConvGeometry back = back_geometry(G, F);
  static constexpr std::size_t back_patch = taps * F;
  static constexpr std::size_t taps_per_sample = G.h * G.w * back_patch;
  static constexpr std::size_t chunk = chunk_samples(taps_per_sample, G.h * G.w);  // Z's rows

  Buffer z;           // per thread: Z (forward) or im2col(pad(g)) (backward)
  Buffer w_flipped;   // Wr (forward) or the flipped kernel (backward)
  Buffer dw_partial;  // per thread: the flipped kernel gradient

  static std::size_t threads() { return ThreadPool::instance().size(); }
  void reserve(std::size_t batch) {
    ensure_size(z, threads() * std::min(chunk, batch) * taps_per_sample);
    ensure_size(dw_partial, threads() * wsize);
    ensure_size(w_flipped, wsize);
  }

  template <class Epilogue>
  void forward(const float* w, const float* x, float* y, std::size_t n, Epilogue&& epilogue) {
    reserve(n);
    // Wr[c, (kh, kw, f)] = w[kh, kw, c, f]
    for (std::size_t t = 0; t < taps; ++t)
      for (std::size_t c = 0; c < G.c; ++c)
        for (std::size_t f = 0; f < F; ++f)
          w_flipped[(c * taps + t) * F + f] = w[(t * G.c + c) * F + f];
    const std::size_t c = std::min(chunk, n);
    parallel_chunks(n, chunk, [&](std::size_t slot, std::size_t b0, std::size_t b1) {
      float* zs = z.data() + slot * c * taps_per_sample;
      blas::gemm(false, false, (b1 - b0) * G.h * G.w, back_patch, G.c, 1.0f, x + b0 * in_size,
                 G.c, w_flipped.data(), back_patch, 0.0f, zs, back_patch);
      float* yb = y + b0 * out_size;
      gather_taps(G, F, zs, yb, b1 - b0);
      epilogue(yb, b0, b1 - b0);
    });
  }

  // Gc = im2col(pad(g)) (H*W x KH*KW*F, flipped taps), per chunk:
  // dW_flipped[(kh', kw', f), c] += Gcᵀ x;  dx = Gc W_flipped
  void backward(const float* w, const float* x, const float* g, float* dw, float* dx, std::size_t n) {
    const std::size_t c = std::min(chunk, n);
    std::fill(dw_partial.begin(), dw_partial.begin() + static_cast<long>(threads() * wsize), 0.0f);
    if (dx != nullptr) flip_kernel(G, F, w, w_flipped.data());
    parallel_chunks(n, chunk, [&](std::size_t slot, std::size_t b0, std::size_t b1) {
      float* gc = z.data() + slot * c * taps_per_sample;
      const std::size_t rows = (b1 - b0) * G.h * G.w;
      im2col(back, g + b0 * out_size, gc, b1 - b0);
      blas::gemm(true, false, back_patch, G.c, rows, 1.0f, gc, back_patch, x + b0 * in_size, G.c,
                 1.0f, dw_partial.data() + slot * wsize, G.c);
      if (dx != nullptr)
        blas::gemm(false, false, rows, G.c, back_patch, 1.0f, gc, back_patch, w_flipped.data(),
                   G.c, 0.0f, dx + b0 * in_size, G.c);
    });
    // dw[kh, kw, c, f] += sum over threads of dW_flipped[(KH-1-kh, KW-1-kw, f), c]
    for (std::size_t t = 1; t < threads(); ++t)
      for (std::size_t i = 0; i < wsize; ++i) dw_partial[i] += dw_partial[t * wsize + i];
    for (std::size_t kh = 0; kh < G.kh; ++kh)
      for (std::size_t kw = 0; kw < G.kw; ++kw)
        for (std::size_t ch = 0; ch < G.c; ++ch)
          for (std::size_t f = 0; f < F; ++f)
            dw[((kh * G.kw + kw) * G.c + ch) * F + f] +=
                dw_partial[(((G.kh - 1 - kh) * G.kw + (G.kw - 1 - kw)) * F + f) * G.c + ch];
  }
};

}  // namespace ctnet::detail
