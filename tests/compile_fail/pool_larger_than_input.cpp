// Two stride-2 convolutions leave 6 x 6; an 8 x 8 pooling window does not fit.
// expect-first: <2, ctnet::MaxPool2D<8
// expect-first: ctnet::Shape<6, 6, 8>
// expect: window_larger_than_input
#include <ctnet/ctnet.hpp>

#include <cstdio>

using namespace ctnet;

using Net = Sequential<Input<28, 28, 1>, Conv2D<8, 3, 2>, Conv2D<8, 3, 2>, MaxPool2D<8>, Flatten,
                       Dense<10>>;

int main() {
  auto net = Net::make(seed{1});
  std::printf("%s%zu\n", summary<Net>().c_str(), param_count<Net>);
  net.visit_params_indexed([](std::size_t, const ParamRef&) {});
  return 0;
}
