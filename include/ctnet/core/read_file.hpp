#pragma once
// Reading a whole file with one-line errors naming it: the one place the
// readers (IDX, safetensors) open files.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <ctnet/core/error.hpp>

namespace ctnet {

/// The bytes of the file at `path`. Throws ctnet::Error ("<path>: file not
/// found", "is a directory", "not a regular file", "cannot open: <reason>",
/// "read error").
inline std::vector<std::uint8_t> read_file_bytes(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) fail("{}: file not found", path);
  if (std::filesystem::is_directory(path, ec)) fail("{}: is a directory, not a file", path);
  // A device or a pipe (/dev/zero, /dev/stdin) could be read without end.
  if (!std::filesystem::is_regular_file(path, ec)) fail("{}: not a regular file", path);
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) fail("{}: cannot open: {}", path, std::strerror(errno));
  std::vector<std::uint8_t> bytes;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec) bytes.reserve(static_cast<std::size_t>(size));
  unsigned char chunk[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) bytes.insert(bytes.end(), chunk, chunk + n);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) fail("{}: read error", path);
  return bytes;
}

}  // namespace ctnet
