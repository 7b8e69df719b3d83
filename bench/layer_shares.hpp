#pragma once
// Shared by the training-step benchmarks: each layer's share of a profiled
// network's time (Sequential::set_profiling), and the result line.
#include <cstdio>

#include <ctnet/model/summary.hpp>

namespace ctnet::bench_util {

/// Seconds of every layer of `net`, forward and backward, since profiling began.
template <class Net>
double layers_total(const Net& net) {
  double t = 0.0;
  for (const auto& l : net.layer_seconds()) t += l.forward + l.backward;
  return t;
}

/// One line per layer that took time: its share of `total`, forward + backward.
template <class Net>
void print_shares(const char* which, const Net& net, double total) {
  const auto& secs = net.layer_seconds();
  const auto names = layer_names<Net>();
  for (std::size_t i = 0; i < Net::depth; ++i)
    if (secs[i].forward + secs[i].backward > 0)
      std::printf("  %-8s %-20s %5.1f%% + %5.1f%%\n", which, names[i].c_str(),
                  100 * secs[i].forward / total, 100 * secs[i].backward / total);
}

/// The line bench/compare reads: the model's key (as bench/pytorch/step.py
/// names it), its parameter count and the images per second.
inline void print_result(const char* key, std::size_t params, double images_per_s) {
  std::printf("result model=%s params=%zu images_per_s=%.1f\n", key, params, images_per_s);
  std::fflush(stdout);
}

}  // namespace ctnet::bench_util
