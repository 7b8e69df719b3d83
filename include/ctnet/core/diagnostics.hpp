#pragma once
// The wording of every compile-time diagnostic. A layer that cannot take its
// input names a reason type from `why`; the model then instantiates
// `layer_rejects_input<Position, Layer, InputShape, Reason>` once, for the
// first bad layer only, so g++'s first line reads e.g.
//   In instantiation of 'struct ctnet::layer_rejects_input<2,
//     ctnet::Reshape<7, 7, 128>, ctnet::Shape<6000>, ctnet::why::element_count_differs>'
#include <cstddef>

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

/// Instantiated only for the first layer that rejects its input; its name is
/// the diagnostic (position counts from 0 after `Input`).
template <std::size_t Position, class Layer, class InputShape, class Reason>
struct layer_rejects_input {
  static_assert(dependent_false<Layer>, "this layer cannot take the shape before it");
  static constexpr bool value = false;
};
template <std::size_t Position, class Layer, class InputShape>
struct layer_rejects_input<Position, Layer, InputShape, why::needs_flat_input> {
  static_assert(dependent_false<Layer>,
                "Dense takes a rank-1 input: put Flatten before it");
  static constexpr bool value = false;
};
template <std::size_t Position, class Layer, class InputShape>
struct layer_rejects_input<Position, Layer, InputShape, why::needs_image_input> {
  static_assert(dependent_false<Layer>, "this layer takes an H x W x C input");
  static constexpr bool value = false;
};
template <std::size_t Position, class Layer, class InputShape>
struct layer_rejects_input<Position, Layer, InputShape, why::window_larger_than_input> {
  static_assert(dependent_false<Layer>,
                "the kernel or pool window is larger than the input (valid padding)");
  static constexpr bool value = false;
};
template <std::size_t Position, class Layer, class InputShape>
struct layer_rejects_input<Position, Layer, InputShape, why::element_count_differs> {
  static_assert(dependent_false<Layer>,
                "Reshape's target holds a different number of elements than its input");
  static constexpr bool value = false;
};

/// Instantiated when two networks are paired whose shapes must agree.
template <class What, class LeftShape, class RightShape, class Reason = why::shapes_differ>
struct shapes_must_match {
  static_assert(dependent_false<What>, "the two shapes must be equal");
  static constexpr bool value = false;
};

}  // namespace ctnet
