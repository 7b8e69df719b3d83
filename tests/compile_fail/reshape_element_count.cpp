// Dense<6000> gives 6000 values; Reshape<7, 7, 128> needs 6272.
// expect-first: <2, ctnet::Reshape<7, 7, 128>, ctnet::Shape<6000>
// expect: element_count_differs
// expect-not: layer_rejects_input<3
#include <ctnet/ctnet.hpp>

#include <cstdio>
#include <vector>

using namespace ctnet;

using Net = Sequential<Input<100>, Dense<6000>, ReLU, Reshape<7, 7, 128>, Conv2D<64, 3>, ReLU,
                       Flatten, Dense<10>>;

int main() {
  std::printf("%s%zu\n", summary<Net>().c_str(), param_count<Net>);
  auto net = Net::make(seed{1});
  std::vector<float> x(100);
  return static_cast<int>(net.forward(x, 1).size());
}
