#pragma once
// The classifier training loop: shuffled mini-batches, softmax cross-entropy
// (fused with a final Softmax layer), an optimizer step per batch, a
// validation pass per epoch, early stopping on validation loss, a progress
// line, and a per-epoch callback where the caller logs and checkpoints.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include <ctnet/core/error.hpp>
#include <ctnet/core/tensor.hpp>
#include <ctnet/data/batcher.hpp>
#include <ctnet/data/dataset.hpp>
#include <ctnet/layers/softmax.hpp>
#include <ctnet/train/losses.hpp>
#include <ctnet/train/progress.hpp>

namespace ctnet {

/// Whether a network's last layer is a Softmax (then the loss is fused with it).
template <class Net>
inline constexpr bool ends_with_softmax =
    std::is_same_v<typename Net::template spec_at<Net::depth - 1>, Softmax>;

/// Loss and accuracy over a data set.
struct Evaluation {
  double loss = 0.0, accuracy = 0.0;
};

/// One epoch's figures, as written to metrics.csv.
struct EpochMetrics {
  std::size_t epoch = 0;  ///< counted from 1
  double loss = 0.0, accuracy = 0.0, val_loss = 0.0, val_accuracy = 0.0, seconds = 0.0;
};

/// Keras's EarlyStopping(monitor="val_loss", min_delta, patience): stop when
/// the validation loss has not improved on the best by more than min_delta
/// for more than `patience` epochs.
struct EarlyStopping {
  bool enabled = false;
  double min_delta = 0.01;
  std::size_t patience = 0;
  double best = std::numeric_limits<double>::infinity();
  std::size_t wait = 0;
  bool stopped = false;  ///< set once training should stop

  /// Records an epoch's validation loss; true when training should stop.
  bool update(double val_loss, std::size_t epoch_index) {
    if (!enabled) return false;
    ++wait;
    if (best - val_loss > min_delta) {
      best = val_loss;
      wait = 0;
    }
    stopped = wait > patience && epoch_index > 0;
    return stopped;
  }
};

struct ClassifierOptions {
  std::size_t epochs = 3;
  std::size_t batch = 32;
  std::uint64_t seed = 42;   ///< shuffling and dropout
  bool progress = true;
};

/// Mean cross-entropy and accuracy of `net` on `data` (inference mode).
template <class Net>
Evaluation evaluate(Net& net, const Dataset& data, std::size_t batch = 256) {
  constexpr std::size_t in = Net::input_shape::size, k = Net::output_shape::size;
  if (data.sample_size() != in)
    throw Error("evaluate: samples of " + std::to_string(data.sample_size()) +
                " values, the model takes " + std::to_string(in));
  net.reserve(batch);
  std::vector<float> scratch(batch * k);
  double loss = 0.0;
  std::size_t correct = 0;
  for (std::size_t first = 0; first < data.count; first += batch) {
    const std::size_t n = std::min(batch, data.count - first);
    const auto y = net.forward({data.images.data() + first * in, n * in}, n, false);
    const std::span<const std::uint8_t> labels(data.labels.data() + first, n);
    const double l = ends_with_softmax<Net>
                         ? softmax_cross_entropy_probs(y, labels, k, scratch)
                         : softmax_cross_entropy_logits(y, labels, k, scratch);
    loss += l * static_cast<double>(n);
    correct += count_correct(y, labels, k);
  }
  const double count = static_cast<double>(std::max<std::size_t>(data.count, 1));
  return {loss / count, static_cast<double>(correct) / count};
}

/// Trains `net` with `opt` for epochs [first_epoch, opts.epochs), scoring on
/// `val` after each. `on_epoch` sees each epoch's metrics (log, checkpoint)
/// and may return false to stop. The shuffling of epoch e depends only on
/// (seed, e), so a run resumed at first_epoch continues as if never stopped.
/// A NaN or infinite loss stops training with an Error naming the step.
template <class Net, class Opt>
std::vector<EpochMetrics> fit_classifier(Net& net, Opt& opt, const Dataset& train,
                                         const Dataset& val, const ClassifierOptions& opts,
                                         EarlyStopping& stopping,
                                         const std::function<bool(const EpochMetrics&)>& on_epoch,
                                         std::size_t first_epoch = 0) {
  constexpr std::size_t in = Net::input_shape::size, k = Net::output_shape::size;
  if (train.sample_size() != in)
    throw Error("fit: training samples of " + std::to_string(train.sample_size()) +
                " values, the model takes " + std::to_string(in));
  if (opts.batch == 0) throw Error("fit: batch size must be positive");
  net.reserve(opts.batch);
  std::vector<float> images(opts.batch * in);
  std::vector<std::uint8_t> labels(opts.batch);
  Batcher batcher(train.count, opts.batch, opts.seed);
  std::vector<EpochMetrics> history;

  for (std::size_t epoch = first_epoch; epoch < opts.epochs; ++epoch) {
    batcher.start_epoch(epoch);
    net.rng().reseed(opts.seed * 1000003u + epoch);  // dropout masks, reproducible per epoch
    Progress progress("epoch " + std::to_string(epoch + 1) + "/" + std::to_string(opts.epochs),
                      train.count, opts.progress);
    double loss_sum = 0.0;
    std::size_t seen = 0, correct = 0, step = 0;
    for (auto idx = batcher.next(); !idx.empty(); idx = batcher.next(), ++step) {
      const std::size_t n = idx.size();
      gather(train, idx, images, labels);
      const std::span<const std::uint8_t> lab(labels.data(), n);
      net.zero_grad();
      const auto y = net.forward({images.data(), n * in}, n, true);
      correct += count_correct(y, lab, k);
      double loss;
      if constexpr (ends_with_softmax<Net>) {
        loss = softmax_cross_entropy_probs(y, lab, k, net.output_grad());
        net.template backward<1>();
      } else {
        loss = softmax_cross_entropy_logits(y, lab, k, net.output_grad());
        net.backward();
      }
      if (!std::isfinite(loss))
        throw Error("training diverged: loss is " + std::to_string(loss) + " at epoch " +
                    std::to_string(epoch + 1) + ", step " + std::to_string(step + 1));
      opt.step(net);
      loss_sum += loss * static_cast<double>(n);
      seen += n;
      char status[96];
      std::snprintf(status, sizeof status, "loss %.4f  acc %.4f", loss_sum / static_cast<double>(seen),
                    static_cast<double>(correct) / static_cast<double>(seen));
      progress.update(seen, status);
    }
    EpochMetrics m;
    m.epoch = epoch + 1;
    m.loss = loss_sum / static_cast<double>(seen);
    m.accuracy = static_cast<double>(correct) / static_cast<double>(seen);
    m.seconds = progress.seconds();  // training time only, as Keras reports per epoch
    const Evaluation v = evaluate(net, val);
    m.val_loss = v.loss;
    m.val_accuracy = v.accuracy;
    char status[128];
    std::snprintf(status, sizeof status, "loss %.4f  acc %.4f  val_loss %.4f  val_acc %.4f", m.loss,
                  m.accuracy, m.val_loss, m.val_accuracy);
    progress.finish(status);
    history.push_back(m);
    const bool stop = stopping.update(m.val_loss, epoch);
    if (!on_epoch(m) || stop) break;
  }
  return history;
}

}  // namespace ctnet
