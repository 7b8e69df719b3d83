#pragma once
// The convolution as im2col + one GEMM per chunk of samples (Conv2D's default
// strategy). Forward: y = im2col(x) W, each thread running im2col, the GEMM
// and the epilogue on its share of the samples, about 1 MiB of patches at a
// time so that they are still in cache when the GEMM reads them; a 1x1
// stride-1 convolution skips im2col (its patches are x). Backward: dW +=
// colᵀ g; dx = col2im(g Wᵀ), or for stride 1 the convolution of the padded
// gradient with the flipped kernel, im2col + a GEMM shaped like forward's.
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
  static constexpr std::size_t patch = G.patch();
  static constexpr bool direct = G.kh == 1 && G.kw == 1 && G.sh == 1 && G.sw == 1;  // col == x
  static constexpr bool dx_as_conv = G.sh == 1 && G.sw == 1 && !direct;
  static constexpr ConvGeometry back = back_geometry(G, F);
  static constexpr std::size_t back_patch = G.kh * G.kw * F;

  Buffer col, dcol;  // im2col of the last forward's input, and its gradient
  Buffer w_flipped;  // the kernel of the input gradient's convolution

  void reserve(std::size_t batch) {
    if constexpr (!direct) {
      ensure_size(col, batch * G.oh * G.ow * patch);
      ensure_size(dcol, dx_as_conv ? batch * G.h * G.w * back_patch : batch * G.oh * G.ow * patch);
    }
    if constexpr (dx_as_conv) ensure_size(w_flipped, patch * F);
  }

  /// f(b0, b1) over chunks of each thread's share of [0, n), about 1 MiB of patches each.
  template <class Fn>
  static void chunks(std::size_t n, Fn&& f) {
    constexpr std::size_t chunk = samples_per_mib(G.oh * G.ow * patch);
    parallel_for(n, [&](std::size_t b0, std::size_t b1) {
      for (std::size_t c0 = b0; c0 < b1; c0 += chunk) f(c0, std::min(b1, c0 + chunk));
    });
  }

  // y = im2col(x) W, then epilogue(y of samples [b0, b1), b0, b1 - b0)
  template <class Epilogue>
  void forward(const float* w, const float* x, float* y, std::size_t n, Epilogue&& epilogue) {
    reserve(n);
    chunks(n, [&](std::size_t b0, std::size_t b1) {
      const float* a = x + b0 * in_size;
      if constexpr (!direct) {
        float* c = col.data() + b0 * G.oh * G.ow * patch;
        im2col(G, a, c, b1 - b0);
        a = c;
      }
      float* yb = y + b0 * out_size;
      blas::gemm(false, false, (b1 - b0) * G.oh * G.ow, F, patch, 1.0f, a, patch, w, F, 0.0f, yb, F);
      epilogue(yb, b0, b1 - b0);
    });
  }

  // dW += colᵀ g; dx as above (when dx is set)
  void backward(const float* w, const float* x, const float* g, float* dw, float* dx, std::size_t n) {
    const float* a = direct ? x : col.data();
    weight_grad_parallel(a, patch, g, n * G.oh * G.ow, patch, F, dw);
    if (dx == nullptr) return;
    if constexpr (dx_as_conv) {
      flip_kernel(G, F, w, w_flipped.data());
      chunks(n, [&](std::size_t b0, std::size_t b1) {
        float* gc = dcol.data() + b0 * G.h * G.w * back_patch;
        im2col(back, g + b0 * out_size, gc, b1 - b0);
        blas::gemm(false, false, (b1 - b0) * G.h * G.w, G.c, back_patch, 1.0f, gc, back_patch,
                   w_flipped.data(), G.c, 0.0f, dx + b0 * in_size, G.c);
      });
      return;
    }
    chunks(n, [&](std::size_t b0, std::size_t b1) {
      const std::size_t r0 = b0 * G.oh * G.ow, r = (b1 - b0) * G.oh * G.ow;
      float* d = direct ? dx + b0 * in_size : dcol.data() + r0 * patch;
      blas::gemm(false, true, r, patch, F, 1.0f, g + r0 * F, F, w, F, 0.0f, d, patch);
      if constexpr (!direct) col2im(G, d, dx + b0 * in_size, b1 - b0);
    });
  }
};

}  // namespace ctnet::detail
