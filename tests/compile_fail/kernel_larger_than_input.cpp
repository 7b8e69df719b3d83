// After two convolutions and a pooling the image is 4 x 4; a 5 x 5 kernel
// with valid padding does not fit.
// expect-first: <4, ctnet::Conv2D<8, 5
// expect-first: ctnet::Shape<4, 4, 8>
// expect: window_larger_than_input
// expect: kernel or pool window is larger than the input
#include <ctnet/ctnet.hpp>

#include <cstdio>
#include <vector>

using namespace ctnet;

using Net = Sequential<Input<12, 12, 1>, Conv2D<16, 3>, MaxPool2D<2>, Conv2D<8, 2>, ReLU,
                       Conv2D<8, 5>, ReLU, Flatten, Dense<10>, Softmax>;

int main() {
  std::printf("%s%zu\n", summary<Net>().c_str(), param_count<Net>);
  auto net = Net::make(seed{1});
  std::vector<float> x(12 * 12);
  net.forward(x, 1);
  net.backward();
  return 0;
}
