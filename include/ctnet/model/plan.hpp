#pragma once
// The buffer plan of a Sequential, decided at compile time from the layer
// list: which slot each layer reads and writes, which GEMM layers absorb the
// activation after them.
#include <array>
#include <cstddef>
#include <utility>

#include <ctnet/core/layer.hpp>
#include <ctnet/core/type_list.hpp>

namespace ctnet::detail {

template <std::size_t N>
struct Plan {
  std::array<std::size_t, N> in{}, out{};
  std::array<bool, N> fused{}, absorbed{};
  std::array<std::size_t, N + 1> slot_size{};
  std::size_t slots = 1;
  std::size_t first_real = N;  ///< first layer that is not a view
};

template <class Bound>
struct sum_trainable;
template <class... B>
struct sum_trainable<type_list<B...>> {
  static constexpr std::size_t value = (std::size_t{0} + ... + B::trainable_params);
};
template <class Bound>
struct sum_non_trainable;
template <class... B>
struct sum_non_trainable<type_list<B...>> {
  static constexpr std::size_t value = (std::size_t{0} + ... + B::non_trainable_params);
};
template <class Bound>
struct sum_flops;
template <class... B>
struct sum_flops<type_list<B...>> {
  static constexpr double value = (0.0 + ... + B::flops);
};

/// Layer I can absorb the element-wise activation that follows it.
template <std::size_t I, class Bound, class Specs>
consteval bool fusable_pair() {
  if constexpr (I + 1 >= Bound::size) {
    return false;
  } else {
    return list_at_t<I, Bound>::fuses_activation && FusableActivation<list_at_t<I + 1, Specs>>;
  }
}

template <bool Valid, class InShape, class Bound, class Specs>
consteval auto make_plan() {
  constexpr std::size_t n = Specs::size;
  Plan<n> p{};
  if constexpr (Valid) {
    constexpr auto info = []<std::size_t... I>(std::index_sequence<I...>) {
      struct Info {
        std::array<Storage, n> storage;
        std::array<bool, n> needs_output, fusable;
        std::array<std::size_t, n> out_size;
      };
      return Info{{list_at_t<I, Bound>::storage...},
                  {list_at_t<I, Bound>::needs_output...},
                  {fusable_pair<I, Bound, Specs>()...},
                  {list_at_t<I, Bound>::output::size...}};
    }(std::make_index_sequence<n>{});
    // A layer that fuses the activation after it writes the activation's
    // output in its own pass; the activation's slot is then its slot.
    for (std::size_t i = 0; i + 1 < n; ++i)
      if (info.fusable[i] && !p.absorbed[i]) {
        p.fused[i] = true;
        p.absorbed[i + 1] = true;
      }
    p.slot_size[0] = InShape::size;
    std::size_t cur = 0;
    bool protect = false;  // the current slot holds an output some backward reads
    for (std::size_t i = 0; i < n; ++i) {
      p.in[i] = cur;
      const Storage s = info.storage[i];
      if (s == Storage::view || p.absorbed[i] || (s == Storage::in_place && !protect))
        p.out[i] = cur;
      else
        p.out[i] = p.slots++;
      if (s != Storage::view) {
        protect = info.needs_output[i];
        if (p.first_real == n) p.first_real = i;
      }
      p.slot_size[p.out[i]] = info.out_size[i];
      cur = p.out[i];
    }
  }
  return p;
}

}  // namespace ctnet::detail
