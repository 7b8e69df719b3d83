#pragma once
// ctnet::Error: the one exception type the library throws for bad input
// (a truncated or wrong file, a checkpoint of another model, a bad flag).
// Its what() is a single line meant to be printed as is. Every error is
// thrown through fail(), which formats the message with {fmt}.
//
// The headers build text with fmt::format only: its engine is compiled once,
// in libfmt. fmt::format_to and format_to_n instead compile the whole engine
// into every translation unit that calls them (about 3.5 s at -O2 each).
#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>

#include <fmt/format.h>

namespace ctnet {

/// A run-time error with a one-line, user-facing message.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

/// Throws ctnet::Error with a message formatted by fmt: fail("{}: truncated", path).
template <class... Args>
[[noreturn]] void fail(fmt::format_string<Args...> f, Args&&... args) {
  throw Error(fmt::format(f, std::forward<Args>(args)...));
}

/// a * b, or ctnet::Error naming `what` when the product of sizes (from a
/// user's number: a flag, a file's header) does not fit in std::size_t.
inline std::size_t checked_mul(std::size_t a, std::size_t b, const char* what) {
  std::size_t product = 0;
  if (__builtin_mul_overflow(a, b, &product)) fail("{}: {} x {} is too large", what, a, b);
  return product;
}

}  // namespace ctnet
