// The control: a valid network using everything the failing cases use must
// compile, so that a failing case fails for its own reason.
// expect-compile
#include <ctnet/ctnet.hpp>

#include <cstdio>
#include <vector>

using namespace ctnet;

using Net = Sequential<Input<12, 12, 1>, Conv2D<16, 3>, ReLU, MaxPool2D<2>, Conv2D<8, 2>, ReLU,
                       Flatten, Dense<64>, ReLU, Dense<6272>, Reshape<7, 7, 128>, Conv2D<4, 3>,
                       Flatten, Dense<10>, Softmax>;
static_assert(Net::valid);
// 160 + 520 + (128 * 64 + 64) + (64 * 6272 + 6272) + (9 * 128 * 4 + 4) + (25 * 4 * 10 + 10)
static_assert(param_count<Net> == 160 + 520 + 8256 + 407680 + 4612 + 1010);
// The new cases' valid forms: a block with a projection, global pooling and a
// depthwise convolution on images.
using Blocks = Sequential<Input<28, 28, 1>, Conv2D<16, 3, 1, Padding::same>,
                          Residual<Shortcut<Conv2D<32, 1, 2>>, Conv2D<32, 3, 2, Padding::same>, ReLU,
                                   Conv2D<32, 3, 1, Padding::same>>,
                          DepthwiseConv2D<3>, GlobalAveragePooling2D, Dense<10>>;
static_assert(Blocks::valid);

int main() {
  std::printf("%s%zu\n", summary<Net>().c_str(), param_count<Net>);
  auto net = Net::make(seed{1});
  std::vector<float> x(12 * 12);
  net.forward(x, 1);
  net.backward();
  net.visit_params_indexed([](std::size_t, const ParamRef&) {});
  return 0;
}
