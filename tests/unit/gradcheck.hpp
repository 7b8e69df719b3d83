#pragma once
// Shared checks of the layer laws: finite-difference gradients for the input
// and every parameter, accumulation, batch equals per-sample.
#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include <ctnet/core/layer.hpp>
#include <ctnet/core/rng.hpp>

namespace ctnet::test {

/// L = sum(y * r) for a fixed random r, evaluated in double.
template <class Net>
struct Probe {
  Net net;
  std::size_t n;
  bool training;
  std::vector<float> x, r;

  Probe(std::size_t batch, bool train, std::uint64_t s, Init init = Init::glorot_uniform)
      : net(Net::make(seed{s}, init)), n(batch), training(train) {
    Rng rng(s + 1);
    x.resize(n * Net::input_shape::size);
    r.resize(n * Net::output_shape::size);
    for (auto& v : x) v = rng.normal();
    for (auto& v : r) v = rng.normal();
    // Non-zero biases, so that a bias that is dropped shows.
    net.visit_params([&](const ParamRef& p) {
      if (!p.is_kernel && p.trainable)
        for (auto& v : p.value) v = rng.normal(0.0f, 0.1f);
    });
  }

  double loss() {
    net.rng().reseed(1234);  // the same dropout mask on every evaluation
    auto y = net.forward(x, n, training);
    double s = 0.0;
    for (std::size_t i = 0; i < y.size(); ++i) s += static_cast<double>(y[i]) * r[i];
    return s;
  }

  /// Runs forward + backward; returns dL/dx.
  std::vector<float> grads() {
    loss();
    auto g = net.output_grad();
    std::copy(r.begin(), r.end(), g.begin());
    auto dx = net.backward(true);
    return {dx.begin(), dx.end()};
  }
};

/// Every parameter's values, in visiting order.
template <class Net>
std::vector<float> params_of(Net& net) {
  std::vector<float> all;
  net.visit_params([&](const ParamRef& p) { all.insert(all.end(), p.value.begin(), p.value.end()); });
  return all;
}

inline bool close(double numeric, double analytic, double rel = 2e-2, double abs = 4e-3) {
  return std::abs(numeric - analytic) <= abs + rel * std::max(std::abs(numeric), std::abs(analytic));
}

/// Finite differences (central, eps 1e-3) against backward, at up to `samples`
/// positions of the input and of every parameter.
template <class Net>
void check_gradients(std::size_t batch = 2, bool training = false, std::size_t samples = 40,
                     Init init = Init::glorot_uniform) {
  Probe<Net> p(batch, training, 11, init);
  p.net.zero_grad();
  const std::vector<float> dx = p.grads();
  const float eps = 1e-3f;
  Rng pick(5);
  std::size_t failures = 0;
  auto probe = [&](float& slot, double analytic, const char* what, std::size_t at) {
    const float saved = slot;
    slot = saved + eps;
    const double lp = p.loss();
    slot = saved - eps;
    const double lm = p.loss();
    slot = saved;
    const double numeric = (lp - lm) / (2.0 * eps);
    if (!close(numeric, analytic) && failures++ < 5)
      FAIL_CHECK(std::string(what) << "[" << at << "]: numeric " << numeric << " analytic " << analytic);
  };
  for (std::size_t s = 0; s < samples; ++s) {
    const std::size_t i = pick.below(p.x.size());
    probe(p.x[i], dx[i], "input", i);
  }
  // Analytic parameter gradients, copied before probing changes nothing in them.
  std::vector<std::vector<float>> analytic;
  p.net.visit_params([&](const ParamRef& q) {
    if (q.trainable) analytic.emplace_back(q.grad.begin(), q.grad.end());
  });
  std::size_t k = 0;
  std::vector<std::pair<float*, std::size_t>> params;
  p.net.visit_params([&](const ParamRef& q) {
    if (q.trainable) params.emplace_back(q.value.data(), q.value.size());
  });
  for (auto [data, size] : params) {
    for (std::size_t s = 0; s < std::min(samples, size); ++s) {
      const std::size_t i = size <= samples ? s : pick.below(size);
      probe(data[i], analytic[k][i], "param", k * 1000000 + i);
    }
    ++k;
  }
  CHECK(failures == 0);
}

/// Gradients add up: two backward passes give twice one pass's gradient.
template <class Net>
void check_accumulation() {
  Probe<Net> p(2, false, 3);
  p.net.zero_grad();
  p.grads();
  std::vector<float> once;
  p.net.visit_params([&](const ParamRef& q) { once.insert(once.end(), q.grad.begin(), q.grad.end()); });
  p.grads();
  std::vector<float> twice;
  p.net.visit_params([&](const ParamRef& q) { twice.insert(twice.end(), q.grad.begin(), q.grad.end()); });
  REQUIRE(once.size() == twice.size());
  for (std::size_t i = 0; i < once.size(); ++i) CHECK(twice[i] == doctest::Approx(2 * once[i]).epsilon(1e-4));
}

/// A batch of 3 gives the same outputs as the 3 samples one at a time.
template <class Net>
void check_batch_equals_single() {
  Probe<Net> p(3, false, 5);
  const auto y = p.net.forward(p.x, 3, false);
  const std::vector<float> batch(y.begin(), y.end());
  constexpr std::size_t in = Net::input_shape::size, out = Net::output_shape::size;
  for (std::size_t s = 0; s < 3; ++s) {
    std::vector<float> one(p.x.begin() + static_cast<long>(s * in),
                           p.x.begin() + static_cast<long>((s + 1) * in));
    const auto y1 = p.net.forward(one, 1, false);
    for (std::size_t j = 0; j < out; ++j)
      CHECK(y1[j] == doctest::Approx(batch[s * out + j]).epsilon(1e-4));
  }
}

template <class Net>
void check_laws(bool training = false) {
  check_gradients<Net>(2, training);
  check_accumulation<Net>();
  check_batch_equals_single<Net>();
}

}  // namespace ctnet::test
