#pragma once
// The wording of every compile-time diagnostic. A layer that cannot take its
// input names a reason type from `why`; the model then instantiates
// `layer_rejects_input<Position, Layer, InputShape, Reason>` once, for the
// first bad layer only (model/walk.hpp, as a base of Sequential), so after
// g++'s "In file included from" trace the first line reads e.g.
//   diagnostics.hpp: In instantiation of 'struct ctnet::layer_rejects_input<2,
//     ctnet::Reshape<7, 7, 128>, ctnet::Shape<6000>, ctnet::why::element_count_differs>'
// followed by one "error: static assertion failed: <reason in words>".
//
// Position counts from 0 and leaves `Input` out: in
// `Sequential<Input<100>, Dense<6000>, ReLU, Reshape<7, 7, 128>>` the Reshape
// is layer 2. That is the index of `Net::layer<I>()`, of `Net::spec_at<I>` and
// of Keras's `model.layers[I]`, so the number in the error is the one to type
// when looking the layer up. Every message ends with a legend saying so.
//
// Tests: tests/compile_fail/ matches g++'s output against these words.
#include <cstddef>
#include <type_traits>

namespace ctnet {

/// Why a layer rejects its input shape (see `layer_rejects_input`).
namespace why {
struct accepted {};
/// Dense takes a rank-1 input: put Flatten before it.
struct needs_flat_input {};
/// Conv2D, MaxPool2D and friends take an H x W x C input.
struct needs_image_input {};
/// With valid padding the kernel or pool window must fit in the input.
struct window_larger_than_input {};
/// Reshape must keep the number of elements.
struct element_count_differs {};
/// Two shapes that must agree (a generator's output and a discriminator's
/// input, an encoder's latent and a decoder's input) do not.
struct shapes_differ {};
/// Spatial sizes differ where channels are concatenated.
struct spatial_sizes_differ {};
}  // namespace why

template <class>
inline constexpr bool dependent_false = false;

// The legend every message ends with, so that the numbers on the first line
// need no manual.
#define CTNET_REJECTS_LEGEND \
  " [layer_rejects_input<position from 0 after Input, layer, its input shape, why>]"

/// Instantiated only for the first layer that rejects its input; its name is
/// the diagnostic (Position counts from 0 after `Input`). Empty otherwise, so
/// that the model deriving from it stays a complete type after the error and
/// no second error follows.
template <std::size_t Position, class Layer, class InputShape, class Reason>
struct layer_rejects_input {
  static_assert(dependent_false<Reason>,
                "this layer cannot take the shape before it" CTNET_REJECTS_LEGEND);
};
template <std::size_t Position, class Layer, class InputShape>
struct layer_rejects_input<Position, Layer, InputShape, why::needs_flat_input> {
  // g++ adds "the comparison reduces to '(3 == 1)'": the input's rank.
  static_assert(InputShape::rank == 1 && dependent_false<Layer>,
                "this layer takes a rank-1 input: put Flatten before it" CTNET_REJECTS_LEGEND);
};
template <std::size_t Position, class Layer, class InputShape>
struct layer_rejects_input<Position, Layer, InputShape, why::needs_image_input> {
  static_assert(InputShape::rank == 3 && dependent_false<Layer>,
                "this layer takes an H x W x C input" CTNET_REJECTS_LEGEND);
};
template <std::size_t Position, class Layer, class InputShape>
struct layer_rejects_input<Position, Layer, InputShape, why::window_larger_than_input> {
  static_assert(dependent_false<Layer>,
                "the kernel or pool window is larger than the input (valid padding; "
                "Padding::same keeps the size)" CTNET_REJECTS_LEGEND);
};
template <std::size_t Position, class Layer, class InputShape>
struct layer_rejects_input<Position, Layer, InputShape, why::element_count_differs> {
  // g++ adds "the comparison reduces to '(6000 == 6272)'": input vs target
  // element counts. A layer giving this reason must be bindable to the input
  // it rejects (Reshape's view is), or this would add a second error.
  static constexpr std::size_t target = Layer::template layer<InputShape>::output::size;
  static_assert(InputShape::size == target && dependent_false<Layer>,
                "Reshape's target holds a different number of elements than its input"
                CTNET_REJECTS_LEGEND);
};

#undef CTNET_REJECTS_LEGEND

/// What a pairing of two networks requires (the first argument of
/// `shapes_must_match`).
namespace pairing {
struct generator_output_is_discriminator_input {};
struct encoder_latent_is_decoder_input {};
struct decoder_output_is_encoder_input {};
struct mean_and_log_var_heads_agree {};
}  // namespace pairing

/// Instantiated when two networks are paired whose shapes must agree; its
/// name is the diagnostic: `shapes_must_match<pairing::generator_output_is_
/// discriminator_input, Shape<784>, Shape<28, 28, 1>>`.
template <class What, class LeftShape, class RightShape>
struct shapes_must_match {
  static_assert(dependent_false<What>, "the two networks' shapes must be equal");
};

namespace detail {
struct shapes_match {};
/// Empty when the shapes agree, else the diagnostic.
template <class What, class Left, class Right>
using shape_pairing_t =
    std::conditional_t<std::is_same_v<Left, Right>, shapes_match, shapes_must_match<What, Left, Right>>;
/// Two checks in turn: `Check` when it fails, else `Next`. Only the first
/// failing check becomes a base, so one bug gives one error.
template <class Check, class Next>
using then_check_t = std::conditional_t<std::is_same_v<Check, shapes_match>, Next, Check>;
/// Base I of a class with several pairing checks (distinct types, so that
/// two checks that pass are not the same base twice).
template <std::size_t I, class Check>
struct check_slot : Check {};
}  // namespace detail

}  // namespace ctnet
