// Two mistakes: Dense on an image (position 2), then a Reshape whose count
// differs from anything before it (position 3) and a pooling of a vector
// (position 4). Only the first is reported: one bug, one error.
// expect-first: <2, ctnet::Dense<10
// expect-first: ctnet::Shape<26, 26, 8>
// expect: needs_flat_input
// expect-not: layer_rejects_input<3
// expect-not: layer_rejects_input<4
// expect-not: element_count_differs
// errors: 1
#include <ctnet/ctnet.hpp>

#include <cstdio>
#include <vector>

using namespace ctnet;

using Net = Sequential<Input<28, 28, 1>, Conv2D<8, 3>, ReLU, Dense<10>, Reshape<5, 5, 5>,
                       MaxPool2D<2>, Flatten, Dense<10>>;

int main() {
  std::printf("%s%zu\n", summary<Net>().c_str(), param_count<Net>);
  auto net = Net::make(seed{1});
  std::vector<float> x(28 * 28);
  net.forward(x, 1);
  net.backward();
  return 0;
}
