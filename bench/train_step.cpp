// Benchmark of report 1's experiment-2 training step (batch 32 by default):
// images/s, achieved GFLOP/s from the model's FLOP count, and in the same run
// cblas_sgemm's GFLOP/s on this machine as the ceiling, plus the GEMM shapes
// of the model themselves.
//
//   bench_train_step [--batch 32] [--steps 200]
#include <chrono>
#include <cstdio>
#include <vector>

#include <harness/flags.hpp>
#include <harness/run.hpp>
#include <ctnet/core/blas.hpp>
#include <ctnet/core/parallel.hpp>
#include <ctnet/core/rng.hpp>
#include <ctnet/model/summary.hpp>
#include <ctnet/loss/categorical_cross_entropy.hpp>
#include <ctnet/loss/loss.hpp>
#include <ctnet/train/optimizer.hpp>
#include <ctnet/zoo/report1_cnn.hpp>

using namespace ctnet;
using clock_type = std::chrono::steady_clock;

namespace {

double seconds_since(clock_type::time_point t) {
  return std::chrono::duration<double>(clock_type::now() - t).count();
}

/// GFLOP/s of C(m x n) = A(m x k) B(k x n), best of a few repetitions.
double sgemm_gflops(std::size_t m, std::size_t n, std::size_t k, bool ta = false, bool tb = false) {
  std::vector<float> a(m * k, 0.5f), b(k * n, 0.25f), c(m * n);
  blas::gemm(ta, tb, m, n, k, 1.0f, a.data(), ta ? m : k, b.data(), tb ? k : n, 0.0f, c.data(), n);
  double best = 0.0;
  for (int rep = 0; rep < 5; ++rep) {
    const auto t = clock_type::now();
    int iters = 0;
    do {
      blas::gemm(ta, tb, m, n, k, 1.0f, a.data(), ta ? m : k, b.data(), tb ? k : n, 0.0f,
                 c.data(), n);
      ++iters;
    } while (seconds_since(t) < 0.2);
    best = std::max(best, 2.0 * m * n * k * iters / seconds_since(t) / 1e9);
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  return run_main("bench_train_step", [&]() -> int {
    Flags flags(argc, argv, "Experiment-2 training step: images/s and GFLOP/s against sgemm.");
    const std::size_t batch = flags.u64("batch", 32, "batch size", 1);
    const std::size_t steps = flags.u64("steps", 200, "timed steps", 1);
    const bool ceiling = !flags.flag("no-ceiling", "skip the sgemm measurements");
    if (flags.finish()) return 0;

    using Net = zoo::report1::Experiment2;
    auto net = Net::make(seed{1});
    Adam opt;
    Rng rng(3);
    std::vector<float> x(batch * 784);
    std::vector<std::uint8_t> y(batch);
    for (auto& v : x) v = rng.uniform();
    for (auto& v : y) v = static_cast<std::uint8_t>(rng.below(10));
    net.reserve(batch);
    auto step = [&] {
      net.zero_grad();
      net.forward(x, batch, true);
      backprop(net, CategoricalCrossEntropy{}, std::span<const std::uint8_t>(y));
      opt.step(net);
    };
    for (int i = 0; i < 10; ++i) step();  // warm-up
    net.set_profiling(true);
    for (int i = 0; i < 20; ++i) step();
    const auto& secs = net.layer_seconds();
    double total = 0.0;
    for (const auto& l : secs) total += l.forward + l.backward;
    const auto names = layer_names<Net>();
    std::printf("time per layer (share of the layers' time, forward + backward):\n");
    for (std::size_t i = 0; i < Net::depth; ++i)
      if (secs[i].forward + secs[i].backward > 0)
        std::printf("  %-12s %5.1f%% + %5.1f%%\n", names[i].c_str(), 100 * secs[i].forward / total,
                    100 * secs[i].backward / total);
    net.set_profiling(false);
    const auto t = clock_type::now();
    for (std::size_t i = 0; i < steps; ++i) step();
    const double s = seconds_since(t);
    const double images_per_s = static_cast<double>(steps * batch) / s;
    // Training FLOPs: forward, weight gradient (as many as forward) and input
    // gradient (as many as forward, except the first layer's which is skipped).
    const double first = 2.0 * 26 * 26 * 9 * 64;
    const double train_flops = 3.0 * Net::flops - first;
    const double achieved = images_per_s * train_flops / 1e9;

    std::printf("experiment 2 training step, batch %zu, %zu threads\n", batch,
                ThreadPool::instance().size());
    std::printf("  %.0f images/s, %.1f s per 60,000-image epoch\n", images_per_s, 60000.0 / images_per_s);
    std::printf("  %.1f MFLOP per image (forward %.1f), %.1f GFLOP/s achieved\n", train_flops / 1e6,
                Net::flops / 1e6, achieved);
    // The ceiling: sgemm with OpenBLAS's own threads on every core (ctnet's
    // pool holds OpenBLAS to one thread per call while it runs), on a square
    // problem and on the model's largest GEMMs (conv2 forward, its weight
    // gradient, its input gradient).
    if (!ceiling) return 0;
    const int pool_threads = static_cast<int>(ThreadPool::instance().size());
    blas::set_threads(pool_threads);
    const std::size_t rows = batch * 24 * 24;
    const double g_fwd = sgemm_gflops(rows, 48, 576);
    const double g_dw = sgemm_gflops(576, 48, rows, true, false);
    const double g_dx = sgemm_gflops(rows, 576, 48, false, true);
    const double g_sq = sgemm_gflops(1024, 1024, 1024);
    std::printf("  sgemm ceiling: %.1f GFLOP/s (1024^3); conv2's shapes: fwd %.1f, dW %.1f, dx %.1f\n",
                g_sq, g_fwd, g_dw, g_dx);
    blas::set_threads(1);
    std::printf("  share of sgemm: %.0f%% of 1024^3, %.0f%% of conv2's forward shape\n",
                100.0 * achieved / g_sq, 100.0 * achieved / g_fwd);
    return 0;
  });
}
