#pragma once
// im2col / col2im for channels-last images, the data movement around the one
// GEMM of a convolution. A row of `col` is the KH x KW x C patch under one
// output pixel, in (kh, kw, c) order, matching Keras's (KH, KW, C, F) kernel
// layout. Kernel, stride and padding are per axis (Keras's kernel_size=(1, 7),
// strides=(2, 1)).
#include <algorithm>
#include <cstddef>
#include <cstring>

namespace ctnet::detail {

struct ConvGeometry {
  std::size_t h, w, c;     // input
  std::size_t oh, ow;      // output
  std::size_t kh, kw;      // kernel rows and columns
  std::size_t sh, sw;      // strides along rows and columns
  std::size_t pad_top, pad_left;
  constexpr std::size_t patch() const { return kh * kw * c; }
  /// A square kernel and stride.
  static constexpr ConvGeometry square(std::size_t h, std::size_t w, std::size_t c, std::size_t oh,
                                       std::size_t ow, std::size_t k, std::size_t s,
                                       std::size_t pad_top, std::size_t pad_left) {
    return {h, w, c, oh, ow, k, k, s, s, pad_top, pad_left};
  }
};

/// Range of kernel columns [lo, hi) that land inside the input for output column ox.
inline void kernel_cols(const ConvGeometry& g, std::size_t ox, std::size_t& lo, std::size_t& hi) {
  const long base = static_cast<long>(ox * g.sw) - static_cast<long>(g.pad_left);
  lo = base < 0 ? static_cast<std::size_t>(-base) : 0;
  const long end = static_cast<long>(g.w) - base;  // kw < end
  hi = static_cast<std::size_t>(std::clamp<long>(end, 0, static_cast<long>(g.kw)));
  if (lo > hi) lo = hi;
}

/// col[(n, oy, ox), (kh, kw, c)] = x[n, oy*sh + kh - pt, ox*sw + kw - pl, c], or 0 outside.
inline void im2col(const ConvGeometry& g, const float* x, float* col, std::size_t n) {
  const std::size_t patch = g.patch(), kc = g.kw * g.c;
  for (std::size_t b = 0; b < n; ++b) {
    const float* xb = x + b * g.h * g.w * g.c;
    for (std::size_t oy = 0; oy < g.oh; ++oy) {
      for (std::size_t ox = 0; ox < g.ow; ++ox) {
        float* row = col + ((b * g.oh + oy) * g.ow + ox) * patch;
        std::size_t lo, hi;
        kernel_cols(g, ox, lo, hi);
        const long ix0 = static_cast<long>(ox * g.sw) - static_cast<long>(g.pad_left);
        for (std::size_t kh = 0; kh < g.kh; ++kh) {
          float* dst = row + kh * kc;
          const long iy = static_cast<long>(oy * g.sh + kh) - static_cast<long>(g.pad_top);
          if (iy < 0 || iy >= static_cast<long>(g.h) || lo == hi) {
            std::memset(dst, 0, kc * sizeof(float));
            continue;
          }
          if (lo > 0) std::memset(dst, 0, lo * g.c * sizeof(float));
          const float* src = xb + (static_cast<std::size_t>(iy) * g.w +
                                   static_cast<std::size_t>(ix0 + static_cast<long>(lo))) * g.c;
          std::memcpy(dst + lo * g.c, src, (hi - lo) * g.c * sizeof(float));
          if (hi < g.kw) std::memset(dst + hi * g.c, 0, (g.kw - hi) * g.c * sizeof(float));
        }
      }
    }
  }
}

/// The adjoint of im2col: dx = 0, then dx[...] += dcol[...] for every patch entry.
inline void col2im(const ConvGeometry& g, const float* dcol, float* dx, std::size_t n) {
  const std::size_t patch = g.patch(), kc = g.kw * g.c;
  std::fill(dx, dx + n * g.h * g.w * g.c, 0.0f);
  for (std::size_t b = 0; b < n; ++b) {
    float* xb = dx + b * g.h * g.w * g.c;
    for (std::size_t oy = 0; oy < g.oh; ++oy) {
      for (std::size_t ox = 0; ox < g.ow; ++ox) {
        const float* row = dcol + ((b * g.oh + oy) * g.ow + ox) * patch;
        std::size_t lo, hi;
        kernel_cols(g, ox, lo, hi);
        const long ix0 = static_cast<long>(ox * g.sw) - static_cast<long>(g.pad_left);
        for (std::size_t kh = 0; kh < g.kh; ++kh) {
          const long iy = static_cast<long>(oy * g.sh + kh) - static_cast<long>(g.pad_top);
          if (iy < 0 || iy >= static_cast<long>(g.h) || lo == hi) continue;
          const float* src = row + kh * kc + lo * g.c;
          float* dst = xb + (static_cast<std::size_t>(iy) * g.w +
                             static_cast<std::size_t>(ix0 + static_cast<long>(lo))) * g.c;
          const std::size_t len = (hi - lo) * g.c;
          for (std::size_t i = 0; i < len; ++i) dst[i] += src[i];
        }
      }
    }
  }
}

/// y[n, oy, ox, f] = sum over the taps (kh, kw) inside the input of
/// z[n, oy*sh + kh - pt, ox*sw + kw - pl, (kh, kw, f)], for z of g.h x g.w rows
/// of kh*kw*f values (the channel sums x W of every tap at every input pixel): a
/// convolution finished after its GEMM. g.c is the input's channels (unused).
inline void gather_taps(const ConvGeometry& g, std::size_t f, const float* z, float* y,
                        std::size_t n) {
  const std::size_t taps = g.kh * g.kw * f;
  for (std::size_t b = 0; b < n; ++b) {
    const float* zb = z + b * g.h * g.w * taps;
    for (std::size_t oy = 0; oy < g.oh; ++oy) {
      for (std::size_t ox = 0; ox < g.ow; ++ox) {
        float* __restrict out = y + ((b * g.oh + oy) * g.ow + ox) * f;
        std::fill(out, out + f, 0.0f);
        std::size_t lo, hi;
        kernel_cols(g, ox, lo, hi);
        const long ix0 = static_cast<long>(ox * g.sw) - static_cast<long>(g.pad_left);
        for (std::size_t kh = 0; kh < g.kh; ++kh) {
          const long iy = static_cast<long>(oy * g.sh + kh) - static_cast<long>(g.pad_top);
          if (iy < 0 || iy >= static_cast<long>(g.h)) continue;
          for (std::size_t kw = lo; kw < hi; ++kw) {
            const float* __restrict src =
                zb + (static_cast<std::size_t>(iy) * g.w + static_cast<std::size_t>(ix0 + static_cast<long>(kw))) * taps +
                (kh * g.kw + kw) * f;
            for (std::size_t j = 0; j < f; ++j) out[j] += src[j];
          }
        }
      }
    }
  }
}

/// The geometry of the input gradient of a stride-1 convolution: itself a
/// convolution of the output gradient (F channels) padded by K - 1 - pad with
/// the flipped kernel (`flip_kernel`), back to H x W.
constexpr ConvGeometry back_geometry(const ConvGeometry& g, std::size_t f) {
  return {g.oh, g.ow, f, g.h, g.w, g.kh, g.kw, 1, 1, g.kh - 1 - g.pad_top, g.kw - 1 - g.pad_left};
}

/// wf[kh', kw', f, c] = w[KH-1-kh', KW-1-kw', c, f]: the kernel of the input
/// gradient's convolution (`back_geometry`).
inline void flip_kernel(const ConvGeometry& g, std::size_t f, const float* w, float* wf) {
  for (std::size_t kh = 0; kh < g.kh; ++kh)
    for (std::size_t kw = 0; kw < g.kw; ++kw)
      for (std::size_t c = 0; c < g.c; ++c)
        for (std::size_t j = 0; j < f; ++j)
          wf[((kh * g.kw + kw) * f + j) * g.c + c] =
              w[(((g.kh - 1 - kh) * g.kw + (g.kw - 1 - kw)) * g.c + c) * f + j];
}

/// Samples per chunk of a convolution's scratch: about 1 MiB, but enough for
/// 512 GEMM rows (`rows_per_sample` each) where that fits in 8 MiB, and at
/// least one. A chunk of few rows leaves the GEMM memory-bound: the kernel
/// gradient's GEMM sums over the rows and reads and writes the whole kernel
/// once per chunk (report 2's 5x5 transposed convolution over 7x7x256: 49
/// rows, a 3.2 MB kernel).
constexpr std::size_t chunk_samples(std::size_t floats_per_sample, std::size_t rows_per_sample) {
  constexpr std::size_t mib = std::size_t{1} << 20, min_rows = 512;
  const std::size_t bytes = std::max<std::size_t>(1, floats_per_sample * sizeof(float));
  const std::size_t rows = std::max<std::size_t>(1, rows_per_sample);
  const std::size_t samples = std::max(mib / bytes, std::min((min_rows + rows - 1) / rows, 8 * mib / bytes));
  return std::max<std::size_t>(1, samples);
}

}  // namespace ctnet::detail
