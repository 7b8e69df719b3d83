#pragma once
// report1-cnn-gan-vae.txt, Part I: the seven CNN experiments on MNIST
// (Adam 1e-3, cross-entropy, batch 32, inputs in [0, 1]). Parameter counts
// are Keras's for the same layers.
#include <ctnet/layers/conv2d.hpp>
#include <ctnet/layers/dense.hpp>
#include <ctnet/layers/dropout.hpp>
#include <ctnet/layers/flatten.hpp>
#include <ctnet/layers/input.hpp>
#include <ctnet/layers/relu.hpp>
#include <ctnet/layers/softmax.hpp>
#include <ctnet/model/sequential.hpp>

namespace ctnet::zoo::report1 {

/// Experiment 1: Conv2D(64, 3x3) ReLU, Conv2D(32, 3x3) ReLU, Flatten, Dense(10) softmax.
using Experiment1 = Sequential<Input<28, 28, 1>, Conv2D<64, 3>, ReLU, Conv2D<32, 3>, ReLU,
                               Flatten, Dense<10>, Softmax>;
static_assert(param_count<Experiment1> == 203'434);

/// Experiment 2: Conv2D 64, 48, 32 (3x3, ReLU), Flatten, Dense(10) softmax.
using Experiment2 = Sequential<Input<28, 28, 1>, Conv2D<64, 3>, ReLU, Conv2D<48, 3>, ReLU,
                               Conv2D<32, 3>, ReLU, Flatten, Dense<10>, Softmax>;
static_assert(param_count<Experiment2> == 197'082);

/// Experiment 3: two 1x1 convolutions (64, 32), Flatten, Dense(10) softmax.
using Experiment3 = Sequential<Input<28, 28, 1>, Conv2D<64, 1>, ReLU, Conv2D<32, 1>, ReLU,
                               Flatten, Dense<10>, Softmax>;
static_assert(param_count<Experiment3> == 253'098);

/// Experiment 4: experiment 3 with Dropout(0.5) before the Dense layer.
using Experiment4 = Sequential<Input<28, 28, 1>, Conv2D<64, 1>, ReLU, Conv2D<32, 1>, ReLU,
                               Flatten, Dropout<0.5f>, Dense<10>, Softmax>;
static_assert(param_count<Experiment4> == 253'098);

/// Experiment 5: experiment 2 with Dropout(0.5) before the Dense layer.
using Experiment5 = Sequential<Input<28, 28, 1>, Conv2D<64, 3>, ReLU, Conv2D<48, 3>, ReLU,
                               Conv2D<32, 3>, ReLU, Flatten, Dropout<0.5f>, Dense<10>, Softmax>;
static_assert(param_count<Experiment5> == 197'082);

/// Experiment 6: experiment 2 with Dropout(0.25) before the Dense layer.
using Experiment6 = Sequential<Input<28, 28, 1>, Conv2D<64, 3>, ReLU, Conv2D<48, 3>, ReLU,
                               Conv2D<32, 3>, ReLU, Flatten, Dropout<0.25f>, Dense<10>, Softmax>;
static_assert(param_count<Experiment6> == 197'082);

/// Experiment 7: experiment 2's model; the experiment adds early stopping on
/// validation loss (min_delta 0.01), a property of the training run.
using Experiment7 = Experiment2;
static_assert(param_count<Experiment7> == 197'082);

}  // namespace ctnet::zoo::report1
