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

/// Calls f(buffer, network's value or gradient span) for every parameter of
/// `net`, trainable ones (`trainable`) or the others, at its offset in one
/// contiguous buffer of `size` floats.
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

/// Sums every process's gradients of `net`, each scaled by `weight` (its
/// share of the global batch), through `buffer`: afterwards every process
/// holds the gradient of the global batch's mean loss.
template <class Net>
void sum_gradients(Collective& c, Net& net, float weight, std::vector<float>& buffer) {
  constexpr std::size_t n = Net::trainable_params;
  buffer.resize(std::max(buffer.size(), n));
  float* b = buffer.data();
  for_packed(net, true, n, [&](std::size_t at, std::span<float> g) {
    for (std::size_t i = 0; i < g.size(); ++i) b[at + i] = g[i] * weight;
  });
  c.sum({b, n});
  for_packed(net, true, n, [&](std::size_t at, std::span<float> g) { std::copy_n(b + at, g.size(), g.data()); });
}

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
