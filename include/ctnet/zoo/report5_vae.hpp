#pragma once
// report5-gan-convvae.txt, section 3: the convolutional VAE whose Keras
// summaries the report prints (encoder 69,076 parameters, decoder 65,089).
// It is Keras's `vae` example (2-D latent, batch 128, Adam with Keras's
// defaults), on images in [0, 1].
#include <cstddef>

#include <ctnet/layers/conv2d.hpp>
#include <ctnet/layers/conv2d_transpose.hpp>
#include <ctnet/layers/dense.hpp>
#include <ctnet/layers/flatten.hpp>
#include <ctnet/layers/input.hpp>
#include <ctnet/layers/relu.hpp>
#include <ctnet/layers/reshape.hpp>
#include <ctnet/layers/sigmoid.hpp>
#include <ctnet/model/sequential.hpp>
#include <ctnet/model/two_heads.hpp>
#include <ctnet/model/vae.hpp>

namespace ctnet::zoo::report5 {

/// Latent dimensions of the conv VAE.
inline constexpr std::size_t vae_latent_dim = 2;

/// The encoder's shared part: Conv2D(32, 3x3, stride 2, same) ReLU ->
/// Conv2D(64, 3x3, stride 2, same) ReLU -> Flatten -> Dense(16) ReLU
/// (28x28x1 -> 14x14x32 -> 7x7x64 -> 3136 -> 16).
using VaeEncoderBody = Sequential<Input<28, 28, 1>, Conv2D<32, 3, 2, Padding::same>, ReLU,
                                  Conv2D<64, 3, 2, Padding::same>, ReLU, Flatten, Dense<16>,
                                  ReLU>;
/// The encoder: the body, then z_mean = Dense(2) and z_log_var = Dense(2).
/// Keras: 69,076 parameters.
using VaeEncoder = TwoHeads<VaeEncoderBody, Head<VaeEncoderBody, Dense<vae_latent_dim>>,
                            Head<VaeEncoderBody, Dense<vae_latent_dim>>>;
static_assert(param_count<VaeEncoder> == 69'076);

/// The decoder: Dense(7*7*64) ReLU -> Reshape(7, 7, 64) ->
/// Conv2DTranspose(64, 3x3, stride 2, same) ReLU -> (14x14x64)
/// Conv2DTranspose(32, 3x3, stride 2, same) ReLU -> (28x28x32)
/// Conv2DTranspose(1, 3x3, same) sigmoid -> 28x28x1. Keras: 65,089 parameters.
using VaeDecoder = Sequential<Input<vae_latent_dim>, Dense<7 * 7 * 64>, ReLU, Reshape<7, 7, 64>,
                              Conv2DTranspose<64, 3, 2, Padding::same>, ReLU,
                              Conv2DTranspose<32, 3, 2, Padding::same>, ReLU,
                              Conv2DTranspose<1, 3, 1, Padding::same>, Sigmoid>;
static_assert(param_count<VaeDecoder> == 65'089);

using ConvVae = Vae<VaeEncoder, VaeDecoder>;

}  // namespace ctnet::zoo::report5
