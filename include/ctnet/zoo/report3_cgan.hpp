#pragma once
// report3-dcgan-cgan-pca.txt, section 3: the class-conditional GAN. It is the
// report's DCGAN (zoo/report3_dcgan.hpp, capacity F, discriminator depth D)
// with the label added: G's input is the noise concatenated with the one-hot
// label; in D the label goes through Dense(784), is reshaped to 28x28x1 and
// concatenated to the image as a second channel. Training (a property of the
// run): Adam 1e-4 for G and D, label smoothing as an option, 20-25 epochs.
#include <cstddef>

#include <ctnet/layers/dense.hpp>
#include <ctnet/layers/input.hpp>
#include <ctnet/layers/reshape.hpp>
#include <ctnet/model/concat.hpp>
#include <ctnet/model/gan_pair.hpp>
#include <ctnet/model/sequential.hpp>
#include <ctnet/zoo/report3_dcgan.hpp>

namespace ctnet::zoo::report3 {

inline constexpr std::size_t classes = 10;

/// The conditional generator: [z(100), one-hot(10)] -> the DCGAN generator
/// with capacity F (its first Dense takes 110 inputs) -> 28x28x1 in [-1, 1].
template <std::size_t F = 1>
using ConditionalGenerator =
    Concat<Through<latent_dim>, Through<classes>, Generator<F, latent_dim + classes>>;
static_assert(param_count<ConditionalGenerator<1>> == param_count<Generator<1>> + 10 * 1024);

/// The label's branch in D: one-hot(10) -> Dense(784) -> Reshape(28, 28, 1)
/// (no activation: the report names none).
using LabelPlane = Sequential<Input<classes>, Dense<28 * 28>, Reshape<28, 28, 1>>;

/// The conditional discriminator: [image 28x28x1, label plane 28x28x1] ->
/// 28x28x2 -> the DCGAN discriminator with capacity F and depth D.
template <std::size_t F = 1, std::size_t D = 1>
using ConditionalDiscriminator =
    Concat<Through<28, 28, 1>, LabelPlane, Discriminator<F, D, 2>>;
static_assert(param_count<ConditionalDiscriminator<1, 1>> ==
              param_count<Discriminator<1, 1>> + 5 * 5 * 64 + 10 * 784 + 784);

static_assert(sizeof(GanPair<ConditionalGenerator<1>, ConditionalDiscriminator<1, 1>>) > 0);

}  // namespace ctnet::zoo::report3
