#pragma once
// report1-cnn-gan-vae.txt, Part II: the fully connected GAN on MNIST (inputs
// scaled to [-1, 1]; sigmoid cross-entropy on logits, real labels smoothed to
// 0.9, Adam for G and D separately; 100 epochs).
#include <cstddef>
#include <type_traits>

#include <ctnet/layers/dense.hpp>
#include <ctnet/layers/flatten.hpp>
#include <ctnet/layers/input.hpp>
#include <ctnet/layers/leaky_relu.hpp>
#include <ctnet/layers/reshape.hpp>
#include <ctnet/layers/tanh.hpp>
#include <ctnet/model/sequential.hpp>

namespace ctnet::zoo::report1 {

/// The MLP GAN's generator: z(100) -> Dense(128) LeakyReLU(0.01) ->
/// Dense(784) tanh -> 28x28x1 (the Reshape costs nothing; it gives the
/// discriminator its image shape). Keras: 114,064 parameters.
using GanGenerator = Sequential<Input<100>, Dense<128>, LeakyReLU<0.01f>, Dense<784>, Tanh,
                                Reshape<28, 28, 1>>;
static_assert(param_count<GanGenerator> == 114'064);

/// The MLP GAN's discriminator: 28x28x1 -> Flatten -> Dense(128)
/// LeakyReLU(0.01) -> Dense(1). Outputs a logit: the sigmoid is in the loss
/// (sigmoid cross-entropy on logits). Keras: 100,609 parameters.
using GanDiscriminator = Sequential<Input<28, 28, 1>, Flatten, Dense<128>, LeakyReLU<0.01f>,
                                    Dense<1>>;
static_assert(param_count<GanDiscriminator> == 100'609);
static_assert(std::is_same_v<GanGenerator::output_shape, GanDiscriminator::input_shape>);

}  // namespace ctnet::zoo::report1
