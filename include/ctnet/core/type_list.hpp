#pragma once
// The type-list adaptor. ctnet needs only a handful of list operations, all
// written as pack expansions and folds (no recursion deeper than a layer
// list); keeping them here means no other header depends on how lists are
// represented.
#include <cstddef>
#include <type_traits>
#include <utility>

namespace ctnet {

/// A list of types.
template <class... Ts>
struct type_list {
  static constexpr std::size_t size = sizeof...(Ts);
};

namespace detail {
template <std::size_t I, class T>
struct indexed {
  using type = T;
};
template <class Seq, class... Ts>
struct index_base;
template <std::size_t... I, class... Ts>
struct index_base<std::index_sequence<I...>, Ts...> : indexed<I, Ts>... {};
template <std::size_t I, class T>
indexed<I, T> pick(const indexed<I, T>&);
}  // namespace detail

/// The I-th type of a pack, without recursion.
template <std::size_t I, class... Ts>
using nth_type = typename decltype(detail::pick<I>(
    detail::index_base<std::index_sequence_for<Ts...>, Ts...>{}))::type;

/// The I-th type of a type_list.
template <std::size_t I, class List>
struct list_at;
template <std::size_t I, class... Ts>
struct list_at<I, type_list<Ts...>> {
  using type = nth_type<I, Ts...>;
};
template <std::size_t I, class List>
using list_at_t = typename list_at<I, List>::type;

/// Prepend a type to a type_list.
template <class T, class List>
struct list_prepend;
template <class T, class... Ts>
struct list_prepend<T, type_list<Ts...>> {
  using type = type_list<T, Ts...>;
};

/// Apply a template to every element: `list_map_t<std::add_pointer_t, L>`.
template <template <class...> class F, class List>
struct list_apply;
template <template <class...> class F, class... Ts>
struct list_apply<F, type_list<Ts...>> {
  using type = F<Ts...>;
};

}  // namespace ctnet
