#pragma once
// report1-cnn-gan-vae.txt, Part III: the fully connected VAE with a 2-D latent
// space and a Bernoulli decoder (binary cross-entropy summed over pixels plus
// the KL term; 40 epochs). The report follows Keras's `variational_autoencoder`
// example, whose images are flat 784-vectors in [0, 1]; so are these.
#include <cstddef>

#include <ctnet/layers/dense.hpp>
#include <ctnet/layers/input.hpp>
#include <ctnet/layers/relu.hpp>
#include <ctnet/layers/sigmoid.hpp>
#include <ctnet/model/sequential.hpp>
#include <ctnet/model/two_heads.hpp>
#include <ctnet/model/vae.hpp>

namespace ctnet::zoo::report1 {

/// Latent dimensions of the MLP VAE.
inline constexpr std::size_t vae_latent_dim = 2;

/// The encoder's shared part: 784 -> Dense(256) ReLU.
using VaeEncoderBody = Sequential<Input<784>, Dense<256>, ReLU>;
/// The encoder: the body, then z_mean = Dense(2) and z_log_var = Dense(2) on
/// its output. Keras: 200,960 + 514 + 514 = 201,988 parameters.
using VaeEncoder = TwoHeads<VaeEncoderBody, Head<VaeEncoderBody, Dense<vae_latent_dim>>,
                            Head<VaeEncoderBody, Dense<vae_latent_dim>>>;
static_assert(param_count<VaeEncoder> == 201'988);

/// The decoder: z(2) -> Dense(256) ReLU -> Dense(784) sigmoid (the Bernoulli
/// means of the pixels). Keras: 202,256 parameters.
using VaeDecoder = Sequential<Input<vae_latent_dim>, Dense<256>, ReLU, Dense<784>, Sigmoid>;
static_assert(param_count<VaeDecoder> == 202'256);

using MlpVae = Vae<VaeEncoder, VaeDecoder>;

}  // namespace ctnet::zoo::report1
