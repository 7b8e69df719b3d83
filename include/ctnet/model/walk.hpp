#pragma once
// The compile-time walk over a layer list: each layer's input shape, its bound
// runtime type, and the first layer (if any) that rejects its input. The walk
// stops at the first rejection, so layers after a bad one are never checked
// and one bug gives one diagnostic.
#include <cstddef>
#include <type_traits>

#include <ctnet/core/diagnostics.hpp>
#include <ctnet/core/layer.hpp>
#include <ctnet/core/type_list.hpp>

namespace ctnet::detail {

inline constexpr std::size_t no_failure = static_cast<std::size_t>(-1);

/// Where the walk stopped: position, layer spec, the shape it was given, why.
template <std::size_t Position, class L, class In>
struct failure_at {
  static constexpr std::size_t position = Position;
  using layer = L;
  using input = In;
  using reason = rejection<L, In>;
};

struct no_failure_t {};

template <std::size_t I, class In, class... Ls>
struct walk {
  static constexpr std::size_t first_bad = no_failure;
  using failure = no_failure_t;
  using bound = type_list<>;
  using output = In;
};

template <std::size_t I, class In, class L, class... Ls>
struct walk_next {
  using bound_layer = typename L::template layer<In>;
  static_assert(BoundLayer<bound_layer>,
                "a layer spec's layer<In> must model ctnet::BoundLayer (core/layer.hpp)");
  using type = walk<I + 1, typename bound_layer::output, Ls...>;
  using bound = typename list_prepend<bound_layer, typename type::bound>::type;
};

struct walk_stopped {
  static constexpr std::size_t first_bad = no_failure;
  using failure = no_failure_t;
  using bound = type_list<>;
  using output = Shape<0>;
};
struct walk_stop_step {
  using type = walk_stopped;
  using bound = type_list<>;
};

template <std::size_t I, class In, class L, class... Ls>
struct walk<I, In, L, Ls...> {
  static_assert(RejectionReason<rejection<L, In>>,
                "a layer spec's check<In> must be why::accepted or a reason type with a "
                "layer_rejects_input member template (core/diagnostics.hpp)");
  static constexpr bool ok = accepts<L, In>;
  using step = std::conditional_t<ok, walk_next<I, In, L, Ls...>, walk_stop_step>;
  using rest = typename step::type;
  static constexpr std::size_t first_bad = ok ? rest::first_bad : I;
  using failure = std::conditional_t<ok, typename rest::failure, failure_at<I, L, In>>;
  using bound = typename step::bound;
  using output = typename rest::output;
};

/// The model's diagnostic as a type: the reason's `layer_rejects_input<...>`
/// for the first bad layer, `no_failure_t` (empty) when there is none. Sequential derives
/// from it, so whatever first needs the model as a complete type (`make`,
/// `param_count`, `summary`, a member call) fires the one static_assert, and
/// nothing after re-checks the list.
template <class F>
struct diagnostic {
  using type = typename F::reason::template layer_rejects_input<static_cast<int>(F::position),
                                                                typename F::layer,
                                                                typename F::input>;
};
template <>
struct diagnostic<no_failure_t> {
  using type = no_failure_t;
};
template <class F>
using diagnostic_t = typename diagnostic<F>::type;

}  // namespace ctnet::detail
