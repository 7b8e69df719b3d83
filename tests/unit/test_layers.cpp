// The layer laws for every layer, alone and in the fused pairs the model forms.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include <ctnet/ctnet.hpp>
#include <ctnet/model/hana.hpp>

#include <boost/hana/at.hpp>
#include <boost/hana/equal.hpp>
#include <boost/hana/length.hpp>

#include "gradcheck.hpp"

using namespace ctnet;
using test::check_gradients;
using test::check_accumulation;
using test::check_laws;

TEST_CASE("Dense: gradients, accumulation, batch") {
  check_laws<Sequential<Input<7>, Dense<5>>>();
  check_laws<Sequential<Input<7>, Dense<5, false>>>();
}
TEST_CASE("Dense fused with each activation") {
  check_laws<Sequential<Input<6>, Dense<5>, ReLU>>();
  check_laws<Sequential<Input<6>, Dense<5>, LeakyReLU<0.2f>>>();
  check_laws<Sequential<Input<6>, Dense<5>, Sigmoid>>();
  check_laws<Sequential<Input<6>, Dense<5>, Tanh>>();
  check_laws<Sequential<Input<6>, Dense<5>, Softmax>>();
  static_assert(Sequential<Input<6>, Dense<5>, ReLU>::plan.fused[0]);
}
TEST_CASE("Conv2D valid, same, strided, 1x1, without bias") {
  check_laws<Sequential<Input<6, 5, 2>, Conv2D<3, 3>>>();
  check_laws<Sequential<Input<6, 5, 2>, Conv2D<3, 3, 2, Padding::same>, ReLU>>();
  check_laws<Sequential<Input<7, 7, 3>, Conv2D<4, 5, 2, Padding::same, false>, Tanh>>();
  check_laws<Sequential<Input<5, 5, 3>, Conv2D<2, 1>, LeakyReLU<0.3f>>>();
  check_laws<Sequential<Input<6, 6, 2>, Conv2D<2, 4, 2, Padding::same>>>();
  check_laws<Sequential<Input<6, 7, 2>, Conv2D<3, 4, 1, Padding::same>>>();
  check_laws<Sequential<Input<6, 7, 3>, Conv2D<2, 2>, ReLU, Conv2D<2, 3>>>();
}
TEST_CASE("MaxPool2D, Flatten, Reshape, Dropout, standalone activations") {
  check_laws<Sequential<Input<6, 6, 2>, MaxPool2D<2>>>();
  check_laws<Sequential<Input<7, 7, 2>, MaxPool2D<3, 2>>>();
  check_laws<Sequential<Input<4, 3, 2>, Flatten, Dense<3>, Reshape<3, 1, 1>, Conv2D<2, 1>>>();
  // Standalone activation (its own buffer because Sigmoid's backward reads its
  // output) followed by an in-place Dropout.
  check_laws<Sequential<Input<5>, Sigmoid, Dropout<0.4f>, Dense<3>>>();
  check_gradients<Sequential<Input<5>, Sigmoid, Dropout<0.4f>, Dense<3>>>(2, true);
  check_gradients<Sequential<Input<8>, Dense<6>, LeakyReLU<0.2f>, Dropout<0.5f>, Dense<2>>>(3, true);
  check_laws<Sequential<Input<6>, ReLU, Tanh, Softmax>>();
}
TEST_CASE("a small CNN end to end") {
  check_gradients<Sequential<Input<8, 8, 1>, Conv2D<4, 3>, ReLU, Conv2D<3, 3, 2, Padding::same>,
                             ReLU, MaxPool2D<2>, Flatten, Dense<4>, Softmax>>(2, false, 30);
}

namespace {
/// Conv2D's output against a direct convolution in double (TensorFlow's
/// padding rules: for `same` the odd padding pixel goes after), for a kernel
/// and stride per axis.
template <std::size_t H, std::size_t W, std::size_t C, std::size_t F, auto K, auto S, Padding P>
void check_against_direct() {
  using Net = Sequential<Input<H, W, C>, Conv2D<F, K, S, P>>;
  constexpr Hw k = as_hw<K>, s = as_hw<S>;
  auto net = Net::make(seed{2});
  Rng rng(9);
  std::vector<float> x(2 * H * W * C);
  for (auto& v : x) v = rng.normal();
  auto& conv = net.template layer<0>();
  for (auto& v : conv.b) v = rng.normal();
  const auto y = net.forward(x, 2);
  constexpr bool same = P == Padding::same;
  constexpr std::size_t OH = conv_out(H, k.h, s.h, same), OW = conv_out(W, k.w, s.w, same);
  constexpr std::size_t PT = pad_before(H, k.h, s.h, same), PL = pad_before(W, k.w, s.w, same);
  static_assert(Net::output_shape::dims[0] == OH && Net::output_shape::dims[1] == OW);
  std::size_t bad = 0;
  for (std::size_t b = 0; b < 2; ++b)
    for (std::size_t oy = 0; oy < OH; ++oy)
      for (std::size_t ox = 0; ox < OW; ++ox)
        for (std::size_t f = 0; f < F; ++f) {
          double sum = conv.b[f];
          for (std::size_t kh = 0; kh < k.h; ++kh)
            for (std::size_t kw = 0; kw < k.w; ++kw)
              for (std::size_t c = 0; c < C; ++c) {
                const long iy = static_cast<long>(oy * s.h + kh) - static_cast<long>(PT);
                const long ix = static_cast<long>(ox * s.w + kw) - static_cast<long>(PL);
                if (iy < 0 || ix < 0 || iy >= static_cast<long>(H) || ix >= static_cast<long>(W)) continue;
                sum += static_cast<double>(x[((b * H + static_cast<std::size_t>(iy)) * W + static_cast<std::size_t>(ix)) * C + c]) *
                       conv.w[((kh * k.w + kw) * C + c) * F + f];
              }
          const float got = y[((b * OH + oy) * OW + ox) * F + f];
          if (std::abs(got - sum) > 1e-4 * (1 + std::abs(sum)) && bad++ < 5)
            FAIL_CHECK("y[" << b << "," << oy << "," << ox << "," << f << "] = " << got << ", direct " << sum);
        }
  CHECK(bad == 0);
}
}  // namespace

TEST_CASE("Conv2D matches a direct convolution") {
  // TensorFlow's same padding for 7 -> 4 (stride 2, kernel 3): 2 padding rows, 1 before.
  static_assert(pad_before(7, 3, 2, true) == 1 && conv_out(7, 3, 2, true) == 4);
  check_against_direct<7, 6, 3, 4, 3, 2, Padding::same>();
  check_against_direct<7, 6, 3, 4, 3, 1, Padding::valid>();
  check_against_direct<8, 7, 16, 16, 3, 1, Padding::valid>();
  check_against_direct<5, 7, 16, 24, 3, 1, Padding::same>();
  check_against_direct<6, 6, 17, 16, 3, 1, Padding::same>();
}

TEST_CASE("Conv2D with a kernel and stride per axis (Keras's kernel_size=(1, 7), strides=(2, 1))") {
  check_against_direct<9, 8, 3, 4, Hw{1, 7}, 1, Padding::same>();
  check_against_direct<9, 8, 3, 4, Hw{3, 2}, Hw{2, 1}, Padding::valid>();
  check_against_direct<9, 8, 3, 4, Hw{5, 1}, Hw{1, 3}, Padding::same>();
  check_laws<Sequential<Input<7, 8, 2>, Conv2D<3, Hw{1, 5}, 1, Padding::same>, ELU<>>>();
  check_laws<Sequential<Input<7, 8, 2>, Conv2D<3, Hw{3, 2}, Hw{2, 1}>>>();
  check_laws<Sequential<Input<7, 8, 2>, Conv2D<3, Hw{3, 1}, Hw{1, 2}, Padding::same>, Tanh>>();
  // the square forms are the same types and names as before
  static_assert(std::is_same_v<Conv2D<8, 3>, Conv2D<8, 3, 1>>);
  CHECK(Conv2D<8, 3, 2, Padding::same>::name() == "Conv2D<8, 3, 2, same>");
  CHECK(Conv2D<8, Hw{3, 3}>::name() == "Conv2D<8, 3, 1, valid>");
  CHECK(Conv2D<8, Hw{1, 7}, Hw{2, 1}>::name() == "Conv2D<8, Hw{1, 7}, Hw{2, 1}, valid>");
  // Keras: Conv2D(4, (1, 7)) on 9x8x3 has 1*7*3*4 + 4 parameters
  static_assert(param_count<Sequential<Input<9, 8, 3>, Conv2D<4, Hw{1, 7}>>> == 88);
}

TEST_CASE("Conv2D streaming its patches one sample at a time (more than 1 MiB per sample)") {
  using Net = Sequential<Input<40, 40, 128>, Conv2D<1, 7, 2, Padding::same>, Tanh>;
  using Strategy = Net::layer_at<0>::strategy;
  static_assert(std::is_same_v<Strategy, detail::GemmConv<Net::layer_at<0>::geometry, 1>>);
  static_assert(Strategy::chunk == 1);
  check_against_direct<40, 40, 128, 1, 7, 2, Padding::same>();
  check_gradients<Net>(3, false, 25);
  check_accumulation<Net>();
}

TEST_CASE("Conv2D with few filters behind big patches: GEMM over channels, then the taps") {
  // report 5's last layer, smaller: no patches of x, stride 1, same and valid
  using Net = Sequential<Input<20, 20, 128>, Conv2D<1, 7, 1, Padding::same>, Tanh>;
  static_assert(std::is_same_v<Net::layer_at<0>::strategy, detail::NarrowConv<Net::layer_at<0>::geometry, 1>>);
  check_against_direct<20, 20, 128, 1, 7, 1, Padding::same>();
  check_gradients<Net>(3, false, 25);
  check_accumulation<Net>();
  test::check_batch_equals_single<Net>();
  using Valid = Sequential<Input<20, 22, 128>, Conv2D<3, 6, 1, Padding::valid>, ELU<>>;
  static_assert(std::is_same_v<Valid::layer_at<0>::strategy, detail::NarrowConv<Valid::layer_at<0>::geometry, 3>>);
  check_against_direct<20, 22, 128, 3, 6, 1, Padding::valid>();
  check_gradients<Valid>(3, false, 25);
  check_accumulation<Valid>();
}

TEST_CASE("Conv2D with more channels: gradients") {
  check_laws<Sequential<Input<5, 6, 16>, Conv2D<16, 3>, ReLU>>();
  check_laws<Sequential<Input<5, 5, 16>, Conv2D<16, 3, 1, Padding::same>>>();
}

TEST_CASE("Dropout is the identity at inference and drops about Rate while training") {
  using Net = Sequential<Input<1000>, Dropout<0.3f>>;
  auto net = Net::make(seed{1});
  std::vector<float> x(1000, 1.0f);
  auto y = net.forward(x, 1, false);
  for (float v : y) CHECK(v == 1.0f);
  y = net.forward(x, 1, true);
  std::size_t zeros = 0;
  for (float v : y) {
    if (v == 0.0f) ++zeros;
    else CHECK(v == doctest::Approx(1.0f / 0.7f));
  }
  CHECK(zeros > 240);
  CHECK(zeros < 360);
}

TEST_CASE("buffer plan: in-place activations, shared views, a Dropout after LeakyReLU gets its own") {
  using A = Sequential<Input<28, 28, 1>, Conv2D<8, 3>, ReLU, Flatten, Dense<10>, Softmax>;
  static_assert(A::plan.slots == 3);  // input, conv(+relu, flatten), dense(+softmax)
  static_assert(A::plan.fused[0] && A::plan.absorbed[1] && !A::plan.fused[3]);
  using B = Sequential<Input<4>, LeakyReLU<0.2f>, Dropout<0.4f>>;
  static_assert(B::plan.out[1] != B::plan.out[0]);
}

TEST_CASE("the opt-in Boost.Hana view of a network's layers") {
  namespace hana = boost::hana;
  using Net = Sequential<Input<4>, Dense<3>, ReLU, Dense<2>>;
  static_assert(hana::length(layer_types<Net>) == hana::size_c<3>);
  static_assert(layer_types<Net>[hana::size_c<1>] == hana::type_c<ReLU>);
  auto net = Net::make(seed{1});
  std::size_t params = 0, layers = 0;
  for_each_layer(net, [&](auto& layer) {
    ++layers;
    layer.visit_params([&](const ParamRef& p) { params += p.value.size(); });
  });
  CHECK(layers == 3);
  CHECK(params == Net::total_params);
}

TEST_CASE("initialisers: PyTorch's bounds from each layer's fan_in, biases included; Keras's zero biases") {
  using Net = Sequential<Input<8, 8, 3>, Conv2D<4, 3>, ReLU, Conv2DTranspose<5, 3, 2>, BatchNorm<>, Flatten,
                         Dense<7>>;
  // PyTorch's fan_in: Conv2d 3*3*3, ConvTranspose2d (weight in x out x 3 x 3) 5*3*3, Linear 13*13*5.
  const std::vector<std::size_t> pytorch_fan_in{27, 27, 45, 45, 13 * 13 * 5, 13 * 13 * 5};
  auto torch_like = Net::make(seed{3}, Init::pytorch);
  std::size_t k = 0;
  torch_like.visit_params([&](const ParamRef& p) {
    const std::string role(p.role);
    if (role == "kernel" || role == "bias") {
      REQUIRE(k < pytorch_fan_in.size());
      const float bound = 1.0f / std::sqrt(static_cast<float>(pytorch_fan_in[k++]));
      float lo = 0, hi = 0;
      for (float v : p.value) lo = std::min(lo, v), hi = std::max(hi, v);
      INFO(role << " of fan_in " << p.fan_in);
      CHECK(lo >= -bound);
      CHECK(hi <= bound);
      if (p.value.size() >= 20) CHECK(hi - lo > bound);  // spread over the range, not a constant
    } else {
      for (float v : p.value) CHECK(v == (role == "gamma" || role == "moving_variance" ? 1.0f : 0.0f));
    }
  });
  CHECK(k == pytorch_fan_in.size());
  auto keras_like = Net::make(seed{3});
  keras_like.visit_params([&](const ParamRef& p) {
    if (p.role == std::string_view("bias"))
      for (float v : p.value) CHECK(v == 0.0f);
  });
}

TEST_CASE("initialisers: a kernel that states no fan_in is an error, not zeros or a division by zero") {
  std::vector<float> w(6, 1.0f), g(6);
  const ParamRef p{.role = "kernel", .value = w, .grad = g, .shape = {2, 3}, .rank = 2, .is_kernel = true};
  Rng rng(1);
  for (Init init : {Init::glorot_uniform, Init::he_normal, Init::pytorch})
    CHECK_THROWS_WITH_AS(init_param(p, rng, init), doctest::Contains("states no fan_in"), Error);
  init_param(p, rng, Init::normal_002);  // N(0, 0.02) needs no fan
  CHECK(w[0] != 1.0f);
}
