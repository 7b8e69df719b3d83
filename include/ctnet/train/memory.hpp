#pragma once
// Memory a training run's buffers will take, estimated before they are
// allocated, against the memory this process can still get: a batch too big
// for the machine is one line saying how much it needs, not std::bad_alloc
// after a while (or the kernel's OOM killer).
#include <sys/resource.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <limits>
#include <string>

#include <fmt/format.h>

#include <ctnet/core/error.hpp>

namespace ctnet {

/// Bytes a network's training buffers take for `batch` samples: each slot of
/// its compile-time buffer plan holds activations and gradients, and its
/// layers keep about one more copy (pre-activations, x̂, masks, patches); a
/// composite network sums its parts.
template <class Net>
std::size_t training_bytes(Net& net, std::size_t batch) {
  if constexpr (requires { typename Net::parts; }) {
    std::size_t sum = 0;
    net.visit_parts([&](const char*, auto& p) { sum += training_bytes(p, batch); });
    return sum;
  } else {
    std::size_t floats = 0;
    for (std::size_t s = 0; s < Net::plan.slots; ++s) floats += Net::plan.slot_size[s];
    std::size_t bytes = 0;
    if (__builtin_mul_overflow(floats, 3 * sizeof(float), &bytes) || __builtin_mul_overflow(bytes, batch, &bytes))
      return std::numeric_limits<std::size_t>::max();
    return bytes;
  }
}

namespace detail {

// The first number after `key` in a /proc or /sys file, times `unit`; max when absent.
inline std::size_t read_number_after(const std::string& path, const std::string& key, std::size_t unit) {
  std::ifstream f(path);
  for (std::string word; f >> word;)
    if (word == key) {
      std::size_t v = 0;
      if (f >> v) return v * unit;
    }
  return std::numeric_limits<std::size_t>::max();
}

}  // namespace detail

/// Bytes this process can still allocate: the least of the kernel's
/// MemAvailable, the cgroup's memory.max less memory.current, and the
/// address-space limit (ulimit -v) less the address space in use. The
/// largest size_t when none can be read (not Linux).
inline std::size_t available_memory() {
  std::size_t avail = detail::read_number_after("/proc/meminfo", "MemAvailable:", 1024);
  std::ifstream max_file("/sys/fs/cgroup/memory.max");
  std::string max_text;
  if (max_file >> max_text && max_text != "max") {
    const std::size_t limit = std::stoull(max_text);
    std::ifstream cur("/sys/fs/cgroup/memory.current");
    std::size_t used = 0;
    cur >> used;
    avail = std::min(avail, limit > used ? limit - used : 0);
  }
  rlimit as{};
  if (getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY) {
    const std::size_t vm = detail::read_number_after("/proc/self/status", "VmSize:", 1024);
    const auto limit = static_cast<std::size_t>(as.rlim_cur);
    if (vm != std::numeric_limits<std::size_t>::max()) avail = std::min(avail, limit > vm ? limit - vm : 0);
  }
  return avail;
}

/// Throws ctnet::Error when `bytes` of buffers for a batch of `batch` will
/// not fit in available_memory(), saying how much they need.
inline void check_fits(std::size_t bytes, std::size_t batch) {
  const std::size_t avail = available_memory();
  if (bytes <= avail) return;
  const auto gb = [](std::size_t b) { return fmt::format("{:.1f} GB", static_cast<double>(b) / 1e9); };
  fail("a batch of {} needs about {} of training buffers, more than the {} this process can still get; "
       "use a smaller batch",
       batch, bytes == std::numeric_limits<std::size_t>::max() ? std::string("more than 2^64 bytes") : gb(bytes),
       gb(avail));
}

}  // namespace ctnet
