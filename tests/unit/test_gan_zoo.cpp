// The GAN models of reports 1-5: parameter counts as Keras reports them (or,
// where a report gives none, as Keras would count the documented choices),
// shapes, and one forward + backward pass of every generator and
// discriminator with finite outputs and gradients.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <ctnet/data/cifar10.hpp>
#include <ctnet/model/summary.hpp>
#include <ctnet/train/gan.hpp>
#include <ctnet/train/optimizer.hpp>
#include <ctnet/zoo/report1_gan.hpp>
#include <ctnet/zoo/report2_dcgan.hpp>
#include <ctnet/zoo/report3_dcgan.hpp>
#include <ctnet/zoo/report4_gan.hpp>
#include <ctnet/zoo/report5_gan.hpp>

using namespace ctnet;
namespace r1 = zoo::report1;
namespace r2 = zoo::report2;
namespace r3 = zoo::report3;
namespace r4 = zoo::report4;
namespace r5 = zoo::report5;

static_assert(param_count<r1::GanGenerator> == 114'064);
static_assert(param_count<r1::GanDiscriminator> == 100'609);
static_assert(param_count<r2::Generator> == 2'330'944);
static_assert(trainable_param_count<r2::Generator> == 2'305'472);
static_assert(param_count<r2::Discriminator> == 212'865);
static_assert(param_count<r5::Discriminator> == 40'705);
static_assert(param_count<r5::Generator> == 1'164'289);
static_assert(param_count<r4::Discriminator> == 21'953);
static_assert(param_count<r4::DenseGenerator> == 6'519'233);
static_assert(param_count<r4::TransposeGenerator> == 897'793);
static_assert(param_count<r4::UpsamplingGenerator> == 782'209);
static_assert(param_count<r4::CifarGenerator> == 1'206'531);
static_assert(param_count<r4::CifarDiscriminator> == 95'297);
static_assert(param_count<r3::Generator<1>> == 6'760'769);
static_assert(param_count<r3::Discriminator<1, 1>> == 208'321);

static_assert(std::is_same_v<r5::Generator::layer_at<3>::output, Shape<14, 14, 128>>);
static_assert(std::is_same_v<r5::Generator::layer_at<5>::output, Shape<28, 28, 128>>);
static_assert(std::is_same_v<r2::Generator::layer_at<4>::output, Shape<7, 7, 128>>);
static_assert(std::is_same_v<r2::Generator::layer_at<7>::output, Shape<14, 14, 64>>);
static_assert(std::is_same_v<r2::Generator::output_shape, Shape<28, 28, 1>>);
static_assert(std::is_same_v<r4::CifarGenerator::output_shape, Shape<32, 32, 3>>);
static_assert(std::is_same_v<r3::Discriminator<1, 2>::output_shape, Shape<1>>);
// BatchNorm + activation and Conv2DTranspose + activation run as one pass.
static_assert(r2::Generator::plan.fused[1] && r2::Generator::plan.fused[5] && r2::Generator::plan.fused[8]);
static_assert(r2::Generator::plan.fused[10]);  // the last Conv2DTranspose with its tanh
static_assert(r5::Generator::plan.fused[3] && r5::Generator::plan.fused[5]);

namespace {
bool all_finite(std::span<const float> v) {
  for (float f : v)
    if (!std::isfinite(f)) return false;
  return true;
}

/// One forward and backward pass at batch 2 (training mode: dropout on,
/// BatchNorm on batch statistics), with the input gradient.
template <class Net>
void forward_backward(const char* what) {
  CAPTURE(what);
  auto net = Net::make(seed{7});
  Rng rng(8);
  constexpr std::size_t n = 2, in = Net::input_shape::size, out = Net::output_shape::size;
  std::vector<float> x(n * in);
  for (auto& v : x) v = rng.normal();
  const auto y = net.forward(x, n, true);
  CHECK(y.size() == n * out);
  CHECK(all_finite(y));
  auto g = net.output_grad();
  for (auto& v : g) v = rng.normal();
  net.zero_grad();
  const auto dx = net.backward(true);
  CHECK(dx.size() == n * in);
  CHECK(all_finite(dx));
  bool moved = false, finite = true;
  net.visit_params([&](const ParamRef& p) {
    finite = finite && all_finite(p.grad);
    for (float v : p.grad) moved = moved || v != 0.0f;
  });
  CHECK(finite);
  CHECK(moved);
  // Inference (moving statistics) gives finite outputs too.
  CHECK(all_finite(net.forward(x, n, false)));
}
}  // namespace

TEST_CASE("report 1 MLP GAN: one step") {
  forward_backward<r1::GanGenerator>("report1 G");
  forward_backward<r1::GanDiscriminator>("report1 D");
}
TEST_CASE("report 2 DCGAN: one step, and the summary's counts") {
  forward_backward<r2::Generator>("report2 G");
  forward_backward<r2::Discriminator>("report2 D");
  forward_backward<r2::RadfordGenerator<false>>("report2 Radford G without affine BN");
  forward_backward<r2::RadfordDiscriminator<>>("report2 Radford D");
  const std::string s = summary<r2::Generator>();
  CHECK(s.find("Total params: 2,330,944") != std::string::npos);
  CHECK(s.find("Trainable params: 2,305,472") != std::string::npos);
  CHECK(s.find("Non-trainable params: 25,472") != std::string::npos);
  CHECK(s.find(" batch_normalization (Batch  (None, 12544)             50176") != std::string::npos);
  CHECK(s.find(" conv2d_transpose (Conv2DTr  (None, 7, 7, 128)         819200") != std::string::npos);
}
TEST_CASE("report 3 DCGAN sweep: one step at the smallest and a deeper setting") {
  forward_backward<r3::Generator<1>>("report3 G F=1");
  forward_backward<r3::Discriminator<1, 1>>("report3 D F=1 D=1");
  forward_backward<r3::Discriminator<1, 3>>("report3 D F=1 D=3");
}
TEST_CASE("report 4 GAN: one discriminator, three generators, CIFAR-10 variant") {
  forward_backward<r4::Discriminator>("report4 D");
  forward_backward<r4::DenseGenerator>("report4 dense G");
  forward_backward<r4::TransposeGenerator>("report4 transpose G");
  forward_backward<r4::UpsamplingGenerator>("report4 upsampling G");
  forward_backward<r4::CifarGenerator>("report4 CIFAR G");
  forward_backward<r4::CifarDiscriminator>("report4 CIFAR D");
}
TEST_CASE("report 5 GAN: one step, and the report's summary rows") {
  forward_backward<r5::Generator>("report5 G");
  forward_backward<r5::Discriminator>("report5 D");
  const std::string s = summary<r5::Generator>();
  CHECK(s.find(" conv2d_transpose (Conv2DTr  (None, 14, 14, 128)       262272") != std::string::npos);
  CHECK(s.find(" conv2d_transpose_1 (Conv2D  (None, 28, 28, 128)       262272") != std::string::npos);
  CHECK(s.find("Total params: 1,164,289") != std::string::npos);
}

TEST_CASE("report 4's CIFAR-10 variant trains on a CIFAR-10 batch file written here") {
  // 48 records of CIFAR-10's binary format: a label byte, then 1024 R, 1024 G, 1024 B.
  const auto dir = std::filesystem::temp_directory_path() / "ctnet-test-cifar-gan";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "data_batch_1.bin").string();
  {
    std::ofstream out(path, std::ios::binary);
    ctnet::Rng rng(4);
    for (int r = 0; r < 48; ++r) {
      out.put(static_cast<char>(r % 10));
      for (int i = 0; i < 3072; ++i) out.put(static_cast<char>(rng.below(256)));
    }
  }
  const ctnet::Dataset real = ctnet::load_cifar10_batch(path, ctnet::Scale::symmetric);
  REQUIRE(real.count == 48);
  using namespace ctnet::zoo::report4;
  auto g = CifarGenerator::make(ctnet::seed{1});
  auto d = CifarDiscriminator::make(ctnet::seed{2});
  ctnet::Adam og, od;
  ctnet::GanStep step(g, d, og, od);
  const auto history = ctnet::fit(step, real, {.epochs = 1, .batch = 16, .progress = false});
  REQUIRE(history.epochs.size() == 1);
  CHECK(std::isfinite(history.back()["d_loss"]));
  CHECK(std::isfinite(history.back()["g_loss"]));
  std::vector<float> samples(4 * 32 * 32 * 3);
  ctnet::generate(g, 3, 4, samples);
  for (float v : samples) CHECK(std::abs(v) <= 1.0f);
  std::filesystem::remove_all(dir);
}
