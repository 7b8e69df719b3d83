#pragma once
// What every layer is. A layer *spec* is the type a user writes in the list
// (`Conv2D<64, 3>`); bound to an input shape it gives a runtime *layer*
// (`Conv2D<64, 3>::layer<Shape<28, 28, 1>>`) holding parameters, gradients and
// scratch. The spec says whether it accepts an input (`check<In>`, a reason
// from `why`) before the bound type is ever instantiated, which is what keeps
// one shape bug to one diagnostic.
#include <array>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include <ctnet/core/diagnostics.hpp>
#include <ctnet/core/rng.hpp>
#include <ctnet/core/shape.hpp>

namespace ctnet {

/// How a bound layer's output relates to its input buffer.
enum class Storage {
  own,       ///< writes a new buffer
  in_place,  ///< overwrites its input (element-wise layers)
  view,      ///< same values, new shape: no work at all (Flatten, Reshape)
};

/// Weight initialisers for kernels (biases start at zero, BatchNorm's scale at one).
enum class Init {
  glorot_uniform,  ///< Keras's default: U(-l, l), l = sqrt(6 / (fan_in + fan_out))
  he_normal,       ///< truncated normal, stddev sqrt(2 / fan_in)
  normal_002,      ///< N(0, 0.02), the DCGAN paper's choice
};

/// State of one forward pass.
struct Pass {
  bool training = false;  ///< dropout active, batch statistics in BatchNorm
  Rng* rng = nullptr;     ///< for dropout masks
};

/// A parameter tensor as the optimizer, initialiser and checkpoint see it.
struct ParamRef {
  std::string_view role;  ///< "kernel", "bias", "gamma", "beta", "moving_mean", ...
  std::span<float> value;
  std::span<float> grad;  ///< empty for non-trainable parameters
  std::array<std::size_t, 4> shape{};
  std::size_t rank = 0;
  std::size_t fan_in = 0, fan_out = 0;  ///< for the initialiser
  bool trainable = true;
  bool is_kernel = false;  ///< initialised by `Init`; otherwise by `fill`
  float fill = 0.0f;
};

/// Initialise one parameter from its description.
inline void init_param(const ParamRef& p, Rng& rng, Init init) {
  if (!p.is_kernel) {
    for (auto& v : p.value) v = p.fill;
    return;
  }
  const double fi = static_cast<double>(p.fan_in), fo = static_cast<double>(p.fan_out);
  switch (init) {
    case Init::glorot_uniform: {
      const float limit = static_cast<float>(std::sqrt(6.0 / (fi + fo)));
      for (auto& v : p.value) v = rng.uniform(-limit, limit);
      break;
    }
    case Init::he_normal: {
      // Keras: truncated normal whose stddev before truncation is
      // sqrt(2 / fan_in) / 0.8796 (the truncation's variance correction).
      const float sd = static_cast<float>(std::sqrt(2.0 / fi) / 0.87962566103423978);
      for (auto& v : p.value) v = rng.truncated_normal(sd);
      break;
    }
    case Init::normal_002:
      for (auto& v : p.value) v = rng.normal(0.0f, 0.02f);
      break;
  }
}

/// The reason a layer spec gives for an input shape (`why::accepted` if none).
template <class L, class In>
using rejection = typename L::template check<In>;

template <class L, class In>
inline constexpr bool accepts = std::is_same_v<rejection<L, In>, why::accepted>;

/// A layer spec: names for the summary and a check for input shapes.
template <class L>
concept LayerSpec = requires {
  { L::keras_class } -> std::convertible_to<std::string_view>;
  { L::keras_name } -> std::convertible_to<std::string_view>;
  { L::name() } -> std::convertible_to<std::string>;
};

/// An element-wise activation that can be fused into the pass over a GEMM's
/// output: `f` forward, `df` its derivative written in terms of the output y.
template <class A>
concept FusableActivation = requires(float v) {
  { A::f(v) } -> std::same_as<float>;
  { A::df(v) } -> std::same_as<float>;
};

/// The common part of bound layers without parameters (activations, pooling,
/// reshaping, dropout): nothing to count, initialise or visit.
struct Parameterless {
  static constexpr std::size_t trainable_params = 0, non_trainable_params = 0;
  static constexpr double flops = 0;
  static constexpr bool fuses_activation = false;
  void reserve(std::size_t) {}
  template <class F>
  void visit_params(F&&) {}
};

/// The identity, for GEMM layers with nothing to fuse.
struct NoActivation {
  static float f(float x) { return x; }
  static float df(float) { return 1.0f; }
};

}  // namespace ctnet
