// The VAE pieces: the negative ELBO's gradient by finite differences through
// every parameter of both heads and the decoder, the loss terms, a run that
// resumes exactly, and the MLP VAE learning MNIST.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <ctnet/ctnet.hpp>
#include <ctnet/data/mnist.hpp>
#include <ctnet/store/checkpoint.hpp>
#include <ctnet/model/two_heads.hpp>
#include <ctnet/model/vae.hpp>
#include <ctnet/train/optimizer.hpp>
#include <ctnet/train/vae.hpp>
#include <ctnet/zoo/report1_vae.hpp>

#include "gradcheck.hpp"

#ifndef CTNET_TEST_DATA_DIR
#define CTNET_TEST_DATA_DIR "data/mnist"
#endif

using namespace ctnet;
using test::params_of;

namespace {

// A dense VAE on 6-value "images" and a convolutional one on 4x4x1, with the
// fused Dense+Sigmoid and Conv2DTranspose+Sigmoid ends the zoo's decoders have.
using DenseBody = Sequential<Input<6>, Dense<5>, ReLU>;
using DenseVae = Vae<TwoHeads<DenseBody, Head<DenseBody, Dense<2>>, Head<DenseBody, Dense<2>>>,
                     Sequential<Input<2>, Dense<4>, ELU<1.0f>, Dense<6>, Sigmoid>>;
using ConvBody = Sequential<Input<4, 4, 1>, Conv2D<3, 3, 2, Padding::same>, ELU<1.0f>, Flatten,
                            Dense<4>, ReLU>;
using ConvVae = Vae<TwoHeads<ConvBody, Head<ConvBody, Dense<2>>, Head<ConvBody, Dense<2>>>,
                    Sequential<Input<2>, Dense<8>, ReLU, Reshape<2, 2, 2>,
                               Conv2DTranspose<2, 3, 2, Padding::same>, ReLU,
                               Conv2DTranspose<1, 3, 1, Padding::same>, Sigmoid>>;

template <class V>
std::vector<float*> param_slots(V& v, std::vector<float>& analytic) {
  std::vector<float*> slots;
  auto take = [&](const ParamRef& p) {
    if (!p.trainable) return;
    for (std::size_t i = 0; i < p.value.size(); ++i) {
      slots.push_back(p.value.data() + i);
      analytic.push_back(p.grad[i]);
    }
  };
  v.encoder.visit_params(take);
  v.decoder.visit_params(take);
  return slots;
}

// d(negative ELBO)/d(every parameter) by central differences, with the noise
// held fixed, against pass_with_noise's backward.
template <class V>
void check_elbo_gradients() {
  constexpr std::size_t n = 3;
  auto v = V::make(seed{5});
  Rng rng(9);
  // Non-zero biases, so that a dropped bias gradient shows.
  auto jitter = [&](const ParamRef& p) {
    if (!p.is_kernel && p.trainable)
      for (auto& b : p.value) b = rng.normal(0.0f, 0.1f);
  };
  v.encoder.visit_params(jitter);
  v.decoder.visit_params(jitter);
  std::vector<float> x(n * V::sample), eps(n * V::latent), z(n * V::latent);
  for (auto& xi : x) xi = rng.uniform();
  for (auto& e : eps) e = rng.normal();
  auto loss = [&] { return v.pass_with_noise(x, n, eps, z, false).loss(); };
  v.zero_grad();
  const ElboTerms t = v.pass_with_noise(x, n, eps, z, true);
  CHECK(t.loss() == doctest::Approx(loss()).epsilon(1e-6));
  std::vector<float> analytic;
  const auto slots = param_slots(v, analytic);
  REQUIRE(slots.size() == V::encoder_type::trainable_params + V::decoder_type::trainable_params);
  std::size_t failures = 0;
  for (std::size_t i = 0; i < slots.size(); ++i) {
    const float saved = *slots[i], h = 1e-3f;
    *slots[i] = saved + h;
    const double lp = loss();
    *slots[i] = saved - h;
    const double lm = loss();
    *slots[i] = saved;
    const double numeric = (lp - lm) / (2.0 * h);
    if (!test::close(numeric, analytic[i]) && failures++ < 5)
      FAIL_CHECK("parameter " << i << ": numeric " << numeric << ", analytic " << analytic[i]);
  }
  CHECK(failures == 0);
}

Dataset noise_images(std::size_t count, std::uint64_t s) {
  Dataset d;
  d.count = count;
  d.height = 28;
  d.width = 28;
  d.channels = 1;
  d.images.resize(count * 784);
  Rng rng(s);
  // Blobs of ink on a dark ground, so the decoder has something to learn.
  for (std::size_t i = 0; i < count; ++i) {
    const float cx = 8.0f + 12.0f * rng.uniform(), cy = 8.0f + 12.0f * rng.uniform();
    for (std::size_t p = 0; p < 784; ++p) {
      const float dx = static_cast<float>(p % 28) - cx, dy = static_cast<float>(p / 28) - cy;
      d.images[i * 784 + p] = std::exp(-(dx * dx + dy * dy) / 18.0f);
    }
  }
  return d;
}

}  // namespace

TEST_CASE("the Bernoulli and KL terms and the reparameterisation: values and gradients") {
  // Bernoulli: against the direct formula, gradient (p - x) / n at the logits.
  const std::vector<float> logits{-2.0f, 0.3f, 1.5f, -0.1f}, x{0.0f, 1.0f, 0.7f, 0.2f};
  std::vector<float> p(4), d(4);
  double expect = 0.0;
  for (std::size_t i = 0; i < 4; ++i) {
    p[i] = 1.0f / (1.0f + std::exp(-logits[i]));
    expect -= x[i] * std::log(p[i]) + (1 - x[i]) * std::log(1 - p[i]);
  }
  using Reconstruction = NegativeElbo::Reconstruction;
  CHECK(Reconstruction::value<true>(p, x, 2, 2, d) == doctest::Approx(expect / 2).epsilon(1e-6));
  for (std::size_t i = 0; i < 4; ++i) {
    auto lp = logits, lm = logits;
    lp[i] += 1e-3f;
    lm[i] -= 1e-3f;
    auto f = [&](const std::vector<float>& l) {
      std::vector<float> q(4), scratch(4);
      for (std::size_t j = 0; j < 4; ++j) q[j] = 1.0f / (1.0f + std::exp(-l[j]));
      return Reconstruction::value<true>(q, x, 2, 2, scratch);
    };
    CHECK(d[i] == doctest::Approx((f(lp) - f(lm)) / 2e-3).epsilon(1e-2).scale(1e-3));
  }
  // KL of N(m, e^lv) from N(0, 1): 0 at (0, 0), the closed form elsewhere.
  const std::vector<float> m{0.0f, 1.0f, -0.5f, 2.0f}, lv{0.0f, 0.5f, -1.0f, 0.0f};
  std::vector<float> dm(4, 0.0f), dlv(4, 0.0f);
  double kl = 0.0;
  for (std::size_t i = 0; i < 4; ++i) kl += 0.5 * (std::exp(lv[i]) + m[i] * m[i] - 1 - lv[i]);
  CHECK(NegativeElbo::kl(m, lv, 2, dm, dlv) == doctest::Approx(kl / 2).epsilon(1e-6));
  CHECK(dm[0] == 0.0f);
  CHECK(dlv[0] == 0.0f);
  CHECK(dm[3] == doctest::Approx(1.0));                          // m / n
  CHECK(dlv[1] == doctest::Approx((std::exp(0.5) - 1) / 4));  // (e^lv - 1) / 2n
  // Reparameterisation: z = m + e^(lv/2) eps; dz/dlv = eps e^(lv/2) / 2.
  const std::vector<float> eps{0.3f, -1.2f, 0.0f, 2.0f}, dz{1.0f, 1.0f, 1.0f, -2.0f};
  std::vector<float> z(4), gm(4), glv(4);
  reparameterise(m, lv, eps, z);
  CHECK(z[1] == doctest::Approx(1.0 - 1.2 * std::exp(0.25)));
  reparameterise_backward(dz, lv, eps, gm, glv);
  CHECK(gm[3] == -2.0f);
  CHECK(glv[1] == doctest::Approx(-1.2 * 0.5 * std::exp(0.25)));
  CHECK(glv[2] == 0.0f);
}

TEST_CASE("the negative ELBO's gradient reaches every parameter of a dense VAE (finite differences)") {
  check_elbo_gradients<DenseVae>();
}

TEST_CASE("the negative ELBO's gradient reaches every parameter of a conv VAE (finite differences)") {
  check_elbo_gradients<ConvVae>();
}

TEST_CASE("KL warm-up: kl_weight scales the KL term's gradient, not the terms reported") {
  constexpr std::size_t n = 3;
  auto v = DenseVae::make(seed{6});
  Rng rng(4);
  std::vector<float> x(n * DenseVae::sample), eps(n * DenseVae::latent), z(n * DenseVae::latent);
  for (auto& xi : x) xi = rng.uniform();
  for (auto& e : eps) e = rng.normal();
  std::vector<ElboTerms> terms;
  const auto gradient = [&](double kl_weight) {
    v.zero_grad();
    terms.push_back(v.pass_with_noise(x, n, eps, z, true, kl_weight));
    std::vector<float> g;
    v.encoder.visit_params([&](const ParamRef& p) { g.insert(g.end(), p.grad.begin(), p.grad.end()); });
    v.decoder.visit_params([&](const ParamRef& p) { g.insert(g.end(), p.grad.begin(), p.grad.end()); });
    return g;
  };
  const auto g0 = gradient(0.0), g1 = gradient(1.0), half = gradient(0.5);
  std::size_t differ = 0;
  for (std::size_t i = 0; i < g0.size(); ++i) {
    CHECK(half[i] == doctest::Approx((g0[i] + g1[i]) / 2).epsilon(1e-4).scale(1e-6));
    differ += std::abs(g1[i] - g0[i]) > 1e-6f;
  }
  CHECK(differ > 0);  // the KL term has a gradient to weight
  for (const ElboTerms& t : terms) {
    CHECK(t.kl == doctest::Approx(terms[0].kl).epsilon(1e-12));
    CHECK(t.reconstruction == doctest::Approx(terms[0].reconstruction).epsilon(1e-12));
  }
}

TEST_CASE("a Sigmoid fused into the loss: backprop gives the loss's gradient, not times sigmoid'") {
  // Dense + Sigmoid are fused in the forward pass; leaving the Sigmoid out of
  // backward must also leave its derivative out.
  using Net = Sequential<Input<5>, Dense<3>, Sigmoid>;
  auto net = Net::make(seed{3});
  std::vector<float> x(2 * 5), t(2 * 3);
  Rng rng(4);
  for (auto& v : x) v = rng.normal();
  for (auto& v : t) v = rng.uniform();
  auto loss = [&] {
    std::vector<float> scratch(6);
    return BinaryCrossEntropy::value<true>(net.forward(x, 2), t, 2, 3, scratch);
  };
  net.zero_grad();
  net.forward(x, 2);
  const auto dx = backprop(net, BinaryCrossEntropy{}, std::span<const float>(t), true).input_grad;
  const std::vector<float> dx_copy(dx.begin(), dx.end());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const float saved = x[i];
    x[i] = saved + 1e-3f;
    const double lp = loss();
    x[i] = saved - 1e-3f;
    const double lm = loss();
    x[i] = saved;
    CHECK(test::close((lp - lm) / 2e-3, dx_copy[i]));
  }
}

TEST_CASE("normal_quantile matches known values and inverts the CDF") {
  CHECK(normal_quantile(0.5) == doctest::Approx(0.0).scale(1.0).epsilon(1e-14));
  CHECK(normal_quantile(0.975) == doctest::Approx(1.959963984540054).epsilon(1e-12));
  CHECK(normal_quantile(0.05) == doctest::Approx(-1.6448536269514722).epsilon(1e-12));
  CHECK(normal_quantile(1e-6) == doctest::Approx(-4.753424308822899).epsilon(1e-10));
  for (double p = 0.01; p < 1.0; p += 0.07)
    CHECK(0.5 * std::erfc(-normal_quantile(p) / std::sqrt(2.0)) == doctest::Approx(p).epsilon(1e-12));
}

TEST_CASE("a VAE run resumed from its record ends where an unbroken run ends") {
  const Dataset train = noise_images(100, 1), test = noise_images(30, 2);  // partial batches
  FitOptions o{.epochs = 2, .batch = 32, .validation = &test, .validation_batch = 32, .progress = false};
  using V = zoo::report1::MlpVae;
  auto whole = V::make(seed{3});
  Adam ea, da;
  VaeStep sa(whole, ea, da);
  const History h = fit(sa, train, o);
  REQUIRE(h.epochs.size() == 2);
  CHECK(h.epochs[1]["loss"] < h.epochs[0]["loss"]);

  const auto dir = std::filesystem::temp_directory_path() / "ctnet-test-vae-resume";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  o.backup = (dir / "c.safetensors").string();
  o.tags["dataset"] = "noise";
  {
    auto first = V::make(seed{3});
    Adam e1, d1;
    VaeStep s1(first, e1, d1);
    FitOptions one = o;
    one.epochs = 1;
    fit(s1, train, one);
  }
  auto resumed = V::make(seed{99});  // other weights, all overwritten by the load
  Adam e2, d2;
  VaeStep s2(resumed, e2, d2);
  o.resume = true;
  o.tags["dataset"] = "other";
  CHECK_THROWS_WITH_AS(fit(s2, train, o), doctest::Contains("written with dataset noise, resumed with dataset other"),
                       Error);
  o.tags["dataset"] = "noise";
  const History h2 = fit(s2, train, o);
  REQUIRE(h2.epochs.size() == 2);
  CHECK(h2.epochs[1]["val_loss"] == h.epochs[1]["val_loss"]);
  CHECK(params_of(resumed.encoder) == params_of(whole.encoder));
  CHECK(params_of(resumed.decoder) == params_of(whole.decoder));
  // The encoder's parts are distinct models in the checkpoint: loading the
  // decoder's weights into the encoder's log-variance head fails, naming both.
  CHECK_THROWS_WITH_AS(CheckpointReader(o.backup).load_model("decoder", resumed.encoder.b),
                       doctest::Contains("checkpoint of another model"), Error);
  std::filesystem::remove_all(dir);
}

// PyTorch, same model and settings (batch 128, Adam 1e-3): 157.3 nats after
// ten epochs. ctnet measured 177.6 after one.
TEST_CASE("the MLP VAE trained one epoch on MNIST gets its test negative ELBO under 185 nats") {
  const std::string dir = CTNET_TEST_DATA_DIR;
  REQUIRE_MESSAGE(std::filesystem::exists(dir + "/train-images-idx3-ubyte"),
                  "MNIST not found in " << dir << "; run scripts/fetch_mnist.sh");
  const Dataset train = load_mnist(dir, true, Scale::unit), test = load_mnist(dir, false, Scale::unit);
  auto v = zoo::report1::MlpVae::make(seed{42});
  Adam e, d;
  VaeStep step(v, e, d);
  const History h = fit(step, train, {.epochs = 1, .batch = 128, .validation = &test, .progress = false});
  REQUIRE(h.epochs.size() == 1);
  const EpochLog& m = h.back();
  MESSAGE("test negative ELBO " << m["val_loss"] << " (reconstruction " << m["val_reconstruction"] << ", KL "
                                << m["val_kl"] << ")");
  CHECK(m["val_loss"] < 185.0);
  CHECK(m["val_kl"] > 1.0);  // the latent code is used: no posterior collapse
}

TEST_CASE("latent_usage: one KL per latent unit, summing to evaluate_vae's, and the body's dead units") {
  auto v = DenseVae::make(seed{4});
  Rng rng(2);
  Dataset data;
  data.count = 50;
  data.height = 1;
  data.width = 6;
  data.channels = 1;
  data.images.resize(50 * 6);
  data.labels.resize(50);
  for (auto& x : data.images) x = rng.uniform();
  const auto count_dead = [&] {  // units of the body's ReLU output zero on all 50 images
    std::size_t dead = 0;
    v.encoder.body.forward(data.images, 50, false);
    const auto h = v.encoder.body.output();
    for (std::size_t u = 0; u < 5; ++u) {
      bool fires = false;
      for (std::size_t i = 0; i < 50; ++i) fires = fires || h[i * 5 + u] > 0.0f;
      dead += !fires;
    }
    return dead;
  };
  LatentUsage use = latent_usage(v, data, 16);
  REQUIRE(use.kl.size() == 2);
  CHECK(use.kl[0] > 0.0);
  CHECK(use.kl[1] > 0.0);
  CHECK(use.kl[0] + use.kl[1] == doctest::Approx(evaluate_vae(v, data, 7, 1).kl).epsilon(1e-6));
  CHECK(use.features == 5);
  CHECK(use.dead == count_dead());
  // Kill two units: a bias far below anything the kernel can add never lets them fire.
  std::size_t param = 0;
  v.encoder.body.visit_params([&](const ParamRef& p) {
    if (param++ == 1) p.value[1] = p.value[3] = -100.0f;  // the Dense(5)'s bias
  });
  use = latent_usage(v, data, 16);
  CHECK(use.dead >= 2);
  CHECK(use.dead == count_dead());
}

TEST_CASE("Adam's warm-up: step t moves a weight by lr * t / warmup, then by lr") {
  using Net = Sequential<Input<3>, Dense<2>>;
  auto net = Net::make(seed{1});
  Adam adam;
  adam.warmup = 4;
  for (std::size_t t = 1; t <= 6; ++t) {
    std::vector<float> before;
    net.visit_params([&](const ParamRef& p) {
      before.insert(before.end(), p.value.begin(), p.value.end());
      for (auto& g : p.grad) g = 0.5f;  // a constant gradient: Adam's step is lr times the ramp
    });
    adam.step(net);
    const double want = 1e-3 * std::min(1.0, static_cast<double>(t) / 4.0);
    std::size_t k = 0;
    net.visit_params([&](const ParamRef& p) {
      for (float w : p.value) CHECK(before[k++] - w == doctest::Approx(want).epsilon(1e-3));
    });
  }
}
