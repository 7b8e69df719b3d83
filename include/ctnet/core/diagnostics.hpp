#pragma once
// The wording of every compile-time diagnostic. A layer that cannot take its
// input names a reason type; the reason carries its own diagnostic, a member
// template `layer_rejects_input<Position, Layer, InputShape>` whose
// static_assert is the error. The model instantiates it once, for the first
// bad layer only (model/walk.hpp, as a base of Sequential), so the first
// error line names position, layer and shape under both compilers:
//   g++:   In instantiation of 'struct ctnet::why::needs_flat_input::
//          layer_rejects_input<2, ctnet::Dense<10>, ctnet::Shape<26, 26, 8> >'
//   clang: error: static assertion failed due to requirement
//          'ctnet::layer_accepts_input<2, ctnet::Dense<10>, ctnet::Shape<26, 26, 8>>'
// followed by the reason in words.
//
// A new layer with a reason of its own declares it in its own header, in the
// same form (see `why::needs_flat_input` below): nothing here changes.
//
// Position counts from 0 and leaves `Input` out: in
// `Sequential<Input<100>, Dense<6000>, ReLU, Reshape<7, 7, 128>>` the Reshape
// is layer 2. That is the index of `Net::layer<I>()`, of `Net::spec_at<I>` and
// of Keras's `model.layers[I]`, so the number in the error is the one to type
// when looking the layer up. Every message ends with a legend saying so.
//
// Tests: tests/compile_fail/ matches both compilers' output against these words.
#include <cstddef>
#include <type_traits>

namespace ctnet {

template <class>
inline constexpr bool dependent_false = false;

/// False for every argument: the condition of a reason's static_assert, so
/// that clang's "static assertion failed due to requirement '...'" names the
/// position (from 0 after Input), the layer and its input shape.
template <int Position, class Layer, class InputShape>
inline constexpr bool layer_accepts_input = false;

/// The legend every message ends with, so that the numbers on the first line
/// need no manual.
#define CTNET_REJECTS_LEGEND \
  " [layer_rejects_input<position from 0 after Input, layer, its input shape>]"

/// Why a layer rejects its input shape. Each reason is a type whose member
/// template `layer_rejects_input<Position, Layer, InputShape>` is its diagnostic.
namespace why {
struct accepted {};

/// Dense and Softmax take a rank-1 input: put Flatten before them.
struct needs_flat_input {
  template <int Position, class Layer, class InputShape>
  struct layer_rejects_input {
    static_assert(layer_accepts_input<Position, Layer, InputShape>,
                  "this layer takes a rank-1 input: put Flatten before it" CTNET_REJECTS_LEGEND);
  };
};
/// Conv2D, pooling and friends take an H x W x C input.
struct needs_image_input {
  template <int Position, class Layer, class InputShape>
  struct layer_rejects_input {
    static_assert(layer_accepts_input<Position, Layer, InputShape>,
                  "this layer takes an H x W x C input" CTNET_REJECTS_LEGEND);
  };
};
/// Conv1D and the 1-D pooling layers take a steps x channels input.
struct needs_sequence_input {
  template <int Position, class Layer, class InputShape>
  struct layer_rejects_input {
    static_assert(layer_accepts_input<Position, Layer, InputShape>,
                  "this layer takes a steps x channels input" CTNET_REJECTS_LEGEND);
  };
};
/// With valid padding the kernel or pool window must fit in the input.
struct window_larger_than_input {
  template <int Position, class Layer, class InputShape>
  struct layer_rejects_input {
    static_assert(layer_accepts_input<Position, Layer, InputShape>,
                  "the kernel or pool window is larger than the input (valid padding; "
                  "Padding::same keeps the size)" CTNET_REJECTS_LEGEND);
  };
};
/// Reshape must keep the number of elements.
struct element_count_differs {
  template <int Position, class Layer, class InputShape>
  struct layer_rejects_input {
    static_assert(layer_accepts_input<Position, Layer, InputShape>,
                  "Reshape's target holds a different number of elements than its input"
                  CTNET_REJECTS_LEGEND);
  };
};
}  // namespace why

/// A reason type: `why::accepted`, or a type with the member template
/// `layer_rejects_input<Position, Layer, InputShape>`.
template <class R>
concept RejectionReason =
    std::is_same_v<R, why::accepted> ||
    requires { typename R::template layer_rejects_input<0, void, void>; };

/// What a pairing of two networks requires (the first argument of
/// `shapes_must_match`).
namespace pairing {
struct generator_output_is_discriminator_input {};
struct encoder_latent_is_decoder_input {};
struct decoder_output_is_encoder_input {};
struct mean_and_log_var_heads_agree {};
}  // namespace pairing

/// False for every argument: the condition of `shapes_must_match`'s
/// static_assert, so that clang's first line names both shapes too.
template <class What, class LeftShape, class RightShape>
inline constexpr bool shapes_are_equal = false;

/// Instantiated when two networks are paired whose shapes must agree; its
/// name is the diagnostic: `shapes_must_match<pairing::generator_output_is_
/// discriminator_input, Shape<784>, Shape<28, 28, 1>>`.
template <class What, class LeftShape, class RightShape>
struct shapes_must_match {
  static_assert(shapes_are_equal<What, LeftShape, RightShape>,
                "the two networks' shapes must be equal");
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
