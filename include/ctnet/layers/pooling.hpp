#pragma once
// The shared body of pooling layers: a window slides over the rows and
// columns of a channels-last input and each channel's values under it are
// reduced to one. The reduction is a policy (`PoolMax`, `PoolAverage`); the
// window layers (MaxPool2D, AveragePooling2D, MaxPool1D) and the global ones
// (a window as large as the input) differ only in the geometry they give. A
// steps x channels input is pooled as 1 x steps.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include <fmt/format.h>

#include <ctnet/core/layer.hpp>
#include <ctnet/core/parallel.hpp>

namespace ctnet {

/// Where pooling windows lie: input rows x cols x channels, window, stride
/// and output rows x cols (valid padding).
struct PoolGeometry {
  std::size_t h, w, c;
  Hw window, stride;
  std::size_t oh = (h - window.h) / stride.h + 1, ow = (w - window.w) / stride.w + 1;
};

/// The maximum under the window; backward sends the gradient to where it was
/// (the first of equal values). Keras: MaxPooling.
struct PoolMax {
  struct State {
    std::vector<std::uint32_t> argmax;  // input index (within the sample) of each output's max
  };
  static void reserve(State& s, std::size_t outputs) {
    if (s.argmax.size() < outputs) s.argmax.resize(outputs);
  }
  /// The reduction of the window whose top-left input index is `first`,
  /// stepping `row` between window rows and `col` between columns.
  static float forward(State& s, std::size_t o, const PoolGeometry& g, const float* xb,
                       std::size_t first) {
    float best = -std::numeric_limits<float>::infinity();
    std::size_t at = first;
    for (std::size_t py = 0; py < g.window.h; ++py)
      for (std::size_t px = 0; px < g.window.w; ++px) {
        const std::size_t i = first + (py * g.w + px) * g.c;
        if (xb[i] > best) {
          best = xb[i];
          at = i;
        }
      }
    s.argmax[o] = static_cast<std::uint32_t>(at);
    return best;
  }
  static void backward(const State& s, std::size_t o, const PoolGeometry&, float* dxb,
                       std::size_t, float g) {
    dxb[s.argmax[o]] += g;
  }
};

/// The mean under the window; backward spreads the gradient evenly. Keras:
/// AveragePooling.
struct PoolAverage {
  struct State {};
  static void reserve(State&, std::size_t) {}
  static float forward(State&, std::size_t, const PoolGeometry& g, const float* xb,
                       std::size_t first) {
    float sum = 0.0f;
    for (std::size_t py = 0; py < g.window.h; ++py)
      for (std::size_t px = 0; px < g.window.w; ++px) sum += xb[first + (py * g.w + px) * g.c];
    return sum / static_cast<float>(g.window.h * g.window.w);
  }
  static void backward(const State&, std::size_t, const PoolGeometry& g, float* dxb,
                       std::size_t first, float grad) {
    const float share = grad / static_cast<float>(g.window.h * g.window.w);
    for (std::size_t py = 0; py < g.window.h; ++py)
      for (std::size_t px = 0; px < g.window.w; ++px) dxb[first + (py * g.w + px) * g.c] += share;
  }
};

/// The bound pooling layer: input In viewed as G.h x G.w x G.c, output Out
/// (G.oh x G.ow x G.c in whatever shape the layer names).
template <class Op, class In, class Out, PoolGeometry G>
struct PoolingLayer : LayerBase<In, Out> {
  static_assert(In::size == G.h * G.w * G.c && Out::size == G.oh * G.ow * G.c);
  typename Op::State state;

  void reserve(std::size_t batch) { Op::reserve(state, batch * Out::size); }

  /// f(sample, output index within the batch, first input index of its window)
  template <class F>
  static void windows(std::size_t n, F&& f) {
    parallel_for(n, [&](std::size_t b0, std::size_t b1) {
      for (std::size_t b = b0; b < b1; ++b)
        for (std::size_t oy = 0; oy < G.oh; ++oy)
          for (std::size_t ox = 0; ox < G.ow; ++ox)
            for (std::size_t c = 0; c < G.c; ++c)
              f(b, b * Out::size + (oy * G.ow + ox) * G.c + c,
                (oy * G.stride.h * G.w + ox * G.stride.w) * G.c + c);
    });
  }

  template <class = NoActivation>
  void forward(const float* x, float* y, std::size_t n, Pass&) {
    reserve(n);
    windows(n, [&](std::size_t b, std::size_t o, std::size_t first) {
      y[o] = Op::forward(state, o, G, x + b * In::size, first);
    });
  }
  template <class = NoActivation>
  void backward(const float*, const float*, float* dy, float* dx, std::size_t n) {
    if (dx == nullptr) return;
    std::fill(dx, dx + n * In::size, 0.0f);
    // Windows of one sample may overlap (stride below the window): a sample
    // is one thread's, so the += never races.
    windows(n, [&](std::size_t b, std::size_t o, std::size_t first) {
      Op::backward(state, o, G, dx + b * In::size, first, dy[o]);
    });
  }
};

/// Pooling over Pool windows with Stride, valid padding, of an H x W x C input:
/// ((H - PH) / SH + 1) x (...) x C. Pool and Stride are a whole number or
/// `Hw{rows, cols}`. The reduction is Op's (layers/pooling.hpp); a layer
/// derives from this and adds its names (MaxPool2D below, AveragePooling2D).
template <class Op, auto Pool, auto Stride>
  requires WindowArg<Pool> && WindowArg<Stride>
struct Pooling2D {
  static constexpr Hw pool = as_hw<Pool>, stride = as_hw<Stride>;
  /// "<pool, stride>" as a name shows them.
  static std::string arguments() {
    return fmt::format("<{}, {}>", window_name(pool), window_name(stride));
  }

  template <class In>
  using check = window_check<In, 3, pool>;

  template <class In>
  static constexpr PoolGeometry geometry{In::dims[0], In::dims[1], In::dims[2], pool, stride};
  template <class In>
  using layer = PoolingLayer<Op, In,
                             Shape<geometry<In>.oh, geometry<In>.ow, In::dims[2]>, geometry<In>>;
};

/// Pooling over windows of Pool steps with Stride, valid padding, of a steps x
/// channels input (pooled as 1 x steps): ((steps - Pool) / Stride + 1) x
/// channels. A layer derives from this and adds its names (MaxPool1D).
template <class Op, std::size_t Pool, std::size_t Stride>
struct Pooling1D {
  static_assert(Pool > 0 && Stride > 0, "pooling needs non-zero sizes");
  static std::string arguments() { return fmt::format("<{}, {}>", Pool, Stride); }

  template <class In>
  using check = window_check<In, 2, Hw{1, Pool}>;

  template <class In>
  static constexpr PoolGeometry geometry{1, In::dims[0], In::dims[1], Hw{1, Pool}, Hw{1, Stride}};
  template <class In>
  using layer = PoolingLayer<Op, In, Shape<geometry<In>.ow, In::dims[1]>, geometry<In>>;
};

/// Pooling over the whole of each channel, to a vector of channels: of an
/// H x W x C input (Rank 3) or a steps x channels one (Rank 2). A layer
/// derives from this and adds its names (GlobalAveragePooling2D, ...).
template <class Op, std::size_t Rank>
struct GlobalPooling {
  template <class In>
  using check = window_check<In, Rank>;
  template <class In>
  static constexpr PoolGeometry geometry = [] {
    constexpr std::size_t h = Rank == 3 ? In::dims[0] : 1, w = In::dims[Rank - 2];
    return PoolGeometry{h, w, In::dims[Rank - 1], Hw{h, w}, Hw{h, w}};
  }();
  template <class In>
  using layer = PoolingLayer<Op, In, Shape<In::dims[Rank - 1]>, geometry<In>>;
};

}  // namespace ctnet
