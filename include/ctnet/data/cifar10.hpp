#pragma once
// CIFAR-10, binary version (cifar-10-binary.tar.gz): each file is a sequence
// of 3073-byte records, one label byte (0..9) then 3072 pixel bytes: the
// 32x32 red plane, then green, then blue, each row-major. ctnet keeps images
// channels-last, so the planes are interleaved on load.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include <ctnet/core/error.hpp>
#include <ctnet/core/read_file.hpp>
#include <ctnet/data/dataset.hpp>

namespace ctnet {

namespace detail {

inline constexpr std::size_t cifar_side = 32;
inline constexpr std::size_t cifar_plane = cifar_side * cifar_side;
inline constexpr std::size_t cifar_record = 1 + 3 * cifar_plane;

// Appends the records of one batch file's bytes to `out` (whose shape is
// already set); `path` names the input in errors.
inline void cifar_append_records(std::span<const std::uint8_t> bytes, const std::string& path, Scale scale,
                                 Dataset& out) {
  const std::size_t size = bytes.size();
  if (size == 0 || size % cifar_record != 0)
    fail("{}: size {} bytes is not a positive multiple of {} (a CIFAR-10 record is 1 label byte + 3072 pixel bytes)",
         path, size, cifar_record);
  const std::size_t n = size / cifar_record;
  const std::size_t first = out.count;
  out.count += n;
  out.images.resize(out.count * 3 * cifar_plane);
  out.labels.resize(out.count);
  float table[256];
  for (int v = 0; v < 256; ++v) table[v] = scale_pixel(static_cast<std::uint8_t>(v), scale);
  for (std::size_t r = 0; r < n; ++r) {
    const std::uint8_t* rec = bytes.data() + r * cifar_record;
    if (rec[0] > 9)
      fail("{}: record {} has label {}, expected 0..9", path, r, rec[0]);
    out.labels[first + r] = rec[0];
    float* dst = out.images.data() + (first + r) * 3 * cifar_plane;
    for (std::size_t p = 0; p < cifar_plane; ++p)
      for (std::size_t c = 0; c < 3; ++c) dst[p * 3 + c] = table[rec[1 + c * cifar_plane + p]];
  }
}

// Appends the records of the batch file at `path`.
inline void cifar_append_batch(const std::string& path, Scale scale, Dataset& out) {
  cifar_append_records(read_file_bytes(path), path, scale, out);
}

inline Dataset cifar_empty() {
  Dataset d;
  d.height = cifar_side;
  d.width = cifar_side;
  d.channels = 3;
  return d;
}

}  // namespace detail

/// Loads one CIFAR-10 binary batch file (e.g. data_batch_1.bin, 10,000
/// records) as 32x32x3 channels-last images scaled as `scale` says, with
/// labels 0..9. Throws ctnet::Error naming the file when it is missing, its
/// size is not a multiple of 3073 bytes, or a label exceeds 9.
inline Dataset load_cifar10_batch(const std::string& path, Scale scale) {
  Dataset d = detail::cifar_empty();
  detail::cifar_append_batch(path, scale, d);
  return d;
}

/// The records of one CIFAR-10 batch file's bytes, as load_cifar10_batch;
/// `name` names the input in errors.
inline Dataset parse_cifar10_batch(std::span<const std::uint8_t> bytes, const std::string& name, Scale scale) {
  Dataset d = detail::cifar_empty();
  detail::cifar_append_records(bytes, name, scale, d);
  return d;
}

/// Loads the CIFAR-10 training set (data_batch_1.bin .. data_batch_5.bin,
/// 50,000 images) when `train` is true, else the test set (test_batch.bin,
/// 10,000), from `dir` or, when absent there, from its cifar-10-batches-bin/
/// subdirectory (the layout of the extracted archive). Images are 32x32x3.
inline Dataset load_cifar10(const std::string& dir, bool train, Scale scale) {
  std::vector<std::string> names;
  if (train)
    for (int i = 1; i <= 5; ++i) names.push_back(fmt::format("data_batch_{}.bin", i));
  else
    names.push_back("test_batch.bin");

  std::error_code ec;
  std::filesystem::path base(dir);
  if (!std::filesystem::is_regular_file(base / names[0], ec) &&
      std::filesystem::is_regular_file(base / "cifar-10-batches-bin" / names[0], ec))
    base /= "cifar-10-batches-bin";
  for (const auto& n : names)
    if (!std::filesystem::is_regular_file(base / n, ec))
      fail("CIFAR-10 file {} not found in {} (nor in {}); expected {} from cifar-10-binary.tar.gz", n,
           dir, (std::filesystem::path(dir) / "cifar-10-batches-bin").string(),
           train ? "data_batch_1.bin .. data_batch_5.bin" : "test_batch.bin");

  Dataset d = detail::cifar_empty();
  for (const auto& n : names) detail::cifar_append_batch((base / n).string(), scale, d);
  return d;
}

}  // namespace ctnet
