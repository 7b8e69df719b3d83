#pragma once
// Residual<Layers...>: a layer spec that adds its input to what its layers
// make of it, y = x + F(x) (He et al.'s residual block), used inside a
// Sequential's list like any layer:
//   Sequential<Input<28, 28, 16>,
//              Residual<Conv2D<16, 3, 1, Padding::same>, ReLU, Conv2D<16, 3, 1, Padding::same>>,
//              ReLU, ...>
// A block that changes the shape puts a projection on the skip path first,
// as ResNet's downsampling blocks do (a strided 1x1 convolution):
//   Residual<Shortcut<Conv2D<32, 1, 2>>, Conv2D<32, 3, 2, Padding::same>, ReLU,
//            Conv2D<32, 3, 1, Padding::same>>
// Without one, a block whose layers change the shape is one compile error
// naming both shapes. Keras: `layers.Add()([x, f(x)])`.
#include <algorithm>
#include <cstddef>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include <ctnet/core/diagnostics.hpp>
#include <ctnet/core/layer.hpp>
#include <ctnet/core/type_list.hpp>
#include <ctnet/layers/input.hpp>
#include <ctnet/model/sequential.hpp>
#include <ctnet/model/summary.hpp>
#include <ctnet/model/walk.hpp>

namespace ctnet {

/// The layers on a residual block's skip path (a projection), written first
/// in the block: `Residual<Shortcut<Conv2D<32, 1, 2>>, ...>`.
template <LayerSpec... Ls>
struct Shortcut {};

/// False for every argument: the condition of the diagnostic below, so that
/// clang's first line names both shapes too.
template <int Position, class Block, class LayersOutput, class SkipOutput>
inline constexpr bool residual_paths_agree = false;

namespace why {
/// A layer inside a block rejects its input: the diagnostic is that layer's,
/// its position counted inside the block.
template <class Failure>
struct layer_in_block_rejects {
  template <int Position, class Layer, class InputShape>
  struct layer_rejects_input
      : Failure::reason::template layer_rejects_input<static_cast<int>(Failure::position),
                                                      typename Failure::layer,
                                                      typename Failure::input> {};
};
/// A residual block's layers end in another shape than its skip path.
template <class LayersOutput, class SkipOutput>
struct residual_shapes_differ {
  template <int Position, class Layer, class InputShape>
  struct layer_rejects_input {
    static_assert(residual_paths_agree<Position, Layer, LayersOutput, SkipOutput>,
                  "a residual block's layers must end in the shape of its skip path: keep the "
                  "shape, or project the skip path with Shortcut<...> first"
                  " [residual_paths_agree<position from 0 after Input, block, its layers' "
                  "output shape, its skip path's output shape>]");
  };
};
}  // namespace why

namespace detail {
/// A block's skip-path layers and main layers.
template <class... Ls>
struct residual_parts {
  using skip = type_list<>;
  using main = type_list<Ls...>;
};
template <class... Ps, class... Ls>
struct residual_parts<Shortcut<Ps...>, Ls...> {
  using skip = type_list<Ps...>;
  using main = type_list<Ls...>;
};

/// The network of a list of specs over input In, and its walk.
template <class In, class List>
struct sub_network;
template <class In, class... Ls>
struct sub_network<In, type_list<Ls...>> {
  using walk = detail::walk<0, In, Ls...>;
  using type = Sequential<InputOf<In>, Ls...>;
  static constexpr bool empty = sizeof...(Ls) == 0;
};

template <class... Ls>
std::string spec_names(type_list<Ls...>) {
  std::string s;
  ((s += (s.empty() ? "" : ", ") + Ls::name()), ...);
  return s;
}

struct NoSkipNetwork {};

/// The bound block: y = F(x) + P(x), F its layers and P its skip path (the
/// identity, or the Shortcut's layers), each run as a network of its own
/// within the outer pass. Parameters are visited F's first, then P's, their
/// roles named by layer ("conv2d/kernel", "shortcut/conv2d/kernel") so that
/// a checkpoint keeps them apart.
template <class In, class MainNet, class SkipNet>
struct ResidualLayer : LayerBase<In, typename MainNet::output_shape> {
  static constexpr bool projected = !std::is_same_v<SkipNet, NoSkipNetwork>;
  static constexpr std::size_t out = MainNet::output_shape::size;
  template <class N>
  static constexpr std::size_t trainable_of() {
    if constexpr (std::is_same_v<N, NoSkipNetwork>) return 0; else return N::trainable_params;
  }
  template <class N>
  static constexpr std::size_t non_trainable_of() {
    if constexpr (std::is_same_v<N, NoSkipNetwork>) return 0; else return N::non_trainable_params;
  }
  template <class N>
  static constexpr double flops_of() {
    if constexpr (std::is_same_v<N, NoSkipNetwork>) return 0; else return N::flops;
  }
  static constexpr std::size_t trainable_params = MainNet::trainable_params + trainable_of<SkipNet>();
  static constexpr std::size_t non_trainable_params =
      MainNet::non_trainable_params + non_trainable_of<SkipNet>();
  static constexpr double flops = MainNet::flops + flops_of<SkipNet>() + out;

  MainNet main;
  [[no_unique_address]] SkipNet skip;
  std::vector<std::string> roles;  // the parameters' roles, in visiting order

  ResidualLayer() {
    const auto name_roles = [&](auto& net, const std::string& prefix) {
      const auto names = layer_names<std::remove_cvref_t<decltype(net)>>();
      net.visit_params_indexed([&](std::size_t i, const ParamRef& p) {
        roles.push_back(prefix + names[i] + "/" + std::string(p.role));
      });
    };
    name_roles(main, "");
    if constexpr (projected) name_roles(skip, "shortcut/");
  }

  void reserve(std::size_t batch) {
    main.reserve(batch);
    if constexpr (projected) skip.reserve(batch);
  }
  template <class F>
  void visit_params(F&& f) {
    std::size_t k = 0;
    const auto renamed = [&](const ParamRef& p) {
      ParamRef q = p;
      q.role = roles[k++];
      f(q);
    };
    main.visit_params(renamed);
    if constexpr (projected) skip.visit_params(renamed);
  }

  // y = F(x) + P(x)
  template <class = NoActivation>
  void forward(const float* x, float* y, std::size_t n, Pass& pass) {
    const std::span<const float> in{x, n * In::size};
    const float* m = main.forward(in, n, pass).data();
    const float* s = x;
    if constexpr (projected) s = skip.forward(in, n, pass).data();
    for (std::size_t i = 0; i < n * out; ++i) y[i] = m[i] + s[i];
  }
  // dF and dP both receive dy; dx = F's input gradient + P's (dy itself for the identity)
  template <class = NoActivation>
  void backward(const float*, const float*, float* dy, float* dx, std::size_t n) {
    std::copy_n(dy, n * out, main.output_grad().data());
    const float* gm = main.backward(dx != nullptr).data();
    const float* gs = dy;
    if constexpr (projected) {
      std::copy_n(dy, n * out, skip.output_grad().data());
      gs = skip.backward(dx != nullptr).data();
    }
    if (dx == nullptr) return;
    for (std::size_t i = 0; i < n * In::size; ++i) dx[i] = gm[i] + gs[i];
  }
};
}  // namespace detail

/// y = x + (Ls applied to x), or with a leading Shortcut<Ps...>, (Ps applied
/// to x) + (the rest applied to x). See the top of this file.
/// What a residual block's list holds: layer specs, the first possibly a Shortcut.
template <class T>
inline constexpr bool is_shortcut = false;
template <class... Ps>
inline constexpr bool is_shortcut<Shortcut<Ps...>> = true;
template <class T>
concept ResidualPart = LayerSpec<T> || is_shortcut<T>;

template <ResidualPart... Ls>
struct Residual {
  using parts = detail::residual_parts<Ls...>;
  static_assert(parts::main::size > 0, "a residual block needs at least one layer");
  static constexpr const char* keras_class = "Residual";
  static constexpr const char* keras_name = "residual";
  static std::string name() {
    const std::string skip = detail::spec_names(typename parts::skip{});
    return "Residual<" + (skip.empty() ? "" : "Shortcut<" + skip + ">, ") +
           detail::spec_names(typename parts::main{}) + ">";
  }

  template <class In>
  static constexpr auto reason() {
    using M = detail::sub_network<In, typename parts::main>;
    using S = detail::sub_network<In, typename parts::skip>;
    if constexpr (!std::is_same_v<typename M::walk::failure, detail::no_failure_t>)
      return why::layer_in_block_rejects<typename M::walk::failure>{};
    else if constexpr (!std::is_same_v<typename S::walk::failure, detail::no_failure_t>)
      return why::layer_in_block_rejects<typename S::walk::failure>{};
    else if constexpr (!std::is_same_v<typename M::walk::output, typename S::walk::output>)
      return why::residual_shapes_differ<typename M::walk::output, typename S::walk::output>{};
    else
      return why::accepted{};
  }
  template <class In>
  using check = decltype(reason<In>());

  template <class In>
  using layer = detail::ResidualLayer<
      In, typename detail::sub_network<In, typename parts::main>::type,
      std::conditional_t<parts::skip::size == 0, detail::NoSkipNetwork,
                         typename detail::sub_network<In, typename parts::skip>::type>>;
};

}  // namespace ctnet
