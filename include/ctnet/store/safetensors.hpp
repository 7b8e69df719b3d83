#pragma once
// Checkpoints in the safetensors format (https://github.com/huggingface/safetensors):
//
//   8 bytes   N, little-endian uint64: the size of the header
//   N bytes   JSON header: {"__metadata__": {str: str}, name: {"dtype": "F32",
//             "shape": [...], "data_offsets": [begin, end]}, ...}, padded with
//             spaces so that the data starts on an 8-byte boundary
//   rest      the tensors' bytes, little-endian; offsets are relative to here
//
// Only F32 is written or read: every ctnet parameter is a float. Files load
// in PyTorch / NumPy with `safetensors.numpy.load_file`.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <ctnet/core/atomic_file.hpp>
#include <ctnet/core/error.hpp>
#include <ctnet/core/read_file.hpp>

namespace ctnet {

/// A named float tensor to be written: its shape (outermost first) and a view
/// of its product-of-shape values, row-major. The data is not copied.
struct TensorView {
  std::string name;
  std::vector<std::size_t> shape;
  std::span<const float> data;
};

/// The contents of a safetensors file: the string metadata and, per tensor
/// name, its shape and values.
struct TensorFile {
  std::map<std::string, std::string> metadata;
  std::map<std::string, std::pair<std::vector<std::size_t>, std::vector<float>>> tensors;
};

namespace detail {

inline void st_put_floats(std::vector<std::uint8_t>& out, std::span<const float> v) {
  const std::size_t at = out.size();
  out.resize(at + v.size() * 4);
  if constexpr (std::endian::native == std::endian::little) {
    if (!v.empty()) std::memcpy(out.data() + at, v.data(), v.size() * 4);
  } else {
    for (std::size_t i = 0; i < v.size(); ++i) {
      const auto u = std::bit_cast<std::uint32_t>(v[i]);
      for (int b = 0; b < 4; ++b) out[at + i * 4 + b] = static_cast<std::uint8_t>(u >> (8 * b));
    }
  }
}

inline void st_get_floats(const std::uint8_t* src, std::size_t n, std::vector<float>& out) {
  out.resize(n);
  if constexpr (std::endian::native == std::endian::little) {
    if (n != 0) std::memcpy(out.data(), src, n * 4);
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      std::uint32_t u = 0;
      for (int b = 0; b < 4; ++b) u |= std::uint32_t{src[i * 4 + b]} << (8 * b);
      out[i] = std::bit_cast<float>(u);
    }
  }
}

inline std::string st_shape_string(const std::vector<std::size_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += fmt::format("{}{}", i ? ", " : "", shape[i]);
  return s + "]";
}

}  // namespace detail

/// Writes `tensors` (as F32) and `metadata` to `path` in the safetensors
/// format. The file is written to `path + ".tmp"`, synced and renamed over
/// `path`, so a run killed at any moment leaves either the old or the new
/// file. Throws ctnet::Error for an empty, duplicate or reserved name, a
/// shape that does not match the data, or a failed write.
inline void write_safetensors(const std::string& path, std::span<const TensorView> tensors,
                              const std::map<std::string, std::string>& metadata) {
  nlohmann::json header = nlohmann::json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::size_t offset = 0;
  std::set<std::string> names;
  for (const auto& t : tensors) {
    if (t.name.empty() || t.name == "__metadata__")
      fail("{}: cannot write a tensor named '{}'", path, t.name);
    if (!names.insert(t.name).second) fail("{}: tensor name '{}' used twice", path, t.name);
    std::size_t n = 1;
    for (std::size_t d : t.shape) n *= d;
    if (n != t.data.size())
      fail("{}: tensor '{}' has shape {} ({} values) but {} values", path, t.name,
           detail::st_shape_string(t.shape), n, t.data.size());
    header[t.name] = {{"dtype", "F32"}, {"shape", t.shape}, {"data_offsets", {offset, offset + n * 4}}};
    offset += n * 4;
  }
  std::string text = header.dump();
  text.append((8 - (8 + text.size()) % 8) % 8, ' ');  // the data starts 8-byte aligned

  std::vector<std::uint8_t> bytes;
  bytes.reserve(8 + text.size() + offset);
  for (int b = 0; b < 8; ++b) bytes.push_back(static_cast<std::uint8_t>(std::uint64_t{text.size()} >> (8 * b)));
  bytes.insert(bytes.end(), text.begin(), text.end());
  for (const auto& t : tensors) detail::st_put_floats(bytes, t.data);
  write_file_atomic(path, bytes);
}

/// The F32 tensors and metadata of a safetensors file's bytes; `path` names
/// the input in errors. Throws ctnet::Error, one line naming it, when it is
/// missing (read_safetensors), shorter than 8 bytes, its header
/// length runs past the end, its header is not valid JSON (or not the
/// safetensors layout), a tensor's dtype is not F32, or a tensor's offsets
/// are out of range or do not match its shape.
inline TensorFile parse_safetensors(std::span<const std::uint8_t> bytes, const std::string& path) {
  if (bytes.size() < 8)
    fail("{}: not a safetensors file: {} bytes, shorter than the 8-byte header length", path, bytes.size());
  std::uint64_t n = 0;
  for (int b = 0; b < 8; ++b) n |= std::uint64_t{bytes[b]} << (8 * b);
  if (n > bytes.size() - 8)
    fail("{}: header length {} runs past the end of the file ({} bytes); truncated or not a safetensors file",
         path, n, bytes.size());
  const std::size_t data_begin = 8 + static_cast<std::size_t>(n);
  const std::size_t data_size = bytes.size() - data_begin;

  nlohmann::json header;
  try {
    header = nlohmann::json::parse(bytes.begin() + 8, bytes.begin() + static_cast<std::ptrdiff_t>(data_begin));
  } catch (const nlohmann::json::exception& e) {
    std::string why = e.what();
    if (const auto nl = why.find('\n'); nl != std::string::npos) why.resize(nl);
    fail("{}: bad JSON header: {}", path, why);
  }
  if (!header.is_object()) fail("{}: bad JSON header: not an object", path);

  TensorFile out;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) fail("{}: __metadata__ is not an object", path);
      for (const auto& [k, v] : entry.items()) {
        if (!v.is_string()) fail("{}: metadata '{}' is not a string", path, k);
        out.metadata[k] = v.get<std::string>();
      }
      continue;
    }
    const std::string where = fmt::format("{}: tensor '{}'", path, name);
    if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") ||
        !entry.contains("data_offsets"))
      fail("{}: header entry lacks dtype, shape or data_offsets", where);
    const auto& dtype = entry["dtype"];
    if (!dtype.is_string()) fail("{}: dtype is not a string", where);
    if (dtype.get<std::string>() != "F32")
      fail("{} has dtype {}, only F32 is supported", where, dtype.get<std::string>());
    const auto& shape_j = entry["shape"];
    const auto& offs = entry["data_offsets"];
    if (!shape_j.is_array()) fail("{}: shape is not an array", where);
    if (!offs.is_array() || offs.size() != 2 || !offs[0].is_number_unsigned() ||
        !offs[1].is_number_unsigned())
      fail("{}: data_offsets is not a pair of non-negative integers", where);

    std::vector<std::size_t> shape;
    std::size_t count = 1;
    bool huge = false;
    for (const auto& d : shape_j) {
      if (!d.is_number_unsigned()) fail("{}: shape holds a non-integer or negative entry", where);
      const auto v = d.get<std::uint64_t>();
      shape.push_back(static_cast<std::size_t>(v));
      if (v != 0 && count > (std::size_t{1} << 61) / v) huge = true;
      else count *= static_cast<std::size_t>(v);
    }
    const auto begin = offs[0].get<std::uint64_t>();
    const auto end = offs[1].get<std::uint64_t>();
    if (begin > end || end > data_size)
      fail("{}: data_offsets [{}, {}] out of range (the data section has {} bytes)", where, begin, end,
           data_size);
    if (huge || end - begin != count * 4)
      fail("{}: data_offsets [{}, {}] hold {} bytes, shape {} needs {}", where, begin, end, end - begin,
           detail::st_shape_string(shape), huge ? std::string("too many") : fmt::format("{}", count * 4));
    auto& slot = out.tensors[name];
    slot.first = std::move(shape);
    detail::st_get_floats(bytes.data() + data_begin + begin, count, slot.second);
  }
  return out;
}

/// Reads the safetensors file at `path` (parse_safetensors of its bytes).
inline TensorFile read_safetensors(const std::string& path) { return parse_safetensors(read_file_bytes(path), path); }

}  // namespace ctnet
