#pragma once
#include <string>

#include <ctnet/layers/pooling.hpp>

namespace ctnet {

/// Average pooling over Pool windows with Stride (a number or Hw), valid
/// padding. Keras: `layers.AveragePooling2D(pool_size, strides)`.
template <auto Pool, auto Stride = Pool>
struct AveragePooling2D : Pooling2D<PoolAverage, Pool, Stride> {
  static constexpr const char* keras_class = "AveragePooling2D";
  static constexpr const char* keras_name = "average_pooling2d";
  static std::string name() { return "AveragePooling2D" + AveragePooling2D::arguments(); }
};

}  // namespace ctnet
