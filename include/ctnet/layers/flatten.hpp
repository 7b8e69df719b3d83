#pragma once
#include <string>

#include <ctnet/layers/view_layer.hpp>

namespace ctnet {

/// H x W x C (or any shape) -> a vector of H*W*C, in channels-last order.
/// Keras: `layers.Flatten()`. Costs nothing at run time.
struct Flatten {
  static constexpr const char* keras_class = "Flatten";
  static constexpr const char* keras_name = "flatten";
  static std::string name() { return "Flatten"; }
  template <class In>
  using check = why::accepted;
  template <class In>
  using layer = ViewLayer<In, Shape<In::size>>;
};

}  // namespace ctnet
