#pragma once
// report3-dcgan-cgan-pca.txt, section 2: the DCGAN swept over capacity F,
// discriminator depth D and batch size B (F, D in {1, 2, 3}; B in {32, 64,
// 128}; Adam 0.002; 20-25 epochs; z is 100-dimensional N(0, 1), as the
// report says). The report describes layer kinds and their order, not sizes;
// the sizes below are the choice, written on each alias. F multiplies every
// channel count (and the width of G's second Dense, which is channels x 7 x
// 7); D counts the discriminator's convolution blocks after the first one.
// Convolutions and Dense layers followed by BatchNorm have no bias (BN's beta
// takes its place; Keras would count one more parameter per unit otherwise).
#include <cstddef>
#include <type_traits>

#include <ctnet/core/type_list.hpp>
#include <ctnet/layers/batch_norm.hpp>
#include <ctnet/layers/conv2d.hpp>
#include <ctnet/layers/dense.hpp>
#include <ctnet/layers/elu.hpp>
#include <ctnet/layers/flatten.hpp>
#include <ctnet/layers/input.hpp>
#include <ctnet/layers/max_pool2d.hpp>
#include <ctnet/layers/relu.hpp>
#include <ctnet/layers/reshape.hpp>
#include <ctnet/layers/sigmoid.hpp>
#include <ctnet/layers/tanh.hpp>
#include <ctnet/layers/up_sampling2d.hpp>
#include <ctnet/model/sequential.hpp>

namespace ctnet::zoo::report3 {

namespace detail {
template <class... Lists>
struct concat;
template <class... A>
struct concat<type_list<A...>> {
  using type = type_list<A...>;
};
template <class... A, class... B, class... Rest>
struct concat<type_list<A...>, type_list<B...>, Rest...> : concat<type_list<A..., B...>, Rest...> {};

template <std::size_t N, class Block>
struct repeat {
  using type = typename concat<Block, typename repeat<N - 1, Block>::type>::type;
};
template <class Block>
struct repeat<0, Block> {
  using type = type_list<>;
};
}  // namespace detail

inline constexpr std::size_t latent_dim = 100;

/// BatchNorm, or with `Virtual` VirtualBatchNorm (Keras's defaults either way).
template <bool Virtual>
using Norm = BatchNorm<true, true, 0.99f, 1e-3f, Virtual>;

/// The generator with capacity F: z(100) -> Dense(1024) BN ReLU ->
/// Dense(7*7*128F) BN ReLU -> Reshape(7, 7, 128F) -> UpSampling2D(2) ->
/// Conv2D(64F, 5x5, same) BN ReLU -> UpSampling2D(2) -> Conv2D(1, 5x5, same)
/// tanh -> 28x28x1. The 1024 units, 128 and 64 channels and 5x5 kernels are
/// the choice (the Keras DCGAN for MNIST the report's figure follows).
/// `Inputs` is the size of G's input: 100, or 110 for the conditional GAN's
/// noise and one-hot label. `Virtual` makes every BatchNorm a
/// VirtualBatchNorm (the report's "virtual batch normalisation": each batch's
/// statistics from a random half of it).
template <std::size_t F = 1, std::size_t Inputs = latent_dim, bool Virtual = false>
using Generator = Sequential<Input<Inputs>,
                             Dense<1024, false>, Norm<Virtual>, ReLU,
                             Dense<7 * 7 * 128 * F, false>, Norm<Virtual>, ReLU,
                             Reshape<7, 7, 128 * F>,
                             UpSampling2D<2>, Conv2D<64 * F, 5, 1, Padding::same, false>, Norm<Virtual>, ReLU,
                             UpSampling2D<2>, Conv2D<1, 5, 1, Padding::same>, Tanh>;
static_assert(param_count<Generator<1>> == 6'760'769);
static_assert(trainable_param_count<Generator<1>> == 6'746'049);
static_assert(param_count<Generator<2>> == 13'824'641);

/// The discriminator with capacity F and depth D: Conv2D(64F, 5x5, stride 2,
/// same) BN ELU -> Conv2D(128F, 5x5, stride 2, same) BN ELU -> (D - 1) more
/// blocks of Conv2D(128F, 3x3, same) BN ELU -> MaxPool2D(2) -> Flatten ->
/// Dense(1) sigmoid (28 -> 14 -> 7 -> 3). Filters, kernels, strides and the
/// extra blocks' form are the choice; ELU with alpha 1 (Keras's default).
/// Outputs probabilities. `Channels` is 2 in the conditional GAN (the image
/// and its label's plane). `Virtual` as in Generator.
template <std::size_t F = 1, std::size_t D = 1, std::size_t Channels = 1, bool Virtual = false>
using Discriminator = typename list_apply<
    Sequential,
    typename detail::concat<
        type_list<Input<28, 28, Channels>,
                  Conv2D<64 * F, 5, 2, Padding::same, false>, Norm<Virtual>, ELU<>,
                  Conv2D<128 * F, 5, 2, Padding::same, false>, Norm<Virtual>, ELU<>>,
        typename detail::repeat<D - 1, type_list<Conv2D<128 * F, 3, 1, Padding::same, false>,
                                                 Norm<Virtual>, ELU<>>>::type,
        type_list<MaxPool2D<2>, Flatten, Dense<1>, Sigmoid>>::type>::type;
static_assert(param_count<Discriminator<1, 1>> == 208'321);
static_assert(trainable_param_count<Discriminator<1, 1>> == 207'937);
static_assert(param_count<Discriminator<1, 2>> == 356'289);
static_assert(param_count<Discriminator<1, 3>> == 504'257);
static_assert(param_count<Discriminator<2, 1>> == 826'241);
static_assert(std::is_same_v<Generator<2>::output_shape, Discriminator<2, 3>::input_shape>);
static_assert(param_count<Generator<1, latent_dim, true>> == param_count<Generator<1>>);
static_assert(param_count<Discriminator<1, 1, 1, true>> == param_count<Discriminator<1, 1>>);

}  // namespace ctnet::zoo::report3
