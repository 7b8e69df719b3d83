// The other side of tests/interop/roundtrip.py: every zoo model, and two
// models that hold the layers the zoo does not, on the ctnet side of a
// PyTorch round trip.
//
//   zoo_models write DIR   for each model: DIR/NAME.ckpt (its parameters,
//                          biases and BatchNorm statistics moved off their
//                          initial values so that a layout error shows) and
//                          DIR/NAME.io.safetensors (inputs x [and y], and
//                          ctnet's outputs out [or out_a, out_b])
//   zoo_models check DIR   for each model: loads DIR/NAME.torch.ckpt (written
//                          by scripts/ctnet_torch.py import), runs it on
//                          DIR/NAME.torch_io.safetensors's inputs and compares
//                          with PyTorch's outputs there; prints the largest
//                          difference per model, exits 1 if one is over 1e-5
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include <ctnet/core/rng.hpp>
#include <ctnet/layers/average_pooling2d.hpp>
#include <ctnet/layers/conv1d.hpp>
#include <ctnet/layers/depthwise_conv2d.hpp>
#include <ctnet/layers/gelu.hpp>
#include <ctnet/layers/global_pooling.hpp>
#include <ctnet/layers/layer_normalization.hpp>
#include <ctnet/layers/max_pool1d.hpp>
#include <ctnet/layers/separable_conv2d.hpp>
#include <ctnet/layers/silu.hpp>
#include <ctnet/layers/softplus.hpp>
#include <ctnet/layers/zero_padding2d.hpp>
#include <ctnet/store/checkpoint.hpp>
#include <ctnet/store/safetensors.hpp>
#include <ctnet/zoo/report1_cnn.hpp>
#include <ctnet/zoo/report1_gan.hpp>
#include <ctnet/zoo/report1_vae.hpp>
#include <ctnet/zoo/report2_dcgan.hpp>
#include <ctnet/zoo/report3_cgan.hpp>
#include <ctnet/zoo/report3_lenet.hpp>
#include <ctnet/zoo/report4_gan.hpp>
#include <ctnet/zoo/report5_gan.hpp>
#include <ctnet/zoo/report5_vae.hpp>
#include <ctnet/zoo/resnet.hpp>

using namespace ctnet;

namespace {

constexpr std::size_t batch = 3;
constexpr double tolerance = 1e-5;

/// The layers no zoo model has, on an image and on a sequence.
using ImageLayers = Sequential<Input<12, 10, 3>, ZeroPadding2D<Hw{1, 2}>, DepthwiseConv2D<3, 1, Padding::same, 2>,
                               GELU, SeparableConv2D<5, 3, 2, Padding::same>, SiLU, LayerNormalization<>,
                               AveragePooling2D<2>, Conv2DTranspose<4, 3, 2, Padding::valid>, Softplus,
                               GlobalMaxPooling2D, Dense<3>>;
using SequenceLayers = Sequential<Input<20, 4>, Conv1D<8, 3, 1, Padding::same>, ELU<0.5f>, MaxPool1D<2>,
                                  Conv1D<6, 3, 2>, LeakyReLU<0.1f>, GlobalAveragePooling1D,
                                  LayerNormalization<1e-5f, true, false>, Dense<5>, Softmax>;

template <class Net>
constexpr bool conditional = requires { typename Net::condition_shape; };
template <class Net>
constexpr bool two_headed = requires { typename Net::head_a_type; };

std::vector<float> random_input(std::size_t n, Rng& rng) {
  std::vector<float> v(n);
  for (auto& x : v) x = rng.uniform(-1.0f, 1.0f);
  return v;
}

/// Biases, BatchNorm's and LayerNormalization's parameters and statistics
/// start at 0 or 1; moved off them, a wrong layout cannot go unseen.
template <class Net>
void perturb(Net& net, Rng& rng) {
  net.visit_params([&](const ParamRef& p) {
    if (p.is_kernel) return;
    const bool variance = std::string_view(p.role).ends_with("moving_variance");
    for (auto& v : p.value) v = variance ? rng.uniform(0.5f, 1.5f) : v + rng.uniform(-0.3f, 0.3f);
  });
}

/// The outputs of `net` on x (and y), named as the io files name them.
template <class Net>
std::vector<std::pair<std::string, std::vector<float>>> run(Net& net, std::span<const float> x,
                                                            std::span<const float> y) {
  if constexpr (conditional<Net>) {
    const auto out = net.forward(x, y, batch, false);
    return {{"out", {out.begin(), out.end()}}};
  } else if constexpr (two_headed<Net>) {
    net.forward(x, batch, false);
    const auto a = net.a.output(), b = net.b.output();
    return {{"out_a", {a.begin(), a.end()}}, {"out_b", {b.begin(), b.end()}}};
  } else {
    const auto out = net.forward(x, batch, false);
    return {{"out", {out.begin(), out.end()}}};
  }
}

template <class Net>
std::size_t condition_size() {
  if constexpr (conditional<Net>) return Net::condition_shape::size;
  else return 0;
}

template <class Net>
void write(const std::string& dir, const std::string& name, std::uint64_t seed_value) {
  auto net = Net::make(seed{seed_value});
  Rng rng(seed_value + 1);
  perturb(net, rng);
  CheckpointWriter ckpt;
  ckpt.add_model("model", net);
  ckpt.write(dir + "/" + name + ".ckpt");

  const auto x = random_input(batch * Net::input_shape::size, rng);
  const auto y = random_input(batch * condition_size<Net>(), rng);
  const auto outputs = run(net, x, y);
  auto shape = [](std::size_t per_sample) { return std::vector<std::size_t>{batch, per_sample}; };
  std::vector<TensorView> io{{"x", shape(Net::input_shape::size), x}};
  if (!y.empty()) io.push_back({"y", shape(condition_size<Net>()), y});
  for (const auto& [key, v] : outputs) io.push_back({key, shape(v.size() / batch), v});
  write_safetensors(dir + "/" + name + ".io.safetensors", io, {});
}

/// The largest difference between ctnet's outputs on PyTorch's inputs and
/// PyTorch's outputs.
template <class Net>
double check(const std::string& dir, const std::string& name) {
  Net net;
  CheckpointReader(dir + "/" + name + ".torch.ckpt").load_model("model", net);
  const auto io = read_safetensors(dir + "/" + name + ".torch_io.safetensors").tensors;
  const auto tensor = [&](const std::string& key) -> const std::vector<float>& {
    const auto it = io.find(key);
    if (it == io.end()) fail("{}.torch_io.safetensors: no tensor '{}'", name, key);
    return it->second.second;
  };
  const std::vector<float> none;
  const auto outputs = run(net, tensor("x"), conditional<Net> ? tensor("y") : none);
  double worst = 0;
  for (const auto& [key, mine] : outputs) {
    const auto& theirs = tensor(key);
    if (theirs.size() != mine.size()) fail("{}: {} holds {} values, ctnet gives {}", name, key, theirs.size(), mine.size());
    for (std::size_t i = 0; i < mine.size(); ++i)
      worst = std::max(worst, std::abs(static_cast<double>(mine[i]) - theirs[i]));
  }
  return worst;
}

template <class Net>
struct Model {
  const char* name;
};

template <class F>
void for_each_model(F&& f) {
  namespace r1 = zoo::report1;
  namespace r2 = zoo::report2;
  namespace r3 = zoo::report3;
  namespace r4 = zoo::report4;
  namespace r5 = zoo::report5;
  f(Model<r1::Experiment1>{"report1_experiment1"});
  f(Model<r1::Experiment2>{"report1_experiment2"});
  f(Model<r1::Experiment3>{"report1_experiment3"});
  f(Model<r1::Experiment4>{"report1_experiment4"});
  f(Model<r1::Experiment5>{"report1_experiment5"});
  f(Model<r1::Experiment6>{"report1_experiment6"});
  f(Model<r1::GanGenerator>{"report1_gan_generator"});
  f(Model<r1::GanDiscriminator>{"report1_gan_discriminator"});
  f(Model<r1::VaeEncoder>{"report1_vae_encoder"});
  f(Model<r1::VaeDecoder>{"report1_vae_decoder"});
  f(Model<r2::Generator>{"report2_generator"});
  f(Model<r2::Discriminator>{"report2_discriminator"});
  f(Model<r2::RadfordGenerator<false>>{"report2_radford_generator_plain"});
  f(Model<r2::RadfordDiscriminator<>>{"report2_radford_discriminator"});
  f(Model<r3::Generator<1>>{"report3_generator"});
  f(Model<r3::Discriminator<1, 2>>{"report3_discriminator_d2"});
  f(Model<r3::Generator<1, r3::latent_dim, true>>{"report3_generator_virtual"});
  f(Model<r3::ConditionalGenerator<1>>{"report3_conditional_generator"});
  f(Model<r3::ConditionalDiscriminator<1, 1>>{"report3_conditional_discriminator"});
  f(Model<r3::LeNet>{"report3_lenet"});
  f(Model<r4::Discriminator>{"report4_discriminator"});
  f(Model<r4::DenseGenerator>{"report4_dense_generator"});
  f(Model<r4::TransposeGenerator>{"report4_transpose_generator"});
  f(Model<r4::UpsamplingGenerator>{"report4_upsampling_generator"});
  f(Model<r4::CifarGenerator>{"report4_cifar_generator"});
  f(Model<r4::CifarDiscriminator>{"report4_cifar_discriminator"});
  f(Model<r5::Generator>{"report5_generator"});
  f(Model<r5::Discriminator>{"report5_discriminator"});
  f(Model<r5::VaeEncoder>{"report5_vae_encoder"});
  f(Model<r5::VaeDecoder>{"report5_vae_decoder"});
  f(Model<zoo::SmallResNet<28, 28, 1>>{"resnet_mnist"});
  f(Model<zoo::SmallResNet<32, 32, 3>>{"resnet_cifar"});
  f(Model<ImageLayers>{"layers_image"});
  f(Model<SequenceLayers>{"layers_sequence"});
}

}  // namespace

int main(int argc, char** argv) try {
  const std::string mode = argc == 3 ? argv[1] : "";
  if (mode != "write" && mode != "check") {
    std::fputs("usage: zoo_models write|check DIR\n", stderr);
    return 2;
  }
  const std::string dir = argv[2];
  std::uint64_t seed_value = 11;
  bool ok = true;
  for_each_model([&]<class Net>(Model<Net> m) {
    if (mode == "write") {
      write<Net>(dir, m.name, seed_value++);
      return;
    }
    const double worst = check<Net>(dir, m.name);
    ok = ok && worst <= tolerance;
    fmt::print("{:<36} PyTorch -> ctnet: largest difference {:.2e}{}\n", m.name, worst,
               worst <= tolerance ? "" : "  (over 1e-5)");
  });
  if (mode == "write") {
    // The list the Python side walks.
    std::string names;
    for_each_model([&]<class Net>(Model<Net> m) { names += std::string(m.name) + "\n"; });
    std::FILE* f = std::fopen((dir + "/models.txt").c_str(), "w");
    if (!f || std::fputs(names.c_str(), f) < 0 || std::fclose(f) != 0) fail("{}/models.txt: cannot write", dir);
  }
  return ok ? 0 : 1;
} catch (const std::exception& e) {
  std::fprintf(stderr, "zoo_models: error: %s\n", e.what());
  return 1;
}
