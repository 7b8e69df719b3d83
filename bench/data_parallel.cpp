// What gradient allreduce costs a data-parallel step: run under mpirun.
//
//   mpirun --allow-run-as-root --oversubscribe -np 2 -x CTNET_THREADS=1 build/bench/bench_data_parallel
//
// Trains report 1's experiment 2 (batch 32) and report 5's GAN (batch 128)
// on MNIST's first images for a few rounds of steps, and prints per step: the
// bytes each process sums, the milliseconds the training loop spends in MPI
// calls for them (waiting included), the step time, and that share of it.
// Medians over the rounds; with the sums started during the backward pass
// (overlap, the default) and after it.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <harness/run.hpp>
#include <ctnet/mpi/world.hpp>
#include <ctnet/train/gan.hpp>
#include <ctnet/train/optimizer.hpp>
#include <ctnet/train/supervised.hpp>
#include <ctnet/zoo/report1_cnn.hpp>
#include <ctnet/zoo/report5_gan.hpp>

using namespace ctnet;
using Clock = std::chrono::steady_clock;

namespace {

/// A Collective that times and counts the sums of another.
class Timed final : public Collective {
 public:
  explicit Timed(Collective& inner) : inner_(inner) {}
  std::size_t rank() const override { return inner_.rank(); }
  std::size_t size() const override { return inner_.size(); }
  void sum(std::span<float> x) override { timed(x.size_bytes(), [&] { inner_.sum(x); }); }
  void sum(std::span<double> x) override { timed(x.size_bytes(), [&] { inner_.sum(x); }); }
  void broadcast(std::span<std::byte> x) override { inner_.broadcast(x); }
  void start_sum(std::span<float> x) override {
    timed(x.size_bytes(), [&] { inner_.start_sum(x); });
    ++started;
  }
  void progress() override {
    timed(0, [&] { inner_.progress(); });
    ++progress_calls;
  }
  void wait_sums() override { timed(0, [&] { inner_.wait_sums(); }); }
  [[noreturn]] void abort(int code) override {
    inner_.abort(code);
    std::_Exit(code);  // not reached: for compilers that do not see it
  }
  double seconds = 0.0;
  std::size_t bytes = 0, started = 0, progress_calls = 0;  // progress: made during backward passes

 private:
  template <class F>
  void timed(std::size_t n, F&& f) {
    const auto t0 = Clock::now();
    f();
    seconds += std::chrono::duration<double>(Clock::now() - t0).count();
    bytes += n;
  }
  Collective& inner_;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Rounds of `steps` steps of fit(make_step()...): the figures per step.
template <class Run>
void measure(const char* name, Collective& world, std::size_t batch, std::size_t steps, const Dataset& data,
             Run&& run) {
  for (const bool overlap : {false, true}) {
  Timed timed(world);
  std::vector<double> step_ms, sum_ms, bytes, buckets, during;
  for (int round = 0; round < 5; ++round) {
    timed.seconds = 0.0;
    timed.bytes = timed.started = timed.progress_calls = 0;
    FitOptions o{.epochs = 1, .batch = batch, .seed = 1, .progress = false, .collective = &timed};
    o.overlap = overlap;
    const auto t0 = Clock::now();
    run(o, subset(data, 0, batch * steps));
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    if (round == 0) continue;  // warm-up: buffers, JIT kernels
    step_ms.push_back(1e3 * s / double(steps));
    sum_ms.push_back(1e3 * timed.seconds / double(steps));
    bytes.push_back(double(timed.bytes) / double(steps));
    buckets.push_back(double(timed.started) / double(steps));
    during.push_back(double(timed.progress_calls) / double(steps));
  }
  if (world.leads())
    fmt::print("{:<14} {:>3} processes, batch {:>3}, {:<14}: {:>9.0f} bytes summed per step in {:.0f} buckets "
               "({:.0f} progress calls during backward), {:>7.2f} ms in sums, step {:>7.2f} ms, sums {:>5.1f} % "
               "of the step\n",
               name, world.size(), batch, overlap ? "overlapped" : "after backward", median(bytes), median(buckets),
               median(during), median(sum_ms), median(step_ms), 100.0 * median(sum_ms) / median(step_ms));
  }
}

}  // namespace

int main() {
  return run_main("bench_data_parallel", [&] {
    mpi::World world;
    const Dataset data = load_mnist(find_dataset_dir("mnist", ""), true, Scale::unit, 128 * 20);
    measure("experiment 2", world, 32, 40, data, [](const FitOptions& o, const Dataset& d) {
      auto net = zoo::report1::Experiment2::make(seed{1});
      Adam opt;
      fit(net, opt, CategoricalCrossEntropy{}, d, o);
    });
    measure("report 5 GAN", world, 128, 10, data, [](const FitOptions& o, const Dataset& d) {
      namespace r5 = zoo::report5;
      auto gen = r5::Generator::make(seed{1});
      auto disc = r5::Discriminator::make(seed{2});
      Adam opt_g{.lr = 2e-4f, .beta1 = 0.5f}, opt_d{.lr = 2e-4f, .beta1 = 0.5f};
      GanStep step(gen, disc, opt_g, opt_d);
      fit(step, d, o);
    });
    return 0;
  });
}
