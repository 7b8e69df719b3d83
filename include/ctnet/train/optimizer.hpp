#pragma once
// Optimizers visit a network's parameters in a fixed order and keep one state
// buffer set per parameter, created on the first step. Their state can be
// visited too, so a checkpoint resumes training exactly.
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include <ctnet/core/error.hpp>
#include <ctnet/core/layer.hpp>
#include <ctnet/core/simd.hpp>
#include <ctnet/core/tensor.hpp>

namespace ctnet {


/// A linear warm-up's factor at step t (from 1) of `steps`: t / steps, then 1
/// (always 1 when steps is 0). Adam's rate and VaeStep's KL weight use it.
inline double linear_warmup(std::size_t t, std::size_t steps) {
  return t < steps ? static_cast<double>(t) / static_cast<double>(steps) : 1.0;
}

/// Adam with Keras's defaults (lr 1e-3, beta1 0.9, beta2 0.999, epsilon 1e-7)
/// and Keras's update: w -= lr_t m / (sqrt(v) + eps), lr_t = lr sqrt(1 -
/// beta2^t) / (1 - beta1^t). With `warmup` = W > 0 the rate rises linearly
/// over the first W steps (step t uses lr_t * t / W): Adam's first steps move
/// every weight by about lr whatever its gradient's size, so a unit reading
/// thousands of non-negative inputs moves by lr times their sum at once.
/// The warm-up follows the step count `t`, which checkpoints keep.
struct Adam {
  float lr = 1e-3f, beta1 = 0.9f, beta2 = 0.999f, epsilon = 1e-7f;
  std::size_t warmup = 0;       ///< steps of linear warm-up (0: none)
  std::size_t t = 0;            ///< steps taken
  std::vector<Buffer> m{}, v{};  ///< one per trainable parameter, in visiting order

  static constexpr const char* name = "adam";

  template <class Net>
  void step(Net& net) {
    ++t;
    const double bc1 = 1.0 - std::pow(static_cast<double>(beta1), static_cast<double>(t));
    const double bc2 = 1.0 - std::pow(static_cast<double>(beta2), static_cast<double>(t));
    const double ramp = linear_warmup(t, warmup);
    const float lr_t = static_cast<float>(ramp * lr * std::sqrt(bc2) / bc1);
    std::size_t i = 0;
    net.visit_params([&](const ParamRef& p) {
      if (!p.trainable) return;
      if (i == m.size()) {
        m.push_back(zeros(p.value.size()));
        v.push_back(zeros(p.value.size()));
      }
      const std::size_t n = p.value.size();
      if (m[i].size() != n) fail("Adam: parameter {} holds {} values, the state {}: one optimizer per network", i, n, m[i].size());
      float *w = p.value.data(), *mi = m[i].data(), *vi = v[i].data();
      const float* g = p.grad.data();
      const float b1 = beta1, b2 = beta2, eps = epsilon;
      simd::for_elements(n, [&]<class V>(std::type_identity<V>, std::size_t k) {
        using simd::load, simd::store;
        const V gk = load<V>(g, k);
        const V mk = b1 * load<V>(mi, k) + (1.0f - b1) * gk;
        const V vk = b2 * load<V>(vi, k) + (1.0f - b2) * gk * gk;
        store(mi, k, mk);
        store(vi, k, vk);
        using std::sqrt, xsimd::sqrt;
        store(w, k, load<V>(w, k) - lr_t * mk / (sqrt(vk) + eps));
      });
      ++i;
    });
  }

  /// Calls f(name, buffer, i) for each state buffer, i the trainable
  /// parameter it belongs to (in visiting order).
  template <class F>
  void visit_state(F&& f) {
    for (std::size_t i = 0; i < m.size(); ++i) {
      f(fmt::format("adam/m/{}", i), m[i], i);
      f(fmt::format("adam/v/{}", i), v[i], i);
    }
  }
  /// Create empty state shaped like the network's parameters (before a load).
  template <class Net>
  void prepare(Net& net) {
    m.clear();
    v.clear();
    net.visit_params([&](const ParamRef& p) {
      if (!p.trainable) return;
      m.push_back(zeros(p.value.size()));
      v.push_back(zeros(p.value.size()));
    });
  }
};

/// Stochastic gradient descent with momentum, Keras's form:
/// u = momentum u - lr g;  w += u.
struct SGD {
  float lr = 1e-2f, momentum = 0.0f;
  std::size_t t = 0;
  std::vector<Buffer> u{};

  static constexpr const char* name = "sgd";

  template <class Net>
  void step(Net& net) {
    ++t;
    std::size_t i = 0;
    net.visit_params([&](const ParamRef& p) {
      if (!p.trainable) return;
      if (i == u.size()) u.push_back(zeros(p.value.size()));
      const std::size_t n = p.value.size();
      if (u[i].size() != n) fail("SGD: parameter {} holds {} values, the state {}: one optimizer per network", i, n, u[i].size());
      float *w = p.value.data(), *ui = u[i].data();
      const float* g = p.grad.data();
      const float mu = momentum, rate = lr;
      simd::for_elements(n, [&]<class V>(std::type_identity<V>, std::size_t k) {
        using simd::load, simd::store;
        const V uk = mu * load<V>(ui, k) - rate * load<V>(g, k);
        store(ui, k, uk);
        store(w, k, load<V>(w, k) + uk);
      });
      ++i;
    });
  }
  template <class F>
  void visit_state(F&& f) {
    for (std::size_t i = 0; i < u.size(); ++i) f(fmt::format("sgd/u/{}", i), u[i], i);
  }
  template <class Net>
  void prepare(Net& net) {
    u.clear();
    net.visit_params([&](const ParamRef& p) {
      if (p.trainable) u.push_back(zeros(p.value.size()));
    });
  }
};

}  // namespace ctnet
