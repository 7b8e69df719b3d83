#pragma once
// Writing a file so that a reader, or a run killed at any moment, sees either
// the old file or the whole new one: the bytes go to `path + ".tmp"`, which is
// flushed, fsync'ed and renamed over `path`, and then the directory is synced.
// Every writer of results (IDX, safetensors, PNG) goes through here.
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include <fcntl.h>
#include <unistd.h>

#include <ctnet/core/error.hpp>

namespace ctnet {

/// A file being written in place of `path`: write through `write` (or hand
/// `get()` to a C library such as libpng), then `commit()`. Until the commit
/// only `path + ".tmp"` exists; destroyed without a commit (an exception on
/// the way), the temporary is removed and `path` is untouched.
class AtomicFile {
 public:
  /// Creates `path + ".tmp"`. Throws ctnet::Error naming the path.
  explicit AtomicFile(std::string path) : path_(std::move(path)), tmp_(path_ + ".tmp") {
    file_ = std::fopen(tmp_.c_str(), "wb");
    if (file_ == nullptr) io_error("cannot create " + tmp_, errno);
  }
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile() {
    if (file_ != nullptr) std::fclose(file_);
    if (!committed_) std::remove(tmp_.c_str());
  }

  /// The open temporary, for libraries that write to a FILE*.
  std::FILE* get() const { return file_; }
  const std::string& path() const { return path_; }

  /// Appends bytes. Throws ctnet::Error naming the path.
  void write(std::span<const std::uint8_t> bytes) {
    if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size())
      io_error("write failed", errno);
  }

  /// Flushes and syncs the temporary, renames it over `path` and syncs the
  /// directory (best effort: the rename is already atomic). Throws
  /// ctnet::Error naming the path; the temporary is then removed.
  void commit() {
    bool ok = std::fflush(file_) == 0 && ::fsync(::fileno(file_)) == 0;
    int saved = errno;
    const bool closed = std::fclose(file_) == 0;
    if (!closed && ok) saved = errno;
    file_ = nullptr;
    if (!ok || !closed) io_error("write failed", saved);
    if (std::rename(tmp_.c_str(), path_.c_str()) != 0)
      io_error("cannot rename " + tmp_ + " into place", errno);
    committed_ = true;
    // (a conditional rather than assigning "." afterwards: g++ 12 -O3 warns
    // falsely on that assignment, -Wrestrict)
    const std::filesystem::path parent = std::filesystem::path(path_).parent_path();
    const std::string dir = parent.empty() ? std::string(".") : parent.string();
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
      ::fsync(fd);
      ::close(fd);
    }
  }

 private:
  [[noreturn]] void io_error(const std::string& what, int err) const {
    fail("{}: {}: {}", path_, what, std::strerror(err));
  }

  std::string path_, tmp_;
  std::FILE* file_ = nullptr;
  bool committed_ = false;
};

/// Writes the concatenation of `parts` to `path` atomically (see AtomicFile).
/// Throws ctnet::Error, one line naming the path, when it cannot.
inline void write_file_atomic(const std::string& path,
                              std::initializer_list<std::span<const std::uint8_t>> parts) {
  AtomicFile file(path);
  for (const auto& part : parts) file.write(part);
  file.commit();
}

/// Writes `bytes` to `path` atomically (see AtomicFile).
inline void write_file_atomic(const std::string& path, std::span<const std::uint8_t> bytes) {
  write_file_atomic(path, {bytes});
}

/// Writes `text` to `path` atomically (see AtomicFile).
inline void write_text_atomic(const std::string& path, std::string_view text) {
  write_file_atomic(path, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

}  // namespace ctnet
