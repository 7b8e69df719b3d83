// Fuzz target: a safetensors file's bytes.
#include <ctnet/store/safetensors.hpp>

#include "fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return ctnet::fuzz::run_input(data, size, [](const std::vector<std::uint8_t>& bytes) {
    ctnet::parse_safetensors(bytes, "input");
  });
}
