// Builds a small network from the installed headers, prints its summary and
// runs one forward pass: proof that ctnet::ctnet carries its include paths,
// C++20 and its link dependencies (OpenBLAS) to a consumer.
#include <ctnet/ctnet.hpp>

#include <cmath>
#include <cstdio>
#include <vector>

using namespace ctnet;

using Net = Sequential<Input<8, 8, 1>, Conv2D<4, 3>, ReLU, MaxPool2D<2>, Flatten, Dense<10>,
                       Softmax>;
// Conv2D: 3 * 3 * 1 * 4 + 4 = 40; Dense: 3 * 3 * 4 * 10 + 10 = 370.
static_assert(param_count<Net> == 410);

int main() {
  std::printf("%s", summary<Net>().c_str());
  auto net = Net::make(seed{7});
  std::vector<float> x(8 * 8);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i % 5) / 4.0f;
  const auto y = net.forward(x, 1);
  float sum = 0.0f;
  for (float v : y) sum += v;
  std::printf("forward: %zu outputs, softmax sum %.6f\n", y.size(), static_cast<double>(sum));
  return y.size() == 10 && std::fabs(sum - 1.0f) < 1e-4f ? 0 : 1;
}
