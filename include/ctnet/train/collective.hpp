#pragma once
// Data parallelism without a communication library: what `fit` needs from
// one (`Collective`: sums and a broadcast over the processes of a run), and
// what it does with it. Every process holds the whole model and trains on its
// share of every global batch; the gradients are summed, weighted by the
// shares, from one contiguous buffer of the network's trainable parameters
// (its size known at compile time), so every process takes the same optimizer
// step. ctnet/mpi/ implements Collective over MPI; nothing here needs it.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <unordered_map>
#include <vector>

#include <ctnet/core/error.hpp>
#include <ctnet/core/layer.hpp>
#include <ctnet/train/metrics.hpp>

namespace ctnet {

/// The processes of a data-parallel run, numbered 0 .. size() - 1; process 0
/// leads (prints, writes files). Every call is collective: every process
/// makes it, in the same order, with buffers of the same size.
class Collective {
 public:
  virtual ~Collective() = default;
  virtual std::size_t rank() const = 0;
  virtual std::size_t size() const = 0;
  /// Element-wise sums over the processes, in place.
  virtual void sum(std::span<float> x) = 0;
  virtual void sum(std::span<double> x) = 0;
  /// Process 0's bytes to every process.
  virtual void broadcast(std::span<std::byte> x) = 0;
  /// Ends every process (after an error in this one) with exit status `code`.
  [[noreturn]] virtual void abort(int code) = 0;
  /// Starts a sum in place that `wait_sums` completes; `x` is not to be
  /// touched until then. By default it is done at once.
  virtual void start_sum(std::span<float> x) { sum(x); }
  /// Lets started sums progress (MPI moves its non-blocking collectives only
  /// inside its calls).
  virtual void progress() {}
  /// Completes every started sum.
  virtual void wait_sums() {}

  bool leads() const { return rank() == 0; }
  /// Process 0's vector, of any length, to every process.
  void broadcast(std::vector<std::uint8_t>& bytes) {
    std::uint64_t n = bytes.size();
    broadcast(std::as_writable_bytes(std::span(&n, 1)));
    bytes.resize(n);
    broadcast(std::as_writable_bytes(std::span(bytes)));
  }
  void broadcast(std::span<float> x) { broadcast(std::as_writable_bytes(x)); }
};

/// A Collective as a layer sees it (synchronised BatchNorm): its sums.
struct CollectiveBatch final : BatchGroup {
  Collective* c = nullptr;
  void sum(std::span<double> x) override { c->sum(x); }
};

/// Whether a launcher of parallel jobs (mpirun, mpiexec, Slurm's srun)
/// started this process, from the environment it sets.
inline bool launched_in_parallel() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "SLURM_STEP_NUM_TASKS"})
    if (std::getenv(v) != nullptr) return true;
  return false;
}

/// A process's share of a global batch of `total` samples: samples [first,
/// first + count), the shares as equal as they can be, in rank order.
struct Share {
  std::size_t first = 0, count = 0, total = 0;
};
inline Share share_of(std::size_t total, std::size_t rank, std::size_t ranks) {
  const std::size_t first = total * rank / ranks, end = total * (rank + 1) / ranks;
  return {first, end - first, total};
}

/// Calls f(offset, span) for every parameter of `net`, trainable ones
/// (`trainable`: their gradients) or the others (their values), at its offset
/// in one contiguous buffer of `size` floats.
template <class Net, class F>
void for_packed(Net& net, bool trainable, std::size_t size, F&& f) {
  std::size_t at = 0;
  net.visit_params([&](const ParamRef& p) {
    if (p.trainable != trainable) return;
    const std::span<float> x = trainable ? p.grad : p.value;
    if (at + x.size() > size) fail("for_packed: the network holds more parameters than it declares");
    f(at, x);
    at += x.size();
  });
}

/// The gradients of one network, summed over the processes from one
/// contiguous buffer of its `trainable_params` floats, in buckets of about
/// `bucket_floats` that follow the backward pass: the last layers' first.
/// Armed (`arm`) before the backward pass that ends a step's gradients, a
/// bucket starts summing as soon as backward has finished all its
/// parameters, while the pass goes on (overlap); `finish` starts what has not
/// started, waits, and writes the sums back. Unarmed, `finish` does it all
/// after the pass. Each process's gradients are scaled by its share of the
/// batch, so the sums are the global batch's mean gradient.
class GradientBuckets final : public GradientReady {
 public:
  template <class Net>
  GradientBuckets(Collective& c, Net& net, std::size_t bucket_floats) : c_(c), buffer_(Net::trainable_params) {
    for_packed(net, true, buffer_.size(), [&](std::size_t at, std::span<float> g) {
      index_[g.data()] = params_.size();
      params_.push_back({g.data(), g.size(), at, 0, false});
    });
    // Buckets from the last parameter back: the order backward finishes them.
    for (std::size_t i = params_.size(); i-- > 0;) {
      if (buckets_.empty() || buckets_.back().hi - params_[i].offset > bucket_floats)
        buckets_.push_back({params_[i].offset, params_[i].offset + params_[i].size, 0, 0});
      buckets_.back().lo = params_[i].offset;
      params_[i].bucket = buckets_.size() - 1;
      ++buckets_.back().params;
    }
    reset();
  }

  std::size_t buckets() const { return buckets_.size(); }
  /// The next backward pass finishes the gradients: sum each bucket as soon
  /// as it is done. `weight`: this process's share of the batch.
  void arm(float weight) {
    weight_ = weight;
    armed_ = true;
  }
  bool armed() const { return armed_; }
  void ready(const ParamRef& p) override {
    if (!armed_) return;
    const auto it = index_.find(p.grad.data());
    if (it == index_.end()) return;  // another network's
    pack(params_[it->second]);
    c_.progress();
  }
  /// Sums every bucket (those not started yet now), waits, and writes the
  /// sums into the gradients.
  void finish(float weight) {
    if (!armed_) weight_ = weight;
    armed_ = true;
    for (Param& p : params_)
      if (!p.packed) pack(p);
    c_.wait_sums();
    for (const Param& p : params_) std::copy_n(buffer_.data() + p.offset, p.size, p.grad);
    reset();
  }

 private:
  struct Param {
    float* grad;
    std::size_t size, offset, bucket;
    bool packed;
  };
  struct Bucket {
    std::size_t lo, hi, params, waiting;  // floats [lo, hi); parameters in all, and not yet packed
  };
  void pack(Param& p) {
    if (p.packed) return;
    float* b = buffer_.data() + p.offset;
    for (std::size_t i = 0; i < p.size; ++i) b[i] = p.grad[i] * weight_;
    p.packed = true;
    Bucket& k = buckets_[p.bucket];
    if (--k.waiting == 0) c_.start_sum({buffer_.data() + k.lo, k.hi - k.lo});
  }
  void reset() {
    armed_ = false;
    for (Param& p : params_) p.packed = false;
    for (Bucket& k : buckets_) k.waiting = k.params;
  }

  Collective& c_;
  std::vector<float> buffer_;
  std::vector<Param> params_;
  std::vector<Bucket> buckets_;
  std::unordered_map<const float*, std::size_t> index_;
  float weight_ = 1.0f;
  bool armed_ = false;
};

/// Averages the parameters no optimizer updates (BatchNorm's moving
/// statistics, which each process tracks on its own share) over the processes.
template <class Net>
void average_state(Collective& c, Net& net, std::vector<float>& buffer) {
  constexpr std::size_t n = Net::non_trainable_params;
  if constexpr (n > 0) {
    buffer.resize(std::max(buffer.size(), n));
    float* b = buffer.data();
    for_packed(net, false, n, [&](std::size_t at, std::span<float> v) { std::copy_n(v.data(), v.size(), b + at); });
    c.sum({b, n});
    const float scale = 1.0f / static_cast<float>(c.size());
    for_packed(net, false, n, [&](std::size_t at, std::span<float> v) {
      for (std::size_t i = 0; i < v.size(); ++i) v[i] = b[at + i] * scale;
    });
  }
}

/// Process 0's parameters (all of them) to every process.
template <class Net>
void broadcast_params(Collective& c, Net& net) {
  net.visit_params([&](const ParamRef& p) { c.broadcast(p.value); });
}

/// The weighted means of every process's figures, in place: the figures of
/// the global batch. Every process must report the same figures in the same
/// order; `weight_each` > 0 replaces the figures' own weights.
inline void reduce_metrics(Collective& c, Metrics& m, double weight_each = 0.0) {
  std::array<double, 2 * Metrics::capacity> s{};
  for (std::size_t i = 0; i < m.size(); ++i) {
    const double w = weight_each > 0.0 ? weight_each : m[i].weight;
    s[2 * i] = w > 0.0 ? m[i].value * w : 0.0;
    s[2 * i + 1] = w;
  }
  c.sum(std::span(s.data(), 2 * m.size()));
  Metrics out;
  for (std::size_t i = 0; i < m.size(); ++i)
    out.add(m[i].name, s[2 * i + 1] > 0.0 ? s[2 * i] / s[2 * i + 1] : m[i].value, s[2 * i + 1]);
  m = out;
}

}  // namespace ctnet
