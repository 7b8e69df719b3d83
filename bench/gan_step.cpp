// Benchmark of one GAN training step as GanStep (train/gan.hpp) takes it, for
// report 2's DCGAN (batch 256, the TensorFlow tutorial's) and report 5's GAN
// (batch 128): G forward, D forward + backward on a real and on a generated
// batch, D's optimizer step, then G forward, D forward, D backward with the
// input gradient, G backward, G's optimizer step. Prints images/s (real
// images per second, as an epoch counts them), seconds per 60,000-image epoch
// and each layer's share of the step's time; with --only mlp_gan, report 1's
// MLP GAN (batch 128). The last line, `result model=... params=...
// images_per_s=...`, is what bench/compare reads.
//
//   bench_gan_step [--batch 256] [--batch5 128] [--batch1 128] [--steps 10]
//                  [--only dcgan|gan5|both|mlp_gan]
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <harness/flags.hpp>
#include <harness/run.hpp>
#include <ctnet/core/parallel.hpp>
#include <ctnet/core/rng.hpp>
#include <ctnet/model/summary.hpp>
#include <ctnet/train/gan.hpp>
#include <ctnet/loss/binary_cross_entropy.hpp>
#include <ctnet/loss/loss.hpp>
#include <ctnet/train/optimizer.hpp>
#include "layer_shares.hpp"
#include <ctnet/zoo/report1_gan.hpp>
#include <ctnet/zoo/report2_dcgan.hpp>
#include <ctnet/zoo/report5_gan.hpp>

using namespace ctnet;
using bench_util::layers_total;
using bench_util::print_result;
using bench_util::print_shares;
using clock_type = std::chrono::steady_clock;

namespace {

double seconds_since(clock_type::time_point t) {
  return std::chrono::duration<double>(clock_type::now() - t).count();
}

template <class G, class D>
void bench(const char* title, const char* key, std::size_t batch, std::size_t steps) {
  constexpr std::size_t latent = G::input_shape::size, sample = G::output_shape::size;
  auto gen = G::make(seed{1}, Init::normal_002);
  auto disc = D::make(seed{2}, Init::normal_002);
  Adam opt_g{.lr = 2e-4f, .beta1 = 0.5f}, opt_d{.lr = 2e-4f, .beta1 = 0.5f};
  gen.reserve(batch);
  disc.reserve(batch);
  Rng rng(3);
  std::vector<float> x(batch * sample), z(batch * latent), zeros_(batch, 0.0f), ones(batch, 1.0f);
  for (auto& v : x) v = rng.uniform();
  auto d_pass = [&](std::span<const float> input, const std::vector<float>& t) {
    disc.forward(input, batch, true);
    backprop(disc, BinaryCrossEntropy{}, std::span<const float>(t));
  };
  auto step = [&] {
    disc.zero_grad();
    sample_noise(rng, z);
    const auto fake = gen.forward(z, batch, true);
    d_pass(x, ones);
    d_pass(fake, zeros_);
    opt_d.step(disc);
    sample_noise(rng, z);
    gen.zero_grad();
    gen.forward(z, batch, true);
    disc.forward(gen.output(), batch, true);
    const auto dx = backprop(disc, BinaryCrossEntropy{}, std::span<const float>(ones), true).input_grad;
    std::copy(dx.begin(), dx.end(), gen.output_grad().begin());
    gen.backward(false);
    opt_g.step(gen);
  };
  for (int i = 0; i < 2; ++i) step();  // warm-up
  gen.set_profiling(true);
  disc.set_profiling(true);
  const std::size_t profiled = std::max<std::size_t>(steps / 2, 2);
  for (std::size_t i = 0; i < profiled; ++i) step();
  const double total = layers_total(gen) + layers_total(disc);
  std::printf("%s: time per layer (share of the layers' time, forward + backward):\n", title);
  print_shares("G", gen, total);
  print_shares("D", disc, total);
  gen.set_profiling(false);  // clears the figures
  disc.set_profiling(false);
  const auto t = clock_type::now();
  for (std::size_t i = 0; i < steps; ++i) step();
  const double s = seconds_since(t);
  const double images_per_s = static_cast<double>(steps * batch) / s;
  std::printf("%s, batch %zu, %zu threads: %.0f images/s, %.1f s per 60,000-image epoch\n", title,
              batch, ThreadPool::instance().size(), images_per_s, 60000.0 / images_per_s);
  print_result(key, param_count<G> + param_count<D>, images_per_s);
}

}  // namespace

int main(int argc, char** argv) {
  return run_main("bench_gan_step", [&]() -> int {
    Flags flags(argc, argv, "One GAN training step (report 2's DCGAN, report 5's GAN): images/s.");
    const std::size_t batch = flags.u64("batch", 256, "DCGAN batch size", 1);
    const std::size_t batch5 = flags.u64("batch5", 128, "report 5's GAN batch size", 1);
    const std::size_t batch1 = flags.u64("batch1", 128, "report 1's MLP GAN batch size", 1);
    const std::size_t steps = flags.u64("steps", 10, "timed steps", 1);
    const std::string only = flags.choice("only", {"both", "dcgan", "gan5", "mlp_gan"}, "both", "which GAN");
    if (flags.finish()) return 0;
    if (only == "mlp_gan")
      bench<zoo::report1::GanGenerator, zoo::report1::GanDiscriminator>("report 1 MLP GAN",
                                                                          "mlp_gan", batch1, steps);
    if (only == "both" || only == "dcgan")
      bench<zoo::report2::Generator, zoo::report2::Discriminator>("report 2 DCGAN", "dcgan",
                                                                  batch, steps);
    if (only == "both" || only == "gan5")
      bench<zoo::report5::Generator, zoo::report5::Discriminator>("report 5 GAN", "gan5", batch5,
                                                                  steps);
    return 0;
  });
}
