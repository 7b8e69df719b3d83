#pragma once
// An in-memory image dataset: float pixels, channels-last, with byte labels.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <ctnet/core/error.hpp>
#include <ctnet/data/idx.hpp>

namespace ctnet {

/// How byte pixels 0..255 map to floats: `unit` to [0, 1] (v / 255),
/// `symmetric` to [-1, 1] (v / 127.5 - 1, the range of a tanh generator).
enum class Scale { unit, symmetric };

/// Converts one byte pixel to a float in the range chosen by `scale`.
inline float scale_pixel(std::uint8_t v, Scale scale) {
  return scale == Scale::unit ? static_cast<float>(v) / 255.0f
                              : (static_cast<float>(v) - 127.5f) / 127.5f;
}

/// The inverse of scale_pixel: a float in the range of `scale` to a byte
/// 0..255 (rounded, values outside the range clamped).
inline std::uint8_t to_byte(float v, Scale scale) {
  const float u = scale == Scale::symmetric ? (v + 1.0f) * 0.5f : v;
  return static_cast<std::uint8_t>(std::lround(std::clamp(u, 0.0f, 1.0f) * 255.0f));
}

/// `count` images of `height` x `width` x `channels` floats, stored
/// batch-major and channels-last (N, H, W, C) in `images`, and one label per
/// image in `labels` (empty for an unlabelled dataset).
struct Dataset {
  std::size_t count = 0, height = 0, width = 0, channels = 0;
  std::vector<float> images{};
  std::vector<std::uint8_t> labels{};
  /// Per-sample target tensors (regression, autoencoders): `target_size`
  /// floats per sample, or empty.
  std::vector<float> targets{};
  std::size_t target_size = 0;

  /// Floats per image: height * width * channels.
  std::size_t sample_size() const { return height * width * channels; }

  /// The pixels of image `i` (H, W, C), `sample_size()` floats.
  std::span<const float> image(std::size_t i) const {
    return std::span<const float>(images).subspan(i * sample_size(), sample_size());
  }
};

/// Throws ctnet::Error naming `role`, the sample and the value when an image
/// or target value is NaN or infinite: one such value would poison every
/// weight it reaches, silently.
inline void check_finite(const Dataset& data, std::string_view role) {
  const auto check = [&](const std::vector<float>& values, std::size_t per_sample, const char* what) {
    for (std::size_t i = 0; i < values.size(); ++i)
      if (!std::isfinite(values[i]))
        fail("{}: {} {} of sample {} is {}", role, what, per_sample ? i % per_sample : i,
             per_sample ? i / per_sample : 0, values[i]);
  };
  check(data.images, data.sample_size(), "value");
  check(data.targets, data.target_size, "target value");
}

/// A copy of images [first, first + count) of `data` (with their labels).
/// Throws ctnet::Error when the range exceeds the dataset.
inline Dataset subset(const Dataset& data, std::size_t first, std::size_t count) {
  if (first > data.count || count > data.count - first)
    fail("subset [{}, {}) is outside a dataset of {} images", first, first + count, data.count);
  Dataset out;
  out.count = count;
  out.height = data.height;
  out.width = data.width;
  out.channels = data.channels;
  const std::size_t s = data.sample_size();
  const auto img0 = data.images.begin() + static_cast<std::ptrdiff_t>(first * s);
  out.images.assign(img0, img0 + static_cast<std::ptrdiff_t>(count * s));
  if (!data.labels.empty()) {
    const auto lab0 = data.labels.begin() + static_cast<std::ptrdiff_t>(first);
    out.labels.assign(lab0, lab0 + static_cast<std::ptrdiff_t>(count));
  }
  out.target_size = data.target_size;
  if (!data.targets.empty()) {
    const auto t0 = data.targets.begin() + static_cast<std::ptrdiff_t>(first * data.target_size);
    out.targets.assign(t0, t0 + static_cast<std::ptrdiff_t>(count * data.target_size));
  }
  return out;
}

/// Builds a dataset from an IDX image array ({N, H, W} or {N, H, W, C}) and
/// an IDX label array ({N}), scaling pixels as `scale` says. `what` names the
/// source in error messages (e.g. the two file names). Throws ctnet::Error
/// when the ranks are wrong or the image and label counts differ.
inline Dataset from_idx(const IdxArray& images, const IdxArray& labels, Scale scale,
                        const std::string& what) {
  if (images.dims.size() != 3 && images.dims.size() != 4)
    fail("{}: the images have {} dimensions, expected 3 (count, height, width) or 4 (count, height, width, channels)",
         what, images.dims.size());
  if (labels.dims.size() != 1)
    fail("{}: the labels have {} dimensions, expected 1 (count)", what, labels.dims.size());
  if (images.dims[0] != labels.dims[0])
    fail("{}: the images file holds {} images but the labels file holds {} labels", what, images.dims[0],
         labels.dims[0]);
  Dataset out;
  out.count = images.dims[0];
  out.height = images.dims[1];
  out.width = images.dims[2];
  out.channels = images.dims.size() == 4 ? images.dims[3] : 1;
  out.images.resize(images.data.size());
  // A table keeps the conversion exact and identical to scale_pixel.
  float table[256];
  for (int v = 0; v < 256; ++v) table[v] = scale_pixel(static_cast<std::uint8_t>(v), scale);
  for (std::size_t i = 0; i < images.data.size(); ++i) out.images[i] = table[images.data[i]];
  out.labels = labels.data;
  return out;
}

}  // namespace ctnet
