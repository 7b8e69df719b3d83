#pragma once
// Input<D...>: the first element of a Sequential, naming the per-sample shape.
#include <cstddef>

#include <ctnet/core/shape.hpp>

namespace ctnet {

/// The network's input: `Input<28, 28, 1>` for images (H, W, C), `Input<100>`
/// for vectors. Keras: `keras.Input(shape=(28, 28, 1))`. Not a layer.
template <std::size_t... D>
struct Input {
  using shape = Shape<D...>;
};

namespace detail {
template <class S>
struct input_of;
template <std::size_t... D>
struct input_of<Shape<D...>> {
  using type = Input<D...>;
};
}  // namespace detail

/// The Input naming a shape: `InputOf<Shape<28, 28, 1>>` is `Input<28, 28, 1>`.
template <class S>
using InputOf = typename detail::input_of<S>::type;

}  // namespace ctnet
