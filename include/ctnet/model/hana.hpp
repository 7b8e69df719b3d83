#pragma once
// Opt-in: a network's layer list as a Boost.Hana sequence, for users who
// write their metaprograms with Hana. ctnet itself walks its lists with its own
// folds (core/type_list.hpp): see docs/design.md for why.
//
//     hana::for_each(ctnet::layer_types<Net>, [](auto t) { puts(decltype(t)::type::name().c_str()); });
//     ctnet::for_each_layer(net, [](auto& layer) { ... });   // the bound layers, in order
#include <cstddef>
#include <utility>

#include <boost/hana/for_each.hpp>
#include <boost/hana/range.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>

#include <ctnet/core/type_list.hpp>

namespace ctnet {

namespace detail {
template <class... Ls>
constexpr auto hana_types(type_list<Ls...>) {
  return boost::hana::tuple_t<Ls...>;
}
}  // namespace detail

/// The layer specs of `Net` (after Input) as a `hana::tuple` of `hana::type`s.
template <class Net>
constexpr auto layer_types = detail::hana_types(typename Net::specs{});

/// The bound layer types of `Net` (specs bound to their input shapes).
template <class Net>
constexpr auto bound_layer_types = detail::hana_types(typename Net::bound{});

/// Calls f(layer) for each bound layer of `net`, in order, through hana::for_each.
template <class Net, class F>
void for_each_layer(Net& net, F&& f) {
  boost::hana::for_each(boost::hana::make_range(boost::hana::size_c<0>, boost::hana::size_c<Net::depth>),
                        [&](auto i) { f(net.template layer<decltype(i)::value>()); });
}

}  // namespace ctnet
