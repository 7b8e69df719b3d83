#pragma once
// Training and evaluating a `Vae<Encoder, Decoder>` on the negative ELBO.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include <ctnet/core/error.hpp>
#include <ctnet/core/rng.hpp>
#include <ctnet/data/batcher.hpp>
#include <ctnet/data/dataset.hpp>
#include <ctnet/loss/negative_elbo.hpp>
#include <ctnet/model/vae.hpp>
#include <ctnet/train/fit.hpp>
#include <ctnet/train/metrics.hpp>
#include <ctnet/train/optimizer.hpp>

namespace ctnet {

/// The negative ELBO's terms over a whole dataset (inference mode, the noise
/// drawn from `seed`), in nats per image.
template <class V>
ElboTerms evaluate_vae(V& vae, const Dataset& data, std::size_t batch, std::uint64_t seed) {
  if (batch == 0) fail("the batch size must be positive");
  if (data.sample_size() != V::sample)
    fail("evaluate_vae: images of {} values, the encoder takes {}", data.sample_size(), V::sample);
  Rng rng(seed);
  ElboTerms sum;
  for (std::size_t first = 0; first < data.count; first += batch) {
    const std::size_t n = std::min(batch, data.count - first);
    const auto t = vae.pass({data.images.data() + first * V::sample, n * V::sample}, n, rng, false);
    sum.reconstruction += t.reconstruction * static_cast<double>(n);
    sum.kl += t.kl * static_cast<double>(n);
  }
  const double count = static_cast<double>(std::max<std::size_t>(data.count, 1));
  return {sum.reconstruction / count, sum.kl / count};
}

/// How much of a VAE's encoder a dataset uses (inference mode): the two ways
/// it can collapse.
struct LatentUsage {
  /// KL(q(z | x) || N(0, I)) of each latent unit, in nats: a unit whose KL is
  /// near 0 carries no information about x (posterior collapse); their sum is
  /// evaluate_vae's kl.
  std::vector<double> kl;
  std::size_t features = 0;  ///< the width of the encoder body's output
  /// Of those, the ones not positive on any image: after a ReLU, units that
  /// never fire and so pass nothing to the latent code.
  std::size_t dead = 0;
};

template <class V>
LatentUsage latent_usage(V& vae, const Dataset& data, std::size_t batch) {
  if (batch == 0) fail("the batch size must be positive");
  if (data.sample_size() != V::sample)
    fail("latent_usage: images of {} values, the encoder takes {}", data.sample_size(), V::sample);
  constexpr std::size_t width = V::encoder_type::body_type::output_shape::size;
  std::vector<double> kl(V::latent, 0.0);
  std::vector<bool> fires(width, false);
  for (std::size_t first = 0; first < data.count; first += batch) {
    const std::size_t n = std::min(batch, data.count - first);
    vae.encoder.forward({data.images.data() + first * V::sample, n * V::sample}, n, false);
    const auto mean = vae.encoder.a.output(), log_var = vae.encoder.b.output();
    for (std::size_t i = 0; i < n * V::latent; ++i) kl[i % V::latent] += kl_to_standard_normal(mean[i], log_var[i]);
    const auto h = vae.encoder.body.output();
    for (std::size_t i = 0; i < n * width; ++i)
      if (h[i] > 0.0f) fires[i % width] = true;
  }
  for (auto& k : kl) k /= static_cast<double>(std::max<std::size_t>(data.count, 1));
  return {std::move(kl), width, static_cast<std::size_t>(std::count(fires.begin(), fires.end(), false))};
}

/// The VAE step on images in [0, 1]: encode, sample z, decode, the negative
/// ELBO's gradient through both networks, one optimizer step for the encoder
/// and one for the decoder (the same as one over both: Adam and SGD are per
/// parameter). Reports "loss" (the negative ELBO), "reconstruction" and "kl",
/// nats per image; validation draws its noise from the run's seed. Checkpoints
/// name the networks "encoder" and "decoder".
///
/// `kl_warmup` steps (0: none) weight the KL term's gradient by t / kl_warmup
/// at the run's step t (from 1), then by 1: KL annealing, which lets the
/// latent code start to carry information before the prior pulls it in.
/// The figures reported are the full negative ELBO's throughout.
template <class V, class Opt>
class VaeStep {
 public:
  VaeStep(V& vae, Opt& opt_enc, Opt& opt_dec, std::size_t kl_warmup = 0)
      : vae_(vae), opt_enc_(opt_enc), opt_dec_(opt_dec), kl_warmup_(kl_warmup) {}

  void check(const Dataset& data, std::string_view role) const {
    if (data.sample_size() != V::sample)
      fail("{}: images of {} values, the encoder takes {}", role, data.sample_size(), V::sample);
  }
  void reserve(std::size_t batch) {
    vae_.reserve(batch);
    x_.resize(batch * V::sample);
  }

  Metrics train_batch(const Dataset& data, std::span<const std::size_t> idx, StepContext& ctx) {
    const std::size_t n = idx.size();
    gather(data, idx, x_, {});
    vae_.zero_grad();
    ElboTerms t;
    ctx.sum_during_backward(vae_.encoder);  // the pass's backward finishes both networks' gradients
    ctx.sum_during_backward(vae_.decoder);
    const double kl_weight = linear_warmup(ctx.run_step + 1, kl_warmup_);
    ctx.draw_share([&] { for (std::size_t i = 0; i < V::latent; ++i) ctx.rng.normal(); },
                   [&] { t = vae_.pass({x_.data(), n * V::sample}, n, ctx.rng, true, kl_weight); });
    const double w = static_cast<double>(n);
    const Metrics m{{"loss", t.loss(), w}, {"reconstruction", t.reconstruction, w}, {"kl", t.kl, w}};
    if (!ctx.all_finite(t.loss())) return m;  // the loop stops before any update
    ctx.update(opt_enc_, vae_.encoder);
    ctx.update(opt_dec_, vae_.decoder);
    return m;
  }

  Metrics validate(const Dataset& data, const FitOptions& o) {
    const ElboTerms t = evaluate_vae(vae_, data, o.validation_batch_size(), o.seed + 0x7E57);
    return {{"loss", t.loss()}, {"reconstruction", t.reconstruction}, {"kl", t.kl}};
  }

  template <class F>
  void visit_networks(F&& f) {
    f("encoder", vae_.encoder);
    f("decoder", vae_.decoder);
  }
  template <class F>
  void visit_optimizers(F&& f) {
    f("encoder_optimizer", opt_enc_, vae_.encoder);
    f("decoder_optimizer", opt_dec_, vae_.decoder);
  }

 private:
  V& vae_;
  Opt& opt_enc_;
  Opt& opt_dec_;
  std::size_t kl_warmup_;
  std::vector<float> x_;
};

}  // namespace ctnet
