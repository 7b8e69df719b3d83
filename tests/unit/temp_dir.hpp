#pragma once
// A fresh directory for one test's files, removed with everything in it at
// the end of the test.
#include <filesystem>
#include <string>
#include <system_error>

#include <unistd.h>

namespace ctnet::test {

struct TempDir {
  std::filesystem::path path;

  /// A directory named after `tag`, the process and a counter.
  explicit TempDir(const std::string& tag = "ctnet_test") {
    static int counter = 0;
    path = std::filesystem::temp_directory_path() /
           (tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  /// The path of `name` inside the directory.
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

}  // namespace ctnet::test
