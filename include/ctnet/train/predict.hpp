#pragma once
// Inference: a trained network's outputs for a batch or for one sample.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <ctnet/core/error.hpp>
#include <ctnet/core/tensor.hpp>

namespace ctnet {

/// The outputs of `net` (inference mode: no dropout, BatchNorm's moving
/// statistics) for n samples x (NHWC, n * input size floats), in batches of
/// `batch`; n * output size floats. Keras: `model.predict(x)`.
template <class Net>
std::vector<float> predict(const Net& net, std::span<const float> x, std::size_t batch = 32) {
  if (batch == 0) fail("the batch size must be positive");
  constexpr std::size_t in = Net::input_shape::size, k = Net::output_shape::size;
  if (x.size() % in != 0)
    fail("predict: {} floats are not a whole number of samples of {} values", x.size(), in);
  const std::size_t n = x.size() / in;
  std::vector<float> out(n * k);
  for (std::size_t first = 0; first < n; first += batch) {
    const std::size_t m = std::min(batch, n - first);
    const auto y = net.infer(x.subspan(first * in, m * in), m);
    std::copy(y.begin(), y.end(), out.begin() + static_cast<std::ptrdiff_t>(first * k));
  }
  return out;
}

/// The arg-max class of each sample's outputs.
template <class Net>
std::vector<std::uint8_t> predict_classes(const Net& net, std::span<const float> x, std::size_t batch = 32) {
  constexpr std::size_t k = Net::output_shape::size;
  static_assert(k <= 256, "predict_classes: classes are bytes");
  const std::vector<float> y = predict(net, x, batch);
  std::vector<std::uint8_t> out(y.size() / k);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const float* r = y.data() + i * k;
    out[i] = static_cast<std::uint8_t>(std::max_element(r, r + k) - r);
  }
  return out;
}

/// `predict` on an xtensor of shape (n, input dims...), e.g. NHWC images
/// `xt::xtensor<float, 4>`; returns (n, output dims...).
template <class Net, std::size_t N>
xt::xtensor<float, Net::output_shape::rank + 1> predict(const Net& net, const xt::xtensor<float, N>& x,
                                                        std::size_t batch = 32) {
  using In = typename Net::input_shape;
  using Out = typename Net::output_shape;
  static_assert(N == In::rank + 1, "predict: x is (samples, the input's dimensions...)");
  for (std::size_t i = 0; i < In::rank; ++i)
    if (x.shape()[i + 1] != In::dims[i])
      fail("predict: x's dimension {} is {}, the network's input has {}", i + 1, x.shape()[i + 1], In::dims[i]);
  std::vector<float> y = predict(net, std::span<const float>(x.data(), x.size()), batch);
  std::array<std::size_t, Out::rank + 1> shape{};
  shape[0] = x.shape()[0];
  for (std::size_t i = 0; i < Out::rank; ++i) shape[i + 1] = Out::dims[i];
  return xt::adapt(y, shape);
}

}  // namespace ctnet
