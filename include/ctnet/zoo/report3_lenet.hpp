#pragma once
// report3-dcgan-cgan-pca.txt, section 3.3: the LeNet that scores the
// conditional samples (98.8 % test accuracy after 5 epochs of Adam in the
// report). The report does not list its layers; this is LeNet-5 as Keras
// tutorials write it for 28x28 MNIST, with ReLU and max pooling:
//
//   Conv2D(6, 5x5, same) ReLU, MaxPool(2), Conv2D(16, 5x5) ReLU, MaxPool(2),
//   Flatten, Dense(120) ReLU, Dense(84) ReLU, Dense(10) softmax
//
// 156 + 2,416 + 48,120 + 10,164 + 850 = 61,706 parameters (Keras's count).
// The 84 activations before the last Dense are the features in which
// eval/ measures Frechet distances.
#include <cstddef>
#include <type_traits>

#include <ctnet/layers/conv2d.hpp>
#include <ctnet/layers/dense.hpp>
#include <ctnet/layers/flatten.hpp>
#include <ctnet/layers/input.hpp>
#include <ctnet/layers/max_pool2d.hpp>
#include <ctnet/layers/relu.hpp>
#include <ctnet/layers/softmax.hpp>
#include <ctnet/model/sequential.hpp>

namespace ctnet::zoo::report3 {

/// LeNet-5 for 28x28x1 inputs in [0, 1]: 61,706 parameters, 10 softmax outputs.
using LeNet = Sequential<Input<28, 28, 1>,
                         Conv2D<6, 5, 1, Padding::same>, ReLU, MaxPool2D<2>,
                         Conv2D<16, 5>, ReLU, MaxPool2D<2>,
                         Flatten,
                         Dense<120>, ReLU,
                         Dense<84>, ReLU,
                         Dense<10>, Softmax>;
static_assert(param_count<LeNet> == 61'706);
static_assert(std::is_same_v<LeNet::output_shape, Shape<10>>);

/// Layers of LeNet before its last Dense and Softmax: the feature extractor
/// (84 ReLU activations per image).
inline constexpr std::size_t lenet_feature_layers = LeNet::depth - 2;

}  // namespace ctnet::zoo::report3
