#pragma once
#include <ctnet/core/diagnostics.hpp>
#include <ctnet/model/composite.hpp>

namespace ctnet {

namespace pairing {
/// A conditional generator needs a discriminator taking the same condition.
struct generator_condition_is_discriminator_condition {};
}  // namespace pairing

namespace detail {
/// The shape of a network's conditioning input; `no_condition` for plain ones.
struct no_condition {};
template <class Net>
struct condition_of {
  using type = no_condition;
};
template <class Net>
  requires requires { typename Net::condition_shape; }
struct condition_of<Net> {
  using type = typename Net::condition_shape;
};
}  // namespace detail

/// A generator and a discriminator as one type. The generator's output shape
/// must be the discriminator's input shape; pairing two that differ fails to
/// compile with `shapes_must_match<pairing::generator_output_is_discriminator_input,
/// <G's output>, <D's input>>` as the diagnostic. For a conditional GAN (both
/// networks `Concat`s) the conditions must agree too.
template <Network Generator, Network Discriminator>
struct GanPair
    : detail::check_slot<
          0, detail::then_check_t<
                 detail::shape_pairing_t<pairing::generator_output_is_discriminator_input,
                                         typename Generator::output_shape,
                                         typename Discriminator::input_shape>,
                 detail::shape_pairing_t<pairing::generator_condition_is_discriminator_condition,
                                         typename detail::condition_of<Generator>::type,
                                         typename detail::condition_of<Discriminator>::type>>> {
  using generator = Generator;
  using discriminator = Discriminator;
  using latent_shape = typename Generator::input_shape;
  using sample_shape = typename Generator::output_shape;
};

}  // namespace ctnet
