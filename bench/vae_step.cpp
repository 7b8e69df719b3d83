// Benchmark of one VAE training step as VaeStep (train/vae.hpp) takes it, for
// report 1's MLP VAE and report 5's conv VAE (batch 128): encoder forward,
// sampling, decoder forward, the negative ELBO, decoder and encoder backward,
// both Adam steps. Prints images/s, seconds per 60,000-image epoch and each
// part's layers' share of the step's time; the `result` lines are what
// bench/compare reads.
//
//   bench_vae_step [--batch 128] [--steps 20] [--only mlp|conv|both]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <harness/flags.hpp>
#include <harness/run.hpp>
#include <ctnet/core/parallel.hpp>
#include <ctnet/core/rng.hpp>
#include <ctnet/model/summary.hpp>
#include <ctnet/train/optimizer.hpp>
#include "layer_shares.hpp"
#include <ctnet/zoo/report1_vae.hpp>
#include <ctnet/zoo/report5_vae.hpp>

using namespace ctnet;
using bench_util::layers_total;
using bench_util::print_result;
using bench_util::print_shares;
using clock_type = std::chrono::steady_clock;

namespace {

template <class V>
void bench(const char* title, const char* key, std::size_t batch, std::size_t steps) {
  auto vae = V::make(seed{1});
  Adam opt_e, opt_d;
  vae.reserve(batch);
  Rng rng(3);
  std::vector<float> x(batch * V::sample);
  for (auto& v : x) v = rng.uniform() < 0.2f ? rng.uniform() : 0.0f;  // sparse ink, as MNIST
  auto step = [&] {
    vae.zero_grad();
    vae.pass(x, batch, rng, true);
    opt_e.step(vae.encoder);
    opt_d.step(vae.decoder);
  };
  for (int i = 0; i < 2; ++i) step();  // warm-up
  auto profile = [&](bool on) {
    vae.encoder.visit_parts([&](const char*, auto& p) { p.set_profiling(on); });
    vae.decoder.set_profiling(on);
  };
  profile(true);
  for (std::size_t i = 0; i < std::max<std::size_t>(steps / 2, 2); ++i) step();
  double total = layers_total(vae.decoder);
  vae.encoder.visit_parts([&](const char*, auto& p) { total += layers_total(p); });
  std::printf("%s: time per layer (share of the layers' time, forward + backward):\n", title);
  vae.encoder.visit_parts([&](const char* name, auto& p) { print_shares(name, p, total); });
  print_shares("decoder", vae.decoder, total);
  profile(false);
  const auto t = clock_type::now();
  for (std::size_t i = 0; i < steps; ++i) step();
  const double s = std::chrono::duration<double>(clock_type::now() - t).count();
  const double images_per_s = static_cast<double>(steps * batch) / s;
  std::printf("%s, batch %zu, %zu threads: %.0f images/s, %.1f s per 60,000-image epoch\n", title,
              batch, ThreadPool::instance().size(), images_per_s, 60000.0 / images_per_s);
  print_result(key, param_count<typename V::encoder_type> + param_count<typename V::decoder_type>,
               images_per_s);
}

}  // namespace

int main(int argc, char** argv) {
  return run_main("bench_vae_step", [&]() -> int {
    Flags flags(argc, argv, "One VAE training step (report 1's MLP VAE, report 5's conv VAE): images/s.");
    const std::size_t batch = flags.u64("batch", 128, "batch size", 1);
    const std::size_t steps = flags.u64("steps", 20, "timed steps", 1);
    const std::string only = flags.choice("only", {"both", "mlp", "conv"}, "both", "which VAE");
    if (flags.finish()) return 0;
    if (only != "conv") bench<zoo::report1::MlpVae>("report 1 MLP VAE", "mlp_vae", batch, steps);
    if (only != "mlp") bench<zoo::report5::ConvVae>("report 5 conv VAE", "conv_vae", batch, steps);
    return 0;
  });
}
