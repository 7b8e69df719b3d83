// A depthwise convolution over a flat input.
// expect-first: <1, ctnet::DepthwiseConv2D<3
// expect-first: ctnet::Shape<64>
// expect: needs_image_input
#include <ctnet/ctnet.hpp>

#include <cstdio>

using namespace ctnet;

using Net = Sequential<Input<100>, Dense<64>, DepthwiseConv2D<3>, Flatten, Dense<10>>;

int main() {
  std::printf("%zu\n", param_count<Net>);
  return 0;
}
