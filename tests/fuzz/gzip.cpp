// Fuzz target: a gzip-compressed IDX file's bytes (the input always starts
// with gzip's magic, so every mutation reaches the inflater).
#include <ctnet/data/idx.hpp>

#include "fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return ctnet::fuzz::run_input(data, size, [](std::vector<std::uint8_t> bytes) {
    bytes.insert(bytes.begin(), {0x1f, 0x8b});
    ctnet::parse_idx(std::move(bytes), "input");
  });
}
