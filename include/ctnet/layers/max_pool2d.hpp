#pragma once
#include <string>

#include <ctnet/layers/pooling.hpp>

namespace ctnet {

/// Max pooling; Keras: `layers.MaxPool2D(pool_size, strides)`.
template <auto Pool, auto Stride = Pool>
struct MaxPool2D : Pooling2D<PoolMax, Pool, Stride> {
  static constexpr const char* keras_class = "MaxPooling2D";
  static constexpr const char* keras_name = "max_pooling2d";
  static std::string name() { return "MaxPool2D" + MaxPool2D::arguments(); }
};

}  // namespace ctnet
