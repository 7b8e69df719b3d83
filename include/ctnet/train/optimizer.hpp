#pragma once
// Optimizers visit a network's parameters in a fixed order and keep one state
// buffer set per parameter, created on the first step. Their state can be
// visited too, so a checkpoint resumes training exactly.
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include <ctnet/core/error.hpp>
#include <ctnet/core/layer.hpp>
#include <ctnet/core/tensor.hpp>

namespace ctnet {

/// Adam with Keras's defaults (lr 1e-3, beta1 0.9, beta2 0.999, epsilon 1e-7)
/// and Keras's update: w -= lr_t m / (sqrt(v) + eps), lr_t = lr sqrt(1 -
/// beta2^t) / (1 - beta1^t).
struct Adam {
  float lr = 1e-3f, beta1 = 0.9f, beta2 = 0.999f, epsilon = 1e-7f;
  std::size_t t = 0;            ///< steps taken
  std::vector<Buffer> m{}, v{};  ///< one per trainable parameter, in visiting order

  static constexpr const char* name = "adam";

  template <class Net>
  void step(Net& net) {
    ++t;
    const double bc1 = 1.0 - std::pow(static_cast<double>(beta1), static_cast<double>(t));
    const double bc2 = 1.0 - std::pow(static_cast<double>(beta2), static_cast<double>(t));
    const float lr_t = static_cast<float>(lr * std::sqrt(bc2) / bc1);
    std::size_t i = 0;
    net.visit_params([&](const ParamRef& p) {
      if (!p.trainable) return;
      if (i == m.size()) {
        m.push_back(zeros(p.value.size()));
        v.push_back(zeros(p.value.size()));
      }
      const std::size_t n = p.value.size();
      if (m[i].size() != n) fail("Adam: parameter {} holds {} values, the state {}: one optimizer per network", i, n, m[i].size());
      auto w = xview(p.value.data(), n);
      auto g = xview(static_cast<const float*>(p.grad.data()), n);
      auto mi = xview(m[i].data(), n);
      auto vi = xview(v[i].data(), n);
      // noalias: element-wise and in place, without xtensor's temporary
      // (which would allocate in every step).
      xt::noalias(mi) = beta1 * mi + (1.0f - beta1) * g;
      xt::noalias(vi) = beta2 * vi + (1.0f - beta2) * g * g;
      xt::noalias(w) -= lr_t * mi / (xt::sqrt(vi) + epsilon);
      ++i;
    });
  }

  /// Calls f(name, buffer) for each state buffer; `steps` is stored as one float.
  template <class F>
  void visit_state(F&& f) {
    for (std::size_t i = 0; i < m.size(); ++i) {
      f(fmt::format("adam/m/{}", i), m[i]);
      f(fmt::format("adam/v/{}", i), v[i]);
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
      auto w = xview(p.value.data(), n);
      auto g = xview(static_cast<const float*>(p.grad.data()), n);
      auto ui = xview(u[i].data(), n);
      xt::noalias(ui) = momentum * ui - lr * g;
      xt::noalias(w) += ui;
      ++i;
    });
  }
  template <class F>
  void visit_state(F&& f) {
    for (std::size_t i = 0; i < u.size(); ++i) f(fmt::format("sgd/u/{}", i), u[i]);
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
