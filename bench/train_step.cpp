// Benchmark of report 1's experiment-2 training step (batch 32 by default):
// images/s, achieved GFLOP/s from the model's FLOP count, and in the same run
// cblas_sgemm's GFLOP/s on this machine as the ceiling, plus the GEMM shapes
// of the model themselves. The ceiling is the faster of the two sgemms on
// hand, oneDNN's (what ctnet's layers use when built with it) and OpenBLAS's,
// on both cores. The `result` and `ceiling` lines are what bench/compare reads.
//
//   bench_train_step [--batch 32] [--steps 200] [--no-ceiling]
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
#include "layer_shares.hpp"

using namespace ctnet;
using clock_type = std::chrono::steady_clock;

namespace {

double seconds_since(clock_type::time_point t) {
  return std::chrono::duration<double>(clock_type::now() - t).count();
}

/// GFLOP/s of C(m x n) = A(m x k) B(k x n), best of a few repetitions, by
/// ctnet's GEMM or (openblas) by cblas_sgemm itself.
double sgemm_gflops(std::size_t m, std::size_t n, std::size_t k, bool ta = false, bool tb = false,
                    bool openblas = false) {
  std::vector<float> a(m * k, 0.5f), b(k * n, 0.25f), c(m * n);
  const std::size_t lda = ta ? m : k, ldb = tb ? k : n;
  auto run = [&] {
    if (openblas)
      cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                  int(m), int(n), int(k), 1.0f, a.data(), int(lda), b.data(), int(ldb), 0.0f,
                  c.data(), int(n));
    else
      blas::gemm(ta, tb, m, n, k, 1.0f, a.data(), lda, b.data(), ldb, 0.0f, c.data(), n);
  };
  run();
  double best = 0.0;
  for (int rep = 0; rep < 5; ++rep) {
    const auto t = clock_type::now();
    int iters = 0;
    do {
      run();
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
    std::printf("time per layer (share of the layers' time, forward + backward):\n");
    bench_util::print_shares("", net, bench_util::layers_total(net));
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

    std::printf("experiment 2 training step, batch %zu, %zu threads, %s\n", batch,
                ThreadPool::instance().size(), blas::sgemm_library());
    std::printf("  %.0f images/s, %.1f s per 60,000-image epoch\n", images_per_s, 60000.0 / images_per_s);
    std::printf("  %.1f MFLOP per image (forward %.1f), %.1f GFLOP/s achieved\n", train_flops / 1e6,
                Net::flops / 1e6, achieved);
    // The ceiling: sgemm with OpenBLAS's own threads on every core (ctnet's
    // pool holds OpenBLAS to one thread per call while it runs), on a square
    // problem and on the model's largest GEMMs (conv2 forward, its weight
    // gradient, its input gradient).
    bench_util::print_result("exp2", param_count<Net>, images_per_s);
    if (!ceiling) return 0;
    const int pool_threads = static_cast<int>(ThreadPool::instance().size());
    blas::set_threads(pool_threads);
    const std::size_t rows = batch * 24 * 24;
    const double g_fwd = sgemm_gflops(rows, 48, 576);
    const double g_dw = sgemm_gflops(576, 48, rows, true, false);
    const double g_dx = sgemm_gflops(rows, 576, 48, false, true);
    const double g_ctnet = sgemm_gflops(1024, 1024, 1024);
    const double g_openblas = sgemm_gflops(1024, 1024, 1024, false, false, true);
    const double g_sq = std::max(g_ctnet, g_openblas);
    std::printf("  sgemm 1024^3: %.1f GFLOP/s (%s), %.1f GFLOP/s (OpenBLAS %s, cblas_sgemm)\n",
                g_ctnet, blas::sgemm_library(), g_openblas, openblas_get_corename());
    std::printf("  conv2's shapes (%s): fwd %.1f, dW %.1f, dx %.1f GFLOP/s\n", blas::sgemm_library(),
                g_fwd, g_dw, g_dx);
    blas::set_threads(1);
    std::printf("  share of the sgemm ceiling: %.0f%% of 1024^3, %.0f%% of conv2's forward shape\n",
                100.0 * achieved / g_sq, 100.0 * achieved / g_fwd);
    std::printf("ceiling gflops=%.1f achieved_gflops=%.1f\n", g_sq, achieved);
    return 0;
  });
}
