#pragma once
// Global pooling: each channel reduced over all of its positions, to a vector
// of channels (the head of a ResNet: GlobalAveragePooling2D, then Dense).
#include <string>

#include <ctnet/layers/pooling.hpp>

namespace ctnet {

/// The mean of each channel of an H x W x C input: Shape<C>. Keras:
/// `layers.GlobalAveragePooling2D()`.
struct GlobalAveragePooling2D : GlobalPooling<PoolAverage, 3> {
  static constexpr const char* keras_class = "GlobalAveragePooling2D";
  static constexpr const char* keras_name = "global_average_pooling2d";
  static std::string name() { return "GlobalAveragePooling2D"; }
};

/// The maximum of each channel of an H x W x C input: Shape<C>. Keras:
/// `layers.GlobalMaxPooling2D()`.
struct GlobalMaxPooling2D : GlobalPooling<PoolMax, 3> {
  static constexpr const char* keras_class = "GlobalMaxPooling2D";
  static constexpr const char* keras_name = "global_max_pooling2d";
  static std::string name() { return "GlobalMaxPooling2D"; }
};

/// The mean of each channel of a steps x channels input: Shape<channels>.
/// Keras: `layers.GlobalAveragePooling1D()`.
struct GlobalAveragePooling1D : GlobalPooling<PoolAverage, 2> {
  static constexpr const char* keras_class = "GlobalAveragePooling1D";
  static constexpr const char* keras_name = "global_average_pooling1d";
  static std::string name() { return "GlobalAveragePooling1D"; }
};

}  // namespace ctnet
