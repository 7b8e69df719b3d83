#pragma once
// PCA as a generative model (report 3, section 5): for each class, the mean
// image and the eigen decomposition of the class's pixel covariance. A
// sample of class c with n components draws z_i ~ N(0, lambda_i) for the n
// largest eigenvalues lambda_i and reconstructs mean_c + sum_i z_i v_i: a
// Gaussian fitted to the class and restricted to its top n directions.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <ctnet/core/blas.hpp>
#include <ctnet/core/error.hpp>
#include <ctnet/core/lapack.hpp>
#include <ctnet/core/rng.hpp>
#include <ctnet/data/dataset.hpp>
#include <ctnet/eval/moments.hpp>

namespace ctnet {

/// Per-class principal components of a labelled image set: for each class
/// its mean, all dim() eigenvalues of its covariance in descending order
/// (the variances along the components) and the unit eigenvectors.
class ClassPca {
 public:
  /// Fits every class 0..classes-1 of `data` (each needs at least 2 images).
  /// One eigen decomposition of a dim x dim covariance per class (784 x 784
  /// for MNIST). Throws ctnet::Error for unlabelled data, a label outside
  /// 0..classes-1 or a class with fewer than 2 images.
  static ClassPca fit(const Dataset& data, std::size_t classes = 10) {
    if (data.labels.size() != data.count || data.count == 0)
      fail("ClassPca::fit: needs labelled images, got {} images and {} labels", data.count, data.labels.size());
    ClassPca p;
    p.classes_ = classes;
    p.height_ = data.height;
    p.width_ = data.width;
    p.channels_ = data.channels;
    const std::size_t d = p.dim();
    p.means_.resize(classes * d);
    p.variances_.resize(classes * d);
    p.components_.resize(classes * d * d);
    std::vector<std::size_t> count(classes, 0);
    for (std::size_t i = 0; i < data.count; ++i) {
      if (data.labels[i] >= classes)
        fail("ClassPca::fit: label {} of image {} is not below {}", data.labels[i], i, classes);
      ++count[data.labels[i]];
    }
    std::vector<float> rows;
    for (std::size_t c = 0; c < classes; ++c) {
      if (count[c] < 2)
        fail("ClassPca::fit: class {} has {} images, at least 2 are needed", c, count[c]);
      rows.clear();
      rows.reserve(count[c] * d);
      for (std::size_t i = 0; i < data.count; ++i)
        if (data.labels[i] == c) rows.insert(rows.end(), data.image(i).begin(), data.image(i).end());
      Moments m = moments(rows, count[c], d);
      const std::vector<double> values = lapack::symmetric_eigen(d, m.cov);  // cov: components
      for (std::size_t j = 0; j < d; ++j) {
        p.means_[c * d + j] = static_cast<float>(m.mean[j]);
        p.variances_[c * d + j] = std::max(values[j], 0.0);
      }
      std::transform(m.cov.begin(), m.cov.end(), p.components_.begin() + static_cast<std::ptrdiff_t>(c * d * d),
                     [](double v) { return static_cast<float>(v); });
    }
    return p;
  }

  std::size_t classes() const { return classes_; }
  /// Values per image (height x width x channels), and so the most components.
  std::size_t dim() const { return height_ * width_ * channels_; }
  std::size_t height() const { return height_; }
  std::size_t width() const { return width_; }
  std::size_t channels() const { return channels_; }

  /// The mean image of class c.
  std::span<const float> mean(std::size_t c) const { return {means_.data() + check_class(c) * dim(), dim()}; }
  /// The variances along class c's components, largest first (dim() of them).
  std::span<const double> variances(std::size_t c) const {
    return {variances_.data() + check_class(c) * dim(), dim()};
  }
  /// Class c's i-th principal component (a unit vector of dim() values).
  std::span<const float> component(std::size_t c, std::size_t i) const {
    check_components(i + 1);
    return {components_.data() + (check_class(c) * dim() + i) * dim(), dim()};
  }

  /// Projects `x` (one image) on class c's first n components and back:
  /// mean + Σ_{i<n} <x - mean, v_i> v_i, into `out`. With n = dim() that is x.
  void reconstruct(std::size_t c, std::size_t n, std::span<const float> x, std::span<float> out) const {
    check_components(n);
    const std::size_t d = dim();
    if (x.size() != d || out.size() != d)
      fail("ClassPca::reconstruct: images of {} values, got {} and {}", d, x.size(), out.size());
    const auto mu = mean(c);
    std::vector<double> centred(d);
    for (std::size_t j = 0; j < d; ++j) centred[j] = static_cast<double>(x[j]) - mu[j];
    std::vector<double> y(mu.begin(), mu.end());
    for (std::size_t i = 0; i < n; ++i) {
      const auto v = component(c, i);
      double z = 0.0;
      for (std::size_t j = 0; j < d; ++j) z += centred[j] * v[j];
      for (std::size_t j = 0; j < d; ++j) y[j] += z * v[j];
    }
    std::transform(y.begin(), y.end(), out.begin(), [](double v) { return static_cast<float>(v); });
  }

  /// Every image of `data` projected on its own class's first n components
  /// and back (see reconstruct), clamped to [lo, hi]; labels kept. Report 3
  /// may have scored these rather than samples: its "PCA images" are
  /// training images "reconstructed" from n components.
  Dataset reconstruct_all(const Dataset& data, std::size_t n, float lo = 0.0f, float hi = 1.0f) const {
    if (data.sample_size() != dim() || data.labels.size() != data.count)
      fail("ClassPca::reconstruct_all: needs labelled images of {} values", dim());
    Dataset out = data;
    for (std::size_t i = 0; i < data.count; ++i) {
      const std::span<float> y(out.images.data() + i * dim(), dim());
      reconstruct(data.labels[i], n, data.image(i), y);
      for (float& v : y) v = std::clamp(v, lo, hi);
    }
    return out;
  }

  /// `count` samples of class c from its first n components into `out`
  /// (count x dim()): mean + Σ_{i<n} z_i v_i with z_i ~ N(0, variance_i),
  /// each value clamped to [lo, hi] (the pixel range; [0, 1] for MNIST).
  void sample(std::size_t c, std::size_t n, std::size_t count, Rng& rng, std::span<float> out,
              float lo = 0.0f, float hi = 1.0f) const {
    check_components(n);
    const std::size_t d = dim();
    const std::size_t values = checked_mul(count, d, "ClassPca::sample");
    if (out.size() != values)
      fail("ClassPca::sample: room for {} values, {} samples need {}", out.size(), count, values);
    const auto var = variances(c);
    std::vector<float> z(count * n);
    for (std::size_t s = 0; s < count; ++s)
      for (std::size_t i = 0; i < n; ++i)
        z[s * n + i] = static_cast<float>(std::sqrt(var[i])) * rng.normal();
    const auto mu = mean(c);
    for (std::size_t s = 0; s < count; ++s) std::copy(mu.begin(), mu.end(), out.begin() + static_cast<std::ptrdiff_t>(s * d));
    // out += Z V_n, V_n's rows the first n components of class c.
    if (n > 0)
      blas::gemm(false, false, count, d, n, 1.0f, z.data(), n,
                 components_.data() + check_class(c) * d * d, d, 1.0f, out.data(), d);
    for (float& v : out) v = std::clamp(v, lo, hi);
  }

  /// per_class samples of every class with n components, labelled, in the
  /// order 0, 1, ..., classes-1, 0, 1, ... (a grid with `classes` columns
  /// shows one class per column). Reproducible from `seed`.
  Dataset generate(std::size_t n, std::size_t per_class, std::uint64_t seed, float lo = 0.0f,
                   float hi = 1.0f) const {
    const std::size_t d = dim();
    Dataset out;
    out.count = checked_mul(per_class, classes_, "ClassPca::generate");
    out.height = height_;
    out.width = width_;
    out.channels = channels_;
    out.images.resize(checked_mul(out.count, d, "ClassPca::generate"));
    out.labels.resize(out.count);
    Rng rng(seed);
    std::vector<float> block(per_class * d);
    for (std::size_t c = 0; c < classes_; ++c) {
      sample(c, n, per_class, rng, block, lo, hi);
      for (std::size_t s = 0; s < per_class; ++s) {
        const std::size_t i = s * classes_ + c;
        std::copy_n(block.begin() + static_cast<std::ptrdiff_t>(s * d), d,
                    out.images.begin() + static_cast<std::ptrdiff_t>(i * d));
        out.labels[i] = static_cast<std::uint8_t>(c);
      }
    }
    return out;
  }

 private:
  std::size_t check_class(std::size_t c) const {
    if (c >= classes_)
      fail("ClassPca: class {} of {}", c, classes_);
    return c;
  }
  void check_components(std::size_t n) const {
    if (n > dim())
      fail("ClassPca: {} components asked, images have {} values", n, dim());
  }

  std::size_t classes_ = 0, height_ = 0, width_ = 0, channels_ = 0;
  std::vector<float> means_;       // classes x dim
  std::vector<double> variances_;  // classes x dim, descending
  std::vector<float> components_;  // classes x dim x dim; row i of a class: its i-th component
};

}  // namespace ctnet
