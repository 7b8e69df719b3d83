#pragma once
// Mini-batches of sample indices, shuffled per epoch, and the copy of those
// samples into the model's input buffers.
//
// The order of epoch e is a pure function of (seed, e): a Fisher-Yates
// shuffle driven by an Rng seeded from both. So a resumed run needs only the
// seed, the epoch and the position within the epoch (BatcherState) to see
// exactly the batches the interrupted run would have seen.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <span>
#include <vector>

#include <ctnet/core/error.hpp>
#include <ctnet/core/rng.hpp>
#include <ctnet/data/dataset.hpp>

namespace ctnet {

/// What a Batcher needs to resume: the seed, the epoch and how many samples
/// of that epoch have already been handed out.
struct BatcherState {
  std::uint64_t seed = 0;
  std::size_t epoch = 0;
  std::size_t position = 0;
};

/// Yields the indices 0..count-1 in batches of a run-time size, each index
/// once per epoch, in a fresh shuffled order every epoch (or in order when
/// `shuffle` is false); the last batch of an epoch may be smaller.
///
///     Batcher b(data.count, 64, seed);
///     for (std::size_t e = 0; e < epochs; ++e) {
///       b.start_epoch(e);
///       for (auto idx = b.next(); !idx.empty(); idx = b.next()) { gather(data, idx, x, y); ... }
///     }
class Batcher {
 public:
  /// Starts at epoch 0, position 0. Throws ctnet::Error when batch_size is 0.
  Batcher(std::size_t count, std::size_t batch_size, std::uint64_t seed, bool shuffle = true)
      : count_(count), batch_size_(batch_size), seed_(seed), shuffle_(shuffle) {
    if (batch_size == 0) fail("Batcher: batch size must be at least 1");
    start_epoch(0);
  }

  /// The order of epoch `epoch` for `count` samples: a function of
  /// (seed, epoch) only (the identity when `shuffle` is false).
  static std::vector<std::size_t> permutation(std::size_t count, std::uint64_t seed,
                                              std::size_t epoch, bool shuffle = true) {
    std::vector<std::size_t> order(count);
    std::iota(order.begin(), order.end(), std::size_t{0});
    if (!shuffle || count < 2) return order;
    Rng rng(mix(seed, epoch));
    for (std::size_t i = count - 1; i > 0; --i)
      std::swap(order[i], order[static_cast<std::size_t>(rng.below(i + 1))]);
    return order;
  }

  /// Begins epoch `epoch` from its first batch.
  void start_epoch(std::size_t epoch) {
    epoch_ = epoch;
    position_ = 0;
    order_ = permutation(count_, seed_, epoch_, shuffle_);
  }

  /// Begins the epoch after the current one.
  void next_epoch() { start_epoch(epoch_ + 1); }

  /// The next batch of the current epoch (at most batch_size() indices), or
  /// an empty span once the epoch is exhausted. The span stays valid until
  /// the next start_epoch / next_epoch / restore.
  std::span<const std::size_t> next() {
    const std::size_t n = std::min(batch_size_, count_ - position_);
    std::span<const std::size_t> batch(order_.data() + position_, n);
    position_ += n;
    return batch;
  }

  /// True once every index of the current epoch has been handed out.
  bool done() const { return position_ == count_; }

  /// Changes the batch size for the following batches. Throws when 0.
  void set_batch_size(std::size_t batch_size) {
    if (batch_size == 0) fail("Batcher: batch size must be at least 1");
    batch_size_ = batch_size;
  }

  /// Where the batcher stands, to be saved with a checkpoint.
  BatcherState state() const { return {seed_, epoch_, position_}; }

  /// Returns to a saved state: same seed, epoch and position as when state()
  /// was taken. Throws ctnet::Error when the position exceeds the count.
  void restore(const BatcherState& s) {
    if (s.position > count_)
      fail("Batcher: cannot resume at sample {} of an epoch of {} samples", s.position, count_);
    seed_ = s.seed;
    start_epoch(s.epoch);
    position_ = s.position;
  }

  std::size_t count() const { return count_; }
  std::size_t batch_size() const { return batch_size_; }
  std::uint64_t seed() const { return seed_; }
  std::size_t epoch() const { return epoch_; }
  /// Samples of the current epoch already handed out.
  std::size_t position() const { return position_; }
  /// Batches in a full epoch, the last partial one included.
  std::size_t batches_per_epoch() const { return (count_ + batch_size_ - 1) / batch_size_; }
  /// The whole order of the current epoch.
  std::span<const std::size_t> order() const { return order_; }

 private:
  static std::uint64_t mix(std::uint64_t seed, std::size_t epoch) { return mix_seed(seed, epoch); }

  std::size_t count_;
  std::size_t batch_size_;
  std::uint64_t seed_;
  bool shuffle_;
  std::size_t epoch_ = 0;
  std::size_t position_ = 0;
  std::vector<std::size_t> order_;
};

/// Copies the samples `idx` of `data` into `out_images` (idx.size() *
/// data.sample_size() floats, NHWC) and their labels into `out_labels`
/// (idx.size() bytes; pass an empty span to skip labels). The buffers may be
/// larger than needed (a last, partial batch); nothing is allocated. Throws
/// ctnet::Error when a buffer is too small or an index is out of range.
inline void gather(const Dataset& data, std::span<const std::size_t> idx,
                   std::span<float> out_images, std::span<std::uint8_t> out_labels) {
  const std::size_t s = data.sample_size();
  if (out_images.size() < idx.size() * s)
    fail("gather: image buffer holds {} floats, {} samples need {}", out_images.size(), idx.size(),
         idx.size() * s);
  if (!out_labels.empty() && out_labels.size() < idx.size())
    fail("gather: label buffer holds {} labels, {} needed", out_labels.size(), idx.size());
  if (!out_labels.empty() && data.labels.size() < data.count)
    fail("gather: labels requested from a dataset without labels");
  for (std::size_t k = 0; k < idx.size(); ++k) {
    const std::size_t i = idx[k];
    if (i >= data.count)
      fail("gather: index {} is outside a dataset of {} samples", i, data.count);
    std::copy_n(data.images.data() + i * s, s, out_images.data() + k * s);
    if (!out_labels.empty()) out_labels[k] = data.labels[i];
  }
}

/// Copies the target tensors of the samples `idx` into `out` (idx.size() *
/// data.target_size floats). Throws ctnet::Error when the data has no targets
/// or the buffer is too small.
inline void gather_targets(const Dataset& data, std::span<const std::size_t> idx, std::span<float> out) {
  const std::size_t s = data.target_size;
  if (s == 0 || data.targets.size() < data.count * s) fail("gather: the dataset has no targets");
  if (out.size() < idx.size() * s)
    fail("gather: target buffer holds {} floats, {} samples need {}", out.size(), idx.size(), idx.size() * s);
  for (std::size_t k = 0; k < idx.size(); ++k) {
    if (idx[k] >= data.count) fail("gather: index {} is outside a dataset of {} samples", idx[k], data.count);
    std::copy_n(data.targets.data() + idx[k] * s, s, out.data() + k * s);
  }
}

}  // namespace ctnet
