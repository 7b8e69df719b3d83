// A 28x28 image concatenated with a 14x14 label plane.
// expect-first: ctnet::pairing::concatenated_inputs_agree_but_in_channels, ctnet::Shape<28, 28>, ctnet::Shape<14, 14>
// expect: the two networks' shapes must be equal
#include <ctnet/ctnet.hpp>
#include <ctnet/model/concat.hpp>

using namespace ctnet;

using Plane = Sequential<Input<10>, Dense<196>, Reshape<14, 14, 1>>;
using Trunk = Sequential<Input<28, 28, 2>, Flatten, Dense<1>>;

int main() {
  auto d = Concat<Through<28, 28, 1>, Plane, Trunk>::make(seed{1});
  (void)d;
  return 0;
}
