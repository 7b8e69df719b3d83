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
#include <optional>
#include <span>
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

/// The most data an IDX file may declare: 2 GiB (MNIST's training images are
/// 47 MB; 100,000 CIFAR-sized samples 307 MB). Checked from the header, before
/// anything of that size is read or inflated.
inline constexpr std::size_t idx_max_bytes = std::size_t{1} << 31;

/// An IDX header: the dimensions, the header's size and the data's.
struct IdxHeader {
  std::vector<std::size_t> dims;
  std::size_t header = 0, data = 0;
};

/// The header at the start of `bytes`, or nothing while `bytes` is too short
/// to hold it. Throws for a wrong magic number or type, or a declared size
/// over idx_max_bytes.
inline std::optional<IdxHeader> idx_header(std::span<const std::uint8_t> bytes, const std::string& path) {
  if (bytes.size() < 4) return std::nullopt;
  const std::uint32_t magic = (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
                              (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
  if (bytes[0] != 0 || bytes[1] != 0 || bytes[3] == 0)
    fail("{}: wrong magic number {}, not an IDX file (expected 0x00000801..0x000008FF for unsigned bytes)",
         path, idx_hex(magic, 8));
  if (bytes[2] != 0x08)
    fail("{}: IDX element type {} ({}) is not supported, only unsigned byte (0x08) is (magic number {})",
         path, idx_hex(bytes[2], 2), idx_type_name(bytes[2]), idx_hex(magic, 8));
  IdxHeader h;
  h.header = 4 + 4 * std::size_t{bytes[3]};
  if (bytes.size() < h.header) return std::nullopt;
  h.dims.resize(bytes[3]);
  h.data = 1;
  bool over = false;
  for (std::size_t d = 0; d < h.dims.size(); ++d) {
    const std::uint8_t* q = bytes.data() + 4 + 4 * d;
    h.dims[d] = (std::size_t{q[0]} << 24) | (std::size_t{q[1]} << 16) | (std::size_t{q[2]} << 8) | std::size_t{q[3]};
    over = over || __builtin_mul_overflow(h.data, h.dims[d], &h.data) || h.data > idx_max_bytes;
  }
  if (over) {
    std::string shape;
    for (std::size_t d : h.dims) shape += fmt::format("{}{}", shape.empty() ? "" : " x ", d);
    fail("{}: the header declares {} bytes, more than the {} an IDX file may hold", path, shape, idx_max_bytes);
  }
  return h;
}

// gzip data -> its content, inflated no further than the IDX header it
// starts with declares (a small file that inflates to gigabytes is refused
// as soon as its header or its excess is seen). Members one after another
// (`cat a.gz b.gz`) are one stream, as gunzip reads them; anything else
// after the last member is an error. Errors name the file.
inline std::vector<std::uint8_t> idx_gunzip(const std::vector<std::uint8_t>& in, const std::string& path) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) fail("{}: cannot start zlib", path);
  struct End {
    z_stream& zs;
    ~End() { inflateEnd(&zs); }
  } end{zs};
  std::size_t used = 0;  // input bytes consumed
  std::vector<std::uint8_t> out;
  std::size_t total = 0, data = 0;  // header + data, and data, once the header is out
  constexpr std::size_t step = std::size_t{1} << 16;
  for (;;) {
    const std::size_t have = out.size();
    const std::size_t room = total ? std::min(step, total + 1 - std::min(total + 1, have)) : step;
    out.resize(have + std::max<std::size_t>(room, 1));
    zs.next_in = const_cast<Bytef*>(in.data() + used);
    zs.avail_in = static_cast<uInt>(std::min<std::size_t>(in.size() - used, std::numeric_limits<uInt>::max()));
    zs.next_out = out.data() + have;
    zs.avail_out = static_cast<uInt>(out.size() - have);
    const uInt in_before = zs.avail_in;
    const int ret = inflate(&zs, Z_NO_FLUSH);
    used += in_before - zs.avail_in;
    out.resize(out.size() - zs.avail_out);
    if (ret != Z_OK && ret != Z_STREAM_END && ret != Z_BUF_ERROR)
      fail("{}: corrupt gzip data ({})", path, zs.msg ? zs.msg : "zlib error");
    if (total == 0)
      if (const auto h = idx_header(out, path)) total = h->header + h->data, data = h->data;
    if (total != 0 && out.size() > total)
      fail("{}: expected {} bytes of data, found more (extra bytes after the data)", path, data);
    if (ret == Z_STREAM_END) {
      if (used == in.size()) break;
      if (in.size() - used < 2 || in[used] != 0x1f || in[used + 1] != 0x8b)
        fail("{}: {} bytes after the end of the gzip data", path, in.size() - used);
      inflateReset(&zs);  // another member
    } else if (ret == Z_BUF_ERROR || (used == in.size() && zs.avail_out != 0)) {
      fail("{}: corrupt gzip data (unexpected end of file)", path);
    }
  }
  return out;
}

}  // namespace detail

/// The IDX array in `bytes` (a file's contents, plain or gzip-compressed:
/// gzip is recognised by its 1f 8b magic). `path` names the input in errors.
/// Throws ctnet::Error as read_idx does.
inline IdxArray parse_idx(std::vector<std::uint8_t> bytes, const std::string& path) {
  if (bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) bytes = detail::idx_gunzip(bytes, path);
  const auto h = detail::idx_header(bytes, path);
  if (!h) {
    if (bytes.size() < 4) fail("{}: truncated: {} bytes, too short for an IDX header", path, bytes.size());
    fail("{}: truncated: the header needs {} bytes for {} dimensions, the file has {}", path,
         4 + 4 * std::size_t{bytes[3]}, bytes[3], bytes.size());
  }
  const std::size_t found = bytes.size() - h->header;
  if (found < h->data) fail("{}: truncated: expected {} bytes of data, found {}", path, h->data, found);
  if (found > h->data)
    fail("{}: expected {} bytes of data, found {} (extra bytes after the data)", path, h->data, found);
  bytes.erase(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(h->header));
  return {h->dims, std::move(bytes)};
}

/// Reads an IDX file of unsigned bytes, plain or gzip-compressed (one or more
/// members). Throws ctnet::Error (one line naming the file) when the file is
/// missing or not a regular file, has a wrong magic number or element type,
/// declares more than 2 GiB, is truncated or has extra bytes, or is corrupt
/// gzip.
inline IdxArray read_idx(const std::string& path) { return parse_idx(read_file_bytes(path), path); }

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
