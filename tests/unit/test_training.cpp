// Training end to end: a small CNN learns MNIST; checkpoints round-trip,
// refuse another model, and a resumed run continues exactly.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <ctnet/ctnet.hpp>
#include <ctnet/data/mnist.hpp>
#include <ctnet/io/checkpoint.hpp>
#include <ctnet/train/classifier.hpp>
#include <ctnet/train/optimizer.hpp>

#include "gradcheck.hpp"

#ifndef CTNET_TEST_DATA_DIR
#define CTNET_TEST_DATA_DIR "data/mnist"
#endif

using namespace ctnet;
using test::params_of;

namespace {

using SmallCnn = Sequential<Input<28, 28, 1>, Conv2D<16, 3>, ReLU, MaxPool2D<2>, Flatten,
                            Dense<10>, Softmax>;

std::string temp_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("ctnet-test-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

/// 600 synthetic 28x28 images of two classes (a bright left or right half plus noise).
Dataset toy_data(std::uint64_t s) {
  Dataset d;
  d.count = 600;
  d.height = d.width = 28;
  d.channels = 1;
  d.images.resize(d.count * 784);
  d.labels.resize(d.count);
  Rng rng(s);
  for (std::size_t i = 0; i < d.count; ++i) {
    const auto label = static_cast<std::uint8_t>(i % 2);
    d.labels[i] = label;
    for (std::size_t y = 0; y < 28; ++y)
      for (std::size_t x = 0; x < 28; ++x)
        d.images[i * 784 + y * 28 + x] =
            0.3f * rng.uniform() + (((x < 14) == (label == 0)) ? 0.5f : 0.0f);
  }
  return d;
}


}  // namespace

namespace {
template <class Net>
EpochMetrics train_on_mnist(std::size_t train_count) {
  const std::string dir = CTNET_TEST_DATA_DIR;
  const Dataset train = subset(load_mnist(dir, true, Scale::unit), 0, train_count);
  const Dataset test = load_mnist(dir, false, Scale::unit);
  auto net = Net::make(seed{7});
  Adam opt;
  EarlyStopping none;
  ClassifierOptions o;
  o.epochs = 1;
  o.batch = 32;
  o.progress = false;
  const auto history = fit_classifier(net, opt, train, test, o, none, [](const EpochMetrics&) { return true; });
  REQUIRE(history.size() == 1);
  MESSAGE("train loss " << history[0].loss << ", test accuracy " << history[0].val_accuracy);
  return history[0];
}
bool have_mnist() {
  if (std::filesystem::exists(std::string(CTNET_TEST_DATA_DIR) + "/train-images-idx3-ubyte")) return true;
  MESSAGE("MNIST not found in " << CTNET_TEST_DATA_DIR << "; run scripts/fetch_mnist.sh");
  return false;
}
}  // namespace

// Keras, same model and settings: loss about 0.26, accuracy 0.925, test accuracy about 0.96.
TEST_CASE("an MLP trained one epoch on MNIST beats 95% test accuracy") {
  if (!have_mnist()) return;
  const auto m = train_on_mnist<Sequential<Input<28, 28, 1>, Flatten, Dense<128>, ReLU, Dense<10>, Softmax>>(60000);
  CHECK(m.val_accuracy > 0.95);
  CHECK(m.loss < 0.3);
}

TEST_CASE("a small CNN trained one epoch on 12,000 MNIST images beats 90% test accuracy") {
  if (!have_mnist()) return;
  const auto m = train_on_mnist<SmallCnn>(12000);
  CHECK(m.val_accuracy > 0.90);
}

TEST_CASE("checkpoint: round trip, another model, a corrupt file") {
  const std::string dir = temp_dir("ckpt");
  const std::string path = dir + "/c.safetensors";
  auto net = SmallCnn::make(seed{1});
  Adam opt;
  // one step so the optimizer has state
  const Dataset d = toy_data(1);
  net.zero_grad();
  auto y = net.forward({d.images.data(), 4 * 784}, 4, true);
  softmax_cross_entropy_probs(y, {d.labels.data(), 4}, 10, net.output_grad());
  net.backward<1>();
  opt.step(net);

  CheckpointWriter w;
  w.add_model("model", net);
  w.add_optimizer("optimizer", opt);
  w.set("epoch", "3");
  w.write(path);

  auto other = SmallCnn::make(seed{2});
  Adam opt2;
  CheckpointReader r(path);
  r.load_model("model", other);
  r.load_optimizer("optimizer", opt2, other);
  CHECK(r.get("epoch") == "3");
  CHECK(params_of(other) == params_of(net));
  CHECK(opt2.t == 1);
  REQUIRE(opt2.m.size() == opt.m.size());
  for (std::size_t i = 0; i < opt.m.size(); ++i) CHECK(opt2.m[i] == opt.m[i]);
  const auto a = net.forward({d.images.data(), 784}, 1);
  const std::vector<float> ya(a.begin(), a.end());
  const auto b = other.forward({d.images.data(), 784}, 1);
  CHECK(std::vector<float>(b.begin(), b.end()) == ya);

  using Wider = Sequential<Input<28, 28, 1>, Conv2D<32, 3>, ReLU, MaxPool2D<2>, Flatten, Dense<10>, Softmax>;
  auto wider = Wider::make(seed{1});
  CHECK_THROWS_WITH_AS(r.load_model("model", wider),
                       doctest::Contains("checkpoint of another model: it holds 'Input<28, 28, 1> Conv2D<16, 3, 1, valid>"),
                       Error);

  // Truncated copy.
  {
    std::ifstream in(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    std::ofstream out(dir + "/cut.safetensors", std::ios::binary);
    out.write(bytes.data(), static_cast<long>(bytes.size() / 2));
  }
  CHECK_THROWS_AS(CheckpointReader(dir + "/cut.safetensors"), Error);
  CHECK_THROWS_WITH_AS(CheckpointReader(dir + "/missing.safetensors"), doctest::Contains("missing.safetensors"), Error);
}

TEST_CASE("a run stopped after epoch 1 and resumed from its checkpoint ends where an unbroken run ends") {
  using Net = Sequential<Input<28, 28, 1>, Conv2D<4, 3, 2>, ReLU, Flatten, Dropout<0.3f>, Dense<10>, Softmax>;
  const Dataset train = toy_data(3), val = toy_data(4);
  ClassifierOptions o;
  o.epochs = 2;
  o.batch = 16;
  o.progress = false;
  EarlyStopping none;
  auto keep = [](const EpochMetrics&) { return true; };

  auto straight = Net::make(seed{5});
  Adam opt_a;
  fit_classifier(straight, opt_a, train, val, o, none, keep);

  const std::string path = temp_dir("resume") + "/c.safetensors";
  {
    auto first = Net::make(seed{5});
    Adam opt_b;
    ClassifierOptions one = o;
    one.epochs = 1;
    fit_classifier(first, opt_b, train, val, one, none, keep);
    CheckpointWriter w;
    w.add_model("model", first);
    w.add_optimizer("optimizer", opt_b);
    w.write(path);
  }
  auto resumed = Net::make(seed{99});  // different init: everything must come from the file
  Adam opt_c;
  CheckpointReader r(path);
  r.load_model("model", resumed);
  r.load_optimizer("optimizer", opt_c, resumed);
  fit_classifier(resumed, opt_c, train, val, o, none, keep, 1);
  CHECK(params_of(resumed) == params_of(straight));
}

TEST_CASE("early stopping follows Keras: stop when val_loss fails to improve by min_delta") {
  EarlyStopping es;
  es.enabled = true;
  es.min_delta = 0.01;
  CHECK_FALSE(es.update(0.50, 0));
  CHECK_FALSE(es.update(0.40, 1));
  CHECK(es.update(0.395, 2));  // improved by less than min_delta
  EarlyStopping patient = EarlyStopping{true, 0.01, 1};
  CHECK_FALSE(patient.update(0.5, 0));
  CHECK_FALSE(patient.update(0.499, 1));
  CHECK(patient.update(0.498, 2));
}
