#pragma once
// The shared body of layers that only rename a shape (Flatten, Reshape): the
// model gives them their input's buffer, so they do no work at all.
#include <cstddef>

#include <ctnet/core/layer.hpp>

namespace ctnet {

template <class In, class Out>
struct ViewLayer : LayerBase<In, Out> {
  static constexpr Storage storage = Storage::view;
  template <class = NoActivation>
  void forward(const float*, float*, std::size_t, Pass&) {}
  template <class = NoActivation>
  void backward(const float*, const float*, float*, float*, std::size_t) {}
};

}  // namespace ctnet
