#pragma once
// Training and evaluating a `Vae<Encoder, Decoder>` on the negative ELBO.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include <ctnet/core/error.hpp>
#include <ctnet/core/rng.hpp>
#include <ctnet/data/batcher.hpp>
#include <ctnet/data/dataset.hpp>
#include <ctnet/model/composite.hpp>
#include <ctnet/model/vae.hpp>
#include <ctnet/train/progress.hpp>

namespace ctnet {

struct VaeOptions {
  std::size_t epochs = 10;
  std::size_t batch = 128;
  std::uint64_t seed = 42;
  bool progress = true;
};

/// One epoch's figures: the negative ELBO's terms (nats per image) on the
/// training set (the mean over the epoch's steps, as Keras reports it) and on
/// the test set (after the epoch, noise from a fixed seed).
struct VaeEpochMetrics {
  std::size_t epoch = 0;  ///< counted from 1
  ElboTerms train, test;
  double seconds = 0.0;   ///< training time, the test pass left out
};

/// The negative ELBO's terms over a whole dataset (inference mode, the noise
/// drawn from `seed`), in nats per image.
template <class V>
ElboTerms evaluate_vae(V& vae, const Dataset& data, std::size_t batch, std::uint64_t seed) {
  if (data.sample_size() != V::sample)
    throw Error("evaluate_vae: images of " + std::to_string(data.sample_size()) +
                " values, the encoder takes " + std::to_string(V::sample));
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

/// Trains a VAE on `train` (images in [0, 1]) with one optimizer for the
/// encoder and one for the decoder (the same as one over both: Adam and SGD
/// are per parameter). After each epoch scores `test` and calls `on_epoch`
/// (return false to stop). Batches and noise depend only on (seed, epoch), so
/// a run resumed at `first_epoch` continues as if never stopped. A NaN or
/// infinite loss stops with an error naming the epoch and step.
template <class V, class Opt>
std::vector<VaeEpochMetrics> fit_vae(V& vae, Opt& opt_enc, Opt& opt_dec, const Dataset& train,
                                     const Dataset& test, const VaeOptions& o,
                                     const std::function<bool(const VaeEpochMetrics&)>& on_epoch,
                                     std::size_t first_epoch = 0) {
  if (train.sample_size() != V::sample)
    throw Error("fit_vae: images of " + std::to_string(train.sample_size()) +
                " values, the encoder takes " + std::to_string(V::sample));
  if (o.batch == 0) throw Error("fit_vae: the batch size must be positive");
  vae.reserve(o.batch);
  std::vector<float> x(o.batch * V::sample);
  Batcher batcher(train.count, o.batch, o.seed);
  std::vector<VaeEpochMetrics> history;
  for (std::size_t epoch = first_epoch; epoch < o.epochs; ++epoch) {
    batcher.start_epoch(epoch);
    Rng rng(o.seed * 0x9E3779B97F4A7C15ull + epoch + 1);
    reseed_dropout(vae.encoder, o.seed * 31 + epoch);
    reseed_dropout(vae.decoder, o.seed * 37 + epoch);
    Progress progress("epoch " + std::to_string(epoch + 1) + "/" + std::to_string(o.epochs),
                      train.count, o.progress);
    ElboTerms sum;
    std::size_t seen = 0, step = 0;
    for (auto idx = batcher.next(); !idx.empty(); idx = batcher.next(), ++step) {
      const std::size_t n = idx.size();
      gather(train, idx, x, {});
      vae.zero_grad();
      const ElboTerms t = vae.pass({x.data(), n * V::sample}, n, rng, true);
      if (!std::isfinite(t.loss()))
        throw Error("the VAE's loss is " + std::to_string(t.loss()) + " at epoch " +
                    std::to_string(epoch + 1) + ", step " + std::to_string(step + 1));
      opt_enc.step(vae.encoder);
      opt_dec.step(vae.decoder);
      sum.reconstruction += t.reconstruction * static_cast<double>(n);
      sum.kl += t.kl * static_cast<double>(n);
      seen += n;
      char status[96];
      std::snprintf(status, sizeof status, "loss %.2f  (reconstruction %.2f, KL %.2f)",
                    sum.loss() / static_cast<double>(seen),
                    sum.reconstruction / static_cast<double>(seen), sum.kl / static_cast<double>(seen));
      progress.update(seen, status);
    }
    VaeEpochMetrics m;
    m.epoch = epoch + 1;
    m.train = {sum.reconstruction / static_cast<double>(seen), sum.kl / static_cast<double>(seen)};
    m.seconds = progress.seconds();
    m.test = evaluate_vae(vae, test, o.batch, o.seed + 0x7E57);
    char status[128];
    std::snprintf(status, sizeof status, "loss %.2f  test loss %.2f (reconstruction %.2f, KL %.2f)",
                  m.train.loss(), m.test.loss(), m.test.reconstruction, m.test.kl);
    progress.finish(status);
    history.push_back(m);
    if (!on_epoch(m)) break;
  }
  return history;
}

}  // namespace ctnet
