// DepthwiseConv2D, SeparableConv2D and LayerNormalization: the layer laws,
// outputs against direct references, Keras's parameter counts and names.
#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <string>
#include <type_traits>
#include <vector>

#include <ctnet/ctnet.hpp>

#include "gradcheck.hpp"

using namespace ctnet;
using test::check_laws;

// Keras's parameter counts (model.count_params()) and output shapes.
static_assert(Sequential<Input<28, 28, 3>, DepthwiseConv2D<3>>::total_params == 3 * 3 * 3 + 3);
static_assert(Sequential<Input<28, 28, 3>, DepthwiseConv2D<3, 1, Padding::valid, 2>>::total_params ==
              3 * 3 * 3 * 2 + 6);
static_assert(Sequential<Input<28, 28, 3>, DepthwiseConv2D<3, 1, Padding::valid, 1, false>>::total_params ==
              27);
static_assert(std::is_same_v<Sequential<Input<28, 28, 3>, DepthwiseConv2D<3, 2, Padding::same, 2>>::output_shape,
                             Shape<14, 14, 6>>);
static_assert(std::is_same_v<Sequential<Input<28, 28, 3>, DepthwiseConv2D<Hw{1, 5}>>::output_shape,
                             Shape<28, 24, 3>>);
static_assert(Sequential<Input<28, 28, 3>, SeparableConv2D<16, 3>>::total_params == 27 + 48 + 16);
static_assert(Sequential<Input<28, 28, 3>, SeparableConv2D<16, 3, 1, Padding::valid, 2, false>>::total_params ==
              54 + 6 * 16);
static_assert(std::is_same_v<Sequential<Input<28, 28, 3>, SeparableConv2D<16, 3>>::output_shape,
                             Shape<26, 26, 16>>);
static_assert(std::is_same_v<Sequential<Input<28, 28, 3>, SeparableConv2D<8, 3, 2, Padding::same>>::output_shape,
                             Shape<14, 14, 8>>);
static_assert(Sequential<Input<10>, LayerNormalization<>>::total_params == 20);
static_assert(Sequential<Input<5, 5, 8>, LayerNormalization<>>::total_params == 16);
static_assert(Sequential<Input<10>, LayerNormalization<1e-3f, false, true>>::total_params == 10);
static_assert(Sequential<Input<10>, LayerNormalization<1e-3f, false, false>>::total_params == 0);
// Rejections: image input, the window must fit with valid padding.
static_assert(std::is_same_v<rejection<DepthwiseConv2D<3>, Shape<10>>, why::needs_image_input>);
static_assert(std::is_same_v<rejection<DepthwiseConv2D<3>, Shape<2, 5, 3>>, why::window_larger_than_input>);
static_assert(accepts<DepthwiseConv2D<3, 1, Padding::same>, Shape<2, 2, 3>>);
static_assert(std::is_same_v<rejection<SeparableConv2D<4, 3>, Shape<4, 4>>, why::needs_image_input>);
static_assert(std::is_same_v<rejection<SeparableConv2D<4, Hw{1, 5}>, Shape<4, 4, 1>>,
                             why::window_larger_than_input>);
static_assert(accepts<LayerNormalization<>, Shape<3>> && accepts<LayerNormalization<>, Shape<2, 3, 4>>);
// The activation after them is fused (not after LayerNormalization).
static_assert(Sequential<Input<6, 6, 2>, DepthwiseConv2D<3>, ReLU>::plan.fused[0]);
static_assert(Sequential<Input<6, 6, 2>, SeparableConv2D<3, 3>, ReLU>::plan.fused[0]);
static_assert(!Sequential<Input<6>, LayerNormalization<>, ReLU>::plan.fused[0]);

TEST_CASE("DepthwiseConv2D: gradients, accumulation, batch") {
  check_laws<Sequential<Input<6, 5, 2>, DepthwiseConv2D<3>>>();
  check_laws<Sequential<Input<7, 6, 3>, DepthwiseConv2D<3, 2, Padding::same>>>();
  check_laws<Sequential<Input<6, 6, 2>, DepthwiseConv2D<4, 2, Padding::same>>>();
  check_laws<Sequential<Input<5, 6, 2>, DepthwiseConv2D<Hw{1, 3}>>>();
  check_laws<Sequential<Input<6, 7, 2>, DepthwiseConv2D<Hw{3, 2}, Hw{2, 1}, Padding::same>>>();
  check_laws<Sequential<Input<5, 5, 3>, DepthwiseConv2D<3, 1, Padding::same, 2>>>();
  check_laws<Sequential<Input<6, 5, 2>, DepthwiseConv2D<3, 1, Padding::valid, 3, false>>>();
  check_laws<Sequential<Input<5, 5, 3>, DepthwiseConv2D<3, 1, Padding::valid, 1, false>>>();
}

TEST_CASE("DepthwiseConv2D fused with ReLU and GELU") {
  // (shapes and seeds chosen so that no pre-activation lies within the finite
  // differences' reach of ReLU's kink)
  check_laws<Sequential<Input<6, 6, 3>, DepthwiseConv2D<3>, ReLU>>();
  check_laws<Sequential<Input<6, 6, 2>, DepthwiseConv2D<3, 2, Padding::same, 2>, GELU>>();
  check_laws<Sequential<Input<6, 6, 2>, DepthwiseConv2D<3, 1, Padding::same, 1, false>, GELU>>();
  check_laws<Sequential<Input<6, 6, 2>, DepthwiseConv2D<3>, Tanh, DepthwiseConv2D<2, 1, Padding::valid, 2>>>();
}

namespace {
/// A batch of 2 through DepthwiseConv2D against the direct sum in double.
template <std::size_t H, std::size_t W, std::size_t C, Hw K, Hw S, Padding P, std::size_t DM>
void check_depthwise_against_direct() {
  using Net = Sequential<Input<H, W, C>, DepthwiseConv2D<K, S, P, DM>>;
  auto net = Net::make(seed{2});
  Rng rng(9);
  std::vector<float> x(2 * H * W * C);
  for (auto& v : x) v = rng.normal();
  auto& conv = net.template layer<0>();
  for (auto& v : conv.b) v = rng.normal();
  const auto y = net.forward(x, 2);
  constexpr bool same = P == Padding::same;
  constexpr std::size_t OH = conv_out(H, K.h, S.h, same), OW = conv_out(W, K.w, S.w, same);
  constexpr std::size_t PT = pad_before(H, K.h, S.h, same), PL = pad_before(W, K.w, S.w, same);
  constexpr std::size_t CO = C * DM;
  static_assert(std::is_same_v<typename Net::output_shape, Shape<OH, OW, CO>>);
  std::size_t bad = 0;
  for (std::size_t b = 0; b < 2; ++b)
    for (std::size_t oy = 0; oy < OH; ++oy)
      for (std::size_t ox = 0; ox < OW; ++ox)
        for (std::size_t c = 0; c < C; ++c)
          for (std::size_t m = 0; m < DM; ++m) {
            double s = conv.b[c * DM + m];
            for (std::size_t kh = 0; kh < K.h; ++kh)
              for (std::size_t kw = 0; kw < K.w; ++kw) {
                const long iy = static_cast<long>(oy * S.h + kh) - static_cast<long>(PT);
                const long ix = static_cast<long>(ox * S.w + kw) - static_cast<long>(PL);
                if (iy < 0 || ix < 0 || iy >= static_cast<long>(H) || ix >= static_cast<long>(W)) continue;
                // Keras's depthwise_kernel (KH, KW, C, DM)
                s += static_cast<double>(x[((b * H + static_cast<std::size_t>(iy)) * W +
                                            static_cast<std::size_t>(ix)) * C + c]) *
                     conv.w[((kh * K.w + kw) * C + c) * DM + m];
              }
            const float got = y[((b * OH + oy) * OW + ox) * CO + c * DM + m];
            if (std::abs(got - s) > 1e-4 * (1 + std::abs(s)) && bad++ < 5)
              FAIL_CHECK("y[" << b << "," << oy << "," << ox << "," << c * DM + m << "] = " << got
                              << ", direct " << s);
          }
  CHECK(bad == 0);
}
}  // namespace

TEST_CASE("DepthwiseConv2D matches a direct depthwise convolution") {
  check_depthwise_against_direct<7, 6, 3, Hw{3, 3}, Hw{2, 2}, Padding::same, 1>();
  check_depthwise_against_direct<7, 6, 3, Hw{3, 3}, Hw{1, 1}, Padding::valid, 2>();
  check_depthwise_against_direct<8, 7, 5, Hw{1, 3}, Hw{1, 1}, Padding::same, 3>();
  check_depthwise_against_direct<9, 8, 4, Hw{3, 2}, Hw{2, 1}, Padding::valid, 1>();
  check_depthwise_against_direct<6, 6, 16, Hw{4, 4}, Hw{2, 2}, Padding::same, 1>();
}

TEST_CASE("DepthwiseConv2D and SeparableConv2D: names and Keras's parameters") {
  CHECK(DepthwiseConv2D<3>::name() == "DepthwiseConv2D<3, 1, valid>");
  CHECK(DepthwiseConv2D<3, 2, Padding::same, 2>::name() == "DepthwiseConv2D<3, 2, same, 2>");
  CHECK(DepthwiseConv2D<Hw{1, 3}, 1, Padding::valid, 1, false>::name() ==
        "DepthwiseConv2D<Hw{1, 3}, 1, valid, 1, false>");
  CHECK(SeparableConv2D<16, 3>::name() == "SeparableConv2D<16, 3, 1, valid>");
  CHECK(SeparableConv2D<16, 3, 2, Padding::same, 2, false>::name() ==
        "SeparableConv2D<16, 3, 2, same, 2, false>");
  std::string keras = SeparableConv2D<16, 3>::keras_class;
  CHECK(keras == "SeparableConv2D");
  keras = DepthwiseConv2D<3>::keras_name;
  CHECK(keras == "depthwise_conv2d");

  auto net = Sequential<Input<28, 28, 3>, SeparableConv2D<16, 3, 1, Padding::valid, 2>>::make(seed{1});
  std::vector<std::string> roles;
  std::vector<std::vector<std::size_t>> shapes;
  net.visit_params([&](const ParamRef& p) {
    roles.emplace_back(p.role);
    shapes.emplace_back(p.shape.begin(), p.shape.begin() + static_cast<long>(p.rank));
    CHECK(p.value.size() == p.grad.size());
  });
  CHECK(roles == std::vector<std::string>{"depthwise_kernel", "pointwise_kernel", "bias"});
  CHECK(shapes == std::vector<std::vector<std::size_t>>{{3, 3, 3, 2}, {1, 1, 6, 16}, {16}});

  auto dw = Sequential<Input<28, 28, 3>, DepthwiseConv2D<Hw{1, 5}, 1, Padding::valid, 2>>::make(seed{1});
  roles.clear();
  shapes.clear();
  dw.visit_params([&](const ParamRef& p) {
    roles.emplace_back(p.role);
    shapes.emplace_back(p.shape.begin(), p.shape.begin() + static_cast<long>(p.rank));
  });
  CHECK(roles == std::vector<std::string>{"depthwise_kernel", "bias"});
  CHECK(shapes == std::vector<std::vector<std::size_t>>{{1, 5, 3, 2}, {6}});
}

TEST_CASE("SeparableConv2D: gradients, accumulation, batch") {
  check_laws<Sequential<Input<6, 6, 3>, SeparableConv2D<4, 3>>>();
  check_laws<Sequential<Input<7, 7, 2>, SeparableConv2D<3, 3, 2, Padding::same, 2>, ReLU>>();
  check_laws<Sequential<Input<6, 5, 2>, SeparableConv2D<3, Hw{1, 3}, 1, Padding::valid, 1, false>, GELU>>();
  check_laws<Sequential<Input<6, 6, 2>, SeparableConv2D<2, 3, 1, Padding::same>, Tanh, SeparableConv2D<3, 2>>>();
}

TEST_CASE("SeparableConv2D is DepthwiseConv2D without bias, then a 1x1 Conv2D") {
  using Sep = Sequential<Input<7, 6, 3>, SeparableConv2D<5, 3, 2, Padding::same, 2>, ReLU>;
  using Two = Sequential<Input<7, 6, 3>, DepthwiseConv2D<3, 2, Padding::same, 2, false>, Conv2D<5, 1>, ReLU>;
  static_assert(Sep::total_params == Two::total_params);
  auto sep = Sep::make(seed{4});
  auto two = Two::make(seed{5});
  std::vector<std::vector<float>> values;
  Rng rng(3);
  sep.visit_params([&](const ParamRef& p) {
    for (auto& v : p.value) v = rng.normal(0.0f, 0.3f);
    values.emplace_back(p.value.begin(), p.value.end());
  });
  std::size_t k = 0;
  two.visit_params([&](const ParamRef& p) {
    REQUIRE(k < values.size());
    REQUIRE(p.value.size() == values[k].size());
    std::copy(values[k].begin(), values[k].end(), p.value.begin());
    ++k;
  });
  std::vector<float> x(3 * Sep::input_shape::size);
  for (auto& v : x) v = rng.normal();
  const auto ys = sep.forward(x, 3);
  const std::vector<float> a(ys.begin(), ys.end());
  const auto yt = two.forward(x, 3);
  REQUIRE(a.size() == yt.size());
  for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i] == doctest::Approx(yt[i]).epsilon(1e-5));
}

TEST_CASE("LayerNormalization: gradients, accumulation, batch") {
  check_laws<Sequential<Input<6>, LayerNormalization<>>>();
  check_laws<Sequential<Input<3, 3, 4>, LayerNormalization<>>>();
  check_laws<Sequential<Input<5>, LayerNormalization<1e-3f, false, false>>>();
  check_laws<Sequential<Input<2, 5>, LayerNormalization<1e-2f, true, false>>>();
  check_laws<Sequential<Input<4, 3>, LayerNormalization<1e-3f, false, true>>>();
  check_laws<Sequential<Input<6, 5, 2>, Conv2D<4, 3>, LayerNormalization<>, GELU, Flatten, Dense<3>>>();
}

namespace {
/// A batch of 3 through LayerNormalization against the direct normalisation in
/// double: with gamma 1 and beta 0 (as initialised) mean 0 and variance
/// var / (var + eps) along the last axis, per sample and row; then with gamma and beta.
template <float Eps, std::size_t... D>
void check_layer_norm_direct() {
  using Net = Sequential<Input<D...>, LayerNormalization<Eps>>;
  constexpr std::size_t size = Shape<D...>::size, last = Shape<D...>::dims[sizeof...(D) - 1];
  constexpr std::size_t n = 3, rows = n * size / last;
  auto net = Net::make(seed{1});
  Rng rng(21);
  std::vector<float> x(n * size);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = rng.normal(static_cast<float>(i % 3), 1.0f + (i % 5));
  auto check_rows = [&](std::span<const float> y, const std::vector<double>& gamma, const std::vector<double>& beta) {
    std::size_t bad = 0;
    for (std::size_t r = 0; r < rows; ++r) {
      double mean = 0.0, var = 0.0;
      for (std::size_t j = 0; j < last; ++j) mean += x[r * last + j];
      mean /= last;
      for (std::size_t j = 0; j < last; ++j) var += (x[r * last + j] - mean) * (x[r * last + j] - mean);
      var /= last;
      double ym = 0.0, yv = 0.0;
      for (std::size_t j = 0; j < last; ++j) {
        const double h = (x[r * last + j] - mean) / std::sqrt(var + static_cast<double>(Eps));
        ym += h;
        yv += h * h;
        const double want = gamma[j] * h + beta[j];
        const double got = y[r * last + j];
        if (std::abs(got - want) > 1e-4 * (1 + std::abs(want)) && bad++ < 5)
          FAIL_CHECK("y[" << r << "," << j << "] = " << got << ", direct " << want);
      }
      CHECK(std::abs(ym / last) < 1e-6);
      CHECK(yv / last == doctest::Approx(var / (var + static_cast<double>(Eps))).epsilon(1e-6));
    }
    CHECK(bad == 0);
  };
  // gamma 1, beta 0 as initialised: mean 0, (almost) variance 1 per row
  auto y = net.forward(x, n);
  {
    std::size_t bad = 0;
    for (std::size_t r = 0; r < rows; ++r) {
      double m = 0.0, v = 0.0;
      for (std::size_t j = 0; j < last; ++j) m += y[r * last + j];
      m /= last;
      for (std::size_t j = 0; j < last; ++j) v += (y[r * last + j] - m) * (y[r * last + j] - m);
      v /= last;
      if ((std::abs(m) > 1e-5 || std::abs(v - 1.0) > 2e-2) && bad++ < 5)
        FAIL_CHECK("row " << r << ": mean " << m << ", variance " << v);
    }
    CHECK(bad == 0);
  }
  check_rows(y, std::vector<double>(last, 1.0), std::vector<double>(last, 0.0));
  // with gamma and beta
  std::vector<double> gamma, beta;
  net.visit_params([&](const ParamRef& p) {
    for (auto& v : p.value) v = rng.normal();
    (p.role == "gamma" ? gamma : beta).assign(p.value.begin(), p.value.end());
  });
  REQUIRE(gamma.size() == last);
  REQUIRE(beta.size() == last);
  y = net.forward(x, n);
  check_rows(y, gamma, beta);
}
}  // namespace

TEST_CASE("LayerNormalization matches the direct normalisation per sample and row") {
  check_layer_norm_direct<1e-3f, 10>();
  check_layer_norm_direct<1e-3f, 3, 3, 4>();
  check_layer_norm_direct<1e-5f, 2, 7>();
  CHECK(LayerNormalization<>::name() == "LayerNormalization");
  CHECK(LayerNormalization<1e-5f>::name() == "LayerNormalization<0.000010, true, true>");
  CHECK(LayerNormalization<1e-3f, false, true>::name() == "LayerNormalization<0.001000, false, true>");
  std::string keras = LayerNormalization<>::keras_name;
  CHECK(keras == "layer_normalization");
  std::vector<std::string> roles;
  std::vector<float> fills;
  Sequential<Input<5, 4>, LayerNormalization<>>::make(seed{1}).visit_params([&](const ParamRef& p) {
    roles.emplace_back(p.role);
    fills.push_back(p.value[0]);
    CHECK(p.shape[0] == 4);
    CHECK(p.rank == 1);
  });
  CHECK(roles == std::vector<std::string>{"gamma", "beta"});
  CHECK(fills == std::vector<float>{1.0f, 0.0f});
}
