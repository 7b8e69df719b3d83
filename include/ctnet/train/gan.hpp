#pragma once
// The GAN training loop: alternating discriminator and generator steps,
// binary cross-entropy on logits (or fused with a final Sigmoid), one-sided
// label smoothing, noisy labels, k discriminator steps per generator step,
// separate optimizers. The generator trains through the discriminator: the
// discriminator's input gradient is the generator's output gradient.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include <ctnet/core/error.hpp>
#include <ctnet/core/rng.hpp>
#include <ctnet/data/batcher.hpp>
#include <ctnet/data/dataset.hpp>
#include <ctnet/layers/sigmoid.hpp>
#include <ctnet/model/concat.hpp>
#include <ctnet/model/gan_pair.hpp>
#include <ctnet/train/losses.hpp>
#include <ctnet/train/progress.hpp>

namespace ctnet {

struct GanOptions {
  std::size_t epochs = 1;
  std::size_t batch = 128;      ///< real images per discriminator step (as many fakes)
  std::uint64_t seed = 42;
  float real_label = 1.0f;      ///< 0.9 for one-sided label smoothing
  float flip_probability = 0.0f;  ///< each discriminator label flipped with this probability
  std::size_t d_steps = 1;      ///< discriminator steps per generator step
  bool progress = true;
};

/// One epoch's figures, as written to metrics.csv.
struct GanEpochMetrics {
  std::size_t epoch = 0;  ///< counted from 1
  double d_loss = 0.0, g_loss = 0.0, d_acc_real = 0.0, d_acc_fake = 0.0, seconds = 0.0;
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
  for (std::size_t i = 0; i < labels.size(); ++i) out[i * k + labels[i]] = 1.0f;
}

/// Forward of a plain or a conditional network (`cond`: one-hot rows, ignored
/// by a plain one).
template <class Net>
std::span<const float> forward_with(Net& net, std::span<const float> x, std::span<const float> cond,
                                    std::size_t n, bool training) {
  if constexpr (Conditional<Net>) return net.forward(x, cond, n, training);
  else return net.forward(x, n, training);
}

/// Trains a generator and a discriminator. Calls `on_epoch` after each epoch
/// (metrics, checkpoints, sample grids; return false to stop) and
/// `on_diverged` before throwing when a loss becomes NaN or infinite, so the
/// caller can save what was trained. Batches and noise depend only on (seed,
/// epoch), so a run resumed at `first_epoch` continues as if never stopped.
/// `after_g_step`, if given, runs after every generator update (a weight
/// average, for instance).
template <class G, class D, class OptG, class OptD>
std::vector<GanEpochMetrics> fit_gan(G& gen, D& disc, OptG& opt_g, OptD& opt_d, const Dataset& real,
                                     const GanOptions& o,
                                     const std::function<bool(const GanEpochMetrics&)>& on_epoch,
                                     const std::function<void()>& on_diverged = {},
                                     std::size_t first_epoch = 0,
                                     const std::function<void()>& after_g_step = {}) {
  using Pair = GanPair<G, D>;  // the shapes must agree (a compile error otherwise)
  constexpr std::size_t latent = Pair::latent_shape::size, sample = Pair::sample_shape::size;
  static_assert(D::output_shape::size == 1, "the discriminator must output one value per sample");
  if (real.sample_size() != sample)
    throw Error("fit_gan: real samples of " + std::to_string(real.sample_size()) +
                " values, the generator makes " + std::to_string(sample));
  if (o.batch == 0 || o.d_steps == 0) throw Error("fit_gan: batch and d_steps must be positive");
  constexpr std::size_t k = condition_size<G>;  // classes of a conditional GAN, else 0
  if (k > 0 && real.labels.size() != real.count)
    throw Error("fit_gan: a conditional GAN needs labelled images");
  const std::size_t b = o.batch;
  gen.reserve(b);
  disc.reserve(b);
  std::vector<float> x(b * sample), z(b * latent), targets(b), ones(b, 1.0f);
  std::vector<float> c_real(b * k), c_fake(b * k);
  std::vector<std::uint8_t> labels(k > 0 ? b : 0);
  // Uniform random labels for n generated samples (conditional GANs only).
  auto fake_labels = [&](Rng& rng, std::size_t n) {
    if constexpr (k > 0) {
      for (std::size_t i = 0; i < n; ++i) labels[i] = static_cast<std::uint8_t>(rng.below(k));
      one_hot({labels.data(), n}, k, c_fake);
    }
  };
  Batcher batcher(real.count, b, o.seed);
  std::vector<GanEpochMetrics> history;

  // One discriminator pass with labels `target` (flipped with probability
  // flip_probability); gradients accumulate. Returns the loss, counts correct.
  auto d_pass = [&](std::span<const float> input, std::span<const float> cond, std::size_t n,
                    float target, bool is_real, Rng& rng, std::size_t& correct) {
    for (std::size_t i = 0; i < n; ++i) {
      const bool flip = o.flip_probability > 0.0f && rng.uniform() < o.flip_probability;
      targets[i] = flip ? (is_real ? 0.0f : o.real_label) : target;
    }
    const auto out = forward_with(disc, input, cond, n, true);
    for (std::size_t i = 0; i < n; ++i) {
      const bool says_real = ends_with_sigmoid<D> ? out[i] > 0.5f : out[i] > 0.0f;
      correct += says_real == is_real;
    }
    double loss;
    if constexpr (ends_with_sigmoid<D>) {
      loss = binary_cross_entropy_probs(out, {targets.data(), n}, disc.output_grad());
      disc.template backward<1>(false);
    } else {
      loss = binary_cross_entropy_logits(out, {targets.data(), n}, disc.output_grad());
      disc.backward(false);
    }
    return loss;
  };

  for (std::size_t epoch = first_epoch; epoch < o.epochs; ++epoch) {
    batcher.start_epoch(epoch);
    Rng rng(o.seed * 0x9E3779B97F4A7C15ull + epoch + 1);
    reseed_dropout(gen, o.seed * 31 + epoch);
    reseed_dropout(disc, o.seed * 37 + epoch);
    Progress progress("epoch " + std::to_string(epoch + 1) + "/" + std::to_string(o.epochs),
                      real.count, o.progress);
    double d_sum = 0.0, g_sum = 0.0;
    std::size_t d_count = 0, g_count = 0, seen = 0, real_right = 0, fake_right = 0, step = 0;
    auto check = [&](double loss, const char* which) {
      if (std::isfinite(loss)) return;
      if (on_diverged) on_diverged();
      throw Error(std::string(which) + " loss is " + std::to_string(loss) + " at epoch " +
                  std::to_string(epoch + 1) + ", step " + std::to_string(step + 1) +
                  "; the networks as they were before this step are saved");
    };
    for (auto idx = batcher.next(); !idx.empty(); idx = batcher.next(), ++step) {
      const std::size_t n = idx.size();
      gather(real, idx, x, labels);
      if constexpr (k > 0) one_hot({labels.data(), n}, k, c_real);
      // Discriminator: real images, then as many generated ones.
      disc.zero_grad();
      sample_noise(rng, {z.data(), n * latent});
      fake_labels(rng, n);
      const auto fake = forward_with(gen, {z.data(), n * latent}, c_fake, n, true);
      const double d_real =
          d_pass({x.data(), n * sample}, c_real, n, o.real_label, true, rng, real_right);
      const double d_fake = d_pass(fake, c_fake, n, 0.0f, false, rng, fake_right);
      check(d_real + d_fake, "discriminator");
      opt_d.step(disc);
      d_sum += 0.5 * (d_real + d_fake);
      ++d_count;
      seen += n;
      // Generator, every d_steps discriminator steps: make D call fakes real.
      if ((step + 1) % o.d_steps == 0) {
        sample_noise(rng, {z.data(), n * latent});
        fake_labels(rng, n);
        gen.zero_grad();
        forward_with(gen, {z.data(), n * latent}, c_fake, n, true);
        const auto d_out = forward_with(disc, gen.output(), c_fake, n, true);
        double g_loss;
        std::span<const float> dx;
        if constexpr (ends_with_sigmoid<D>) {
          g_loss = binary_cross_entropy_probs(d_out, {ones.data(), n}, disc.output_grad());
          dx = disc.template backward<1>(true);
        } else {
          g_loss = binary_cross_entropy_logits(d_out, {ones.data(), n}, disc.output_grad());
          dx = disc.backward(true);
        }
        check(g_loss, "generator");
        std::copy(dx.begin(), dx.end(), gen.output_grad().begin());
        gen.backward(false);
        opt_g.step(gen);
        if (after_g_step) after_g_step();
        g_sum += g_loss;
        ++g_count;
      }
      char status[128];
      std::snprintf(status, sizeof status, "d_loss %.4f  g_loss %.4f",
                    d_sum / static_cast<double>(d_count),
                    g_count ? g_sum / static_cast<double>(g_count) : 0.0);
      progress.update(seen, status);
    }
    GanEpochMetrics m;
    m.epoch = epoch + 1;
    m.d_loss = d_sum / static_cast<double>(std::max<std::size_t>(d_count, 1));
    m.g_loss = g_sum / static_cast<double>(std::max<std::size_t>(g_count, 1));
    m.d_acc_real = static_cast<double>(real_right) / static_cast<double>(seen);
    m.d_acc_fake = static_cast<double>(fake_right) / static_cast<double>(seen);
    m.seconds = progress.seconds();
    char status[160];
    std::snprintf(status, sizeof status, "d_loss %.4f  g_loss %.4f  D(real) %.3f  D(fake) %.3f right",
                  m.d_loss, m.g_loss, m.d_acc_real, m.d_acc_fake);
    progress.finish(status);
    history.push_back(m);
    if (!on_epoch(m)) break;
  }
  return history;
}

/// Generates `count` samples from noise drawn with `seed`, into `out`
/// (count * sample floats), in batches of `batch` (inference mode). A
/// conditional generator makes sample i of class labels[i] (count labels).
template <class G>
void generate(G& gen, std::uint64_t seed, std::size_t count, std::span<float> out,
              std::span<const std::uint8_t> labels = {}, std::size_t batch = 256) {
  constexpr std::size_t latent = G::input_shape::size, sample = G::output_shape::size;
  constexpr std::size_t k = condition_size<G>;
  if (out.size() < count * sample) throw Error("generate: output buffer too small");
  if (k > 0 && labels.size() < count) throw Error("generate: a conditional generator needs a label per sample");
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
  std::vector<float> a(latent), b(latent), z(rows * cols * latent);
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
