// Fuzz target: a CIFAR-10 binary batch file's bytes.
#include <ctnet/data/cifar10.hpp>

#include "fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return ctnet::fuzz::run_input(data, size, [](const std::vector<std::uint8_t>& bytes) {
    ctnet::parse_cifar10_batch(bytes, "input", ctnet::Scale::symmetric);
  });
}
