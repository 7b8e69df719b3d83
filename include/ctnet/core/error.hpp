#pragma once
// ctnet::Error: the one exception type the library throws for bad input
// (a truncated or wrong file, a checkpoint of another model, a bad flag).
// Its what() is a single line meant to be printed as is.
#include <stdexcept>
#include <string>

namespace ctnet {

/// A run-time error with a one-line, user-facing message.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace ctnet
