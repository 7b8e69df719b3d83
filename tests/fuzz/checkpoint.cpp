// Fuzz target: a checkpoint's bytes, loaded into a model and its Adam state
// the way --resume does (shapes, finiteness, metadata counters).
#include <ctnet/store/checkpoint.hpp>
#include <ctnet/train/optimizer.hpp>

#include "checkpoint_model.hpp"
#include "fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using ctnet::fuzz::CheckpointNet;
  static CheckpointNet net = CheckpointNet::make(ctnet::seed{1});
  return ctnet::fuzz::run_input(data, size, [](const std::vector<std::uint8_t>& bytes) {
    const ctnet::CheckpointReader r("input", ctnet::parse_safetensors(bytes, "input"));
    r.load_model("model", net);
    ctnet::Adam adam;
    r.load_optimizer("optimizer", adam, net);
    r.count("epoch");
    r.number("best");
  });
}
