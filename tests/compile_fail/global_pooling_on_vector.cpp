// Global pooling after Flatten: it takes an H x W x C input, not a vector.
// expect-first: <2, ctnet::GlobalAveragePooling2D
// expect-first: ctnet::Shape<10816>
// expect: needs_image_input
#include <ctnet/ctnet.hpp>

#include <cstdio>

using namespace ctnet;

using Net = Sequential<Input<28, 28, 1>, Conv2D<16, 3>, Flatten, GlobalAveragePooling2D, Dense<10>>;

int main() {
  std::printf("%zu\n", param_count<Net>);
  return 0;
}
