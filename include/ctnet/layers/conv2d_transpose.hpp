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
/// chunks of patches (`detail::chunk_samples`), so no whole-batch im2col is kept. A
/// following activation is applied in the same pass as the bias.
template <std::size_t Filters, std::size_t Kernel, std::size_t Stride = 1,
          Padding Pad = Padding::valid, bool UseBias = true>
struct Conv2DTranspose {
  static_assert(Filters > 0 && Kernel > 0 && Stride > 0,
                "Conv2DTranspose needs non-zero sizes");
  static constexpr const char* keras_class = "Conv2DTranspose";
  static constexpr const char* keras_name = "conv2d_transpose";
  static std::string name() {
    return fmt::format("Conv2DTranspose<{}, {}, {}, {}{}>", Filters, Kernel, Stride, Pad,
                       UseBias ? "" : ", false");
  }

  template <class In>
  using check = window_check<In, 3>;

  /// Keras's `deconv_output_length` without output_padding.
  static constexpr std::size_t out_size(std::size_t n) {
    return Pad == Padding::same ? n * Stride : n * Stride + (Kernel > Stride ? Kernel - Stride : 0);
  }

  template <class In>
  struct layer : LayerBase<In, Shape<out_size(In::dims[0]), out_size(In::dims[1]), Filters>> {
    static constexpr std::size_t H = In::dims[0], W = In::dims[1], C = In::dims[2];
    static constexpr bool same = Pad == Padding::same;
    static constexpr std::size_t OH = out_size(H), OW = out_size(W);
    static constexpr std::size_t out_elems = OH * OW * Filters;  // one sample's output
    static constexpr std::size_t patch = Kernel * Kernel * Filters;
    static constexpr bool direct = Kernel == 1 && Stride == 1;  // col == output
    // The convolution this layer is the adjoint of: OH x OW x Filters -> H x W x C.
    static constexpr detail::ConvGeometry geometry = detail::ConvGeometry::square(
        OH, OW, Filters, H, W, Kernel, Stride, pad_before(OH, Kernel, Stride, same),
        pad_before(OW, Kernel, Stride, same));
    static_assert(conv_out(OH, Kernel, Stride, same) == H &&
                  conv_out(OW, Kernel, Stride, same) == W);

    // Forward as S*S sub-pixel convolutions: output pixel (S*qy + py, S*qx + px)
    // only receives the taps kh = r + S*j with r = (py + pt) mod S, from input
    // row qy + d - j, d = (py + pt) / S (likewise for columns). So each output
    // phase (py, px) is a stride-1 convolution of x with a J x J sub-kernel
    // (J = ceil(K / S), taps past K are zero, flipped), padded by J-1-d before:
    // im2col of x + a GEMM whose output is F wide, then its rows are scattered
    // into the phase's pixels. For stride 1 that is one phase: the convolution
    // of x padded by K-1-pad with the flipped kernel, written in place. This
    // replaces a GEMM with a K*K*F-wide output + col2im, which ran at half the
    // rate of the backward GEMMs. Used only where it measured faster: with few
    // filters the phases' GEMMs would be matrix-vector products; when S does
    // not divide K the zero taps cost more than col2im saved (report 2's 5x5
    // stride 2: 9 taps for 6.25, slower); for stride 1 (report 2's 5x5 over
    // 7x7x256) the 6400-wide patches made it no faster. The code handles all
    // of these cases (tested) should other shapes want them.
    static constexpr std::size_t J = (Kernel + Stride - 1) / Stride;
    static constexpr std::size_t phase_d(std::size_t p, std::size_t pad) { return (p + pad) / Stride; }
    static constexpr std::size_t phase_r(std::size_t p, std::size_t pad) { return (p + pad) % Stride; }
    static constexpr bool pads_fit() {
      for (std::size_t p = 0; p < Stride; ++p)
        if (phase_d(p, geometry.pad_top) > J - 1 || phase_d(p, geometry.pad_left) > J - 1)
          return false;
      return true;
    }
    static constexpr bool subpixel =
        !direct && Stride > 1 && Kernel % Stride == 0 && Filters >= 8 && pads_fit();
    static constexpr std::size_t QH = (OH + Stride - 1) / Stride, QW = (OW + Stride - 1) / Stride;
    static constexpr std::size_t sub_patch = J * J * C;
    static constexpr std::size_t sub_per_sample = QH * QW * sub_patch;
    static constexpr std::size_t sub_chunk = detail::chunk_samples(sub_per_sample, QH * QW);
    static constexpr detail::ConvGeometry phase_geometry(std::size_t py, std::size_t px) {
      return detail::ConvGeometry::square(H, W, C, (OH - py + Stride - 1) / Stride,
                                          (OW - px + Stride - 1) / Stride, J, 1,
                                          J - 1 - phase_d(py, geometry.pad_top),
                                          J - 1 - phase_d(px, geometry.pad_left));
    }

    static constexpr std::size_t trainable_params = patch * C + (UseBias ? Filters : 0);
    static constexpr bool fuses_activation = true;
    static constexpr double flops = 2.0 * H * W * C * patch;

    // Samples per chunk of patches (detail::chunk_samples).
    static constexpr std::size_t per_sample = H * W * patch;
    static constexpr std::size_t chunk = detail::chunk_samples(per_sample, H * W);

    Buffer w = zeros(patch * C), dw = zeros(patch * C);
    Buffer b = zeros(UseBias ? Filters : 0), db = zeros(UseBias ? Filters : 0);
    Buffer col;         // per-thread patch chunks: threads x chunk x per_sample
    Buffer dw_partial;  // per-thread kernel-gradient sums
    Buffer db_partial;  // per-thread bias-gradient sums
    detail::PreActivation pre;
    Buffer w_phase;     // subpixel: S*S sub-kernels, each (J, J, C, Filters)
    Buffer xcol, ytmp;  // subpixel: per-thread patches of x and one phase's output

    static std::size_t threads() { return ThreadPool::instance().size(); }
    static std::size_t chunk_for(std::size_t batch) { return std::min(chunk, batch); }

    void reserve(std::size_t batch) {
      if constexpr (subpixel) {
        const std::size_t c = std::min(sub_chunk, batch);
        ensure_size(w_phase, Stride * Stride * sub_patch * Filters);
        ensure_size(xcol, threads() * c * sub_per_sample);
        if constexpr (Stride > 1) ensure_size(ytmp, threads() * c * QH * QW * Filters);
      }
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
                   .rank = 1, .fan_in = patch});
    }

    // y = act(col2im(x Wᵀ) + b), computed phase by phase (subpixel, above)
    template <class Act = NoActivation>
    void forward(const float* x, float* y, std::size_t n, Pass&) {
      reserve(n);
      pre.reserve<Act>(n * out_elems);
      if constexpr (subpixel) {
        forward_subpixel<Act>(x, y, n);
        return;
      }
      const std::size_t slot = chunk_for(n) * per_sample;
      parallel_chunks(n, chunk, [&](std::size_t t, std::size_t b0, std::size_t b1) {
        const std::size_t rows = (b1 - b0) * H * W;
        float* yb = y + b0 * out_elems;
        float* c = direct ? yb : col.data() + t * slot;
        blas::gemm(false, true, rows, patch, C, 1.0f, x + b0 * In::size, C, w.data(), C, 0.0f, c,
                   patch);
        if constexpr (!direct) detail::col2im(geometry, c, yb, b1 - b0);
        detail::bias_activation<Act, UseBias>(yb, b.data(), (b1 - b0) * OH * OW, Filters,
                                              pre.store<Act>(b0 * out_elems));
      });
    }
    template <class Act>
    void forward_subpixel(const float* x, float* y, std::size_t n) {
      // w_phase[p][j', l', c, f] = w[ry + S*(J-1-j'), rx + S*(J-1-l'), f, c], 0 past K
      for (std::size_t py = 0; py < Stride; ++py)
        for (std::size_t px = 0; px < Stride; ++px) {
          const std::size_t ry = phase_r(py, geometry.pad_top), rx = phase_r(px, geometry.pad_left);
          float* wp = w_phase.data() + (py * Stride + px) * sub_patch * Filters;
          for (std::size_t j = 0; j < J; ++j)
            for (std::size_t l = 0; l < J; ++l) {
              const std::size_t kh = ry + Stride * (J - 1 - j), kw = rx + Stride * (J - 1 - l);
              float* dst = wp + (j * J + l) * C * Filters;
              for (std::size_t c = 0; c < C; ++c)
                for (std::size_t f = 0; f < Filters; ++f)
                  dst[c * Filters + f] =
                      kh < Kernel && kw < Kernel ? w[((kh * Kernel + kw) * Filters + f) * C + c] : 0.0f;
            }
        }
      const std::size_t c = std::min(sub_chunk, n);
      parallel_chunks(n, c, [&](std::size_t t, std::size_t c0, std::size_t c1) {
        float* xc = xcol.data() + t * c * sub_per_sample;
        const std::size_t m = c1 - c0;
        float* yb = y + c0 * out_elems;
        for (std::size_t py = 0; py < Stride; ++py)
          for (std::size_t px = 0; px < Stride; ++px) {
            const detail::ConvGeometry g = phase_geometry(py, px);
            detail::im2col(g, x + c0 * In::size, xc, m);
            const float* wp = w_phase.data() + (py * Stride + px) * sub_patch * Filters;
            if constexpr (Stride == 1) {
              blas::gemm(false, false, m * OH * OW, Filters, sub_patch, 1.0f, xc, sub_patch, wp,
                         Filters, 0.0f, yb, Filters);
            } else {
              float* yt = ytmp.data() + t * c * QH * QW * Filters;
              blas::gemm(false, false, m * g.oh * g.ow, Filters, sub_patch, 1.0f, xc, sub_patch,
                         wp, Filters, 0.0f, yt, Filters);
              for (std::size_t s = 0; s < m; ++s)
                for (std::size_t qy = 0; qy < g.oh; ++qy)
                  for (std::size_t qx = 0; qx < g.ow; ++qx)
                    std::copy_n(yt + ((s * g.oh + qy) * g.ow + qx) * Filters, Filters,
                                yb + s * out_elems +
                                    ((Stride * qy + py) * OW + Stride * qx + px) * Filters);
            }
          }
        detail::bias_activation<Act, UseBias>(yb, b.data(), m * OH * OW, Filters,
                                              pre.store<Act>(c0 * out_elems));
      });
    }

    // g = dy * act'(y);  db += sum g;  G = im2col(g);  dW += Gᵀ x;  dx = G W
    template <class Act = NoActivation>
    void backward(const float* x, const float* y, float* dy, float* dx, std::size_t n) {
      reserve(n);
      detail::activation_bias_grad_parallel<Act, UseBias>(dy, pre.derivative_input<Act>(y),
                                                          db.data(), n * OH * OW, Filters,
                                                          db_partial);
      const std::size_t slot = chunk_for(n) * per_sample, wsize = patch * C;
      const std::size_t used = std::min(threads(), n);
      std::fill(dw_partial.begin(), dw_partial.begin() + static_cast<long>(used * wsize), 0.0f);
      parallel_chunks(n, chunk, [&](std::size_t t, std::size_t b0, std::size_t b1) {
        const std::size_t rows = (b1 - b0) * H * W;
        float* g = dy + b0 * out_elems;
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
