#pragma once
// The one rule every fuzz target checks: bad input is a ctnet::Error, never a
// crash, a leak, another exception (std::bad_alloc, std::length_error) or a
// hang. libFuzzer calls LLVMFuzzerTestOneInput with each input; run_input
// hands it to `read` as bytes and lets only ctnet::Error pass.
#include <cstddef>
#include <cstdint>
#include <vector>

#include <ctnet/core/error.hpp>

namespace ctnet::fuzz {

template <class Read>
int run_input(const std::uint8_t* data, std::size_t size, Read&& read) {
  try {
    read(std::vector<std::uint8_t>(data, data + size));
  } catch (const Error&) {
  }
  return 0;
}

}  // namespace ctnet::fuzz
