// The layers and blocks beyond the five reports, and the layer contract they
// meet: activations whose derivative reads the input, pooling, padding, 1-D
// layers, residual blocks.
#include <doctest/doctest.h>

#include <ctnet/ctnet.hpp>
#include <ctnet/zoo/resnet.hpp>

#include "gradcheck.hpp"

using namespace ctnet;
using test::check_gradients;
using test::check_laws;

namespace {
/// Every spec in the list models LayerSpec, and its layer bound to In models
/// BoundLayer (the static test of the contract).
template <class In, class... Ls>
constexpr bool all_model_the_contract() {
  return ((LayerSpec<Ls> && accepts<Ls, In> && BoundLayer<typename Ls::template layer<In>>) && ...);
}
}  // namespace

TEST_CASE("every layer models the layer contract") {
  static_assert(all_model_the_contract<
                Shape<8, 8, 4>, Conv2D<4, 3>, Conv2D<4, Hw{1, 3}, Hw{2, 1}, Padding::same>,
                Conv2DTranspose<4, 3, 2, Padding::same>, MaxPool2D<2>, AveragePooling2D<2>,
                GlobalAveragePooling2D, GlobalMaxPooling2D, ZeroPadding2D<1>, UpSampling2D<2>,
                BatchNorm<>, VirtualBatchNorm<>, Dropout<0.5f>, Flatten, Reshape<4, 4, 16>, ReLU,
                LeakyReLU<0.2f>, ELU<>, Sigmoid, Tanh, GELU, SiLU, Softplus,
                Residual<Conv2D<4, 3, 1, Padding::same>>,
                Residual<Shortcut<Conv2D<8, 1, 2>>, Conv2D<8, 3, 2, Padding::same>>>());
  static_assert(all_model_the_contract<Shape<10, 3>, Conv1D<4, 3>, MaxPool1D<2>,
                                       GlobalAveragePooling1D>());
  static_assert(all_model_the_contract<Shape<6>, Dense<3>, Softmax>());
  // networks and their combinators
  using Body = Sequential<Input<4>, Dense<3>>;
  static_assert(Network<Body> && Network<TwoHeads<Body, Head<Body, Dense<2>>, Head<Body, Dense<2>>>>);
  static_assert(Network<Concat<Through<4>, Through<2>, Sequential<Input<6>, Dense<1>>>>);
  static_assert(!Network<Dense<3>> && !LayerSpec<Body>);
  // element-wise activations state what their derivative reads
  static_assert(FusableActivation<GELU> && FusableActivation<ReLU> && !FusableActivation<Softmax>);
}

TEST_CASE("GELU, SiLU, Softplus: values, laws alone and fused into Dense, Conv2D, BatchNorm") {
  CHECK(GELU::f(1.0f) == doctest::Approx(0.8413447f));   // Keras: gelu(1.0, approximate=False)
  CHECK(GELU::f(-2.0f) == doctest::Approx(-0.0455003f));
  CHECK(SiLU::f(1.0f) == doctest::Approx(0.7310586f));
  CHECK(Softplus::f(0.0f) == doctest::Approx(0.6931472f));
  CHECK(Softplus::f(100.0f) == doctest::Approx(100.0f));  // no overflow
  CHECK(Softplus::f(-100.0f) >= 0.0f);
  // alone: GELU and SiLU keep their input (a buffer of their own), Softplus works in place
  using Alone = Sequential<Input<6>, GELU, SiLU, Softplus, Dense<3>>;
  static_assert(Alone::plan.out[0] != Alone::plan.in[0] && Alone::plan.out[2] == Alone::plan.out[1]);
  check_laws<Alone>();
  // fused: the GEMM layer keeps the pre-activation values for backward
  using D = Sequential<Input<6>, Dense<5>, GELU, Dense<4>, SiLU, Dense<3>, Softplus>;
  static_assert(D::plan.fused[0] && D::plan.fused[2] && D::plan.fused[4]);
  static_assert(D::plan.out[1] == D::plan.out[0]);
  check_laws<D>();
  check_laws<Sequential<Input<6, 5, 2>, Conv2D<3, 3, 1, Padding::same>, GELU>>();
  check_laws<Sequential<Input<6, 5, 2>, Conv2D<3, 3, 2, Padding::same>, SiLU>>();
  check_laws<Sequential<Input<4, 4, 3>, Conv2DTranspose<2, 3, 2, Padding::same>, GELU>>();
  check_gradients<Sequential<Input<4, 4, 3>, BatchNorm<>, SiLU, Flatten, Dense<2>>>(3, true);
  check_laws<Sequential<Input<4, 4, 3>, BatchNorm<>, GELU>>();
}

TEST_CASE("AveragePooling2D, global pooling, ZeroPadding2D: values and laws") {
  using A = Sequential<Input<4, 4, 1>, AveragePooling2D<2>>;
  auto a = A::make(seed{1});
  std::vector<float> x(16);
  for (std::size_t i = 0; i < 16; ++i) x[i] = static_cast<float>(i);
  const auto y = a.forward(x, 1);
  CHECK(y[0] == doctest::Approx((0 + 1 + 4 + 5) / 4.0));
  CHECK(y[3] == doctest::Approx((10 + 11 + 14 + 15) / 4.0));
  check_laws<Sequential<Input<6, 6, 2>, AveragePooling2D<2>>>();
  check_laws<Sequential<Input<7, 7, 2>, AveragePooling2D<3, 2>>>();
  check_laws<Sequential<Input<6, 7, 2>, AveragePooling2D<Hw{1, 3}, Hw{2, 2}>>>();
  check_laws<Sequential<Input<6, 7, 2>, MaxPool2D<Hw{2, 3}>>>();
  check_laws<Sequential<Input<5, 4, 3>, GlobalAveragePooling2D, Dense<2>>>();
  check_laws<Sequential<Input<5, 4, 3>, GlobalMaxPooling2D>>();
  check_laws<Sequential<Input<3, 4, 2>, ZeroPadding2D<1>, Conv2D<2, 3>>>();
  check_laws<Sequential<Input<3, 4, 2>, ZeroPadding2D<Hw{2, 1}>>>();
  using G = Sequential<Input<5, 4, 3>, GlobalAveragePooling2D>;
  static_assert(std::is_same_v<G::output_shape, Shape<3>>);
  static_assert(std::is_same_v<Sequential<Input<3, 4, 2>, ZeroPadding2D<Hw{2, 1}>>::output_shape,
                               Shape<7, 6, 2>>);
  CHECK(MaxPool2D<2>::name() == "MaxPool2D<2, 2>");  // as the checkpoints of reports 1-5 have it
}

TEST_CASE("Conv1D, MaxPool1D, GlobalAveragePooling1D on steps x channels") {
  using S = Sequential<Input<10, 3>, Conv1D<4, 3>, ReLU, MaxPool1D<2>, GlobalAveragePooling1D, Dense<2>>;
  static_assert(std::is_same_v<S::layer_at<0>::output, Shape<8, 4>>);
  static_assert(std::is_same_v<S::layer_at<2>::output, Shape<4, 4>>);
  // Keras: Conv1D(4, 3) on (10, 3): 3*3*4 + 4 = 40; Dense(2) on 4: 10
  static_assert(param_count<S> == 50);
  check_laws<S>();
  check_laws<Sequential<Input<9, 2>, Conv1D<3, 4, 2, Padding::same>, Tanh>>();
  check_laws<Sequential<Input<9, 2>, MaxPool1D<3, 2>>>();
  // the kernel is Keras's (kernel, channels, filters)
  auto net = S::make(seed{1});
  std::size_t rank = 0;
  net.visit_params([&](const ParamRef& p) {
    if (p.role == "kernel" && rank == 0) {
      rank = p.rank;
      CHECK(p.shape[0] == 3);
      CHECK(p.shape[1] == 3);
      CHECK(p.shape[2] == 4);
    }
  });
  CHECK(rank == 3);
}

TEST_CASE("Residual blocks: identity and projected skip paths, laws and Keras's counts") {
  using Block = Residual<Conv2D<4, 3, 1, Padding::same>, ReLU, Conv2D<4, 3, 1, Padding::same>>;
  using Id = Sequential<Input<5, 5, 4>, Block, ReLU>;
  static_assert(std::is_same_v<Id::output_shape, Shape<5, 5, 4>>);
  static_assert(param_count<Id> == 2 * (3 * 3 * 4 * 4 + 4));
  check_laws<Id>();
  using Down = Sequential<Input<6, 6, 2>,
                          Residual<Shortcut<Conv2D<4, 1, 2>>, Conv2D<4, 3, 2, Padding::same>,
                                   BatchNorm<>, GELU, Conv2D<4, 3, 1, Padding::same>>,
                          GlobalAveragePooling2D, Dense<3>>;
  static_assert(std::is_same_v<Down::layer_at<0>::output, Shape<3, 3, 4>>);
  // Keras: 3*3*2*4+4 + 4*4 (BN) + 3*3*4*4+4 + 1*1*2*4+4 = 76 + 16 + 148 + 12
  static_assert(param_count<Down> == 76 + 16 + 148 + 12 + 15);
  check_laws<Down>();
  check_gradients<Down>(3, true);  // batch statistics in the block's BatchNorm
  // the block runs within the outer pass: training updates its BatchNorm's
  // moving statistics (momentum 0: to the batch's own), and inference uses them
  using Bn = Sequential<Input<4, 4, 2>,
                        Residual<Conv2D<2, 3, 1, Padding::same>, BatchNorm<true, true, 0.0f>>,
                        Flatten>;
  auto bn = Bn::make(seed{5});
  std::vector<float> xb(3 * 4 * 4 * 2);
  Rng rng(8);
  for (auto& v : xb) v = rng.normal();
  // a block that changes nothing but its input: y = x + BN(conv(x)), compared through y - x
  const auto train_y = bn.forward(xb, 3, true);
  const std::vector<float> trained(train_y.begin(), train_y.end());
  const auto infer_y = bn.forward(xb, 3, false);
  for (std::size_t i = 0; i < trained.size(); ++i) CHECK(infer_y[i] == doctest::Approx(trained[i]).epsilon(1e-3));
  // the parameters' names keep the block's layers apart
  auto net = Down::make(seed{3});
  std::vector<std::string> roles;
  net.visit_params([&](const ParamRef& p) { roles.emplace_back(p.role); });
  CHECK(roles.front() == "conv2d/kernel");
  CHECK(std::find(roles.begin(), roles.end(), "shortcut/conv2d/kernel") != roles.end());
  CHECK(std::find(roles.begin(), roles.end(), "batch_normalization/moving_mean") != roles.end());
  // a checkpoint of the network round-trips through the renamed parameters
  CHECK(Down::spec_at<0>::name() ==
        "Residual<Shortcut<Conv2D<4, 1, 2, valid>>, Conv2D<4, 3, 2, same>, BatchNorm, GELU, "
        "Conv2D<4, 3, 1, same>>");
}

TEST_CASE("zoo::SmallResNet: Keras's parameter counts, shapes through the stages") {
  using Fashion = zoo::SmallResNet<28, 28, 1>;
  static_assert(param_count<Fashion> == 78'426 && trainable_param_count<Fashion> == 77'754);
  static_assert(param_count<zoo::SmallResNet<32, 32, 3>> == 78'714);
  static_assert(std::is_same_v<Fashion::layer_at<5>::output, Shape<14, 14, 32>>);
  static_assert(std::is_same_v<Fashion::layer_at<7>::output, Shape<7, 7, 64>>);
  static_assert(std::is_same_v<zoo::SmallResNet<32, 32, 3>::layer_at<7>::output, Shape<8, 8, 64>>);
  auto net = Fashion::make(seed{1});
  std::vector<float> x(2 * 784, 0.5f);
  const auto y = net.forward(x, 2);
  CHECK(y[0] + y[1] + y[2] + y[3] + y[4] + y[5] + y[6] + y[7] + y[8] + y[9] == doctest::Approx(1.0));
}
