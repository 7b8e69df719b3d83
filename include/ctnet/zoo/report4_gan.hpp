#pragma once
// report4-gan-generators.txt: one discriminator, three generators (fully
// connected, Conv2DTranspose, UpSampling2D), MNIST and Fashion-MNIST at
// 28x28x1, and a CIFAR-10 variant at 32x32x3. Training (properties of the
// run): binary cross-entropy, Adam 2e-4 with beta1 0.5, batch 64 or 128,
// 100 epochs, noisy labels for D; inputs scaled to [0, 1] or [-1, 1] (the
// report found the Conv2DTranspose generator works with [0, 1] only and the
// UpSampling2D one with [-1, 1] only, although both end in tanh).
//
// The report gives layer kinds, not sizes, except 32 and 64 filters with
// stride 2 in D and 7x7x128 after G's Dense. Every other size below is a
// choice, written on the alias it belongs to. Common choices: z has 100
// dimensions (the report does not say; the usual MNIST GAN latent);
// LeakyReLU with Keras's default alpha 0.3, as the report says; `same`
// padding wherever a stride-2 layer must halve or double 28 -> 14 -> 7.
#include <cstddef>
#include <type_traits>

#include <ctnet/layers/conv2d.hpp>
#include <ctnet/layers/conv2d_transpose.hpp>
#include <ctnet/layers/dense.hpp>
#include <ctnet/layers/flatten.hpp>
#include <ctnet/layers/input.hpp>
#include <ctnet/layers/leaky_relu.hpp>
#include <ctnet/layers/reshape.hpp>
#include <ctnet/layers/sigmoid.hpp>
#include <ctnet/layers/tanh.hpp>
#include <ctnet/layers/up_sampling2d.hpp>
#include <ctnet/model/sequential.hpp>

namespace ctnet::zoo::report4 {

inline constexpr std::size_t latent_dim = 100;

/// The discriminator: Conv2D(32, 3x3, stride 2, same) LeakyReLU(0.3) ->
/// Conv2D(64, 3x3, stride 2, same) LeakyReLU(0.3) -> Flatten -> Dense(1)
/// sigmoid (28x28x1 -> 14x14x32 -> 7x7x64 -> 3136 -> 1). Kernel 3x3 is the
/// choice (the report gives filters and stride only). Outputs probabilities.
using Discriminator = Sequential<Input<28, 28, 1>,
                                 Conv2D<32, 3, 2, Padding::same>, LeakyReLU<>,
                                 Conv2D<64, 3, 2, Padding::same>, LeakyReLU<>,
                                 Flatten, Dense<1>, Sigmoid>;
static_assert(param_count<Discriminator> == 21'953);

/// Generator (a), fully connected: four Dense layers with LeakyReLU, the last
/// of 28*28*64 units reshaped to 64 feature maps of 28x28, then one
/// Conv2D(1, 3x3, same) with tanh to the image. The three hidden widths are
/// the choice, Width each (128 by default: the 50,176-unit last layer already
/// holds 6.47 M of the 6.52 M parameters, and its size grows with Width); the conv's 3x3 kernel is too.
template <std::size_t Width = 128>
using DenseGeneratorW = Sequential<Input<latent_dim>,
                                   Dense<Width>, LeakyReLU<>, Dense<Width>, LeakyReLU<>,
                                   Dense<Width>, LeakyReLU<>, Dense<28 * 28 * 64>, LeakyReLU<>,
                                   Reshape<28, 28, 64>,
                                   Conv2D<1, 3, 1, Padding::same>, Tanh>;
using DenseGenerator = DenseGeneratorW<>;
static_assert(param_count<DenseGenerator> == 6'519'233);

/// Generator (b), transposed convolutions: Dense(7*7*128) LeakyReLU ->
/// Reshape(7, 7, 128) -> Conv2DTranspose(128, 4x4, stride 2, same) LeakyReLU
/// (14x14x128) -> Conv2DTranspose(1, 4x4, stride 2, same) tanh (28x28x1).
/// Kernel 4x4 is the choice (a multiple of the stride, so every output pixel
/// gets the same number of taps: no checkerboard); so is letting the second
/// transposed convolution produce the image itself (the report names two
/// Conv2DTranspose layers and no further convolution).
using TransposeGenerator = Sequential<Input<latent_dim>,
                                      Dense<7 * 7 * 128>, LeakyReLU<>, Reshape<7, 7, 128>,
                                      Conv2DTranspose<128, 4, 2, Padding::same>, LeakyReLU<>,
                                      Conv2DTranspose<1, 4, 2, Padding::same>, Tanh>;
static_assert(param_count<TransposeGenerator> == 897'793);

/// Generator (c), upsampling (the report's best on MNIST): Dense(7*7*128)
/// LeakyReLU -> Reshape(7, 7, 128) -> UpSampling2D(2) -> Conv2D(128, 3x3,
/// same) LeakyReLU (14x14x128) -> UpSampling2D(2) -> Conv2D(1, 3x3, same) tanh
/// (28x28x1). The 128 filters and 3x3 kernels are the choice.
using UpsamplingGenerator = Sequential<Input<latent_dim>,
                                       Dense<7 * 7 * 128>, LeakyReLU<>, Reshape<7, 7, 128>,
                                       UpSampling2D<2>, Conv2D<128, 3, 1, Padding::same>, LeakyReLU<>,
                                       UpSampling2D<2>, Conv2D<1, 3, 1, Padding::same>, Tanh>;
static_assert(param_count<UpsamplingGenerator> == 782'209);

/// The CIFAR-10 generator: three Conv2DTranspose layers 4 -> 8 -> 16 -> 32,
/// as the report says. Dense(4*4*256) LeakyReLU -> Reshape(4, 4, 256) ->
/// Conv2DTranspose(128, 4x4, stride 2, same) LeakyReLU -> Conv2DTranspose(128,
/// 4x4, stride 2, same) LeakyReLU -> Conv2DTranspose(3, 4x4, stride 2, same)
/// tanh -> 32x32x3. The 256 and 128 channels and 4x4 kernels are the choice
/// (generator (b) widened for three colour channels).
using CifarGenerator = Sequential<Input<latent_dim>,
                                  Dense<4 * 4 * 256>, LeakyReLU<>, Reshape<4, 4, 256>,
                                  Conv2DTranspose<128, 4, 2, Padding::same>, LeakyReLU<>,
                                  Conv2DTranspose<128, 4, 2, Padding::same>, LeakyReLU<>,
                                  Conv2DTranspose<3, 4, 2, Padding::same>, Tanh>;
static_assert(param_count<CifarGenerator> == 1'206'531);

/// The CIFAR-10 discriminator: the MNIST one with one more convolution, as
/// the report says: Conv2D(32), Conv2D(64), Conv2D(128), each 3x3 stride 2
/// same with LeakyReLU(0.3) (32 -> 16 -> 8 -> 4), Flatten, Dense(1) sigmoid.
/// The third conv's 128 filters are the choice (doubling, as 32 -> 64).
using CifarDiscriminator = Sequential<Input<32, 32, 3>,
                                      Conv2D<32, 3, 2, Padding::same>, LeakyReLU<>,
                                      Conv2D<64, 3, 2, Padding::same>, LeakyReLU<>,
                                      Conv2D<128, 3, 2, Padding::same>, LeakyReLU<>,
                                      Flatten, Dense<1>, Sigmoid>;
static_assert(param_count<CifarDiscriminator> == 95'297);

static_assert(std::is_same_v<DenseGenerator::output_shape, Discriminator::input_shape>);
static_assert(std::is_same_v<TransposeGenerator::output_shape, Discriminator::input_shape>);
static_assert(std::is_same_v<UpsamplingGenerator::output_shape, Discriminator::input_shape>);
static_assert(std::is_same_v<CifarGenerator::output_shape, CifarDiscriminator::input_shape>);

}  // namespace ctnet::zoo::report4
