// A residual block whose strided convolution halves the image and doubles the
// channels, without a projection on the skip path: one error naming both
// shapes (the layers' 14 x 14 x 32 and the skip path's 28 x 28 x 16).
// expect-first: <1, ctnet::Residual<ctnet::Conv2D<32, 3, 2, ctnet::Padding::same
// expect-first: ctnet::Shape<14, 14, 32>, ctnet::Shape<28, 28, 16>
// expect: residual_shapes_differ
// expect: project the skip path with Shortcut
#include <ctnet/ctnet.hpp>

#include <cstdio>

using namespace ctnet;

using Net = Sequential<Input<28, 28, 1>, Conv2D<16, 3, 1, Padding::same>,
                       Residual<Conv2D<32, 3, 2, Padding::same>, ReLU, Conv2D<32, 3, 1, Padding::same>>,
                       GlobalAveragePooling2D, Dense<10>>;

int main() {
  std::printf("%zu\n", param_count<Net>);
  return 0;
}
