#pragma once
#include <algorithm>
#include <cstddef>
#include <string>

#include <fmt/format.h>

#include <ctnet/core/blas.hpp>
#include <ctnet/core/layer.hpp>
#include <ctnet/core/parallel.hpp>
#include <ctnet/core/tensor.hpp>
#include <ctnet/layers/epilogue.hpp>
#include <ctnet/layers/im2col.hpp>

namespace ctnet {

/// 2-D convolution over H x W x C -> OH x OW x Filters with Keras's padding
/// rules per axis (valid: (H - KH) / SH + 1; same: ceil(H / SH)). Kernel and
/// Stride are a whole number (square) or `Hw{rows, cols}` (Keras's
/// `kernel_size=(1, 7)`, `strides=(2, 1)`). Kernel stored (KH, KW, C, Filters)
/// as Keras stores it. Computed as im2col + one GEMM per batch (1x1, stride 1,
/// valid convolutions skip im2col). Keras: `layers.Conv2D(filters, kernel,
/// strides=stride, padding=..., use_bias=UseBias)`.
template <std::size_t Filters, auto Kernel, auto Stride = 1, Padding Pad = Padding::valid,
          bool UseBias = true>
  requires WindowArg<Kernel> && WindowArg<Stride>
struct Conv2D {
  static_assert(Filters > 0, "Conv2D needs at least one filter");
  static constexpr Hw kernel = as_hw<Kernel>, stride = as_hw<Stride>;
  static constexpr const char* keras_class = "Conv2D";
  static constexpr const char* keras_name = "conv2d";
  static std::string name() {
    return fmt::format("Conv2D<{}, {}, {}, {}{}>", Filters, window_name(kernel),
                       window_name(stride), Pad, UseBias ? "" : ", false");
  }

  template <class In>
  using check = window_check<In, 3, kernel, Pad == Padding::valid>;

  template <class In>
  struct layer : LayerBase<In, Shape<conv_out(In::dims[0], kernel.h, stride.h, Pad == Padding::same),
                                     conv_out(In::dims[1], kernel.w, stride.w, Pad == Padding::same),
                                     Filters>> {
    static constexpr std::size_t H = In::dims[0], W = In::dims[1], C = In::dims[2];
    static constexpr std::size_t KH = kernel.h, KW = kernel.w, SH = stride.h, SW = stride.w;
    static constexpr bool same = Pad == Padding::same;
    static constexpr std::size_t OH = conv_out(H, KH, SH, same);
    static constexpr std::size_t OW = conv_out(W, KW, SW, same);
    static constexpr std::size_t patch = KH * KW * C;
    static constexpr bool unit_stride = SH == 1 && SW == 1;
    static constexpr bool direct = KH == 1 && KW == 1 && unit_stride;  // col == x
    static constexpr detail::ConvGeometry geometry{H, W, C, OH, OW, KH, KW, SH, SW,
                                                   pad_before(H, KH, SH, same),
                                                   pad_before(W, KW, SW, same)};

    // Stride 1: the input gradient is itself a convolution, of the output
    // gradient padded by K - 1 - pad with the flipped kernel. It runs as
    // im2col + one GEMM whose shape matches the forward one, instead of a GEMM
    // with a wide output followed by col2im.
    // When one sample's patches exceed 4 MiB (report 5's 7x7 convolution over
    // 28x28x128 has 20 MB per sample), keeping the batch's patches is too
    // much memory: each thread then streams its samples through a patch
    // buffer of one sample, rebuilds them in backward and sums its own
    // kernel gradient.
    static constexpr bool big_patches = !direct && OH * OW * patch > (std::size_t{1} << 20);
    // Few filters behind big patches (report 5's Conv2D<1, 7> over 28x28x128:
    // the GEMM would be a matrix-vector product behind 20 MB of patches per
    // sample), stride 1: the taps are applied after the channel sum instead.
    // Forward: Z = x Wr, one GEMM (H*W x C by C x K*K*F), then
    // y[o, f] = sum over the taps (kh, kw) of Z[o + (kh, kw) - pad, (kh, kw, f)]
    // (gather_taps). The input gradient is the stride-1 convolution below and
    // the kernel gradient uses the same patches of g:
    // dW_flipped += im2col(pad(g))^T x. No patches of x at all.
    static constexpr bool narrow = big_patches && unit_stride && KH * KW * Filters <= 2 * C;
    static constexpr bool streaming = big_patches && !narrow;
    static constexpr bool dx_as_conv = unit_stride && !direct && !streaming;
    static constexpr detail::ConvGeometry back_geometry{
        OH, OW, Filters, H, W, KH, KW, 1, 1, KH - 1 - geometry.pad_top,
        KW - 1 - geometry.pad_left};
    static constexpr std::size_t back_patch = KH * KW * Filters;
    // narrow: samples per chunk, about 1 MiB of Z (H*W x K*K*F) per chunk.
    static constexpr std::size_t taps_per_sample = H * W * back_patch;
    static constexpr std::size_t narrow_chunk =
        taps_per_sample * sizeof(float) >= (1u << 20) ? 1 : (1u << 20) / (taps_per_sample * sizeof(float));

    static constexpr std::size_t trainable_params = patch * Filters + (UseBias ? Filters : 0);
    static constexpr bool fuses_activation = true;
    static constexpr double flops = 2.0 * OH * OW * patch * Filters;

    Buffer w = zeros(patch * Filters), dw = zeros(patch * Filters);
    Buffer b = zeros(UseBias ? Filters : 0), db = zeros(UseBias ? Filters : 0);
    Buffer col, dcol;  // im2col of the last forward's input, and its gradient
    Buffer w_flipped;  // (K, K, Filters, C): the kernel of the input-gradient convolution
    Buffer db_partial;  // per-thread bias-gradient sums

    Buffer dw_partial;  // streaming: per-thread kernel-gradient sums
    detail::PreActivation pre;

    void reserve(std::size_t batch) {
      if constexpr (narrow) {
        // per thread: Z (forward) or im2col(pad(g)) (backward), and the
        // flipped kernel-gradient sum
        const std::size_t threads = ThreadPool::instance().size();
        ensure_size(col, threads * std::min(narrow_chunk, batch) * taps_per_sample);
        ensure_size(dw_partial, threads * patch * Filters);
        ensure_size(w_flipped, patch * Filters);
        return;
      }
      if constexpr (streaming) {
        const std::size_t threads = ThreadPool::instance().size();
        ensure_size(col, threads * OH * OW * patch);
        ensure_size(dcol, threads * OH * OW * patch);
        ensure_size(dw_partial, threads * patch * Filters);
      } else if constexpr (!direct) {
        ensure_size(col, batch * OH * OW * patch);
        ensure_size(dcol, dx_as_conv ? batch * H * W * back_patch : batch * OH * OW * patch);
      }
      if constexpr (dx_as_conv) ensure_size(w_flipped, patch * Filters);
    }

    template <class F>
    void visit_params(F&& f) {
      f(ParamRef{.role = "kernel", .value = as_span(w), .grad = as_span(dw),
                 .shape = {KH, KW, C, Filters}, .rank = 4, .fan_in = patch,
                 .fan_out = KH * KW * Filters, .is_kernel = true});
      if constexpr (UseBias)
        f(ParamRef{.role = "bias", .value = as_span(b), .grad = as_span(db), .shape = {Filters},
                   .rank = 1});
    }

    // y = act(im2col(x) W + b); each thread runs im2col, GEMM and epilogue on
    // its share of the samples, a few samples at a time so that the patches
    // are still in cache when the GEMM reads them.
    template <class Act = NoActivation>
    void forward(const float* x, float* y, std::size_t n, Pass&) {
      reserve(n);
      pre.reserve<Act>(n * OH * OW * Filters);
      if constexpr (narrow) {
        // w_flipped as Wr[c, (kh, kw, f)] = w[kh, kw, c, f]
        for (std::size_t t = 0; t < KH * KW; ++t)
          for (std::size_t c = 0; c < C; ++c)
            for (std::size_t f = 0; f < Filters; ++f)
              w_flipped[(c * KH * KW + t) * Filters + f] = w[(t * C + c) * Filters + f];
        const std::size_t chunk = std::min(narrow_chunk, n);
        narrow_chunks(n, [&](std::size_t slot, std::size_t b0, std::size_t b1) {
          float* z = col.data() + slot * chunk * taps_per_sample;
          blas::gemm(false, false, (b1 - b0) * H * W, back_patch, C, 1.0f, x + b0 * In::size, C,
                     w_flipped.data(), back_patch, 0.0f, z, back_patch);
          float* yb = y + b0 * OH * OW * Filters;
          detail::gather_taps(geometry, Filters, z, yb, b1 - b0);
          detail::bias_activation<Act, UseBias>(yb, b.data(), (b1 - b0) * OH * OW, Filters,
                                                pre.store<Act>(b0 * OH * OW * Filters));
        });
        return;
      }
      if constexpr (streaming) {
        parallel_slots(n, [&](std::size_t slot, std::size_t b0, std::size_t b1) {
          float* c = col.data() + slot * OH * OW * patch;
          for (std::size_t s = b0; s < b1; ++s) {
            detail::im2col(geometry, x + s * In::size, c, 1);
            float* ys = y + s * OH * OW * Filters;
            blas::gemm(false, false, OH * OW, Filters, patch, 1.0f, c, patch, w.data(), Filters,
                       0.0f, ys, Filters);
            detail::bias_activation<Act, UseBias>(ys, b.data(), OH * OW, Filters,
                                                  pre.store<Act>(s * OH * OW * Filters));
          }
        });
        return;
      }
      parallel_chunks(n, [&](std::size_t b0, std::size_t b1) {
        const std::size_t rows = (b1 - b0) * OH * OW;
        const float* a = x + b0 * In::size;
        if constexpr (!direct) {
          float* c = col.data() + b0 * OH * OW * patch;
          detail::im2col(geometry, a, c, b1 - b0);
          a = c;
        }
        float* yb = y + b0 * OH * OW * Filters;
        blas::gemm(false, false, rows, Filters, patch, 1.0f, a, patch, w.data(), Filters, 0.0f, yb,
                   Filters);
        detail::bias_activation<Act, UseBias>(yb, b.data(), rows, Filters,
                                              pre.store<Act>(b0 * OH * OW * Filters));
      });
    }

    /// narrow: f(slot, b0, b1) over chunks of each thread's share of n samples.
    template <class F>
    static void narrow_chunks(std::size_t n, F&& f) {
      const std::size_t chunk = std::min(narrow_chunk, n);
      parallel_slots(n, [&](std::size_t t, std::size_t b0, std::size_t b1) {
        for (std::size_t c0 = b0; c0 < b1; c0 += chunk) f(t, c0, std::min(b1, c0 + chunk));
      });
    }
    /// w_flipped[kh', kw', f, c] = w[KH-1-kh', KW-1-kw', c, f]
    void flip_kernel() {
      for (std::size_t kh = 0; kh < KH; ++kh)
        for (std::size_t kw = 0; kw < KW; ++kw)
          for (std::size_t c = 0; c < C; ++c)
            for (std::size_t f = 0; f < Filters; ++f)
              w_flipped[((kh * KW + kw) * Filters + f) * C + c] =
                  w[(((KH - 1 - kh) * KW + (KW - 1 - kw)) * C + c) * Filters + f];
    }

    /// Splits [0, n) samples across the threads and each share into chunks
    /// of about 1 MiB of patches.
    template <class F>
    static void parallel_chunks(std::size_t n, F&& f) {
      constexpr std::size_t per_sample = OH * OW * patch * sizeof(float);
      constexpr std::size_t chunk = per_sample >= (1u << 20) ? 1 : (1u << 20) / per_sample;
      parallel_for(n, [&](std::size_t b0, std::size_t b1) {
        for (std::size_t c0 = b0; c0 < b1; c0 += chunk) f(c0, std::min(b1, c0 + chunk));
      });
    }
    // g = dy * act'(y);  db += sum g;  dW += col^T g;
    // dx = col2im(g W^T), or for stride 1 im2col(pad(g)) W_flipped
    template <class Act = NoActivation>
    void backward(const float* x, const float* y, float* dy, float* dx, std::size_t n) {
      const std::size_t rows = n * OH * OW;
      detail::activation_bias_grad_parallel<Act, UseBias>(dy, pre.derivative_input<Act>(y),
                                                          db.data(), rows, Filters, db_partial);
      if constexpr (narrow) {
        // G = im2col(pad(g)) (H*W x K*K*F, flipped taps), per chunk:
        // dW_flipped[(kh', kw', f), c] += Gᵀ x;  dx = G W_flipped
        const std::size_t threads = ThreadPool::instance().size();
        const std::size_t wsize = patch * Filters, chunk = std::min(narrow_chunk, n);
        std::fill(dw_partial.begin(), dw_partial.begin() + static_cast<long>(threads * wsize), 0.0f);
        if (dx != nullptr) flip_kernel();
        narrow_chunks(n, [&](std::size_t slot, std::size_t b0, std::size_t b1) {
          float* gc = col.data() + slot * chunk * taps_per_sample;
          const std::size_t rows = (b1 - b0) * H * W;
          detail::im2col(back_geometry, dy + b0 * OH * OW * Filters, gc, b1 - b0);
          blas::gemm(true, false, back_patch, C, rows, 1.0f, gc, back_patch, x + b0 * In::size, C,
                     1.0f, dw_partial.data() + slot * wsize, C);
          if (dx != nullptr)
            blas::gemm(false, false, rows, C, back_patch, 1.0f, gc, back_patch, w_flipped.data(), C,
                       0.0f, dx + b0 * In::size, C);
        });
        // dw[kh, kw, c, f] += sum over threads of dW_flipped[(KH-1-kh, KW-1-kw, f), c]
        for (std::size_t t = 1; t < threads; ++t)
          for (std::size_t i = 0; i < wsize; ++i) dw_partial[i] += dw_partial[t * wsize + i];
        for (std::size_t kh = 0; kh < KH; ++kh)
          for (std::size_t kw = 0; kw < KW; ++kw)
            for (std::size_t c = 0; c < C; ++c)
              for (std::size_t f = 0; f < Filters; ++f)
                dw[((kh * KW + kw) * C + c) * Filters + f] +=
                    dw_partial[(((KH - 1 - kh) * KW + (KW - 1 - kw)) * Filters + f) * C + c];
        return;
      }
      if constexpr (streaming) {
        const std::size_t threads = ThreadPool::instance().size();
        std::fill(dw_partial.begin(), dw_partial.begin() + static_cast<long>(threads * patch * Filters), 0.0f);
        parallel_slots(n, [&](std::size_t slot, std::size_t b0, std::size_t b1) {
          float* c = col.data() + slot * OH * OW * patch;
          float* dc = dcol.data() + slot * OH * OW * patch;
          float* dws = dw_partial.data() + slot * patch * Filters;
          for (std::size_t s = b0; s < b1; ++s) {
            const float* gs = dy + s * OH * OW * Filters;
            detail::im2col(geometry, x + s * In::size, c, 1);
            blas::gemm(true, false, patch, Filters, OH * OW, 1.0f, c, patch, gs, Filters, 1.0f, dws,
                       Filters);
            if (dx == nullptr) continue;
            blas::gemm(false, true, OH * OW, patch, Filters, 1.0f, gs, Filters, w.data(), Filters,
                       0.0f, dc, patch);
            detail::col2im(geometry, dc, dx + s * In::size, 1);
          }
        });
        for (std::size_t t = 0; t < threads; ++t)
          for (std::size_t i = 0; i < patch * Filters; ++i) dw[i] += dw_partial[t * patch * Filters + i];
        return;
      }
      const float* a = direct ? x : col.data();
      detail::weight_grad_parallel(a, patch, dy, rows, patch, Filters, dw.data());
      if (dx == nullptr) return;
      if constexpr (dx_as_conv) {
        flip_kernel();
        parallel_chunks(n, [&](std::size_t b0, std::size_t b1) {
          float* gc = dcol.data() + b0 * H * W * back_patch;
          detail::im2col(back_geometry, dy + b0 * OH * OW * Filters, gc, b1 - b0);
          blas::gemm(false, false, (b1 - b0) * H * W, C, back_patch, 1.0f, gc, back_patch,
                     w_flipped.data(), C, 0.0f, dx + b0 * In::size, C);
        });
        return;
      }
      parallel_chunks(n, [&](std::size_t b0, std::size_t b1) {
        const std::size_t r0 = b0 * OH * OW, r = (b1 - b0) * OH * OW;
        float* d = direct ? dx + b0 * In::size : dcol.data() + r0 * patch;
        blas::gemm(false, true, r, patch, Filters, 1.0f, dy + r0 * Filters, Filters, w.data(),
                   Filters, 0.0f, d, patch);
        if constexpr (!direct) detail::col2im(geometry, d, dx + b0 * In::size, b1 - b0);
      });
    }
  };
};

}  // namespace ctnet
