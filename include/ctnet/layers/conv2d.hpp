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
#include <ctnet/layers/conv/gemm.hpp>
#include <ctnet/layers/conv/narrow.hpp>
#include <ctnet/layers/im2col.hpp>

namespace ctnet {

namespace detail {
/// The strategy for a convolution's geometry: narrow for few filters behind
/// patches of over 4 MiB per sample at stride 1 (report 5's Conv2D<1, 7> over
/// 28x28x128); else im2col + GEMM, a chunk of samples at a time.
template <ConvGeometry G, std::size_t F>
consteval bool narrow_conv() {
  const bool direct = G.kh == 1 && G.kw == 1 && G.sh == 1 && G.sw == 1;
  const bool big_patches = !direct && G.oh * G.ow * G.patch() > (std::size_t{1} << 20);
  return big_patches && G.sh == 1 && G.sw == 1 && G.kh * G.kw * F <= 2 * G.c;
}
template <ConvGeometry G, std::size_t F>
using conv_strategy_t = std::conditional_t<narrow_conv<G, F>(), NarrowConv<G, F>, GemmConv<G, F>>;
}  // namespace detail

/// 2-D convolution over H x W x C -> OH x OW x Filters with Keras's padding
/// rules per axis (valid: (H - KH) / SH + 1; same: ceil(H / SH)). Kernel and
/// Stride are a whole number (square) or `Hw{rows, cols}` (Keras's
/// `kernel_size=(1, 7)`, `strides=(2, 1)`). Kernel stored (KH, KW, C, Filters)
/// as Keras stores it. Computed by the strategy the geometry picks at compile
/// time (`layer<In>::strategy`: layers/conv/gemm.hpp, narrow.hpp). Keras: `layers.Conv2D(filters, kernel,
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
    static constexpr detail::ConvGeometry geometry{H, W, C, OH, OW, KH, KW, SH, SW,
                                                   pad_before(H, KH, SH, same),
                                                   pad_before(W, KW, SW, same)};
    /// How the convolution is computed, chosen from the geometry.
    using strategy = detail::conv_strategy_t<geometry, Filters>;

    static constexpr std::size_t trainable_params = patch * Filters + (UseBias ? Filters : 0);
    static constexpr bool fuses_activation = true;
    static constexpr double flops = 2.0 * OH * OW * patch * Filters;

    Buffer w = zeros(patch * Filters), dw = zeros(patch * Filters);
    Buffer b = zeros(UseBias ? Filters : 0), db = zeros(UseBias ? Filters : 0);
    Buffer db_partial;  // per-thread bias-gradient sums
    detail::PreActivation pre;
    strategy compute;

    void reserve(std::size_t batch) { compute.reserve(batch); }

    template <class F>
    void visit_params(F&& f) {
      f(ParamRef{.role = "kernel", .value = as_span(w), .grad = as_span(dw),
                 .shape = {KH, KW, C, Filters}, .rank = 4, .fan_in = patch,
                 .fan_out = KH * KW * Filters, .is_kernel = true});
      if constexpr (UseBias)
        f(ParamRef{.role = "bias", .value = as_span(b), .grad = as_span(db), .shape = {Filters},
                   .rank = 1, .fan_in = patch});
    }

    // y = act(conv(x) + b): the strategy's passes, each block of samples
    // finished by the epilogue while it is in cache
    template <class Act = NoActivation>
    void forward(const float* x, float* y, std::size_t n, Pass&) {
      pre.reserve<Act>(n * OH * OW * Filters);
      compute.forward(w.data(), x, y, n, [&](float* yb, std::size_t b0, std::size_t samples) {
        detail::bias_activation<Act, UseBias>(yb, b.data(), samples * OH * OW, Filters,
                                              pre.store<Act>(b0 * OH * OW * Filters));
      });
    }
    // g = dy * act'(y);  db += sum g;  then the strategy's dW += and dx
    template <class Act = NoActivation>
    void backward(const float* x, const float* y, float* dy, float* dx, std::size_t n) {
      detail::activation_bias_grad_parallel<Act, UseBias>(dy, pre.derivative_input<Act>(y),
                                                          db.data(), n * OH * OW, Filters,
                                                          db_partial);
      compute.backward(w.data(), x, dy, dw.data(), dx, n);
    }
  };
};

}  // namespace ctnet
