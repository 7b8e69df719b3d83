#pragma once
#include <cstddef>
#include <string>

#include <fmt/format.h>

#include <ctnet/layers/view_layer.hpp>

namespace ctnet {

/// Any shape -> Shape<D...> with the same number of elements. Keras:
/// `layers.Reshape((7, 7, 128))`. Costs nothing at run time.
template <std::size_t... D>
struct Reshape {
  static constexpr const char* keras_class = "Reshape";
  static constexpr const char* keras_name = "reshape";
  static std::string name() {
    std::string s = "Reshape<";
    bool first = true;
    ((s += fmt::format("{}{}", first ? "" : ", ", D), first = false), ...);
    return s + ">";
  }
  template <class In>
  using check = std::conditional_t<In::size == Shape<D...>::size, why::accepted,
                                   why::element_count_differs>;
  template <class In>
  using layer = ViewLayer<In, Shape<D...>>;
};

}  // namespace ctnet
