// ctnet::write_file_atomic and AtomicFile: the whole new file or the old one.
#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <unistd.h>

#include "ctnet/core/atomic_file.hpp"

namespace fs = std::filesystem;

namespace {
fs::path scratch_dir(const char* name) {
  const fs::path dir = fs::temp_directory_path() /
                       ("ctnet_atomic_" + std::string(name) + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}
std::string contents(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
std::vector<std::uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }
}  // namespace

TEST_CASE("atomic file: parts are concatenated and replace the old file") {
  const fs::path dir = scratch_dir("write");
  const std::string path = (dir / "f.bin").string();
  ctnet::write_file_atomic(path, bytes("old"));
  CHECK(contents(path) == "old");
  const auto head = bytes("new "), body = bytes("contents");
  ctnet::write_file_atomic(path, {head, body});
  CHECK(contents(path) == "new contents");
  CHECK_FALSE(fs::exists(path + ".tmp"));
  fs::remove_all(dir);
}

TEST_CASE("atomic file: an uncommitted AtomicFile leaves the old file alone") {
  const fs::path dir = scratch_dir("abort");
  const std::string path = (dir / "f.bin").string();
  ctnet::write_file_atomic(path, bytes("old"));
  {
    ctnet::AtomicFile f(path);
    f.write(bytes("half"));
    CHECK(fs::exists(path + ".tmp"));
  }
  CHECK(contents(path) == "old");
  CHECK_FALSE(fs::exists(path + ".tmp"));
  fs::remove_all(dir);
}

TEST_CASE("atomic file: failure is one ctnet::Error line naming the path") {
  const fs::path dir = scratch_dir("fail");
  const std::string path = (dir / "missing" / "f.bin").string();
  std::string what;
  try {
    ctnet::write_file_atomic(path, bytes("x"));
  } catch (const ctnet::Error& e) {
    what = e.what();
  }
  CHECK(what.rfind(path + ": ", 0) == 0);
  CHECK(what.find('\n') == std::string::npos);
  CHECK_FALSE(fs::exists(path + ".tmp"));
  fs::remove_all(dir);
}
