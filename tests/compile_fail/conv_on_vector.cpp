// The first layer (position 0) is a convolution over a flat input.
// expect-first: <0, ctnet::Conv2D<8, 3
// expect-first: ctnet::Shape<784>
// expect: needs_image_input
#include <ctnet/ctnet.hpp>

#include <cstdio>

using namespace ctnet;

using Net = Sequential<Input<784>, Conv2D<8, 3>, ReLU, Flatten, Dense<10>>;

int main() {
  std::printf("%s", summary<Net>().c_str());
  return static_cast<int>(Net::make(seed{1}).capacity());
}
