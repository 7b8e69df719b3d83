// An encoder with a 2-D latent code paired with a decoder that takes 3 values.
// expect-first: ctnet::pairing::encoder_latent_is_decoder_input, ctnet::Shape<2>, ctnet::Shape<3>
// expect: the two networks' shapes must be equal
#include <ctnet/ctnet.hpp>
#include <ctnet/model/vae.hpp>

using namespace ctnet;

using Body = Sequential<Input<784>, Dense<64>, ReLU>;
using Encoder = TwoHeads<Body, Head<Body, Dense<2>>, Head<Body, Dense<2>>>;
using Decoder = Sequential<Input<3>, Dense<784>, Sigmoid>;

int main() {
  auto vae = Vae<Encoder, Decoder>::make(seed{1});
  (void)vae;
  return 0;
}
