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
#include <ctnet/core/error.hpp>
#include <ctnet/core/rng.hpp>
#include <ctnet/core/shape.hpp>

namespace ctnet {

/// How a bound layer's output relates to its input buffer.
enum class Storage {
  own,       ///< writes a new buffer
  in_place,  ///< overwrites its input (element-wise layers)
  view,      ///< same values, new shape: no work at all (Flatten, Reshape)
};

/// Weight initialisers for kernels. Biases start at zero and BatchNorm's
/// scale at one, except under `pytorch`, which draws biases as PyTorch does.
enum class Init {
  glorot_uniform,  ///< Keras's default: U(-l, l), l = sqrt(6 / (fan_in + fan_out))
  he_normal,       ///< truncated normal, stddev sqrt(2 / fan_in)
  normal_002,      ///< N(0, 0.02), the DCGAN paper's choice
  pytorch,         ///< PyTorch's default for nn.Linear and nn.Conv*d (kaiming_uniform with
                   ///< a = sqrt(5)): kernels and biases U(-b, b), b = 1 / sqrt(fan_in)
};

/// State of one forward pass.
/// The processes of a data-parallel run as a layer whose statistics span the
/// global batch sees them (synchronised BatchNorm): sums over the processes,
/// in place, and this process's share of the batch.
class BatchGroup {
 public:
  virtual void sum(std::span<double> x) = 0;
  double share = 1.0;  ///< this process's samples / the global batch's

 protected:
  ~BatchGroup() = default;
};

struct Pass {
  bool training = false;  ///< dropout active, batch statistics in BatchNorm
  Rng* rng = nullptr;     ///< for dropout masks
  /// The first sample's index in the global batch when this process trains
  /// on a share of it (data parallelism): a dropout mask follows its sample.
  std::size_t first = 0;
  /// With data parallelism and synchronised statistics: the processes whose
  /// shares make up the batch (BatchNorm's statistics are the global batch's).
  BatchGroup* group = nullptr;
};

/// A parameter tensor as the optimizer, initialiser and checkpoint see it.
struct ParamRef {
  std::string_view role;  ///< "kernel", "bias", "gamma", "beta", "moving_mean", ...
  std::span<float> value;
  std::span<float> grad;  ///< empty for non-trainable parameters
  std::array<std::size_t, 4> shape{};
  std::size_t rank = 0;
  std::size_t fan_in = 0, fan_out = 0;  ///< for the initialiser; a bias has its kernel's fan_in
  bool trainable = true;
  bool is_kernel = false;  ///< initialised by `Init`; otherwise by `fill`
  float fill = 0.0f;
};

/// Told of each trainable parameter whose gradient a backward pass has just
/// finished, while the pass goes on (data parallelism sums it meanwhile).
class GradientReady {
 public:
  virtual void ready(const ParamRef& p) = 0;

 protected:
  ~GradientReady() = default;
};

/// Initialise one parameter from its description. A kernel states its fans;
/// a bias is filled with its `fill`, except under PyTorch's init, which draws
/// it from its kernel's fan_in.
inline void init_param(const ParamRef& p, Rng& rng, Init init) {
  if (p.is_kernel && p.fan_in == 0 && init != Init::normal_002)
    fail("init_param: the kernel '{}' states no fan_in to scale its initialiser by", p.role);
  if (!p.is_kernel && (init != Init::pytorch || p.fan_in == 0)) {
    for (auto& v : p.value) v = p.fill;
    return;
  }
  const double fi = static_cast<double>(p.fan_in), fo = static_cast<double>(p.fan_out);
  const auto uniform = [&](double limit) {
    for (auto& v : p.value) v = rng.uniform(-static_cast<float>(limit), static_cast<float>(limit));
  };
  switch (init) {
    case Init::glorot_uniform:
      uniform(std::sqrt(6.0 / (fi + fo)));
      break;
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
    case Init::pytorch:  // kernels and biases alike
      uniform(1.0 / std::sqrt(fi));
      break;
  }
}

/// The reason a layer spec gives for an input shape (`why::accepted` if none).
template <class L, class In>
using rejection = typename L::template check<In>;

template <class L, class In>
inline constexpr bool accepts = std::is_same_v<rejection<L, In>, why::accepted>;

namespace detail {
template <class In, std::size_t Rank, Hw Window, bool MustFit>
constexpr auto window_reason() {
  if constexpr (In::rank != Rank)
    return std::conditional_t<Rank == 3, why::needs_image_input, why::needs_sequence_input>{};
  else if constexpr (MustFit && (Window.h > (Rank == 3 ? In::dims[0] : 1) ||
                                 Window.w > In::dims[Rank - 2]))
    return why::window_larger_than_input{};
  else
    return why::accepted{};
}
}  // namespace detail

/// The check of a layer that slides a window (a kernel, a pool) over an input
/// of Rank axes (3: H x W x C; 2: steps x channels, the window Hw{1, steps}):
/// the rank, then, when the window must fit (valid padding), its size.
template <class In, std::size_t Rank, Hw Window = Hw{1, 1}, bool MustFit = true>
using window_check = decltype(detail::window_reason<In, Rank, Window, MustFit>());

/// A layer spec, the type a user writes in a list: names for the summary and
/// checkpoints, and a check for input shapes (for any shape a reason type,
/// `why::accepted` or one with its own diagnostic; see core/diagnostics.hpp).
/// The bound layer, `L::layer<In>` for an accepted `In`, models `BoundLayer`.
template <class L>
concept LayerSpec = requires {
  { L::keras_class } -> std::convertible_to<std::string_view>;
  { L::keras_name } -> std::convertible_to<std::string_view>;
  { L::name() } -> std::convertible_to<std::string>;
  typename L::template check<Shape<1>>;
};

/// A layer bound to its input shape: shapes, counts and storage known at
/// compile time; parameters visited as `ParamRef`s; forward over n samples
/// (`x` to `y`), backward from `dy` (which it may overwrite) to `dx` (null
/// when no one needs the input gradient), adding to the parameter gradients.
/// `LayerBase` gives every member but forward and backward.
template <class B>
concept BoundLayer = requires(B& b, const float* x, float* y, std::size_t n, Pass& pass) {
  requires is_shape<typename B::input> && is_shape<typename B::output>;
  { B::trainable_params } -> std::convertible_to<std::size_t>;
  { B::non_trainable_params } -> std::convertible_to<std::size_t>;
  { B::flops } -> std::convertible_to<double>;
  { B::storage } -> std::convertible_to<Storage>;
  { B::needs_output } -> std::convertible_to<bool>;
  { B::fuses_activation } -> std::convertible_to<bool>;
  b.reserve(n);
  b.visit_params([](const ParamRef&) {});
  b.forward(x, y, n, pass);
  b.backward(x, x, y, y, n);
};

/// What an element-wise activation's derivative is written in: its output y
/// (ReLU, Sigmoid, Tanh: the layer can work in place) or its input x (GELU,
/// SiLU: the layer keeps its input, or the layer it is fused into keeps the
/// pre-activation values).
enum class Derivative { of_output, of_input };

/// An element-wise activation: `f` forward and `df` its derivative, written in
/// what `derivative` says. Any such activation fuses into the pass over a
/// preceding Dense's, Conv's or BatchNorm's output.
template <class A>
concept FusableActivation = requires(float v) {
  { A::f(v) } -> std::same_as<float>;
  { A::df(v) } -> std::same_as<float>;
  { A::derivative } -> std::convertible_to<Derivative>;
};

/// The identity, for GEMM layers with nothing to fuse.
struct NoActivation {
  static constexpr Derivative derivative = Derivative::of_output;
  static float f(float x) { return x; }
  static float df(float) { return 1.0f; }
};

/// Whether a fused activation needs the values before it in backward (then
/// the layer it is fused into keeps them: see layers/epilogue.hpp).
template <class Act>
inline constexpr bool keeps_pre_activation = Act::derivative == Derivative::of_input;

/// The members every bound layer has, with the values of a layer without
/// parameters that writes a buffer of its own; a layer states only what
/// differs (`storage`, `trainable_params`, `visit_params`, ...) and its
/// forward and backward.
template <class In, class Out>
struct LayerBase {
  using input = In;
  using output = Out;
  static constexpr std::size_t trainable_params = 0, non_trainable_params = 0;
  static constexpr double flops = 0;
  static constexpr Storage storage = Storage::own;
  static constexpr bool needs_output = false;     ///< backward reads y
  static constexpr bool fuses_activation = false;  ///< forward<Act> applies an activation
  void reserve(std::size_t) {}
  template <class F>
  void visit_params(F&&) {}
};

}  // namespace ctnet
