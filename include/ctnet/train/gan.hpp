#pragma once
// Training a GAN: the step `fit` runs (alternating discriminator and
// generator updates, one-sided label smoothing, noisy labels, k discriminator
// steps per generator step, separate optimizers), and sampling from a trained
// generator.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <ctnet/core/error.hpp>
#include <ctnet/core/rng.hpp>
#include <ctnet/data/batcher.hpp>
#include <ctnet/data/dataset.hpp>
#include <ctnet/layers/sigmoid.hpp>
#include <ctnet/loss/binary_cross_entropy.hpp>
#include <ctnet/loss/loss.hpp>
#include <ctnet/model/concat.hpp>
#include <ctnet/model/gan_pair.hpp>
#include <ctnet/train/fit.hpp>
#include <ctnet/train/metrics.hpp>

namespace ctnet {

/// The GAN step's own settings (epochs, batch and seed are FitOptions').
struct GanOptions {
  float real_label = 1.0f;        ///< 0.9 for one-sided label smoothing
  float flip_probability = 0.0f;  ///< each discriminator label flipped with this probability
  std::size_t d_steps = 1;        ///< discriminator steps per generator step
};

/// Fills `z` with standard normal noise.
inline void sample_noise(Rng& rng, std::span<float> z) {
  for (auto& v : z) v = rng.normal();
}

/// Number of classes a conditional network takes (one-hot), 0 for others.
template <class Net>
inline constexpr std::size_t condition_size = [] {
  if constexpr (Conditional<Net>) return Net::condition_shape::size;
  else return std::size_t{0};
}();

/// Writes one-hot rows (n x k) for `labels`.
inline void one_hot(std::span<const std::uint8_t> labels, std::size_t k, std::span<float> out) {
  std::fill(out.begin(), out.begin() + static_cast<long>(labels.size() * k), 0.0f);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] >= k) fail("label {} of sample {} is not below the {} classes", labels[i], i, k);
    out[i * k + labels[i]] = 1.0f;
  }
}

/// Forward of a plain or a conditional network (`cond`: one-hot rows, ignored
/// by a plain one).
template <class Net>
std::span<const float> forward_with(Net& net, std::span<const float> x, std::span<const float> cond,
                                    std::size_t n, bool training) {
  if constexpr (Conditional<Net>) return net.forward(x, cond, n, training);
  else return net.forward(x, n, training);
}

/// The GAN step: the discriminator on a real batch and on as many generated
/// samples (gradients accumulate, one optimizer step), then, every `d_steps`
/// steps, the generator through the discriminator (non-saturating loss: D's
/// targets are "real"; D's input gradient is G's output gradient). Binary
/// cross-entropy, fused with D's final Sigmoid or on its logits. A conditional
/// pair (`Conditional<G>`) gets real images with their one-hot labels and
/// generated ones with uniform random labels. Reports "d_loss", "g_loss" and
/// D's accuracy on real and generated samples ("d_acc_real", "d_acc_fake").
/// Checkpoints name the networks "generator" and "discriminator".
template <class G, class D, class OptG, class OptD>
class GanStep {
  using Pair = GanPair<G, D>;  // the shapes must agree (a compile error otherwise)
  static_assert(D::output_shape::size == 1, "the discriminator must output one value per sample");

 public:
  static constexpr std::size_t latent = Pair::latent_shape::size, sample = Pair::sample_shape::size;
  static constexpr std::size_t k = condition_size<G>;  // classes of a conditional GAN, else 0

  GanStep(G& gen, D& disc, OptG& opt_g, OptD& opt_d, GanOptions o = {})
      : gen_(gen), disc_(disc), opt_g_(opt_g), opt_d_(opt_d), o_(o) {
    if (o_.d_steps == 0) fail("GanStep: d_steps must be positive");
  }
  /// Runs after every generator update (a weight average, for instance).
  std::function<void()> after_g_step;

  void check(const Dataset& real, std::string_view role) const {
    if (real.sample_size() != sample)
      fail("{}: samples of {} values, the generator makes {}", role, real.sample_size(), sample);
    if (k > 0 && real.labels.size() != real.count)
      fail("{}: a conditional GAN needs labelled images", role);
    if (k > 0)
      for (std::size_t i = 0; i < real.count; ++i)
        if (real.labels[i] >= k)
          fail("{}: label {} of sample {} is not below the generator's {} classes", role, real.labels[i], i, k);
  }
  void reserve(std::size_t b) {
    gen_.reserve(b);
    disc_.reserve(b);
    x_.resize(b * sample);
    z_.resize(b * latent);
    targets_.resize(b);
    ones_.assign(b, 1.0f);
    c_real_.resize(b * k);
    c_fake_.resize(b * k);
    labels_.resize(k > 0 ? b : 0);
  }

  Metrics train_batch(const Dataset& real, std::span<const std::size_t> idx, StepContext& ctx) {
    const std::size_t n = idx.size();
    gather(real, idx, x_, labels_);
    if constexpr (k > 0) one_hot({labels_.data(), n}, k, c_real_);
    // Discriminator: real images, then as many generated ones.
    disc_.zero_grad();
    draw_fakes(ctx, n);
    const auto fake = forward_with(gen_, {z_.data(), n * latent}, c_fake_, n, true);
    std::size_t real_right = 0, fake_right = 0;
    const double d_real = d_pass({x_.data(), n * sample}, c_real_, n, o_.real_label, true, ctx, real_right);
    ctx.sum_during_backward(disc_);  // the fake pass's backward finishes D's gradients
    const double d_fake = d_pass(fake, c_fake_, n, 0.0f, false, ctx, fake_right);
    const double w = static_cast<double>(n);
    Metrics m;
    m.add("d_loss", 0.5 * (d_real + d_fake), w);
    if (!ctx.all_finite(d_real + d_fake)) return m;  // the loop stops before any update
    ctx.update(opt_d_, disc_);
    // Generator, every d_steps discriminator steps: make D call fakes real.
    double g_loss = 0.0, g_weight = 0.0;
    if ((ctx.step + 1) % o_.d_steps == 0) {
      draw_fakes(ctx, n);
      gen_.zero_grad();
      forward_with(gen_, {z_.data(), n * latent}, c_fake_, n, true);
      forward_with(disc_, gen_.output(), c_fake_, n, true);
      const Backprop r = backprop(disc_, BinaryCrossEntropy{}, {ones_.data(), n}, true);
      g_loss = r.loss;
      g_weight = 1.0;  // per sample, as d_loss
      if (ctx.all_finite(g_loss)) {
        std::copy(r.input_grad.begin(), r.input_grad.end(), gen_.output_grad().begin());
        ctx.sum_during_backward(gen_);
        gen_.backward(false);
        ctx.update(opt_g_, gen_);
        if (after_g_step) after_g_step();
      }
    }
    m.add("g_loss", g_loss, g_weight * w);
    m.add("d_acc_real", static_cast<double>(real_right) / w, w);
    m.add("d_acc_fake", static_cast<double>(fake_right) / w, w);
    return m;
  }

  template <class F>
  void visit_networks(F&& f) {
    f("generator", gen_);
    f("discriminator", disc_);
  }
  template <class F>
  void visit_optimizers(F&& f) {
    f("generator_optimizer", opt_g_, gen_);
    f("discriminator_optimizer", opt_d_, disc_);
  }

 private:
  // Noise for n generated samples and, for a conditional GAN, uniform random
  // labels: the share's part of what one process draws for the whole batch.
  void draw_fakes(StepContext& ctx, std::size_t n) {
    Rng& rng = ctx.rng;
    ctx.draw_share([&] { for (std::size_t i = 0; i < latent; ++i) rng.normal(); },
                   [&] { sample_noise(rng, {z_.data(), n * latent}); });
    if constexpr (k > 0) {
      ctx.draw_share([&] { rng.below(k); },
                     [&] { for (std::size_t i = 0; i < n; ++i) labels_[i] = static_cast<std::uint8_t>(rng.below(k)); });
      one_hot({labels_.data(), n}, k, c_fake_);
    }
  }
  // One discriminator pass with labels `target` (flipped with probability
  // flip_probability); gradients accumulate. Returns the loss, counts correct.
  double d_pass(std::span<const float> input, std::span<const float> cond, std::size_t n,
                float target, bool is_real, StepContext& ctx, std::size_t& correct) {
    const bool flips = o_.flip_probability > 0.0f;
    const auto flip = [&] { return flips && ctx.rng.uniform() < o_.flip_probability; };
    ctx.draw_share([&] { flip(); }, [&] {
      for (std::size_t i = 0; i < n; ++i) targets_[i] = flip() ? (is_real ? 0.0f : o_.real_label) : target;
    });
    const auto out = forward_with(disc_, input, cond, n, true);
    for (std::size_t i = 0; i < n; ++i) {
      const bool says_real = ends_with_sigmoid<D> ? out[i] > 0.5f : out[i] > 0.0f;
      correct += says_real == is_real;
    }
    return backprop(disc_, BinaryCrossEntropy{}, {targets_.data(), n}, false).loss;
  }

  G& gen_;
  D& disc_;
  OptG& opt_g_;
  OptD& opt_d_;
  GanOptions o_;
  std::vector<float> x_, z_, targets_, ones_, c_real_, c_fake_;
  std::vector<std::uint8_t> labels_;
};

/// Generates `count` samples from noise drawn with `seed`, into `out`
/// (count * sample floats), in batches of `batch` (inference mode; 32 as
/// Keras's predict, or the training batch, whose buffers exist). A
/// conditional generator makes sample i of class labels[i] (count labels).
template <class G>
void generate(G& gen, std::uint64_t seed, std::size_t count, std::span<float> out,
              std::span<const std::uint8_t> labels = {}, std::size_t batch = 32) {
  if (batch == 0) fail("generate: the batch size must be positive");
  constexpr std::size_t latent = G::input_shape::size, sample = G::output_shape::size;
  constexpr std::size_t k = condition_size<G>;
  if (out.size() < checked_mul(count, sample, "generate")) fail("generate: output buffer too small");
  if (k > 0 && labels.size() < count) fail("generate: a conditional generator needs a label per sample");
  Rng rng(seed);
  std::vector<float> z(batch * latent), c(batch * k);
  for (std::size_t first = 0; first < count; first += batch) {
    const std::size_t n = std::min(batch, count - first);
    sample_noise(rng, {z.data(), n * latent});
    if constexpr (k > 0) one_hot(labels.subspan(first, n), k, c);
    const auto y = forward_with(gen, {z.data(), n * latent}, c, n, false);
    std::copy(y.begin(), y.end(), out.begin() + static_cast<long>(first * sample));
  }
}

/// A latent-space walk (report 2): `rows` pairs of random latent vectors, each
/// row `cols` samples along the straight line from one to the other.
template <class G>
std::vector<float> latent_walk(G& gen, std::uint64_t seed, std::size_t rows, std::size_t cols) {
  constexpr std::size_t latent = G::input_shape::size, sample = G::output_shape::size;
  Rng rng(seed);
  std::vector<float> a(latent), b(latent), z(checked_mul(checked_mul(rows, cols, "latent_walk"), latent, "latent_walk"));
  for (std::size_t r = 0; r < rows; ++r) {
    sample_noise(rng, a);
    sample_noise(rng, b);
    for (std::size_t c = 0; c < cols; ++c) {
      const float t = cols > 1 ? static_cast<float>(c) / static_cast<float>(cols - 1) : 0.0f;
      for (std::size_t i = 0; i < latent; ++i)
        z[(r * cols + c) * latent + i] = (1.0f - t) * a[i] + t * b[i];
    }
  }
  const auto y = gen.forward(z, rows * cols, false);
  return {y.begin(), y.begin() + static_cast<long>(rows * cols * sample)};
}

}  // namespace ctnet
