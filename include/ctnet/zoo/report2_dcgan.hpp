#pragma once
// report2-dcgan.txt: the DCGAN on MNIST in the TensorFlow tutorial's form
// (https://www.tensorflow.org/tutorials/generative/dcgan), which the report
// trains, and the Radford et al. guidelines it discusses as variants.
// Training (properties of the run): Adam 2e-4 with beta1 0.5, batch 128 per
// Radford (the tutorial uses Adam 1e-4 and batch 256), cross-entropy on
// logits, inputs scaled to [-1, 1] for the tanh output.
#include <cstddef>
#include <type_traits>

#include <ctnet/layers/batch_norm.hpp>
#include <ctnet/layers/conv2d.hpp>
#include <ctnet/layers/conv2d_transpose.hpp>
#include <ctnet/layers/dense.hpp>
#include <ctnet/layers/dropout.hpp>
#include <ctnet/layers/flatten.hpp>
#include <ctnet/layers/input.hpp>
#include <ctnet/layers/leaky_relu.hpp>
#include <ctnet/layers/relu.hpp>
#include <ctnet/layers/reshape.hpp>
#include <ctnet/layers/tanh.hpp>
#include <ctnet/model/sequential.hpp>

namespace ctnet::zoo::report2 {

inline constexpr std::size_t latent_dim = 100;

/// The tutorial's generator: z(100) -> Dense(7*7*256, no bias) BN LeakyReLU
/// -> Reshape(7, 7, 256) -> Conv2DTranspose(128, 5x5, stride 1, same, no bias)
/// BN LeakyReLU -> Conv2DTranspose(64, 5x5, stride 2, same, no bias) BN
/// LeakyReLU -> Conv2DTranspose(1, 5x5, stride 2, same, no bias) tanh ->
/// 28x28x1. LeakyReLU with Keras's default alpha 0.3, as the tutorial writes
/// `layers.LeakyReLU()`; BatchNorm with Keras's defaults (momentum 0.99,
/// epsilon 1e-3). Keras: 2,330,944 parameters, 2,305,472 trainable (the
/// moving means and variances of the three BatchNorms, 25,472, are not).
using Generator = Sequential<Input<latent_dim>,
                             Dense<7 * 7 * 256, false>, BatchNorm<>, LeakyReLU<>,
                             Reshape<7, 7, 256>,
                             Conv2DTranspose<128, 5, 1, Padding::same, false>, BatchNorm<>, LeakyReLU<>,
                             Conv2DTranspose<64, 5, 2, Padding::same, false>, BatchNorm<>, LeakyReLU<>,
                             Conv2DTranspose<1, 5, 2, Padding::same, false>, Tanh>;
static_assert(param_count<Generator> == 2'330'944);
static_assert(trainable_param_count<Generator> == 2'305'472);

/// The tutorial's discriminator: Conv2D(64, 5x5, stride 2, same) LeakyReLU
/// Dropout(0.3) -> Conv2D(128, 5x5, stride 2, same) LeakyReLU Dropout(0.3) ->
/// Flatten -> Dense(1). Outputs a logit (positive for real); LeakyReLU alpha
/// 0.3 (Keras's default, as the tutorial). Keras: 212,865 parameters.
using Discriminator = Sequential<Input<28, 28, 1>,
                                 Conv2D<64, 5, 2, Padding::same>, LeakyReLU<>, Dropout<0.3f>,
                                 Conv2D<128, 5, 2, Padding::same>, LeakyReLU<>, Dropout<0.3f>,
                                 Flatten, Dense<1>>;
static_assert(param_count<Discriminator> == 212'865);
static_assert(std::is_same_v<Generator::output_shape, Discriminator::input_shape>);

/// Radford et al.'s guidelines on the tutorial's generator: ReLU instead of
/// LeakyReLU, everything else as `Generator` (BN on every layer but the
/// output). Affine = false drops BatchNorm's scale and bias (Keras
/// center=False, scale=False), which the report's section on the conditional
/// nearest-neighbour evaluation found better. Train with Init::normal_002.
template <bool Affine = true>
using RadfordGenerator =
    Sequential<Input<latent_dim>,
               Dense<7 * 7 * 256, false>, BatchNorm<Affine, Affine>, ReLU, Reshape<7, 7, 256>,
               Conv2DTranspose<128, 5, 1, Padding::same, false>, BatchNorm<Affine, Affine>, ReLU,
               Conv2DTranspose<64, 5, 2, Padding::same, false>, BatchNorm<Affine, Affine>, ReLU,
               Conv2DTranspose<1, 5, 2, Padding::same, false>, Tanh>;
static_assert(param_count<RadfordGenerator<>> == 2'330'944);
static_assert(trainable_param_count<RadfordGenerator<false>> == 2'305'472 - 25'472);

/// Radford et al.'s guidelines on the tutorial's discriminator: LeakyReLU
/// 0.2, BatchNorm after the second convolution (not on the input layer; that
/// convolution then has no bias, as BN's beta takes its place), the
/// tutorial's Dropout(0.3) kept. Outputs a logit.
template <bool Affine = true>
using RadfordDiscriminator =
    Sequential<Input<28, 28, 1>,
               Conv2D<64, 5, 2, Padding::same>, LeakyReLU<0.2f>, Dropout<0.3f>,
               Conv2D<128, 5, 2, Padding::same, false>, BatchNorm<Affine, Affine>, LeakyReLU<0.2f>,
               Dropout<0.3f>, Flatten, Dense<1>>;
static_assert(param_count<RadfordDiscriminator<>> == 212'865 - 128 + 4 * 128);

}  // namespace ctnet::zoo::report2
