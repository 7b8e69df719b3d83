#pragma once
#include <cstddef>
#include <string>

#include <ctnet/layers/pooling.hpp>

namespace ctnet {

/// Max pooling of a steps x channels input over windows of Pool steps with
/// Stride, valid padding. Keras: `layers.MaxPool1D(pool_size, strides)`.
template <std::size_t Pool = 2, std::size_t Stride = Pool>
struct MaxPool1D : Pooling1D<PoolMax, Pool, Stride> {
  static constexpr const char* keras_class = "MaxPooling1D";
  static constexpr const char* keras_name = "max_pooling1d";
  static std::string name() { return "MaxPool1D" + MaxPool1D::arguments(); }
};

}  // namespace ctnet
