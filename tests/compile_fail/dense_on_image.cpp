// Flatten forgotten: Dense takes a rank-1 input, not 26 x 26 x 8.
// expect-first: <2, ctnet::Dense<10
// expect-first: ctnet::Shape<26, 26, 8>
// expect: needs_flat_input
// expect: put Flatten before it
#include <ctnet/ctnet.hpp>

#include <cstdio>

using namespace ctnet;

using Net = Sequential<Input<28, 28, 1>, Conv2D<8, 3>, ReLU, Dense<10>, Softmax>;

int main() {
  std::printf("%zu\n", param_count<Net>);
  std::printf("%s", summary<Net>().c_str());
  return static_cast<int>(Net::make(seed{1}).capacity());
}
