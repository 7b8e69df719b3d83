// The layers the GANs add: Conv2DTranspose, UpSampling2D, BatchNorm, ELU.
// The layer laws alone and in the fused pairs the model forms, Conv2DTranspose
// against Conv2D's adjoint and a direct scatter loop, BatchNorm's statistics.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include <ctnet/ctnet.hpp>

#include "gradcheck.hpp"

using namespace ctnet;
using test::check_gradients;
using test::check_laws;

// Keras's shapes and counts.
using CT = Conv2DTranspose<128, 4, 2, Padding::same>;
static_assert(std::is_same_v<CT::layer<Shape<7, 7, 128>>::output, Shape<14, 14, 128>>);
static_assert(CT::layer<Shape<7, 7, 128>>::trainable_params == 262'272);
static_assert(Conv2DTranspose<1, 3, 1, Padding::same>::layer<Shape<28, 28, 32>>::trainable_params == 289);
static_assert(std::is_same_v<Conv2DTranspose<4, 3>::layer<Shape<5, 6, 2>>::output, Shape<7, 8, 4>>);
static_assert(std::is_same_v<Conv2DTranspose<4, 3, 2>::layer<Shape<7, 7, 2>>::output, Shape<15, 15, 4>>);
static_assert(std::is_same_v<Conv2DTranspose<4, 1, 3>::layer<Shape<2, 3, 2>>::output, Shape<6, 9, 4>>);
static_assert(std::is_same_v<Conv2DTranspose<4, 5, 2, Padding::same, false>::layer<Shape<7, 7, 9>>::output,
                             Shape<14, 14, 4>>);
static_assert(Conv2DTranspose<64, 5, 2, Padding::same, false>::layer<Shape<7, 7, 128>>::trainable_params ==
              204'800);
static_assert(std::is_same_v<UpSampling2D<2>::layer<Shape<7, 7, 3>>::output, Shape<14, 14, 3>>);
static_assert(std::is_same_v<UpSampling2D<3>::layer<Shape<2, 5, 1>>::output, Shape<6, 15, 1>>);
static_assert(BatchNorm<>::layer<Shape<12544>>::trainable_params == 25'088);
static_assert(BatchNorm<>::layer<Shape<12544>>::non_trainable_params == 25'088);
static_assert(BatchNorm<>::layer<Shape<7, 7, 64>>::trainable_params == 128);
static_assert(BatchNorm<false, false>::layer<Shape<7, 7, 64>>::trainable_params == 0);
static_assert(BatchNorm<false, false>::layer<Shape<7, 7, 64>>::non_trainable_params == 128);
static_assert(!accepts<Conv2DTranspose<2, 3>, Shape<10>>);
static_assert(!accepts<UpSampling2D<2>, Shape<10>>);
static_assert(Sequential<Input<3, 3, 2>, Conv2DTranspose<2, 3, 2, Padding::same>, ReLU>::plan.fused[0]);
static_assert(Sequential<Input<6>, BatchNorm<>, LeakyReLU<0.2f>>::plan.fused[0]);
static_assert(Sequential<Input<6>, Dense<4>, ELU<>>::plan.fused[0]);

TEST_CASE("Conv2DTranspose: valid, same, strided, odd padding, kernel smaller than stride, 1x1") {
  check_laws<Sequential<Input<3, 4, 2>, Conv2DTranspose<3, 3>>>();
  check_laws<Sequential<Input<3, 3, 2>, Conv2DTranspose<2, 3, 2, Padding::same>, ReLU>>();
  check_laws<Sequential<Input<3, 4, 3>, Conv2DTranspose<2, 4, 2, Padding::same, false>, ELU<>>>();
  check_laws<Sequential<Input<3, 3, 2>, Conv2DTranspose<2, 5, 2, Padding::same>, Tanh>>();
  check_laws<Sequential<Input<2, 3, 2>, Conv2DTranspose<2, 3, 2>>>();
  check_laws<Sequential<Input<2, 2, 2>, Conv2DTranspose<2, 1, 3>>>();
  check_laws<Sequential<Input<3, 3, 2>, Conv2DTranspose<3, 1>>>();
  check_laws<Sequential<Input<3, 3, 2>, Conv2DTranspose<2, 5, 1, Padding::same>, Sigmoid>>();
  check_laws<Sequential<Input<2, 2, 3>, Conv2DTranspose<2, 3, 2, Padding::same>, Tanh,
                        Conv2DTranspose<2, 4, 2, Padding::same>>>();
}

namespace {
template <class Net>
std::vector<float> random_input(std::size_t n, std::uint64_t s) {
  Rng rng(s);
  std::vector<float> x(n * Net::input_shape::size);
  for (auto& v : x) v = rng.normal();
  return x;
}

/// <Conv(x), y> == <x, ConvT(y)> with the kernel shared: Conv2DTranspose is
/// the adjoint of the Conv2D with the same kernel, stride and padding.
template <std::size_t H, std::size_t W, std::size_t C, std::size_t F, std::size_t K, std::size_t S,
          Padding P>
void check_adjoint() {
  using T = Sequential<Input<H, W, C>, Conv2DTranspose<F, K, S, P, false>>;
  constexpr std::size_t OH = T::output_shape::dims[0], OW = T::output_shape::dims[1];
  using Conv = Sequential<Input<OH, OW, F>, Conv2D<C, K, S, P, false>>;
  static_assert(std::is_same_v<typename Conv::output_shape, Shape<H, W, C>>);
  auto t = T::make(seed{3});
  auto conv = Conv::make(seed{4});
  auto& wt = t.template layer<0>().w;
  auto& wc = conv.template layer<0>().w;
  REQUIRE(wt.size() == wc.size());
  std::copy(wt.begin(), wt.end(), wc.begin());
  const auto x = random_input<Conv>(2, 7);  // OH x OW x F
  const auto y = random_input<T>(2, 8);     // H x W x C
  const auto cx = conv.forward(x, 2);
  const auto ty = t.forward(y, 2);
  double lhs = 0, rhs = 0;
  for (std::size_t i = 0; i < y.size(); ++i) lhs += static_cast<double>(cx[i]) * y[i];
  for (std::size_t i = 0; i < x.size(); ++i) rhs += static_cast<double>(x[i]) * ty[i];
  CHECK(lhs == doctest::Approx(rhs).epsilon(1e-4));
}

/// Against a direct scatter loop in double: every input pixel adds its
/// kernel-weighted copy at (i S + kh - pad_top, j S + kw - pad_left).
template <std::size_t H, std::size_t W, std::size_t C, std::size_t F, std::size_t K, std::size_t S,
          Padding P>
void check_against_scatter() {
  using Net = Sequential<Input<H, W, C>, Conv2DTranspose<F, K, S, P>>;
  constexpr std::size_t OH = Net::output_shape::dims[0], OW = Net::output_shape::dims[1];
  constexpr bool same = P == Padding::same;
  // TensorFlow's padding for conv2d_transpose 'same': total max(K - S, 0), half before.
  constexpr std::size_t PT = same ? (K > S ? (K - S) / 2 : 0) : 0, PL = PT;
  static_assert(OH == (same ? H * S : H * S + (K > S ? K - S : 0)));
  auto net = Net::make(seed{2});
  auto& l = net.template layer<0>();
  Rng rng(9);
  for (auto& v : l.b) v = rng.normal();
  const auto x = random_input<Net>(2, 10);
  const auto y = net.forward(x, 2);
  std::vector<double> ref(2 * OH * OW * F, 0.0);
  for (std::size_t b = 0; b < 2; ++b) {
    for (std::size_t i = 0; i < OH * OW; ++i)
      for (std::size_t f = 0; f < F; ++f) ref[(b * OH * OW + i) * F + f] = l.b[f];
    for (std::size_t iy = 0; iy < H; ++iy)
      for (std::size_t ix = 0; ix < W; ++ix)
        for (std::size_t kh = 0; kh < K; ++kh)
          for (std::size_t kw = 0; kw < K; ++kw) {
            const long oy = static_cast<long>(iy * S + kh) - static_cast<long>(PT);
            const long ox = static_cast<long>(ix * S + kw) - static_cast<long>(PL);
            if (oy < 0 || ox < 0 || oy >= static_cast<long>(OH) || ox >= static_cast<long>(OW)) continue;
            for (std::size_t f = 0; f < F; ++f)
              for (std::size_t c = 0; c < C; ++c)
                ref[((b * OH + static_cast<std::size_t>(oy)) * OW + static_cast<std::size_t>(ox)) * F + f] +=
                    static_cast<double>(x[((b * H + iy) * W + ix) * C + c]) *
                    l.w[((kh * K + kw) * F + f) * C + c];
          }
  }
  std::size_t bad = 0;
  for (std::size_t i = 0; i < ref.size(); ++i)
    if (std::abs(y[i] - ref[i]) > 1e-4 * (1 + std::abs(ref[i])) && bad++ < 5)
      FAIL_CHECK("output " << i << ": " << y[i] << " vs " << ref[i]);
  CHECK(bad == 0);
}
}  // namespace

TEST_CASE("Conv2DTranspose is the adjoint of Conv2D with the same kernel, stride and padding") {
  check_adjoint<4, 5, 3, 2, 3, 1, Padding::valid>();
  check_adjoint<4, 4, 3, 2, 3, 2, Padding::valid>();
  check_adjoint<4, 4, 3, 2, 3, 2, Padding::same>();
  check_adjoint<4, 3, 3, 2, 4, 2, Padding::same>();
  check_adjoint<3, 3, 2, 5, 5, 2, Padding::same>();
  check_adjoint<3, 4, 2, 3, 5, 1, Padding::same>();
  check_adjoint<3, 3, 2, 3, 2, 3, Padding::valid>();
  check_adjoint<3, 3, 2, 3, 1, 1, Padding::valid>();
}

TEST_CASE("Conv2DTranspose matches a direct scatter loop") {
  check_against_scatter<4, 5, 3, 2, 3, 1, Padding::valid>();
  check_against_scatter<3, 3, 2, 4, 3, 2, Padding::valid>();
  check_against_scatter<3, 4, 2, 3, 4, 2, Padding::same>();
  check_against_scatter<3, 3, 3, 2, 5, 2, Padding::same>();
  check_against_scatter<3, 3, 2, 2, 3, 2, Padding::same>();
  check_against_scatter<3, 3, 2, 2, 2, 3, Padding::valid>();
  check_against_scatter<2, 3, 2, 2, 1, 2, Padding::same>();
  check_against_scatter<7, 7, 16, 8, 4, 2, Padding::same>();  // more than one chunk per thread
}

TEST_CASE("Conv2DTranspose with 8 or more filters: forward as sub-pixel convolutions") {
  // each output phase a stride-1 convolution of x with a sub-kernel: strides
  // 1, 2, 3, kernels that S divides and that it does not (zero taps), kernel
  // smaller than the stride, odd output sizes (valid), same padding
  static_assert(Sequential<Input<7, 7, 16>, Conv2DTranspose<8, 4, 2, Padding::same>>::layer_at<0>::subpixel);
  static_assert(!Sequential<Input<7, 7, 16>, Conv2DTranspose<4, 4, 2, Padding::same>>::layer_at<0>::subpixel);
  check_against_scatter<7, 7, 16, 8, 4, 2, Padding::same>();
  check_against_scatter<5, 6, 9, 8, 5, 2, Padding::same>();
  check_against_scatter<5, 4, 9, 8, 5, 1, Padding::same>();
  check_against_scatter<4, 5, 3, 8, 3, 1, Padding::valid>();
  check_against_scatter<4, 5, 3, 8, 3, 2, Padding::valid>();
  check_against_scatter<3, 4, 3, 8, 2, 3, Padding::valid>();
  check_against_scatter<3, 4, 3, 8, 5, 3, Padding::same>();
  check_against_scatter<3, 3, 3, 9, 1, 2, Padding::same>();
  check_adjoint<4, 5, 3, 8, 5, 2, Padding::same>();
  check_adjoint<4, 5, 3, 8, 3, 1, Padding::valid>();
  check_laws<Sequential<Input<3, 4, 3>, Conv2DTranspose<8, 5, 2, Padding::same>, Tanh>>();
  check_laws<Sequential<Input<3, 3, 2>, Conv2DTranspose<8, 4, 1, Padding::same, false>, ELU<>>>();
  check_laws<Sequential<Input<2, 3, 2>, Conv2DTranspose<8, 3, 2>>>();
}

TEST_CASE("UpSampling2D: values and laws") {
  using Net = Sequential<Input<2, 2, 1>, UpSampling2D<2>>;
  auto net = Net::make(seed{1});
  const std::vector<float> x{1, 2, 3, 4};
  const auto y = net.forward(x, 1);
  const std::vector<float> want{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4};
  for (std::size_t i = 0; i < want.size(); ++i) CHECK(y[i] == want[i]);
  check_laws<Sequential<Input<3, 2, 2>, UpSampling2D<2>>>();
  check_laws<Sequential<Input<2, 3, 2>, UpSampling2D<3>, Conv2D<2, 3>>>();
}

TEST_CASE("ELU: values, alone and fused") {
  CHECK(ELU<>::f(2.0f) == 2.0f);
  CHECK(ELU<>::f(-1.0f) == doctest::Approx(std::exp(-1.0) - 1.0));
  CHECK(ELU<0.5f>::f(-2.0f) == doctest::Approx(0.5 * (std::exp(-2.0) - 1.0)));
  CHECK(ELU<0.5f>::df(ELU<0.5f>::f(-2.0f)) == doctest::Approx(0.5 * std::exp(-2.0)));
  check_laws<Sequential<Input<6>, Dense<5>, ELU<>>>();
  check_laws<Sequential<Input<5, 4, 2>, Conv2D<3, 3, 1, Padding::same>, ELU<0.5f>>>();
  check_laws<Sequential<Input<5>, ELU<>, Dense<3>>>();
}

TEST_CASE("BatchNorm: gradients through the batch statistics (training)") {
  check_gradients<Sequential<Input<6>, BatchNorm<>>>(4, true);
  check_gradients<Sequential<Input<3, 3, 2>, BatchNorm<>>>(4, true);
  check_gradients<Sequential<Input<3, 2, 3>, BatchNorm<false, false>>>(4, true);
  check_gradients<Sequential<Input<6>, BatchNorm<true, false>, Dense<3>>>(4, true);
  check_gradients<Sequential<Input<6>, BatchNorm<false, true>, Dense<3>>>(4, true);
  // Fused with the activation after it, and between GEMM layers. (Smooth
  // activations: BatchNorm's gamma and beta move every output of a channel,
  // and with LeakyReLU some of them cross the kink within the finite
  // difference's step, which spoils the numeric gradient, not the analytic
  // one; the fused epilogue is the same code for every activation.)
  check_gradients<Sequential<Input<4, 3, 2>, Conv2D<3, 3, 1, Padding::same>, BatchNorm<>,
                             ELU<>>>(4, true);
  check_gradients<Sequential<Input<4, 3, 2>, BatchNorm<>, Tanh>>(4, true);
  check_gradients<Sequential<Input<5>, Dense<6, false>, BatchNorm<>, ELU<>, Dense<2>>>(4, true);
  check_gradients<Sequential<Input<5>, Dense<6, false>, BatchNorm<>, ReLU, Dropout<0.3f>, Dense<2>>>(
      4, true);
}

TEST_CASE("BatchNorm: the layer laws at inference") {
  check_laws<Sequential<Input<6>, BatchNorm<>>>();
  check_laws<Sequential<Input<3, 3, 2>, BatchNorm<>, ELU<>>>();
  check_laws<Sequential<Input<3, 3, 2>, BatchNorm<false, false>, Tanh>>();
  check_laws<Sequential<Input<3, 3, 2>, Conv2D<2, 3>, BatchNorm<>, ReLU, Flatten, Dense<2>>>();
}

namespace {
/// Per-channel mean and biased variance in double, over n samples of shape S.
template <class S>
void channel_moments(const std::vector<float>& x, std::size_t n, std::vector<double>& mean,
                     std::vector<double>& var) {
  constexpr std::size_t C = S::dims[S::rank - 1];
  const std::size_t rows = n * S::size / C;
  mean.assign(C, 0.0);
  var.assign(C, 0.0);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < C; ++c) mean[c] += x[r * C + c];
  for (auto& m : mean) m /= static_cast<double>(rows);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < C; ++c) var[c] += std::pow(x[r * C + c] - mean[c], 2);
  for (auto& v : var) v /= static_cast<double>(rows);
}
}  // namespace

TEST_CASE("BatchNorm: training normalises with the batch and moves the moving statistics") {
  using Net = Sequential<Input<2, 3, 4>, BatchNorm<>>;
  auto net = Net::make(seed{1});
  auto& bn = net.layer<0>();
  for (std::size_t c = 0; c < 4; ++c) CHECK((bn.gamma[c] == 1.0f && bn.moving_var[c] == 1.0f));
  std::vector<float> x = random_input<Net>(5, 3);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = 2.0f * x[i] + static_cast<float>(i % 4);
  std::vector<double> mean, var;
  channel_moments<Net::input_shape>(x, 5, mean, var);

  const auto y = net.forward(x, 5, true);
  std::vector<double> ym, yv;
  channel_moments<Net::input_shape>({y.begin(), y.end()}, 5, ym, yv);
  for (std::size_t c = 0; c < 4; ++c) {
    CHECK(ym[c] == doctest::Approx(0.0).epsilon(1e-5).scale(1));
    CHECK(yv[c] == doctest::Approx(var[c] / (var[c] + 1e-3)).epsilon(1e-4));
    CHECK(bn.moving_mean[c] == doctest::Approx(0.01 * mean[c]).epsilon(1e-5));
    CHECK(bn.moving_var[c] == doctest::Approx(0.99 + 0.01 * var[c]).epsilon(1e-5));
  }
  // A second pass moves them again: moving = moving * 0.99 + batch * 0.01.
  net.forward(x, 5, true);
  for (std::size_t c = 0; c < 4; ++c) {
    CHECK(bn.moving_mean[c] == doctest::Approx(0.99 * 0.01 * mean[c] + 0.01 * mean[c]).epsilon(1e-5));
    CHECK(bn.moving_var[c] ==
          doctest::Approx(0.99 * (0.99 + 0.01 * var[c]) + 0.01 * var[c]).epsilon(1e-5));
  }
  // Inference leaves them alone.
  const float before = bn.moving_mean[0];
  net.forward(x, 5, false);
  CHECK(bn.moving_mean[0] == before);
}

TEST_CASE("VirtualBatchNorm: the first half of the batch sets the statistics") {
  using Net = Sequential<Input<2, 3, 4>, VirtualBatchNorm<>>;
  static_assert(Net::total_params == Sequential<Input<2, 3, 4>, BatchNorm<>>::total_params);
  CHECK(VirtualBatchNorm<>::name() == "VirtualBatchNorm");
  auto net = Net::make(seed{1});
  auto& bn = net.layer<0>();
  std::vector<float> x = random_input<Net>(5, 3);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = 2.0f * x[i] + static_cast<float>(i % 4);
  // Reference: samples 0..2 (ceil(5 / 2)); the other two are normalised with their statistics.
  std::vector<double> mean, var;
  channel_moments<Net::input_shape>(x, 3, mean, var);
  const auto y = net.forward(x, 5, true);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const std::size_t c = i % 4;
    CHECK(y[i] == doctest::Approx((x[i] - mean[c]) / std::sqrt(var[c] + 1e-3)).epsilon(1e-4));
  }
  for (std::size_t c = 0; c < 4; ++c)
    CHECK(bn.moving_mean[c] == doctest::Approx(0.01 * mean[c]).epsilon(1e-5));
  // The reference half does not see the rest: changing sample 4 leaves samples 0..3 alone.
  const std::vector<float> before(y.begin(), y.end());
  for (std::size_t i = 4 * 24; i < 5 * 24; ++i) x[i] += 10.0f;
  const auto y2 = net.forward(x, 5, true);
  for (std::size_t i = 0; i < 4 * 24; ++i) CHECK(y2[i] == doctest::Approx(before[i]).epsilon(1e-6));
}

TEST_CASE("VirtualBatchNorm: gradients through the reference half's statistics") {
  check_gradients<Sequential<Input<6>, VirtualBatchNorm<>>>(4, true);
  check_gradients<Sequential<Input<3, 3, 2>, VirtualBatchNorm<>, Tanh>>(5, true);
  check_gradients<Sequential<Input<5>, Dense<6, false>, VirtualBatchNorm<>, ELU<>, Dense<2>>>(4, true);
  check_laws<Sequential<Input<3, 3, 2>, VirtualBatchNorm<>, ELU<>>>();
}

TEST_CASE("BatchNorm: inference uses the moving statistics") {
  using Net = Sequential<Input<3, 2>, BatchNorm<>>;
  auto net = Net::make(seed{1});
  auto& bn = net.layer<0>();
  bn.moving_mean[0] = 1.0f, bn.moving_mean[1] = -2.0f;
  bn.moving_var[0] = 4.0f, bn.moving_var[1] = 0.25f;
  bn.gamma[0] = 2.0f, bn.gamma[1] = 0.5f;
  bn.beta[0] = 0.1f, bn.beta[1] = -0.3f;
  const auto x = random_input<Net>(2, 4);
  const auto y = net.forward(x, 2, false);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const std::size_t c = i % 2;
    const double want = bn.gamma[c] * (x[i] - bn.moving_mean[c]) / std::sqrt(bn.moving_var[c] + 1e-3) +
                        bn.beta[c];
    CHECK(y[i] == doctest::Approx(want).epsilon(1e-5));
  }
}

TEST_CASE("BatchNorm: parameters as Keras lists them") {
  using Net = Sequential<Input<7, 7, 3>, BatchNorm<>>;
  static_assert(Net::total_params == 12 && Net::trainable_params == 6);
  auto net = Net::make(seed{1});
  std::vector<std::string> roles;
  std::vector<bool> trainable;
  net.visit_params([&](const ParamRef& p) {
    roles.emplace_back(p.role);
    trainable.push_back(p.trainable);
    CHECK(p.value.size() == 3);
    CHECK(p.grad.size() == (p.trainable ? 3u : 0u));
  });
  CHECK(roles == std::vector<std::string>{"gamma", "beta", "moving_mean", "moving_variance"});
  CHECK(trainable == std::vector<bool>{true, true, false, false});
  CHECK(Net::spec_at<0>::name() == "BatchNorm");
  CHECK(BatchNorm<false, false>::name() == "BatchNorm<false, false>");
}

TEST_CASE("a small generator end to end, training mode") {
  check_gradients<Sequential<Input<3>, Dense<16, false>, BatchNorm<>, ELU<>, Reshape<2, 2, 4>,
                             Conv2DTranspose<3, 3, 2, Padding::same, false>, BatchNorm<>, Tanh,
                             UpSampling2D<2>, Conv2D<1, 3, 1, Padding::same>, Tanh>>(4, true, 30);
}
