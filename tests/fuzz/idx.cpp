// Fuzz target: an IDX file's bytes (plain; gzip.cpp takes compressed ones).
#include <ctnet/data/idx.hpp>

#include "fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return ctnet::fuzz::run_input(data, size, [](std::vector<std::uint8_t> bytes) {
    if (bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) bytes[0] = 0;  // plain only
    ctnet::parse_idx(std::move(bytes), "input");
  });
}
