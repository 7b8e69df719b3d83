#pragma once
// The network and optimizer the checkpoint fuzz target loads into, and its
// seed maker writes: small, with every kind of parameter a checkpoint holds
// (kernels of rank 4 and 2, biases, BatchNorm's moving statistics).
#include <ctnet/ctnet.hpp>

namespace ctnet::fuzz {

using CheckpointNet = Sequential<Input<6, 6, 1>, Conv2D<3, 3>, BatchNorm<>, ReLU, Flatten, Dense<4>, Softmax>;

}  // namespace ctnet::fuzz
