// The GAN pieces: binary cross-entropy and its gradients, a generator trained
// through its discriminator, reproducible resume.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <ctnet/ctnet.hpp>
#include <ctnet/store/checkpoint.hpp>
#include <ctnet/train/gan.hpp>
#include <ctnet/train/optimizer.hpp>
#include <ctnet/train/weight_average.hpp>

#include "gradcheck.hpp"

using namespace ctnet;
using test::params_of;

TEST_CASE("binary cross-entropy: value, gradient by finite differences, fused with a sigmoid") {
  const std::vector<float> z{-3.0f, -0.5f, 0.0f, 0.7f, 4.0f, 30.0f}, t{0.0f, 1.0f, 0.9f, 0.0f, 1.0f, 0.0f};
  std::vector<float> dz(z.size()), dp(z.size()), p(z.size());
  const double loss = BinaryCrossEntropy::value<false>(z, t, z.size(), 1, dz);
  double expect = 0.0;
  for (std::size_t i = 0; i < z.size(); ++i) {
    const double s = 1.0 / (1.0 + std::exp(-static_cast<double>(z[i])));
    // -t log s - (1 - t) log(1 - s) = t softplus(-z) + (1 - t) softplus(z)
    const double zi = z[i];
    expect += t[i] * std::log1p(std::exp(-zi)) + (1 - t[i]) * (zi + std::log1p(std::exp(-zi)));
    p[i] = static_cast<float>(s);
  }
  CHECK(loss == doctest::Approx(expect / static_cast<double>(z.size())).epsilon(1e-6));
  for (std::size_t i = 0; i < z.size(); ++i) {
    auto zp = z, zm = z;
    zp[i] += 1e-3f;
    zm[i] -= 1e-3f;
    std::vector<float> scratch(z.size());
    const double numeric = (BinaryCrossEntropy::value<false>(zp, t, z.size(), 1, scratch) -
                            BinaryCrossEntropy::value<false>(zm, t, z.size(), 1, scratch)) / 2e-3;
    CHECK(dz[i] == doctest::Approx(numeric).epsilon(1e-2).scale(1e-3));
  }
  BinaryCrossEntropy::value<true>(p, t, z.size(), 1, dp);
  for (std::size_t i = 0; i < z.size(); ++i) CHECK(dp[i] == doctest::Approx(dz[i]).epsilon(1e-5));
}

namespace {
// A one-dimensional GAN: real samples from N(3, 0.5).
using G1 = Sequential<Input<2>, Dense<16>, LeakyReLU<0.2f>, Dense<1>>;
using D1 = Sequential<Input<1>, Dense<32>, LeakyReLU<0.2f>, Dense<1>>;

Dataset gaussian(std::size_t n) {
  Dataset d;
  d.count = n;
  d.height = d.width = d.channels = 1;
  d.images.resize(n);
  Rng rng(17);
  for (auto& v : d.images) v = rng.normal(3.0f, 0.5f);
  return d;
}

}  // namespace

TEST_CASE("a generator trained through its discriminator learns a 1-D Gaussian") {
  auto g = G1::make(seed{1});
  auto d = D1::make(seed{2});
  Adam og, od;
  og.lr = od.lr = 2e-3f;
  og.beta1 = od.beta1 = 0.5f;
  const FitOptions o{.epochs = 30, .batch = 64, .progress = false};
  const Dataset real = gaussian(2048);
  std::vector<float> before(1000);
  generate(g, 5, 1000, before);
  // A moving average of G's weights, updated after every generator step.
  auto average = G1::make(seed{3});
  WeightAverage<G1> averager(average, 0.99f);
  averager.reset(g);
  std::size_t g_steps = 0;
  GanStep step(g, d, og, od);
  step.after_g_step = [&] {
    averager.update(g);
    ++g_steps;
  };
  fit(step, real, o);
  CHECK(g_steps == o.epochs * (2048 / 64));
  for (G1* net : {&g, &average}) {
    std::vector<float> after(1000);
    generate(*net, 5, 1000, after);
    double mean = 0.0, var = 0.0;
    for (float v : after) mean += v;
    mean /= 1000.0;
    for (float v : after) var += (v - mean) * (v - mean);
    const double sd = std::sqrt(var / 1000.0);
    MESSAGE(std::string(net == &g ? "generator" : "weight average") << ": mean " << mean << ", sd " << sd);
    CHECK(std::abs(mean - 3.0) < 0.3);
    CHECK(sd > 0.2);
    CHECK(sd < 1.0);
  }
  CHECK(params_of(average) != params_of(g));
}

TEST_CASE("a weight average is decay * average + (1 - decay) * weights after each update") {
  auto net = G1::make(seed{1});
  auto average = G1::make(seed{2});
  WeightAverage<G1> averager(average, 0.9f);
  averager.reset(net);
  const std::vector<float> w0 = params_of(net);
  CHECK(params_of(average) == w0);
  auto add = [&](float delta) {
    net.visit_params([&](const ParamRef& p) {
      for (auto& v : p.value) v += delta;
    });
  };
  add(1.0f);  // weights w0 + 1: the average moves a tenth of the way
  averager.update(net);
  add(1.0f);  // w0 + 2: 0.9 (w0 + 0.1) + 0.1 (w0 + 2) = w0 + 0.29
  averager.update(net);
  const std::vector<float> a = params_of(average);
  REQUIRE(a.size() == w0.size());
  for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i] == doctest::Approx(w0[i] + 0.29f).epsilon(1e-5));
  CHECK_THROWS_WITH_AS(WeightAverage<G1>(average, 1.0f), doctest::Contains("is not in [0, 1)"), Error);
}

TEST_CASE("a GAN run resumed from its record ends where an unbroken run ends") {
  const Dataset real = gaussian(512);
  const GanOptions gan{.real_label = 0.9f, .flip_probability = 0.05f};
  FitOptions o{.epochs = 2, .batch = 32, .progress = false};
  auto ga = G1::make(seed{1});
  auto da = D1::make(seed{2});
  Adam oga, oda;
  GanStep sa(ga, da, oga, oda, gan);
  fit(sa, real, o);

  const auto dir = std::filesystem::temp_directory_path() / "ctnet-test-gan-resume";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  o.backup = (dir / "c.safetensors").string();
  {
    auto gb = G1::make(seed{1});
    auto db = D1::make(seed{2});
    Adam ogb, odb;
    GanStep sb(gb, db, ogb, odb, gan);
    FitOptions one = o;
    one.epochs = 1;
    fit(sb, real, one);
  }
  auto gc = G1::make(seed{8});
  auto dc = D1::make(seed{9});
  Adam ogc, odc;
  GanStep sc(gc, dc, ogc, odc, gan);
  o.resume = true;
  fit(sc, real, o);
  CHECK(params_of(gc) == params_of(ga));
  CHECK(params_of(dc) == params_of(da));
  std::filesystem::remove_all(dir);
}

TEST_CASE("a diverging GAN stops with an error naming the figure, epoch and step, its record whole") {
  auto g = G1::make(seed{1});
  auto d = D1::make(seed{2});
  Adam og, od;
  const auto dir = std::filesystem::temp_directory_path() / "ctnet-test-gan-diverge";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string record = (dir / "c.safetensors").string();
  const Dataset real = gaussian(256);
  GanStep step(g, d, og, od);
  fit(step, real, {.epochs = 1, .batch = 32, .progress = false, .backup = record});
  // The record restores the learning rates; a callback of the test's own
  // then sets them so that epoch 2 diverges at once.
  struct BlowUp {
    void on_epoch_begin(FitState& s) {
      for (float* lr : s.learning_rates) *lr = 1e30f;
    }
  } blow_up;
  std::string message;
  try {
    fit(step, real, {.epochs = 3, .batch = 32, .progress = false, .backup = record, .resume = true}, blow_up);
  } catch (const Error& e) {
    message = e.what();
  }
  MESSAGE(message);
  CHECK(message.starts_with("training diverged at epoch 2, step "));
  CHECK(message.find("_loss is ") != std::string::npos);
  CHECK(message.find("; first non-finite: ") != std::string::npos);  // the network/layer/role
  CHECK(message.find("holds the state after epoch 1") != std::string::npos);
  CHECK(CheckpointReader(record).get("epoch") == "1");  // the last whole epoch, untouched
  std::filesystem::remove_all(dir);
}
