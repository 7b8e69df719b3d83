// Concatenation for conditional models: gradients through both branches and
// the trunk by finite differences, and a conditional GAN that learns a
// different distribution per class.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include <ctnet/ctnet.hpp>
#include <ctnet/model/concat.hpp>
#include <ctnet/train/gan.hpp>
#include <ctnet/train/optimizer.hpp>

#include "gradcheck.hpp"

using namespace ctnet;

namespace {
// An image and a label plane, as the conditional discriminator has them.
using Small = Concat<Through<3, 3, 1>, Sequential<Input<2>, Dense<9>, Reshape<3, 3, 1>>,
                     Sequential<Input<3, 3, 2>, Conv2D<2, 2>, Tanh, Flatten, Dense<1>>>;
static_assert(std::is_same_v<Small::trunk_type::input_shape, Shape<3, 3, 2>>);
static_assert(param_count<Small> == 2 * 9 + 9 + 2 * 2 * 2 * 2 + 2 + 8 + 1);
// Vectors: noise and a one-hot label, as the conditional generator has them.
using Vectors = Concat<Through<3>, Through<2>, Sequential<Input<5>, Dense<4>, Tanh>>;
static_assert(std::is_same_v<Vectors::trunk_type::input_shape, Shape<5>>);
}  // namespace

TEST_CASE("Concat: the loss's gradient reaches the first input and every parameter (finite differences)") {
  constexpr std::size_t n = 2;
  auto net = Small::make(seed{4});
  Rng rng(6);
  std::vector<float> x(n * 9), y(n * 2), r(n);
  for (auto& v : x) v = rng.normal();
  for (auto& v : y) v = rng.normal();
  for (auto& v : r) v = rng.normal();
  net.visit_params([&](const ParamRef& p) {
    if (!p.is_kernel)
      for (auto& v : p.value) v = rng.normal(0.0f, 0.1f);
  });
  auto loss = [&] {
    const auto out = net.forward(x, y, n);
    double s = 0.0;
    for (std::size_t i = 0; i < n; ++i) s += out[i] * r[i];
    return s;
  };
  net.zero_grad();
  loss();
  std::copy(r.begin(), r.end(), net.output_grad().begin());
  const auto dx_span = net.backward(true);
  const std::vector<float> dx(dx_span.begin(), dx_span.end());
  REQUIRE(dx.size() == x.size());
  std::vector<float*> slots;
  std::vector<float> analytic;
  net.visit_params([&](const ParamRef& p) {
    for (std::size_t i = 0; i < p.value.size(); ++i) {
      slots.push_back(p.value.data() + i);
      analytic.push_back(p.grad[i]);
    }
  });
  for (std::size_t i = 0; i < x.size(); ++i) {
    slots.push_back(&x[i]);
    analytic.push_back(dx[i]);
  }
  std::size_t failures = 0;
  for (std::size_t i = 0; i < slots.size(); ++i) {
    const float saved = *slots[i];
    *slots[i] = saved + 1e-3f;
    const double lp = loss();
    *slots[i] = saved - 1e-3f;
    const double lm = loss();
    *slots[i] = saved;
    const double numeric = (lp - lm) / 2e-3;
    if (!test::close(numeric, analytic[i]) && failures++ < 5)
      FAIL_CHECK("slot " << i << ": numeric " << numeric << ", analytic " << analytic[i]);
  }
  CHECK(failures == 0);
}

TEST_CASE("Concat joins along the last axis: a's channels, then b's, at every position") {
  auto net = Vectors::make(seed{1});
  const std::vector<float> x{1, 2, 3}, y{4, 5};
  net.forward(x, y, 1);
  // The trunk's input buffer is the concatenation; its Dense sees [1 2 3 4 5]:
  // compare with the trunk run on that vector directly.
  const std::vector<float> joined{1, 2, 3, 4, 5};
  const std::vector<float> via(net.output().begin(), net.output().end());
  const auto direct = net.trunk.forward(joined, 1);
  for (std::size_t i = 0; i < 4; ++i) CHECK(via[i] == doctest::Approx(direct[i]));
}

namespace {
// A conditional 1-D GAN: class 0 is N(-2, 0.3), class 1 is N(2, 0.3).
using CG = Concat<Through<2>, Through<2>, Sequential<Input<4>, Dense<16>, LeakyReLU<0.2f>, Dense<1>>>;
using CD = Concat<Through<1>, Through<2>, Sequential<Input<3>, Dense<32>, LeakyReLU<0.2f>, Dense<1>>>;
}  // namespace

TEST_CASE("a conditional GAN learns a different distribution for each class") {
  Dataset real;
  real.count = 2048;
  real.height = real.width = real.channels = 1;
  Rng rng(3);
  for (std::size_t i = 0; i < real.count; ++i) {
    const std::uint8_t label = static_cast<std::uint8_t>(i % 2);
    real.labels.push_back(label);
    real.images.push_back(rng.normal(label ? 2.0f : -2.0f, 0.3f));
  }
  auto g = CG::make(seed{1});
  auto d = CD::make(seed{2});
  Adam og, od;
  og.lr = od.lr = 2e-3f;
  og.beta1 = od.beta1 = 0.5f;
  GanStep step(g, d, og, od);
  fit(step, real, {.epochs = 30, .batch = 64, .progress = false});
  std::vector<std::uint8_t> labels(1000);
  for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<std::uint8_t>(i % 2);
  std::vector<float> out(1000);
  generate(g, 5, 1000, out, labels);
  double mean[2] = {0, 0};
  for (std::size_t i = 0; i < out.size(); ++i) mean[i % 2] += out[i] / 500.0;
  MESSAGE("generated means: class 0 " << mean[0] << ", class 1 " << mean[1]);
  CHECK(std::abs(mean[0] + 2.0) < 0.5);
  CHECK(std::abs(mean[1] - 2.0) < 0.5);
}
