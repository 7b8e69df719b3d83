#pragma once
// The common part of networks made of three Sequential parts (TwoHeads,
// Concat): parameter counts, initialisation, buffers and parameter visits,
// all over the parts in order. The derived class names its parts and defines
// `visit_parts(f)`, calling f(name, part) for each.
#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>

#include <ctnet/core/layer.hpp>
#include <ctnet/core/rng.hpp>
#include <ctnet/core/type_list.hpp>

namespace ctnet {

/// A network: a Sequential or a network made of them (TwoHeads, Concat), with
/// an input shape, parameter counts, its parameters and their gradients (a
/// TwoHeads has two outputs, so no one output shape). The combinators of networks (TwoHeads, Concat, GanPair, Vae)
/// take only types that model it.
template <class N>
concept Network = requires(N& n) {
  requires is_shape<typename N::input_shape>;
  { N::total_params } -> std::convertible_to<std::size_t>;
  n.visit_params([](const ParamRef&) {});
  n.zero_grad();
};

template <class Derived, class... Parts>
class Composite {
 public:
  /// The parts, for summaries and checkpoints.
  using parts = type_list<Parts...>;
  static constexpr std::size_t trainable_params = (Parts::trainable_params + ...);
  static constexpr std::size_t non_trainable_params = (Parts::non_trainable_params + ...);
  static constexpr std::size_t total_params = trainable_params + non_trainable_params;
  static constexpr double flops = (Parts::flops + ...);

  /// A network with every part initialised from one seed (part k from
  /// seed + offset k, so the parts differ).
  static Derived make(seed s, Init init = Init::glorot_uniform) {
    Derived d;
    d.initialize(s, init);
    return d;
  }
  void initialize(seed s, Init init = Init::glorot_uniform) {
    static constexpr std::array<std::uint64_t, 3> offsets{0, 0x9E37u, 0x79B9u};
    std::size_t k = 0;
    self().visit_parts([&](const char*, auto& p) {
      p.initialize(seed{s.value + (k < offsets.size() ? offsets[k] : 0x9E37u * k)}, init);
      ++k;
    });
  }
  /// Calls f(ParamRef) for every parameter, part by part.
  template <class F>
  void visit_params(F&& f) {
    self().visit_parts([&](const char*, auto& p) { p.visit_params(f); });
  }
  void zero_grad() {
    self().visit_parts([](const char*, auto& p) { p.zero_grad(); });
  }

 protected:
  void reserve_parts(std::size_t batch) {
    self().visit_parts([&](const char*, auto& p) { p.reserve(batch); });
  }

 private:
  Derived& self() { return static_cast<Derived&>(*this); }
};

/// Reseeds the dropout masks' generator of a network, or of every part of a
/// composite one (part k from a hash of s and k, so no two parts or epochs
/// share a stream), so an epoch's masks depend only on s.
template <class Net>
void reseed_dropout(Net& net, std::uint64_t s) {
  if constexpr (requires { typename Net::parts; }) {
    std::uint64_t k = 0;
    net.visit_parts([&](const char*, auto& p) { reseed_dropout(p, mix_seed(s, k++)); });
  } else {
    net.rng().reseed(s);
  }
}

/// Calls f(s) for a Sequential network, or for every Sequential part of a
/// composite one: data parallelism sets each part's first sample, gradient
/// listener and batch group through it.
template <class Net, class F>
void for_each_sequential(Net& net, F&& f) {
  if constexpr (requires { typename Net::parts; }) net.visit_parts([&](const char*, auto& p) { for_each_sequential(p, f); });
  else f(net);
}

}  // namespace ctnet
