#pragma once
// ctnet's threads. One pool for the process, as many threads as cores
// (CTNET_THREADS overrides), used by the layers to split a batch: im2col,
// GEMM and epilogue of one share of the samples run as one pipeline on one
// core. While the pool runs, GEMM is held to one thread per call, so the
// machine never has more busy threads than cores.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <ctnet/core/blas.hpp>

namespace ctnet {

/// A non-owning reference to a callable taking the task index: what the pool
/// runs. Unlike std::function it never allocates, whatever the lambda captures,
/// so a training step that splits work across the pool stays allocation-free.
class TaskRef {
 public:
  TaskRef() = default;
  template <class F>
  TaskRef(F& f)  // NOLINT: implicit by design, like std::function_ref
      : object_(&f), call_([](void* o, std::size_t t) { (*static_cast<F*>(o))(t); }) {}
  void operator()(std::size_t t) const { call_(object_, t); }

 private:
  void* object_ = nullptr;
  void (*call_)(void*, std::size_t) = nullptr;
};

class ThreadPool {
 public:
  /// The process's pool.
  static ThreadPool& instance() {
    static ThreadPool pool(default_threads());
    return pool;
  }

  /// CTNET_THREADS, else the machine's hardware threads divided among the
  /// processes an MPI launcher started on it (Open MPI's, MPICH's local count).
  static std::size_t default_threads() {
    const auto positive = [](const char* name) -> std::size_t {
      const char* env = std::getenv(name);
      const long n = env ? std::strtol(env, nullptr, 10) : 0;
      return n > 0 ? static_cast<std::size_t>(n) : 0;
    };
    if (const std::size_t n = positive("CTNET_THREADS")) return n;
    const std::size_t local = std::max({std::size_t{1}, positive("OMPI_COMM_WORLD_LOCAL_SIZE"), positive("MPI_LOCALNRANKS")});
    return std::max<std::size_t>(1, std::thread::hardware_concurrency() / local);
  }

  explicit ThreadPool(std::size_t threads) : size_(std::max<std::size_t>(threads, 1)) {
    // GEMMs inside tasks run single-threaded; the pool is the parallelism.
    blas::set_threads(1);
    for (std::size_t i = 1; i < size_; ++i) workers_.emplace_back([this, i] { work(i); });
  }
  ~ThreadPool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
  }
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  std::size_t size() const { return size_; }

  /// Runs task(t) for t in [0, size()), one per thread, the caller taking t = 0;
  /// returns when all are done. Not reentrant: a task must not call run().
  void run(TaskRef task) {
    if (size_ == 1) {
      task(0);
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      task_ = task;
      pending_.store(size_ - 1, std::memory_order_relaxed);
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    task(0);
    spin_until([this] { return pending_.load(std::memory_order_acquire) == 0; });
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return pending_.load(std::memory_order_acquire) == 0; });
  }

 private:
  /// Polls `ready` for up to about 50 microseconds before the caller blocks:
  /// a training step hands the pool a task per layer, and a wake-up through
  /// the kernel (futex, context switch) costs several microseconds each.
  template <class Ready>
  static void spin_until(Ready&& ready) {
    using clock = std::chrono::steady_clock;
    const auto until = clock::now() + std::chrono::microseconds(50);
    for (unsigned i = 1; !ready(); ++i) {
#if defined(__SSE2__)
      _mm_pause();
#endif
      if (i % 64 == 0 && clock::now() > until) return;
    }
  }

  void work(std::size_t index) {
    blas::set_threads(1);  // for libraries whose thread count is per thread
    std::size_t seen = 0;
    for (;;) {
      TaskRef task;
      spin_until([&] { return generation_.load(std::memory_order_acquire) != seen; });
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return stop_ || generation_.load(std::memory_order_acquire) != seen; });
        if (stop_) return;
        seen = generation_.load(std::memory_order_relaxed);
        task = task_;
      }
      task(index);
      if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard<std::mutex> lock(mutex_);  // orders the wake-up after run()'s check
        done_.notify_one();
      }
    }
  }

  std::size_t size_;
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  TaskRef task_;
  std::atomic<std::size_t> pending_{0}, generation_{0};
  bool stop_ = false;
};

/// Splits [0, n) into one contiguous range per thread (fewer when n is small)
/// and calls f(begin, end) for each, in parallel.
template <class F>
void parallel_for(std::size_t n, F&& f) {
  auto& pool = ThreadPool::instance();
  const std::size_t parts = std::min(pool.size(), n);
  if (parts <= 1) {
    if (n > 0) f(std::size_t{0}, n);
    return;
  }
  auto task = [&](std::size_t t) {
    if (t >= parts) return;
    const std::size_t begin = n * t / parts, end = n * (t + 1) / parts;
    f(begin, end);
  };
  pool.run(task);
}

/// Splits [0, n) into one contiguous range per thread like parallel_for, and
/// calls f(slot, begin, end) with the range's thread slot in [0, size()), so
/// that each range can use its own scratch (per-thread partial sums, im2col
/// chunks) without locks.
template <class F>
void parallel_slots(std::size_t n, F&& f) {
  const std::size_t parts = std::min(ThreadPool::instance().size(), n);
  parallel_for(parts, [&](std::size_t t0, std::size_t t1) {
    for (std::size_t t = t0; t < t1; ++t) f(t, n * t / parts, n * (t + 1) / parts);
  });
}

/// Like parallel_slots, each thread's range cut into chunks of at most
/// `chunk` items: f(slot, begin, end) per chunk (per-thread scratch sized for
/// one chunk bounds memory whatever n).
template <class F>
void parallel_chunks(std::size_t n, std::size_t chunk, F&& f) {
  const std::size_t c = std::max<std::size_t>(1, std::min(chunk, n));
  parallel_slots(n, [&](std::size_t slot, std::size_t b0, std::size_t b1) {
    for (std::size_t c0 = b0; c0 < b1; c0 += c) f(slot, c0, std::min(b1, c0 + c));
  });
}

}  // namespace ctnet
