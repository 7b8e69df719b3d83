// A generator of flat 784-vectors paired with a discriminator of 28x28x1 images.
// expect-first: ctnet::pairing::generator_output_is_discriminator_input, ctnet::Shape<784>, ctnet::Shape<28, 28, 1>
// expect: the two networks' shapes must be equal
#include <ctnet/ctnet.hpp>
#include <ctnet/model/gan_pair.hpp>

using namespace ctnet;

using G = Sequential<Input<100>, Dense<784>, Tanh>;
using D = Sequential<Input<28, 28, 1>, Flatten, Dense<1>>;

int main() {
  GanPair<G, D> pair;
  (void)pair;
  return 0;
}
