#pragma once
#include <algorithm>
#include <cstddef>
#include <string>

#include <ctnet/core/blas.hpp>
#include <ctnet/core/layer.hpp>
#include <ctnet/core/parallel.hpp>
#include <ctnet/core/tensor.hpp>
#include <ctnet/layers/epilogue.hpp>
#include <ctnet/layers/im2col.hpp>

namespace ctnet {

/// Transposed 2-D convolution ("deconvolution"): H x W x C -> OH x OW x Filters
/// with Keras's output sizes (valid: H * S + max(K - S, 0), which is
/// (H - 1) * S + K when K >= S; same: H * S). Kernel stored (K, K, Filters, C)
/// as Keras stores it. Keras: `layers.Conv2DTranspose(filters, kernel,
/// strides=stride, padding=..., use_bias=UseBias)`.
///
/// It is the adjoint of the Conv2D with the same kernel, stride and padding
/// that maps OH x OW x Filters to H x W x C (TensorFlow's definition: the
/// gradient of conv2d with respect to its input, no kernel flip; for `same`
/// the padding is that conv's, total max(K - S, 0), the odd pixel after).
/// So the roles of im2col's geometry are swapped: forward is one GEMM
/// x Wᵀ (rows x C by C x K*K*Filters) followed by col2im into the output;
/// backward is im2col of the output gradient g, then dx = im2col(g) W and
/// dW += im2col(g)ᵀ x. Each thread works on its share of the samples in
/// chunks of about 1 MiB of patches, so no whole-batch im2col is kept. A
/// following activation is applied in the same pass as the bias.
template <std::size_t Filters, std::size_t Kernel, std::size_t Stride = 1,
          Padding Pad = Padding::valid, bool UseBias = true>
struct Conv2DTranspose {
  static_assert(Filters > 0 && Kernel > 0 && Stride > 0,
                "Conv2DTranspose needs non-zero sizes");
  static constexpr const char* keras_class = "Conv2DTranspose";
  static constexpr const char* keras_name = "conv2d_transpose";
  static std::string name() {
    return "Conv2DTranspose<" + std::to_string(Filters) + ", " + std::to_string(Kernel) + ", " +
           std::to_string(Stride) + ", " + to_string(Pad) + (UseBias ? "" : ", false") + ">";
  }

  template <class In>
  using check = std::conditional_t<In::rank == 3, why::accepted, why::needs_image_input>;

  /// Keras's `deconv_output_length` without output_padding.
  static constexpr std::size_t out_size(std::size_t n) {
    return Pad == Padding::same ? n * Stride : n * Stride + (Kernel > Stride ? Kernel - Stride : 0);
  }

  template <class In>
  struct layer {
    static constexpr std::size_t H = In::dims[0], W = In::dims[1], C = In::dims[2];
    static constexpr bool same = Pad == Padding::same;
    static constexpr std::size_t OH = out_size(H), OW = out_size(W);
    static constexpr std::size_t patch = Kernel * Kernel * Filters;
    static constexpr bool direct = Kernel == 1 && Stride == 1;  // col == output
    // The convolution this layer is the adjoint of: OH x OW x Filters -> H x W x C.
    static constexpr detail::ConvGeometry geometry{OH, OW, Filters, H, W, Kernel, Stride,
                                                   pad_before(OH, Kernel, Stride, same),
                                                   pad_before(OW, Kernel, Stride, same)};
    static_assert(conv_out(OH, Kernel, Stride, same) == H &&
                  conv_out(OW, Kernel, Stride, same) == W);

    using input = In;
    using output = Shape<OH, OW, Filters>;
    static constexpr std::size_t trainable_params = patch * C + (UseBias ? Filters : 0);
    static constexpr std::size_t non_trainable_params = 0;
    static constexpr Storage storage = Storage::own;
    static constexpr bool needs_output = false;
    static constexpr bool fuses_activation = true;
    static constexpr double flops = 2.0 * H * W * C * patch;

    // Samples per chunk: about 1 MiB of patches, at least one sample.
    static constexpr std::size_t per_sample = H * W * patch;
    static constexpr std::size_t chunk =
        per_sample * sizeof(float) >= (1u << 20) ? 1 : (1u << 20) / (per_sample * sizeof(float));

    Buffer w = zeros(patch * C), dw = zeros(patch * C);
    Buffer b = zeros(UseBias ? Filters : 0), db = zeros(UseBias ? Filters : 0);
    Buffer col;         // per-thread patch chunks: threads x chunk x per_sample
    Buffer dw_partial;  // per-thread kernel-gradient sums
    Buffer db_partial;  // per-thread bias-gradient sums

    static std::size_t threads() { return ThreadPool::instance().size(); }
    static std::size_t chunk_for(std::size_t batch) { return std::min(chunk, batch); }

    void reserve(std::size_t batch) {
      if constexpr (!direct) ensure_size(col, threads() * chunk_for(batch) * per_sample);
      ensure_size(dw_partial, threads() * patch * C);
    }

    template <class F>
    void visit_params(F&& f) {
      // Keras computes the fans from the stored kernel shape (K, K, Filters, C).
      f(ParamRef{.role = "kernel", .value = as_span(w), .grad = as_span(dw),
                 .shape = {Kernel, Kernel, Filters, C}, .rank = 4, .fan_in = patch,
                 .fan_out = Kernel * Kernel * C, .is_kernel = true});
      if constexpr (UseBias)
        f(ParamRef{.role = "bias", .value = as_span(b), .grad = as_span(db), .shape = {Filters},
                   .rank = 1});
    }

    /// f(slot, b0, b1) over chunks of each thread's share of n samples.
    template <class F>
    static void chunks(std::size_t n, F&& f) {
      const std::size_t c = chunk_for(n);
      parallel_slots(n, [&](std::size_t t, std::size_t b0, std::size_t b1) {
        for (std::size_t c0 = b0; c0 < b1; c0 += c) f(t, c0, std::min(b1, c0 + c));
      });
    }

    // y = act(col2im(x Wᵀ) + b)
    template <class Act = NoActivation>
    void forward(const float* x, float* y, std::size_t n, Pass&) {
      reserve(n);
      const std::size_t slot = chunk_for(n) * per_sample;
      chunks(n, [&](std::size_t t, std::size_t b0, std::size_t b1) {
        const std::size_t rows = (b1 - b0) * H * W;
        float* yb = y + b0 * output::size;
        float* c = direct ? yb : col.data() + t * slot;
        blas::gemm(false, true, rows, patch, C, 1.0f, x + b0 * In::size, C, w.data(), C, 0.0f, c,
                   patch);
        if constexpr (!direct) detail::col2im(geometry, c, yb, b1 - b0);
        detail::bias_activation<Act, UseBias>(yb, b.data(), (b1 - b0) * OH * OW, Filters);
      });
    }
    // g = dy * act'(y);  db += sum g;  G = im2col(g);  dW += Gᵀ x;  dx = G W
    template <class Act = NoActivation>
    void backward(const float* x, const float* y, float* dy, float* dx, std::size_t n) {
      reserve(n);
      detail::activation_bias_grad_parallel<Act, UseBias>(dy, y, db.data(), n * OH * OW, Filters,
                                                          db_partial);
      const std::size_t slot = chunk_for(n) * per_sample, wsize = patch * C;
      const std::size_t used = std::min(threads(), n);
      std::fill(dw_partial.begin(), dw_partial.begin() + static_cast<long>(used * wsize), 0.0f);
      chunks(n, [&](std::size_t t, std::size_t b0, std::size_t b1) {
        const std::size_t rows = (b1 - b0) * H * W;
        float* g = dy + b0 * output::size;
        float* c = g;
        if constexpr (!direct) {
          c = col.data() + t * slot;
          detail::im2col(geometry, g, c, b1 - b0);
        }
        const float* xb = x + b0 * In::size;
        blas::gemm(true, false, patch, C, rows, 1.0f, c, patch, xb, C, 1.0f,
                   dw_partial.data() + t * wsize, C);
        if (dx != nullptr)
          blas::gemm(false, false, rows, C, patch, 1.0f, c, patch, w.data(), C, 0.0f,
                     dx + b0 * In::size, C);
      });
      for (std::size_t t = 0; t < used; ++t)
        for (std::size_t i = 0; i < wsize; ++i) dw[i] += dw_partial[t * wsize + i];
    }
  };
};

}  // namespace ctnet
