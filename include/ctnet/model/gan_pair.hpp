#pragma once
#include <ctnet/core/diagnostics.hpp>

namespace ctnet {

/// A generator and a discriminator as one type. The generator's output shape
/// must be the discriminator's input shape; pairing two that differ fails to
/// compile with `shapes_must_match<pairing::generator_output_is_discriminator_input,
/// <G's output>, <D's input>>` as the diagnostic.
template <class Generator, class Discriminator>
struct GanPair
    : detail::shape_pairing_t<pairing::generator_output_is_discriminator_input,
                              typename Generator::output_shape,
                              typename Discriminator::input_shape> {
  using generator = Generator;
  using discriminator = Discriminator;
  using latent_shape = typename Generator::input_shape;
  using sample_shape = typename Generator::output_shape;
};

}  // namespace ctnet
