#pragma once
// Sample files: generated images as an IDX file of bytes (N, H, W) or
// (N, H, W, C), with an optional IDX file of labels (N) for the samples of a
// class-conditional model. Runs write them (samples-images-idx3-ubyte,
// samples-labels-idx1-ubyte) and evaluate_samples reads them, like MNIST.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <ctnet/core/error.hpp>
#include <ctnet/data/dataset.hpp>
#include <ctnet/data/idx.hpp>

namespace ctnet {

/// Reads sample images from `images` and, when `labels` is not empty, their
/// labels, scaling the bytes as `scale` says. The images must be
/// height x width x channels. Throws ctnet::Error naming the file when one
/// is missing or not IDX, the images have another size, or the counts
/// differ.
inline Dataset load_samples(const std::string& images, const std::string& labels, std::size_t height,
                            std::size_t width, std::size_t channels, Scale scale) {
  const IdxArray img = read_idx(images);
  if (img.dims.size() != 3 && img.dims.size() != 4)
    fail("{}: {} dimensions, expected images (count, height, width[, channels])", images, img.dims.size());
  const std::size_t c = img.dims.size() == 4 ? img.dims[3] : 1;
  if (img.dims[1] != height || img.dims[2] != width || c != channels)
    fail("{}: images of {}x{}x{}, expected {}x{}x{}", images, img.dims[1], img.dims[2], c, height, width,
         channels);
  IdxArray lab;
  if (!labels.empty()) {
    lab = read_idx(labels);
  } else {
    lab.dims = {img.dims[0]};
    lab.data.assign(img.dims[0], 0);
  }
  Dataset out = from_idx(img, lab, scale, labels.empty() ? images : images + " and " + labels);
  if (labels.empty()) out.labels.clear();
  return out;
}

/// Writes `count` images (count x height x width x channels floats in the
/// range `scale` says) as bytes to the IDX file `images` and, when `labels`
/// is not empty, their labels (one per image) to the IDX file `labels`.
/// Files are written atomically. Throws ctnet::Error on a size mismatch or a
/// write failure.
inline void write_samples(const std::string& images, std::span<const float> pixels,
                          std::size_t count, std::size_t height, std::size_t width,
                          std::size_t channels, Scale scale, const std::string& labels = {},
                          std::span<const std::uint8_t> label_values = {}) {
  if (pixels.size() != count * height * width * channels)
    fail("{}: {} values are not {} images of {}x{}x{}", images, pixels.size(), count, height, width, channels);
  IdxArray img;
  img.dims = channels == 1 ? std::vector<std::size_t>{count, height, width}
                           : std::vector<std::size_t>{count, height, width, channels};
  img.data.resize(pixels.size());
  for (std::size_t i = 0; i < pixels.size(); ++i) img.data[i] = to_byte(pixels[i], scale);
  write_idx(images, img);
  if (labels.empty()) return;
  if (label_values.size() != count)
    fail("{}: {} labels for {} images", labels, label_values.size(), count);
  write_idx(labels, IdxArray{{count}, {label_values.begin(), label_values.end()}});
}

}  // namespace ctnet
