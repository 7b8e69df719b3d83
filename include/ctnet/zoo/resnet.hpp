#pragma once
// A small residual network for 28x28 and 32x32 images (He et al. 2016's
// CIFAR ResNet in miniature): a 3x3 stem, three stages of one block each at
// 16, 32 and 64 filters (the last two halve the image, with a projection on
// the skip path), global average pooling and a Dense head. Every convolution
// before a BatchNorm leaves out its bias, as ResNet's do.
#include <cstddef>

#include <ctnet/layers/batch_norm.hpp>
#include <ctnet/layers/conv2d.hpp>
#include <ctnet/layers/dense.hpp>
#include <ctnet/layers/global_pooling.hpp>
#include <ctnet/layers/input.hpp>
#include <ctnet/layers/relu.hpp>
#include <ctnet/layers/softmax.hpp>
#include <ctnet/model/residual.hpp>
#include <ctnet/model/sequential.hpp>

namespace ctnet::zoo {

/// 3x3 convolution, same padding, no bias (a BatchNorm follows).
template <std::size_t Filters, std::size_t Stride = 1>
using Conv3x3 = Conv2D<Filters, 3, Stride, Padding::same, false>;

/// Two 3x3 convolutions with BatchNorm, added to the block's input.
template <std::size_t Filters>
using BasicBlock =
    Residual<Conv3x3<Filters>, BatchNorm<>, ReLU, Conv3x3<Filters>, BatchNorm<>>;

/// The same with the first convolution strided: half the image, Filters
/// channels; the skip path is projected by a strided 1x1 convolution.
template <std::size_t Filters>
using DownsamplingBlock =
    Residual<Shortcut<Conv2D<Filters, 1, 2, Padding::valid, false>, BatchNorm<>>,
             Conv3x3<Filters, 2>, BatchNorm<>, ReLU, Conv3x3<Filters>, BatchNorm<>>;

/// The network on H x W x C images; Keras counts 78,426 parameters for
/// 28x28x1 (78,714 for 32x32x3): docs/design.md adds it up layer by layer.
template <std::size_t H, std::size_t W, std::size_t C, std::size_t Classes = 10>
using SmallResNet = Sequential<Input<H, W, C>, Conv3x3<16>, BatchNorm<>, ReLU,
                               BasicBlock<16>, ReLU,
                               DownsamplingBlock<32>, ReLU,
                               DownsamplingBlock<64>, ReLU,
                               GlobalAveragePooling2D, Dense<Classes>, Softmax>;

}  // namespace ctnet::zoo
