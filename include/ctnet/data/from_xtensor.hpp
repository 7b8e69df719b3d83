#pragma once
// Datasets from xtensor arrays: samples (n, dims...) with one class label each,
// or with a target tensor each, as numpy users hold them.
#include <cstddef>
#include <cstdint>

#include <ctnet/core/error.hpp>
#include <ctnet/core/tensor.hpp>
#include <ctnet/data/dataset.hpp>

namespace ctnet {

namespace detail {
template <std::size_t N>
Dataset samples_of(const xt::xtensor<float, N>& x) {
  static_assert(N >= 2 && N <= 4, "samples are (n, d), (n, h, w) or (n, h, w, c)");
  Dataset d;
  d.count = x.shape()[0];
  d.height = x.shape()[1];
  d.width = N >= 3 ? x.shape()[2] : 1;
  d.channels = N == 4 ? x.shape()[3] : 1;
  d.images.assign(x.begin(), x.end());
  return d;
}
}  // namespace detail

/// A labelled dataset: samples x (n, ...), NHWC for images, and n labels.
template <std::size_t N>
Dataset dataset_from(const xt::xtensor<float, N>& x, const xt::xtensor<std::uint8_t, 1>& labels) {
  if (labels.size() != x.shape()[0])
    fail("dataset_from: {} samples but {} labels", x.shape()[0], labels.size());
  Dataset d = detail::samples_of(x);
  d.labels.assign(labels.begin(), labels.end());
  return d;
}

/// A dataset with target tensors (regression, autoencoders): samples x
/// (n, ...) and targets y (n, ...).
template <std::size_t N, std::size_t M>
Dataset dataset_from(const xt::xtensor<float, N>& x, const xt::xtensor<float, M>& y) {
  if (y.shape()[0] != x.shape()[0]) fail("dataset_from: {} samples but {} targets", x.shape()[0], y.shape()[0]);
  Dataset d = detail::samples_of(x);
  d.target_size = d.count == 0 ? 0 : y.size() / d.count;
  d.targets.assign(y.begin(), y.end());
  return d;
}

}  // namespace ctnet
