#pragma once
#include <algorithm>
#include <cstddef>
#include <string>

#include <fmt/format.h>

#include <ctnet/core/layer.hpp>
#include <ctnet/core/parallel.hpp>
#include <ctnet/core/tensor.hpp>
#include <ctnet/layers/epilogue.hpp>

namespace ctnet {

/// Depthwise 2-D convolution over H x W x C -> OH x OW x (C * DepthMultiplier):
/// every input channel c is convolved with DepthMultiplier kernels of its own,
/// output channel c * DepthMultiplier + m. Padding rules per axis as Conv2D's
/// (valid: (H - KH) / SH + 1; same: ceil(H / SH)); Kernel and Stride a whole
/// number or `Hw{rows, cols}`. Kernel stored (KH, KW, C, DepthMultiplier) as
/// Keras stores its depthwise_kernel. Direct loops, parallel over samples.
/// Keras: `layers.DepthwiseConv2D(kernel, strides=stride, padding=...,
/// depth_multiplier=DepthMultiplier, use_bias=UseBias)`. A following
/// activation is applied in the same pass as the bias.
template <auto Kernel, auto Stride = 1, Padding Pad = Padding::valid,
          std::size_t DepthMultiplier = 1, bool UseBias = true>
  requires WindowArg<Kernel> && WindowArg<Stride>
struct DepthwiseConv2D {
  static_assert(DepthMultiplier > 0, "DepthwiseConv2D's depth multiplier must be positive");
  static constexpr Hw kernel = as_hw<Kernel>, stride = as_hw<Stride>;
  static constexpr const char* keras_class = "DepthwiseConv2D";
  static constexpr const char* keras_name = "depthwise_conv2d";
  static std::string name() {
    std::string tail;
    if (DepthMultiplier != 1 || !UseBias) tail += fmt::format(", {}", DepthMultiplier);
    if (!UseBias) tail += ", false";
    return fmt::format("DepthwiseConv2D<{}, {}, {}{}>", window_name(kernel), window_name(stride),
                       Pad, tail);
  }

  template <class In>
  using check = window_check<In, 3, kernel, Pad == Padding::valid>;

  template <class In>
  struct layer
      : LayerBase<In, Shape<conv_out(In::dims[0], kernel.h, stride.h, Pad == Padding::same),
                            conv_out(In::dims[1], kernel.w, stride.w, Pad == Padding::same),
                            In::dims[2] * DepthMultiplier>> {
    static constexpr std::size_t H = In::dims[0], W = In::dims[1], C = In::dims[2];
    static constexpr std::size_t DM = DepthMultiplier, CO = C * DM;
    static constexpr std::size_t KH = kernel.h, KW = kernel.w, SH = stride.h, SW = stride.w;
    static constexpr bool same = Pad == Padding::same;
    static constexpr std::size_t OH = conv_out(H, KH, SH, same), OW = conv_out(W, KW, SW, same);
    static constexpr std::size_t PT = pad_before(H, KH, SH, same), PL = pad_before(W, KW, SW, same);
    static constexpr std::size_t out_size = OH * OW * CO;
    static constexpr std::size_t kernel_size = KH * KW * CO;  // (KH, KW, C, DM)

    static constexpr std::size_t trainable_params = kernel_size + (UseBias ? CO : 0);
    static constexpr bool fuses_activation = true;
    static constexpr double flops = 2.0 * OH * OW * kernel_size;

    Buffer w = zeros(kernel_size), dw = zeros(kernel_size);
    Buffer b = zeros(UseBias ? CO : 0), db = zeros(UseBias ? CO : 0);
    Buffer partial;  // per-thread kernel- and bias-gradient sums
    detail::PreActivation pre;

    static std::size_t threads() { return ThreadPool::instance().size(); }

    void reserve(std::size_t) { ensure_size(partial, threads() * (kernel_size + CO)); }

    template <class F>
    void visit_params(F&& f) {
      f(ParamRef{.role = "depthwise_kernel", .value = as_span(w), .grad = as_span(dw),
                 .shape = {KH, KW, C, DM}, .rank = 4, .fan_in = KH * KW * C,
                 .fan_out = KH * KW * DM, .is_kernel = true});
      if constexpr (UseBias)
        f(ParamRef{.role = "bias", .value = as_span(b), .grad = as_span(db), .shape = {CO},
                   .rank = 1, .fan_in = KH * KW * C});
    }

    /// f(kh, kw, input pixel offset, output pixel offset) for every kernel tap
    /// inside the input, over one sample's output pixels.
    template <class F>
    static void for_each_tap(F&& f) {
      for (std::size_t oy = 0; oy < OH; ++oy) {
        const long iy0 = static_cast<long>(oy * SH) - static_cast<long>(PT);
        for (std::size_t ox = 0; ox < OW; ++ox) {
          const long ix0 = static_cast<long>(ox * SW) - static_cast<long>(PL);
          const std::size_t o = (oy * OW + ox) * CO;
          for (std::size_t kh = 0; kh < KH; ++kh) {
            const long iy = iy0 + static_cast<long>(kh);
            if (iy < 0 || iy >= static_cast<long>(H)) continue;
            for (std::size_t kw = 0; kw < KW; ++kw) {
              const long ix = ix0 + static_cast<long>(kw);
              if (ix < 0 || ix >= static_cast<long>(W)) continue;
              f(kh, kw, (static_cast<std::size_t>(iy) * W + static_cast<std::size_t>(ix)) * C, o);
            }
          }
        }
      }
    }

    // y[o, c*DM + m] = act(b[c*DM + m] + sum over taps of x[tap, c] w[kh, kw, c, m])
    template <class Act = NoActivation>
    void forward(const float* x, float* y, std::size_t n, Pass&) {
      pre.reserve<Act>(n * out_size);
      parallel_for(n, [&](std::size_t b0, std::size_t b1) {
        for (std::size_t s = b0; s < b1; ++s) {
          const float* xs = x + s * In::size;
          float* ys = y + s * out_size;
          std::fill(ys, ys + out_size, 0.0f);
          for_each_tap([&](std::size_t kh, std::size_t kw, std::size_t i, std::size_t o) {
            const float* __restrict xp = xs + i;
            const float* __restrict wp = w.data() + (kh * KW + kw) * CO;
            float* __restrict yp = ys + o;
            if constexpr (DM == 1) {
              for (std::size_t c = 0; c < C; ++c) yp[c] += xp[c] * wp[c];
            } else {
              for (std::size_t c = 0; c < C; ++c)
                for (std::size_t m = 0; m < DM; ++m) yp[c * DM + m] += xp[c] * wp[c * DM + m];
            }
          });
        }
        detail::bias_activation<Act, UseBias>(y + b0 * out_size, b.data(), (b1 - b0) * OH * OW, CO,
                                              pre.store<Act>(b0 * out_size));
      });
    }

    // g = dy * act'(y);  db += sum g;  dw[kh, kw, c, m] += sum x[tap, c] g[o, c*DM + m];
    // dx[tap, c] = sum over the outputs it feeds of w[kh, kw, c, m] g[o, c*DM + m]
    template <class Act = NoActivation>
    void backward(const float* x, const float* y, float* dy, float* dx, std::size_t n) {
      reserve(n);
      const float* deriv = pre.derivative_input<Act>(y);
      const std::size_t used = std::min(threads(), n);
      constexpr std::size_t stride_t = kernel_size + CO;
      std::fill(partial.begin(), partial.begin() + static_cast<long>(used * stride_t), 0.0f);
      parallel_slots(n, [&](std::size_t t, std::size_t b0, std::size_t b1) {
        float* dwp = partial.data() + t * stride_t;
        float* dbp = dwp + kernel_size;
        detail::activation_bias_grad<Act, UseBias>(dy + b0 * out_size, deriv + b0 * out_size, dbp,
                                                   (b1 - b0) * OH * OW, CO);
        for (std::size_t s = b0; s < b1; ++s) {
          const float* xs = x + s * In::size;
          const float* gs = dy + s * out_size;
          float* dxs = dx != nullptr ? dx + s * In::size : nullptr;
          if (dxs != nullptr) std::fill(dxs, dxs + In::size, 0.0f);
          for_each_tap([&](std::size_t kh, std::size_t kw, std::size_t i, std::size_t o) {
            const float* __restrict xp = xs + i;
            const float* __restrict gp = gs + o;
            const float* __restrict wp = w.data() + (kh * KW + kw) * CO;
            float* __restrict dwt = dwp + (kh * KW + kw) * CO;
            if constexpr (DM == 1) {
              for (std::size_t c = 0; c < C; ++c) dwt[c] += xp[c] * gp[c];
              if (dxs != nullptr) {
                float* __restrict dxp = dxs + i;
                for (std::size_t c = 0; c < C; ++c) dxp[c] += wp[c] * gp[c];
              }
            } else {
              for (std::size_t c = 0; c < C; ++c)
                for (std::size_t m = 0; m < DM; ++m) dwt[c * DM + m] += xp[c] * gp[c * DM + m];
              if (dxs != nullptr) {
                float* __restrict dxp = dxs + i;
                for (std::size_t c = 0; c < C; ++c) {
                  float sum = 0.0f;
                  for (std::size_t m = 0; m < DM; ++m) sum += wp[c * DM + m] * gp[c * DM + m];
                  dxp[c] += sum;
                }
              }
            }
          });
        }
      });
      for (std::size_t t = 0; t < used; ++t) {
        const float* p = partial.data() + t * stride_t;
        for (std::size_t i = 0; i < kernel_size; ++i) dw[i] += p[i];
        if constexpr (UseBias)
          for (std::size_t j = 0; j < CO; ++j) db[j] += p[kernel_size + j];
      }
    }
  };
};

}  // namespace ctnet
