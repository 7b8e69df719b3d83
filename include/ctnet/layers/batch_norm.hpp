#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <type_traits>
#include <vector>

#include <fmt/format.h>

#include <ctnet/core/layer.hpp>
#include <ctnet/core/parallel.hpp>
#include <ctnet/core/tensor.hpp>
#include <ctnet/layers/epilogue.hpp>

namespace ctnet {

/// Batch normalisation over the last axis (channels) of any shape: every
/// channel is normalised over the batch and all other axes, then scaled by
/// gamma and shifted by beta. Keras: `layers.BatchNormalization(
/// momentum=Momentum, epsilon=Epsilon, center=Center, scale=Scale)`, axis -1;
/// `BatchNorm<>` is Keras's default, `BatchNorm<false, false>` is
/// center=False, scale=False (normalisation only, no trainable parameters).
///
/// - Training (`Pass::training`): normalised with the batch's mean and biased
///   variance (divided by the count, as `tf.nn.moments` / Keras 3's
///   `ops.moments`); then moving = moving * Momentum + batch * (1 - Momentum)
///   for the mean and, with the same biased variance, the variance. (TF 2's
///   fused kernel, used by tf.keras for rank-4 inputs, feeds the moving
///   variance the unbiased m / (m - 1) estimate instead; the difference is
///   below 1 % for batches of 128 images.) Backward is the full gradient
///   through the batch statistics.
/// - Inference: normalised with the moving statistics; backward is then the
///   gradient of that fixed affine map.
///
/// Parameters in Keras's order: gamma (Scale), beta (Center) trainable;
/// moving_mean, moving_variance non-trainable (visited with `trainable =
/// false` and no gradient), so Keras's counts come out: 4 C in total, 2 C
/// trainable. Initial values as Keras: gamma 1, beta 0, mean 0, variance 1.
///
/// - Virtual (`Virtual = true`, alias `VirtualBatchNorm`; report 3's
///   "virtual batch normalisation"): while training, the statistics come from
///   the first half of the batch only (ceil(n / 2) samples; the batches are
///   shuffled every epoch, so that half is a random one), and every sample of
///   the batch, the reference half and the rest, is normalised with them; the
///   moving statistics follow the reference half's. Backward: the reference
///   samples get the full gradient through the statistics, the others only
///   the affine part, gamma / std * g. Inference is the same as BatchNorm's.
///
/// The normalised input x̂ and 1/std are kept in the layer's own scratch, so a
/// following in-place layer may overwrite the output. A following
/// element-wise activation is fused: y = act(gamma x̂ + beta) in one pass.
template <bool Center = true, bool Scale = true, float Momentum = 0.99f, float Epsilon = 1e-3f,
          bool Virtual = false>
struct BatchNorm {
  static_assert(Momentum >= 0.0f && Momentum <= 1.0f, "BatchNorm's momentum must be in [0, 1]");
  static_assert(Epsilon > 0.0f, "BatchNorm's epsilon must be positive");
  // Keras has no virtual batch normalisation; its summary rows say which it is.
  static constexpr const char* keras_class = Virtual ? "VirtualBatchNorm" : "BatchNormalization";
  static constexpr const char* keras_name = Virtual ? "virtual_batch_norm" : "batch_normalization";
  static std::string name() {
    constexpr bool default_stats = Momentum == 0.99f && Epsilon == 1e-3f;
    const char* base = Virtual ? "VirtualBatchNorm" : "BatchNorm";
    if (Center && Scale && default_stats) return base;
    if (default_stats) return fmt::format("{}<{}, {}>", base, Center, Scale);
    // {:f}: six decimals ("0.400000"), as the model signatures in checkpoints have them.
    return fmt::format("{}<{}, {}, {:f}, {:f}>", base, Center, Scale, Momentum, Epsilon);
  }

  template <class In>
  using check = why::accepted;

  template <class In>
  struct layer : LayerBase<In, In> {
    static constexpr std::size_t C = In::dims[In::rank - 1];
    static constexpr std::size_t spatial = In::size / C;  // rows per sample
    static constexpr std::size_t trainable_params = ((Center ? 1 : 0) + (Scale ? 1 : 0)) * C;
    static constexpr std::size_t non_trainable_params = 2 * C;
    static constexpr bool fuses_activation = true;

    static Buffer filled(std::size_t n, float v) {
      Buffer b = zeros(n);
      b.fill(v);
      return b;
    }

    Buffer gamma = filled(Scale ? C : 0, 1.0f), dgamma = zeros(Scale ? C : 0);
    Buffer beta = zeros(Center ? C : 0), dbeta = zeros(Center ? C : 0);
    Buffer moving_mean = zeros(C), moving_var = filled(C, 1.0f);

    Buffer xhat;                       // x̂ of the last forward pass
    detail::PreActivation pre;         // what a fused activation's derivative reads
    Buffer mean = zeros(C), inv_std = zeros(C);  // statistics the last pass used
    Buffer coef = zeros(3 * C);        // backward's per-channel coefficients
    std::vector<double> partial, sums;  // per-thread channel sums; their totals
    bool batch_stats = false;           // the last forward was a training pass
    std::size_t stat_rows = 0;          // rows the statistics came from (training)
    BatchGroup* group = nullptr;        // the last training pass's processes (synchronised)
    double stat_count = 0.0;            // rows of every process the statistics came from

    static std::size_t threads() { return ThreadPool::instance().size(); }

    void reserve(std::size_t batch) {
      ensure_size(xhat, batch * In::size);
      if (partial.size() < threads() * 2 * C) partial.resize(threads() * 2 * C);
      if (sums.size() < 2 * C + 1) sums.resize(2 * C + 1);
    }

    template <class F>
    void visit_params(F&& f) {
      if constexpr (Scale)
        f(ParamRef{.role = "gamma", .value = as_span(gamma), .grad = as_span(dgamma),
                   .shape = {C}, .rank = 1, .fill = 1.0f});
      if constexpr (Center)
        f(ParamRef{.role = "beta", .value = as_span(beta), .grad = as_span(dbeta), .shape = {C},
                   .rank = 1});
      f(ParamRef{.role = "moving_mean", .value = as_span(moving_mean), .grad = {}, .shape = {C},
                 .rank = 1, .trainable = false});
      f(ParamRef{.role = "moving_variance", .value = as_span(moving_var), .grad = {},
                 .shape = {C}, .rank = 1, .trainable = false, .fill = 1.0f});
    }

    /// sums[k * C + c] = sum over rows of term(k, row, c) for k < K, with
    /// per-thread partial sums in double.
    template <std::size_t K, class Term>
    void channel_sums(std::size_t rows, Term&& term) {
      const std::size_t used = std::min(threads(), rows);
      std::fill(partial.begin(), partial.begin() + static_cast<long>(used * K * C), 0.0);
      parallel_slots(rows, [&](std::size_t t, std::size_t r0, std::size_t r1) {
        double* s = partial.data() + t * K * C;
        for (std::size_t r = r0; r < r1; ++r) term(s, r);
      });
      std::fill(sums.begin(), sums.begin() + static_cast<long>(K * C), 0.0);
      for (std::size_t t = 0; t < used; ++t)
        for (std::size_t i = 0; i < K * C; ++i) sums[i] += partial[t * K * C + i];
    }

    // training: mean, var over the batch; x̂ = (x - mean) / sqrt(var + eps);
    // y = act(gamma x̂ + beta)
    template <class Act = NoActivation>
    void forward(const float* x, float* y, std::size_t n, Pass& pass) {
      reserve(n);
      pre.reserve<Act>(n * In::size);
      const std::size_t rows = n * spatial;
      batch_stats = pass.training;
      stat_rows = Virtual ? (n + 1) / 2 * spatial : rows;
      group = batch_stats ? pass.group : nullptr;
      if (batch_stats) {
        // Synchronised: the sums (and the rows) of every process's share.
        channel_sums<1>(stat_rows, [&](double* s, std::size_t r) {
          const float* xr = x + r * C;
          for (std::size_t c = 0; c < C; ++c) s[c] += xr[c];
        });
        stat_count = static_cast<double>(stat_rows);
        if (group) {
          sums[C] = stat_count;
          group->sum({sums.data(), C + 1});
          stat_count = sums[C];
        }
        for (std::size_t c = 0; c < C; ++c)
          mean[c] = static_cast<float>(sums[c] / stat_count);
        const float* mu = mean.data();
        channel_sums<1>(stat_rows, [&](double* s, std::size_t r) {
          const float* xr = x + r * C;
          for (std::size_t c = 0; c < C; ++c) {
            const double d = static_cast<double>(xr[c]) - mu[c];
            s[c] += d * d;
          }
        });
        if (group) group->sum({sums.data(), C});
        for (std::size_t c = 0; c < C; ++c) {
          const double var = sums[c] / stat_count;
          inv_std[c] = static_cast<float>(1.0 / std::sqrt(var + static_cast<double>(Epsilon)));
          moving_mean[c] = moving_mean[c] * Momentum + mean[c] * (1.0f - Momentum);
          moving_var[c] = moving_var[c] * Momentum + static_cast<float>(var) * (1.0f - Momentum);
        }
      } else {
        for (std::size_t c = 0; c < C; ++c) {
          mean[c] = moving_mean[c];
          inv_std[c] = 1.0f / std::sqrt(moving_var[c] + Epsilon);
        }
      }
      float* kept = pre.store<Act>(0);
      parallel_for(rows, [&](std::size_t r0, std::size_t r1) {
        for (std::size_t r = r0; r < r1; ++r)
          normalize_row<Act>(x + r * C, xhat.data() + r * C, y + r * C,
                             keeps_pre_activation<Act> ? kept + r * C : nullptr, mean.data(),
                             inv_std.data(), gamma.data(), beta.data());
      });
    }
    // One row of forward's output. The pointers are parameters so that their
    // __restrict holds: GCC 12 ignores it on local pointers, and the loop then
    // stays scalar (a sixth of report 2's DCGAN step went to this loop).
    template <class Act>
    static void normalize_row(const float* __restrict xr, float* __restrict hr,
                              float* __restrict yr, float* __restrict kept,
                              const float* __restrict mu, const float* __restrict is,
                              const float* __restrict ga, const float* __restrict be) {
      for (std::size_t c = 0; c < C; ++c) {
        const float h = (xr[c] - mu[c]) * is[c];
        hr[c] = h;
        float v = h;
        if constexpr (Scale) v *= ga[c];
        if constexpr (Center) v += be[c];
        if constexpr (keeps_pre_activation<Act>) kept[c] = v;
        if constexpr (!std::is_same_v<Act, NoActivation>) v = Act::f(v);
        yr[c] = v;
      }
    }

    // g = dy * act'(y);  dgamma += sum g x̂;  dbeta += sum g;
    // training:  dx = gamma / std * (g - mean(g) - x̂ mean(g x̂))  (m = rows per channel)
    // inference: dx = gamma / std * g
    template <class Act = NoActivation>
    void backward(const float*, const float* out, float* dy, float* dx, std::size_t n) {
      constexpr bool identity = std::is_same_v<Act, NoActivation>;
      const float* y = pre.derivative_input<Act>(out);  // what Act's derivative reads
      const std::size_t rows = n * spatial;
      const bool need_sums = Scale || Center || (dx != nullptr && batch_stats);
      if (need_sums) {
        channel_sums<2>(rows, [&](double* s, std::size_t r) {
          float* gr = dy + r * C;
          const float* hr = xhat.data() + r * C;
          const float* yr = y + r * C;
          for (std::size_t c = 0; c < C; ++c) {
            float g = gr[c];
            if constexpr (!identity) gr[c] = g = g * Act::df(yr[c]);
            s[c] += g;
            s[C + c] += static_cast<double>(g) * hr[c];
          }
        });
      } else if constexpr (!identity) {
        parallel_for(rows * C, [&](std::size_t i0, std::size_t i1) {
          for (std::size_t i = i0; i < i1; ++i) dy[i] *= Act::df(y[i]);
        });
      }
      if constexpr (Scale)
        for (std::size_t c = 0; c < C; ++c) dgamma[c] += static_cast<float>(sums[C + c]);
      if constexpr (Center)
        for (std::size_t c = 0; c < C; ++c) dbeta[c] += static_cast<float>(sums[c]);
      if (dx == nullptr) return;
      // dx = k (g - a - x̂ b) per channel: k = gamma / std, and with batch
      // statistics a = mean(g), b = mean(g x̂) (zero at inference).
      // Synchronised, the means are over every process's rows. Each
      // process's g is the gradient of its share's mean loss, so its sums are
      // weighted by its share, and the means taken back to its scale.
      double m = stat_count;
      if (group && batch_stats) {
        for (std::size_t i = 0; i < 2 * C; ++i) sums[i] *= group->share;
        group->sum({sums.data(), 2 * C});
        m *= group->share;
      }
      for (std::size_t c = 0; c < C; ++c) {
        float k = inv_std[c];
        if constexpr (Scale) k *= gamma[c];
        coef[c] = k;
        coef[C + c] = batch_stats ? static_cast<float>(sums[c] / m) : 0.0f;
        coef[2 * C + c] = batch_stats ? static_cast<float>(sums[C + c] / m) : 0.0f;
      }
      parallel_for(rows, [&](std::size_t r0, std::size_t r1) {
        const float* __restrict k = coef.data();
        const float* __restrict a = k + C;
        const float* __restrict b = k + 2 * C;
        // Rows below `ref` (all of them but for VirtualBatchNorm) get the full
        // form; the rest only the affine part.
        const std::size_t ref = std::clamp(batch_stats ? stat_rows : rows, r0, r1);
        for (std::size_t r = r0; r < ref; ++r) {
          const float* __restrict gr = dy + r * C;
          const float* __restrict hr = xhat.data() + r * C;
          float* __restrict xr = dx + r * C;
          for (std::size_t c = 0; c < C; ++c) xr[c] = k[c] * (gr[c] - a[c] - hr[c] * b[c]);
        }
        for (std::size_t r = ref; r < r1; ++r) {
          const float* __restrict gr = dy + r * C;
          float* __restrict xr = dx + r * C;
          for (std::size_t c = 0; c < C; ++c) xr[c] = k[c] * gr[c];
        }
      });
    }
  };
};

/// Report 3's virtual batch normalisation: BatchNorm whose training statistics
/// come from the first half of each batch (see BatchNorm).
template <bool Center = true, bool Scale = true, float Momentum = 0.99f, float Epsilon = 1e-3f>
using VirtualBatchNorm = BatchNorm<Center, Scale, Momentum, Epsilon, true>;

}  // namespace ctnet
