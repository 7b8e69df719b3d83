#pragma once
// IDX files, the format of MNIST and Fashion-MNIST, plain or gzip-compressed.
//
// Layout: 00 00 <type> <ndims>, then ndims big-endian uint32 dimensions, then
// the elements in row-major order. Only the unsigned-byte type (0x08) is
// supported: it is the only one the datasets use. A gzip file is recognised by
// its 1f 8b magic, not by its name, so a renamed file still loads.
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include <ctnet/core/atomic_file.hpp>
#include <ctnet/core/error.hpp>
#include <ctnet/core/read_file.hpp>

namespace ctnet {

/// An n-dimensional array of bytes read from or written to an IDX file.
/// `dims` is outermost first (MNIST images: {count, 28, 28}; labels:
/// {count}); `data` holds the product of `dims` bytes in row-major order.
struct IdxArray {
  std::vector<std::size_t> dims;
  std::vector<std::uint8_t> data;
};

namespace detail {

inline std::string idx_hex(std::uint32_t v, int digits) { return fmt::format("0x{:0{}X}", v, digits); }

inline const char* idx_type_name(std::uint8_t type) {
  switch (type) {
    case 0x08: return "unsigned byte";
    case 0x09: return "signed byte";
    case 0x0B: return "int16";
    case 0x0C: return "int32";
    case 0x0D: return "float32";
    case 0x0E: return "float64";
    default: return "unknown type";
  }
}

// gzip data (one member) -> its content; errors name the file.
inline std::vector<std::uint8_t> idx_gunzip(const std::vector<std::uint8_t>& in,
                                            const std::string& path) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) fail("{}: cannot start zlib", path);
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = static_cast<uInt>(in.size());
  std::vector<std::uint8_t> out;
  out.reserve(in.size() * 4);
  unsigned char chunk[1 << 16];
  int ret = Z_OK;
  do {
    zs.next_out = chunk;
    zs.avail_out = sizeof chunk;
    ret = inflate(&zs, Z_NO_FLUSH);
    const bool stalled = ret == Z_BUF_ERROR || (ret == Z_OK && zs.avail_in == 0 && zs.avail_out != 0);
    if ((ret != Z_OK && ret != Z_STREAM_END) || stalled) {
      const std::string what = stalled ? "unexpected end of file" : (zs.msg ? zs.msg : "zlib error");
      inflateEnd(&zs);
      fail("{}: corrupt gzip data ({})", path, what);
    }
    out.insert(out.end(), chunk, chunk + (sizeof chunk - zs.avail_out));
  } while (ret != Z_STREAM_END);
  inflateEnd(&zs);
  return out;
}

// Whole file into memory; gunzips when the file starts with 1f 8b.
inline std::vector<std::uint8_t> idx_read_bytes(const std::string& path) {
  std::vector<std::uint8_t> bytes = read_file_bytes(path);
  const bool gzip = bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
  return gzip ? idx_gunzip(bytes, path) : bytes;
}

}  // namespace detail

/// Reads an IDX file of unsigned bytes, plain or gzip-compressed.
/// Throws ctnet::Error (one line naming the file) when the file is missing,
/// has a wrong magic number or element type, is truncated or has extra bytes,
/// or is corrupt gzip.
inline IdxArray read_idx(const std::string& path) {
  std::vector<std::uint8_t> bytes = detail::idx_read_bytes(path);
  if (bytes.size() < 4)
    fail("{}: truncated: {} bytes, too short for an IDX header", path, bytes.size());
  const std::uint32_t magic = (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
                              (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
  if (bytes[0] != 0 || bytes[1] != 0 || bytes[3] == 0)
    fail("{}: wrong magic number {}, not an IDX file (expected 0x00000801..0x000008FF for unsigned bytes)",
         path, detail::idx_hex(magic, 8));
  if (bytes[2] != 0x08)
    fail("{}: IDX element type {} ({}) is not supported, only unsigned byte (0x08) is (magic number {})",
         path, detail::idx_hex(bytes[2], 2), detail::idx_type_name(bytes[2]), detail::idx_hex(magic, 8));
  const std::size_t ndims = bytes[3];
  const std::size_t header = 4 + 4 * ndims;
  if (bytes.size() < header)
    fail("{}: truncated: the header needs {} bytes for {} dimensions, the file has {}", path, header,
         ndims, bytes.size());

  IdxArray out;
  out.dims.resize(ndims);
  std::size_t expected = 1;
  bool overflow = false;
  for (std::size_t d = 0; d < ndims; ++d) {
    const std::uint8_t* p = bytes.data() + 4 + 4 * d;
    out.dims[d] = (std::size_t{p[0]} << 24) | (std::size_t{p[1]} << 16) | (std::size_t{p[2]} << 8) |
                  std::size_t{p[3]};
    if (out.dims[d] != 0 && expected > std::numeric_limits<std::size_t>::max() / out.dims[d])
      overflow = true;
    else
      expected *= out.dims[d];
  }
  const std::size_t found = bytes.size() - header;
  if (overflow || found < expected)
    fail("{}: truncated: expected {} bytes of data, found {}", path,
         overflow ? std::string("more than 2^64") : fmt::format("{}", expected), found);
  if (found > expected)
    fail("{}: expected {} bytes of data, found {} (extra bytes after the data)", path, expected, found);
  bytes.erase(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(header));
  out.data = std::move(bytes);
  return out;
}

/// Writes `array` as a plain (uncompressed) unsigned-byte IDX file. The bytes
/// go to `path + ".tmp"`, which is synced and renamed over `path`, so a
/// reader never sees a half-written file. Throws ctnet::Error when the
/// dimensions do not match the data or the file cannot be written.
inline void write_idx(const std::string& path, const IdxArray& array) {
  if (array.dims.empty() || array.dims.size() > 255)
    fail("{}: cannot write an IDX file with {} dimensions (1..255 allowed)", path, array.dims.size());
  std::size_t product = 1;
  std::vector<std::uint8_t> header{0, 0, 0x08, static_cast<std::uint8_t>(array.dims.size())};
  for (std::size_t d : array.dims) {
    if (d > 0xFFFFFFFFu) fail("{}: IDX dimension {} exceeds 2^32-1", path, d);
    product *= d;
    for (int shift = 24; shift >= 0; shift -= 8) header.push_back(static_cast<std::uint8_t>(d >> shift));
  }
  if (product != array.data.size())
    fail("{}: cannot write IDX: dimensions give {} bytes but the data has {}", path, product,
         array.data.size());
  write_file_atomic(path, {header, array.data});
}

}  // namespace ctnet
