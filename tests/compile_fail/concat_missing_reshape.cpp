// The label branch forgets its Reshape: a 784-vector beside a 28x28x1 image.
// One error (the branches), not a second one about the trunk's input.
// expect-first: ctnet::pairing::concatenated_inputs_agree_but_in_channels, ctnet::Shape<28, 28>, ctnet::Shape<>
// expect: the two networks' shapes must be equal
#include <ctnet/ctnet.hpp>
#include <ctnet/model/concat.hpp>

using namespace ctnet;

using Plane = Sequential<Input<10>, Dense<784>>;
using Trunk = Sequential<Input<28, 28, 2>, Flatten, Dense<1>>;

int main() {
  auto d = Concat<Through<28, 28, 1>, Plane, Trunk>::make(seed{1});
  (void)d;
  return 0;
}
