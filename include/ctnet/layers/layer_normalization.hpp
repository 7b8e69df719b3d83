#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <type_traits>

#include <fmt/format.h>

#include <ctnet/core/layer.hpp>
#include <ctnet/core/parallel.hpp>
#include <ctnet/core/tensor.hpp>

namespace ctnet {

/// Layer normalisation over the last axis of any shape: every sample's values
/// along the last axis (each pixel's channels of an image, a flat sample's
/// whole vector) are normalised with their own mean and biased variance, then
/// scaled by gamma and shifted by beta, both of the last axis's size.
/// Keras: `layers.LayerNormalization(epsilon=Epsilon, center=Center,
/// scale=Scale)`, axis -1; `LayerNormalization<>` is Keras's default.
/// Parameters in Keras's order: gamma (Scale, starts at 1), beta (Center,
/// starts at 0). The same in training and inference; backward is the full
/// gradient through the statistics. x̂ and 1/std are kept in the layer's own
/// scratch, so a following in-place layer may overwrite the output.
template <float Epsilon = 1e-3f, bool Center = true, bool Scale = true>
struct LayerNormalization {
  static_assert(Epsilon > 0.0f, "LayerNormalization's epsilon must be positive");
  static constexpr const char* keras_class = "LayerNormalization";
  static constexpr const char* keras_name = "layer_normalization";
  static std::string name() {
    if (Epsilon == 1e-3f && Center && Scale) return "LayerNormalization";
    // {:f}: six decimals, as the model signatures in checkpoints have them.
    return fmt::format("LayerNormalization<{:f}, {}, {}>", Epsilon, Center, Scale);
  }

  template <class In>
  using check = why::accepted;

  template <class In>
  struct layer : LayerBase<In, In> {
    static constexpr std::size_t D = In::dims[In::rank - 1];  // normalised axis
    static constexpr std::size_t rows_per_sample = In::size / D;
    static constexpr std::size_t trainable_params = ((Center ? 1 : 0) + (Scale ? 1 : 0)) * D;

    static Buffer filled(std::size_t n, float v) {
      Buffer b = zeros(n);
      b.fill(v);
      return b;
    }

    Buffer gamma = filled(Scale ? D : 0, 1.0f), dgamma = zeros(Scale ? D : 0);
    Buffer beta = zeros(Center ? D : 0), dbeta = zeros(Center ? D : 0);
    Buffer xhat;     // x̂ of the last forward pass
    Buffer inv_std;  // 1 / sqrt(var + eps) per row of the last forward pass
    Buffer partial;  // per-thread dgamma, dbeta sums

    static std::size_t threads() { return ThreadPool::instance().size(); }

    void reserve(std::size_t batch) {
      ensure_size(xhat, batch * In::size);
      ensure_size(inv_std, batch * rows_per_sample);
      ensure_size(partial, threads() * 2 * D);
    }

    template <class F>
    void visit_params(F&& f) {
      if constexpr (Scale)
        f(ParamRef{.role = "gamma", .value = as_span(gamma), .grad = as_span(dgamma),
                   .shape = {D}, .rank = 1, .fill = 1.0f});
      if constexpr (Center)
        f(ParamRef{.role = "beta", .value = as_span(beta), .grad = as_span(dbeta), .shape = {D},
                   .rank = 1});
    }

    // per row: mean, var over the last axis; x̂ = (x - mean) / sqrt(var + eps);
    // y = gamma x̂ + beta
    template <class Act = NoActivation>
    void forward(const float* x, float* y, std::size_t n, Pass&) {
      static_assert(std::is_same_v<Act, NoActivation>, "LayerNormalization fuses no activation");
      reserve(n);
      parallel_for(n * rows_per_sample, [&](std::size_t r0, std::size_t r1) {
        const float* __restrict ga = gamma.data();
        const float* __restrict be = beta.data();
        for (std::size_t r = r0; r < r1; ++r) {
          const float* __restrict xr = x + r * D;
          float* __restrict hr = xhat.data() + r * D;
          float* __restrict yr = y + r * D;
          double sum = 0.0;
          for (std::size_t j = 0; j < D; ++j) sum += xr[j];
          const double mean = sum / static_cast<double>(D);
          double sq = 0.0;
          for (std::size_t j = 0; j < D; ++j) {
            const double d = static_cast<double>(xr[j]) - mean;
            sq += d * d;
          }
          const double var = sq / static_cast<double>(D);
          const float is = static_cast<float>(1.0 / std::sqrt(var + static_cast<double>(Epsilon)));
          const float mu = static_cast<float>(mean);
          inv_std[r] = is;
          for (std::size_t j = 0; j < D; ++j) {
            const float h = (xr[j] - mu) * is;
            hr[j] = h;
            float v = h;
            if constexpr (Scale) v *= ga[j];
            if constexpr (Center) v += be[j];
            yr[j] = v;
          }
        }
      });
    }

    // dgamma += sum g x̂;  dbeta += sum g;  with u = gamma g per row:
    // dx = (u - mean(u) - x̂ mean(u x̂)) / std
    template <class Act = NoActivation>
    void backward(const float*, const float*, float* dy, float* dx, std::size_t n) {
      static_assert(std::is_same_v<Act, NoActivation>, "LayerNormalization fuses no activation");
      reserve(n);
      const std::size_t rows = n * rows_per_sample;
      const std::size_t used = std::min(threads(), rows);
      std::fill(partial.begin(), partial.begin() + static_cast<long>(used * 2 * D), 0.0f);
      parallel_slots(rows, [&](std::size_t t, std::size_t r0, std::size_t r1) {
        float* __restrict pg = partial.data() + t * 2 * D;
        float* __restrict pb = pg + D;
        const float* __restrict ga = gamma.data();
        for (std::size_t r = r0; r < r1; ++r) {
          const float* __restrict gr = dy + r * D;
          const float* __restrict hr = xhat.data() + r * D;
          for (std::size_t j = 0; j < D; ++j) {
            if constexpr (Scale) pg[j] += gr[j] * hr[j];
            if constexpr (Center) pb[j] += gr[j];
          }
          if (dx == nullptr) continue;
          double su = 0.0, suh = 0.0;
          for (std::size_t j = 0; j < D; ++j) {
            float u = gr[j];
            if constexpr (Scale) u *= ga[j];
            su += u;
            suh += static_cast<double>(u) * hr[j];
          }
          const float a = static_cast<float>(su / static_cast<double>(D));
          const float bh = static_cast<float>(suh / static_cast<double>(D));
          const float is = inv_std[r];
          float* __restrict xr = dx + r * D;
          for (std::size_t j = 0; j < D; ++j) {
            float u = gr[j];
            if constexpr (Scale) u *= ga[j];
            xr[j] = is * (u - a - hr[j] * bh);
          }
        }
      });
      for (std::size_t t = 0; t < used; ++t) {
        const float* pg = partial.data() + t * 2 * D;
        if constexpr (Scale)
          for (std::size_t j = 0; j < D; ++j) dgamma[j] += pg[j];
        if constexpr (Center)
          for (std::size_t j = 0; j < D; ++j) dbeta[j] += pg[D + j];
      }
    }
  };
};

}  // namespace ctnet
