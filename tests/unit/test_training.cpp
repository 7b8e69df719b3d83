// Training end to end: a small CNN learns MNIST; checkpoints round-trip,
// refuse another model, and a resumed run continues exactly.
#include <doctest/doctest.h>

#include <sys/resource.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

#include <ctnet/ctnet.hpp>
#include <ctnet/data/mnist.hpp>
#include <ctnet/store/checkpoint.hpp>
#include <ctnet/train/callbacks/early_stopping.hpp>
#include <ctnet/train/memory.hpp>
#include <ctnet/train/optimizer.hpp>
#include <ctnet/train/supervised.hpp>

#include "strict_safetensors.hpp"
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
EpochLog train_on_mnist(std::size_t train_count) {
  const std::string dir = CTNET_TEST_DATA_DIR;
  const Dataset train = subset(load_mnist(dir, true, Scale::unit), 0, train_count);
  const Dataset test = load_mnist(dir, false, Scale::unit);
  auto net = Net::make(seed{7});
  Adam opt;
  const History history = fit(net, opt, CategoricalCrossEntropy{}, train,
                              {.epochs = 1, .batch = 32, .validation = &test, .progress = false});
  REQUIRE(history.epochs.size() == 1);
  MESSAGE("train loss " << history.back()["loss"] << ", test accuracy " << history.back()["val_accuracy"]);
  return history.back();
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
  CHECK(m["val_accuracy"] > 0.95);
  CHECK(m["loss"] < 0.3);
}

TEST_CASE("a small CNN trained one epoch on 12,000 MNIST images beats 90% test accuracy") {
  if (!have_mnist()) return;
  const auto m = train_on_mnist<SmallCnn>(12000);
  CHECK(m["val_accuracy"] > 0.90);
}

TEST_CASE("checkpoint: round trip, another model, a corrupt file") {
  const std::string dir = temp_dir("ckpt");
  const std::string path = dir + "/c.safetensors";
  auto net = SmallCnn::make(seed{1});
  Adam opt;
  // one step so the optimizer has state
  const Dataset d = toy_data(1);
  net.zero_grad();
  net.forward({d.images.data(), 4 * 784}, 4, true);
  backprop(net, CategoricalCrossEntropy{}, std::span<const std::uint8_t>(d.labels.data(), 4));
  opt.step(net);

  CheckpointWriter w;
  w.add_model("model", net);
  w.add_optimizer("optimizer", opt, net);
  w.set("epoch", "3");
  w.write(path);

  auto other = SmallCnn::make(seed{2});
  Adam opt2;
  CheckpointReader r(path);
  r.load_model("model", other);
  r.load_optimizer("optimizer", opt2, other);
  CHECK(r.get("epoch") == "3");
  CHECK(r.get("ctnet_version") == std::string(version));
  {  // the optimizer's state shaped as its parameters, and the file as other readers expect
    CHECK(test::safetensors_violations(read_file_bytes(path)) == std::vector<std::string>{});
    const TensorFile f = read_safetensors(path);
    std::size_t i = 0;
    net.visit_params([&](const ParamRef& p) {
      if (!p.trainable) return;
      const std::vector<std::size_t> shape(p.shape.begin(), p.shape.begin() + static_cast<long>(p.rank));
      CHECK(f.tensors.at(fmt::format("optimizer/adam/m/{}", i)).first == shape);
      CHECK(f.tensors.at(fmt::format("optimizer/adam/v/{}", i++)).first == shape);
    });
  }
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

  // The same file with one thing wrong: a tensor of the right count but
  // another shape, a NaN, malformed counters (issue 17).
  const auto rewrite = [&](auto&& change) {
    TensorFile f = read_safetensors(path);
    change(f);
    std::vector<TensorView> views;
    for (const auto& [name, t] : f.tensors) views.push_back({name, t.first, t.second});
    write_safetensors(dir + "/bad.safetensors", views, f.metadata);
    return CheckpointReader(dir + "/bad.safetensors");
  };
  const std::string kernel = "model/conv2d/kernel";
  REQUIRE(TensorFile(read_safetensors(path)).tensors.count(kernel) == 1);
  CHECK_THROWS_WITH_AS(rewrite([&](TensorFile& f) { f.tensors[kernel].first = {16, 1, 3, 3}; }).load_model("model", other),
                       doctest::Contains("tensor 'model/conv2d/kernel' has shape [16, 1, 3, 3], the model expects [3, 3, 1, 16]"),
                       Error);
  CHECK_THROWS_WITH_AS(rewrite([&](TensorFile& f) { f.tensors[kernel].first = {144}; }).load_model("model", other),
                       doctest::Contains("has shape [144], the model expects [3, 3, 1, 16]"), Error);
  CHECK_THROWS_WITH_AS(rewrite([&](TensorFile& f) { f.tensors[kernel].second[5] = NAN; }).load_model("model", other),
                       doctest::Contains("tensor 'model/conv2d/kernel' holds nan at index 5"), Error);
  CHECK_THROWS_WITH_AS(rewrite([&](TensorFile& f) { f.metadata["optimizer.steps"] = "x"; }).load_optimizer("optimizer", opt2, other),
                       doctest::Contains("bad.safetensors: the checkpoint's 'optimizer.steps' is 'x', not a whole number"), Error);
  CHECK_THROWS_WITH_AS(rewrite([&](TensorFile& f) { f.metadata["epoch"] = "-1"; }).count("epoch"),
                       doctest::Contains("the checkpoint's 'epoch' is '-1', not a whole number"), Error);
  CHECK_THROWS_WITH_AS(rewrite([&](TensorFile& f) { f.metadata.erase("epoch"); }).count("epoch"),
                       doctest::Contains("the checkpoint's 'epoch' is '', not a whole number"), Error);
  CHECK_THROWS_WITH_AS(rewrite([&](TensorFile& f) { f.metadata["best"] = "nan"; }).number("best"),
                       doctest::Contains("the checkpoint's 'best' is 'nan', not a number"), Error);

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

TEST_CASE("a run stopped after epoch 1 and resumed from its record ends where an unbroken run ends") {
  using Net = Sequential<Input<28, 28, 1>, Conv2D<4, 3, 2>, ReLU, Flatten, Dropout<0.3f>, Dense<10>, Softmax>;
  const Dataset train = toy_data(3), val = toy_data(4);
  const std::string dir = temp_dir("resume");
  FitOptions o{.epochs = 2, .batch = 16, .validation = &val, .progress = false};

  auto straight = Net::make(seed{5});
  Adam opt_a;
  EarlyStopping es_a{.min_delta = 0.0, .patience = 5};
  const History whole = fit(straight, opt_a, CategoricalCrossEntropy{}, train, o, es_a);

  o.backup = dir + "/record.safetensors";
  {
    auto first = Net::make(seed{5});
    Adam opt_b;
    FitOptions one = o;
    one.epochs = 1;
    EarlyStopping es_b{.min_delta = 0.0, .patience = 5};
    fit(first, opt_b, CategoricalCrossEntropy{}, train, one, es_b);
  }
  auto resumed = Net::make(seed{99});  // different init: everything must come from the record
  Adam opt_c;
  o.resume = true;
  EarlyStopping es_c{.min_delta = 0.0, .patience = 5};
  const History h = fit(resumed, opt_c, CategoricalCrossEntropy{}, train, o, es_c);
  CHECK(params_of(resumed) == params_of(straight));
  CHECK(opt_c.t == opt_a.t);
  CHECK(es_c.best == es_a.best);  // the callback's state came back too
  REQUIRE(h.epochs.size() == 2);  // the history covers the epoch before the resume
  CHECK(h.epochs[0]["loss"] == whole.epochs[0]["loss"]);
  CHECK(h.epochs[1]["val_loss"] == whole.epochs[1]["val_loss"]);

  // A record of another seed is refused, naming it.
  o.seed = 43;
  CHECK_THROWS_WITH_AS(fit(resumed, opt_c, CategoricalCrossEntropy{}, train, o),
                       doctest::Contains("written with seed 42, resumed with seed 43"), Error);
}

TEST_CASE("early stopping follows Keras: stop when val_loss fails to improve by min_delta") {
  EarlyStopping es{.min_delta = 0.01};
  CHECK_FALSE(es.update(0.50, 0));
  CHECK_FALSE(es.update(0.40, 1));
  CHECK(es.update(0.395, 2));  // improved by less than min_delta
  EarlyStopping patient{.min_delta = 0.01, .patience = 1};
  CHECK_FALSE(patient.update(0.5, 0));
  CHECK_FALSE(patient.update(0.499, 1));
  CHECK(patient.update(0.498, 2));
}

namespace {
// dL/dx of `backprop` against central differences of the loss, for a network
// ending in whatever the loss is paired with (fused or not).
template <class Net, class L, class T>
void check_loss_gradient(const std::vector<T>& targets) {
  auto net = Net::make(seed{11});
  constexpr std::size_t n = 3, in = Net::input_shape::size;
  std::vector<float> x(n * in);
  Rng rng(12);
  for (auto& v : x) v = rng.normal();
  const std::span<const T> t(targets);
  std::vector<float> scratch(n * Net::output_shape::size);
  auto loss = [&] {
    net.forward(x, n);
    return loss_of(net, L{}, t, scratch);
  };
  net.zero_grad();
  net.forward(x, n);
  const Backprop r = backprop(net, L{}, t, true);
  CHECK(r.loss == doctest::Approx(loss()).epsilon(1e-6));
  const std::vector<float> dx(r.input_grad.begin(), r.input_grad.end());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const float saved = x[i];
    x[i] = saved + 1e-2f;
    const double lp = loss();
    x[i] = saved - 1e-2f;
    const double lm = loss();
    x[i] = saved;
    CHECK(test::close((lp - lm) / 2e-2, dx[i]));
  }
}
}  // namespace

TEST_CASE("every loss's gradient through the network matches finite differences, fused or not") {
  const std::vector<std::uint8_t> labels{0, 3, 2};
  const std::vector<float> probs{0.1f, 0.9f, 0.5f, 1.0f, 0.0f, 0.3f}, values{0.3f, -1.2f, 2.0f, 0.1f, 0.7f, -0.4f};
  SUBCASE("cross-entropy fused with Softmax") { check_loss_gradient<Sequential<Input<5>, Dense<4>, Softmax>, CategoricalCrossEntropy>(labels); }
  SUBCASE("cross-entropy on logits") { check_loss_gradient<Sequential<Input<5>, Dense<4>>, CategoricalCrossEntropy>(labels); }
  SUBCASE("binary cross-entropy fused with Sigmoid") { check_loss_gradient<Sequential<Input<5>, Dense<2>, Sigmoid>, BinaryCrossEntropy>(probs); }
  SUBCASE("binary cross-entropy on logits") { check_loss_gradient<Sequential<Input<5>, Dense<2>>, BinaryCrossEntropy>(probs); }
  // An autoencoder's case: MSE after a Sigmoid fused into its Dense goes back through the Sigmoid.
  SUBCASE("mean squared error after Sigmoid") { check_loss_gradient<Sequential<Input<5>, Dense<2>, Sigmoid>, MeanSquaredError>(probs); }
  SUBCASE("mean squared error after Tanh (own buffer)") { check_loss_gradient<Sequential<Input<5>, Dense<2>, Tanh>, MeanSquaredError>(values); }
  SUBCASE("mean absolute error on a linear output") { check_loss_gradient<Sequential<Input<5>, Dense<2>>, MeanAbsoluteError>(values); }
}

TEST_CASE("labels the network cannot output are one error naming label, sample and output count") {
  using Net = Sequential<Input<28, 28, 1>, Flatten, Dense<5>, Softmax>;
  auto net = Net::make(seed{1});
  Adam opt;
  const Dataset d = toy_data(1);  // labels 0 and 1: fine for 5 outputs
  Dataset bad = d;
  bad.labels[17] = 7;
  CHECK_THROWS_WITH_AS(fit(net, opt, CategoricalCrossEntropy{}, bad, {.epochs = 1, .progress = false}),
                       "the training data: label 7 of sample 17 is not below the network's 5 outputs", Error);
  CHECK_THROWS_WITH_AS(fit(net, opt, CategoricalCrossEntropy{}, d, {.epochs = 1, .validation = &bad, .progress = false}),
                       "the validation data: label 7 of sample 17 is not below the network's 5 outputs", Error);
  // A NaN or an infinity in the data stops fit before any step (issue 17).
  Dataset nan_pixel = d;
  nan_pixel.images[3 * 784 + 100] = NAN;
  const auto before = params_of(net);
  CHECK_THROWS_WITH_AS(fit(net, opt, CategoricalCrossEntropy{}, nan_pixel, {.epochs = 1, .progress = false}),
                       "the training data: value 100 of sample 3 is nan", Error);
  nan_pixel.images[3 * 784 + 100] = -INFINITY;
  CHECK_THROWS_WITH_AS(fit(net, opt, CategoricalCrossEntropy{}, d, {.epochs = 1, .validation = &nan_pixel, .progress = false}),
                       "the validation data: value 100 of sample 3 is -inf", Error);
  CHECK(params_of(net) == before);
  // An empty set is an error, not a loss and an accuracy of 0 (issue 17).
  const Dataset none = subset(d, 0, 0);
  CHECK_THROWS_WITH_AS(evaluate(net, CategoricalCrossEntropy{}, none), doctest::Contains("evaluate: the data set is empty"), Error);
  CHECK_THROWS_WITH_AS(fit(net, opt, CategoricalCrossEntropy{}, none, {.epochs = 1, .progress = false}),
                       "fit: no training data", Error);
  CHECK_THROWS_WITH_AS(fit(net, opt, CategoricalCrossEntropy{}, d, {.epochs = 1, .validation = &none, .progress = false}),
                       "fit: the validation data is empty", Error);
  // The loss itself never reads past a row either.
  std::vector<float> scratch(5);
  const std::vector<float> p(5, 0.2f);
  const std::vector<std::uint8_t> seven{7};
  CHECK_THROWS_AS(CategoricalCrossEntropy::value<true>(p, seven, 1, 5, scratch), Error);
}

TEST_CASE("regression and autoencoding with fit: targets of the output's shape, a validation split") {
  // y = (x0 + x1, x0 - x1) from 512 samples: MSE reaches near zero.
  using Net = Sequential<Input<2>, Dense<16>, Tanh, Dense<2>>;
  Dataset d;
  d.count = 512;
  d.height = 2;
  d.width = d.channels = 1;
  d.target_size = 2;
  Rng rng(5);
  for (std::size_t i = 0; i < d.count; ++i) {
    const float a = rng.uniform(-1.0f, 1.0f), b = rng.uniform(-1.0f, 1.0f);
    d.images.insert(d.images.end(), {a, b});
    d.targets.insert(d.targets.end(), {a + b, a - b});
  }
  auto net = Net::make(seed{1});
  Adam opt;
  opt.lr = 1e-2f;
  const History h = fit(net, opt, MeanSquaredError{}, d,
                        {.epochs = 40, .batch = 32, .validation_split = 0.25, .progress = false});
  MESSAGE("MSE: train " << h.back()["loss"] << ", validation " << h.back()["val_loss"]);
  CHECK(h.back()["val_loss"] < 0.01);
  CHECK(h.epochs[0]["val_loss"] > 10 * h.back()["val_loss"]);
  // Targets of the wrong size: one line naming the sizes.
  d.target_size = 3;
  CHECK_THROWS_WITH_AS(fit(net, opt, MeanSquaredError{}, d, {.progress = false}),
                       doctest::Contains("needs a target of 2 values (the network's output) per sample"), Error);
}

TEST_CASE("callbacks: learning-rate schedules, a best-model checkpoint, the CSV log, a user function") {
  const std::vector<double> f{step_decay(2, 0.5).factor(3), exponential_decay(0.9).factor(2),
                              cosine_decay(5).factor(0), cosine_decay(5).factor(4), cosine_decay(5).factor(2)};
  CHECK(f[0] == doctest::Approx(0.5));
  CHECK(f[1] == doctest::Approx(0.81));
  CHECK(f[2] == doctest::Approx(1.0));
  CHECK(f[3] == doctest::Approx(0.0));
  CHECK(f[4] == doctest::Approx(0.5));

  using Net = Sequential<Input<28, 28, 1>, Conv2D<4, 3, 2>, ReLU, Flatten, Dense<2>, Softmax>;
  const Dataset train = toy_data(3), val = toy_data(4);
  const std::string dir = temp_dir("callbacks");
  auto net = Net::make(seed{5});
  Adam opt;
  std::vector<float> rates;
  std::size_t batches = 0;
  LambdaCallback watch{.on_epoch = [&](FitState& s, const EpochLog&) {
                         rates.push_back(*s.learning_rates[0]);
                         if (s.epoch == 2) s.stop = true;  // a user function may stop training
                       },
                       .on_batch = [&](FitState&, const Metrics&) { ++batches; }};
  const History h = fit(net, opt, CategoricalCrossEntropy{}, train,
                        {.epochs = 5, .batch = 100, .validation = &val, .progress = false},
                        step_decay(1, 0.5), ModelCheckpoint{.path = dir + "/best.safetensors", .save_best_only = true},
                        CsvLogger{dir + "/log.csv"}, watch);
  REQUIRE(h.epochs.size() == 3);
  CHECK(batches == 3 * 6);
  CHECK(rates == std::vector<float>{1e-3f, 5e-4f, 2.5e-4f});
  std::ifstream csv(dir + "/log.csv");
  std::string header, line;
  std::getline(csv, header);
  CHECK(header == "epoch,loss,accuracy,val_loss,val_accuracy,seconds");
  std::size_t rows = 0;
  while (std::getline(csv, line)) ++rows;
  CHECK(rows == 3);
  // The best checkpoint holds the epoch of the lowest val_loss, and loads.
  const CheckpointReader best(dir + "/best.safetensors");
  std::size_t best_epoch = 1;
  for (const auto& e : h.epochs)
    if (e["val_loss"] < h.epochs[best_epoch - 1]["val_loss"]) best_epoch = e.epoch;
  CHECK(best.get("epoch") == std::to_string(best_epoch));
  auto loaded = Net::make(seed{9});
  best.load_model("model", loaded);
  CHECK(predict_classes(loaded, val.images).size() == val.count);
}

TEST_CASE("inference on a const network, with spans or xtensor arrays; a default network is not all zeros") {
  using Net = Sequential<Input<4, 4, 1>, Conv2D<3, 3>, ReLU, Flatten, Dense<2>, Softmax>;
  const Net zero_seed;  // `Net net;`: initialised from seed 0, like make(seed{0})
  auto made = Net::make(seed{0});
  CHECK(params_of(made) == params_of(const_cast<Net&>(zero_seed)));
  bool nonzero = false;
  for (float v : params_of(made)) nonzero |= v != 0.0f;
  CHECK(nonzero);

  xt::xtensor<float, 4> x = xt::zeros<float>({5, 4, 4, 1});
  Rng rng(3);
  for (auto& v : x) v = rng.normal();
  const xt::xtensor<float, 2> p = predict(zero_seed, x);
  REQUIRE(p.shape()[0] == 5);
  REQUIRE(p.shape()[1] == 2);
  const auto direct = made.forward(std::span<const float>(x.data(), x.size()), 5);
  for (std::size_t i = 0; i < 10; ++i) CHECK(p.data()[i] == direct[i]);
  CHECK(predict_classes(zero_seed, std::span<const float>(x.data(), x.size())).size() == 5);
  xt::xtensor<float, 4> wrong = xt::zeros<float>({5, 4, 3, 1});
  CHECK_THROWS_WITH_AS(predict(zero_seed, wrong), "predict: x's dimension 2 is 3, the network's input has 4", Error);

  // A dataset from xtensor arrays trains like any other.
  xt::xtensor<std::uint8_t, 1> labels = {0, 1, 1, 0, 1};
  const Dataset d = dataset_from(x, labels);
  CHECK(d.count == 5);
  CHECK(d.sample_size() == 16);
  Adam opt;
  CHECK(fit(made, opt, CategoricalCrossEntropy{}, d, {.epochs = 1, .batch = 2, .progress = false}).epochs.size() == 1);
  // Or passed directly: images and labels as xtensor arrays.
  const History h = fit(made, opt, CategoricalCrossEntropy{}, x, labels, {.epochs = 2, .batch = 5, .progress = false});
  CHECK(h.epochs.size() == 2);
}

TEST_CASE("fit refuses what would silently go wrong: another run's record, a figure it will not have, an empty split") {
  using Net = Sequential<Input<28, 28, 1>, Flatten, Dense<2>, Softmax>;
  const Dataset train = toy_data(3);
  const std::string dir = temp_dir("refuse");
  auto net = Net::make(seed{1});
  Adam opt;
  FitOptions o{.epochs = 1, .batch = 16, .progress = false, .backup = dir + "/r.safetensors"};
  fit(net, opt, CategoricalCrossEntropy{}, train, o);
  o.resume = true;
  o.epochs = 2;
  o.batch = 32;  // the record was written with batches of 16
  CHECK_THROWS_WITH_AS(fit(net, opt, CategoricalCrossEntropy{}, train, o),
                       doctest::Contains("written with batch 16, resumed with batch 32"), Error);
  CHECK_THROWS_WITH_AS(fit(net, opt, CategoricalCrossEntropy{}, train, {.progress = false}, EarlyStopping{}),
                       "EarlyStopping monitors val_loss, but fit has no validation data (.validation or .validation_split)",
                       Error);
  CHECK_THROWS_WITH_AS(fit(net, opt, CategoricalCrossEntropy{}, train, {.validation_split = 1e-17, .progress = false}),
                       "fit: validation_split 1e-17 of 600 samples holds out none", Error);
  auto other = Sequential<Input<28, 28, 1>, Flatten, Dense<3>, Softmax>::make(seed{2});
  CHECK_THROWS_WITH_AS(fit(other, opt, CategoricalCrossEntropy{}, train, {.progress = false}),
                       doctest::Contains("one optimizer per network"), Error);
}

TEST_CASE("a learning-rate schedule resumes where it was: the same rates as a run never interrupted") {
  using Net = Sequential<Input<28, 28, 1>, Flatten, Dense<2>, Softmax>;
  const Dataset train = toy_data(3);
  const std::string dir = temp_dir("schedule_resume");
  const auto rates_of = [&](std::size_t stop_after, bool resume) {
    auto net = Net::make(seed{1});
    Adam opt;
    std::vector<float> rates;
    LambdaCallback watch{.on_epoch = [&](FitState& s, const EpochLog&) { rates.push_back(*s.learning_rates[0]); }};
    FitOptions o{.epochs = stop_after, .batch = 100, .progress = false, .backup = dir + "/r.safetensors",
                 .resume = resume};
    fit(net, opt, CategoricalCrossEntropy{}, train, o, step_decay(1, 0.5), watch);
    return rates;
  };
  const std::vector<float> straight = rates_of(4, false);
  std::filesystem::remove(dir + "/r.safetensors");
  rates_of(2, false);                                  // interrupted after 2 epochs
  const std::vector<float> resumed = rates_of(4, true);  // epochs 3 and 4 from the record
  REQUIRE(straight.size() == 4);
  REQUIRE(resumed.size() == 2);
  CHECK(resumed[0] == doctest::Approx(straight[2]));
  CHECK(resumed[1] == doctest::Approx(straight[3]));
}

TEST_CASE("a batch too big for the memory left is one error saying how much it needs") {
  using Net = Sequential<Input<28, 28, 1>, Conv2D<8, 3>, ReLU, Flatten, Dense<10>, Softmax>;
  auto net = Net::make(seed{1});
  // 26 x 26 x 8 activations, 10 outputs, the input: three copies of floats per sample
  const std::size_t per_sample = training_bytes(net, 1);
  CHECK(per_sample >= 3 * 4 * (26 * 26 * 8 + 10));
  CHECK(training_bytes(net, 1000) == 1000 * per_sample);
  CHECK(training_bytes(net, std::size_t{1} << 62) == std::numeric_limits<std::size_t>::max());

  // Under an address-space limit 200 MB above what the process uses now.
  rlimit old{};
  REQUIRE(getrlimit(RLIMIT_AS, &old) == 0);
  const std::size_t vm = detail::read_number_after("/proc/self/status", "VmSize:", 1024);
  REQUIRE(vm != std::numeric_limits<std::size_t>::max());
  rlimit low = old;
  low.rlim_cur = vm + (std::size_t{200} << 20);
  REQUIRE(setrlimit(RLIMIT_AS, &low) == 0);
  const std::size_t avail = available_memory();
  std::string msg;
  try {
    check_fits(std::size_t{3} << 30, 4096);
  } catch (const Error& e) {
    msg = e.what();
  }
  setrlimit(RLIMIT_AS, &old);
  CHECK(avail <= (std::size_t{200} << 20));
  CHECK(msg == "a batch of 4096 needs about 3.2 GB of training buffers, more than the 0.2 GB this process can "
               "still get; use a smaller batch");
  CHECK_NOTHROW(check_fits(1 << 20, 1));
}

namespace {
// A step whose loss climbs by 0.1 a step (its network is never updated); it
// records the run's step count it is given.
struct Climbing {
  using Net = Sequential<Input<1>, Dense<1>>;
  Net net = Net::make(seed{1});
  double loss = 1.0;
  std::vector<std::size_t> seen;
  Metrics train_batch(const Dataset&, std::span<const std::size_t>, StepContext& ctx) {
    seen.push_back(ctx.run_step);
    Metrics r;
    r.add("loss", loss += 0.1);
    return r;
  }
  template <class F>
  void visit_networks(F&& f) { f("net", net); }
  template <class F>
  void visit_optimizers(F&&) {}
};
}  // namespace

TEST_CASE("StepContext::run_step counts the run's steps across epochs, the short last batch included") {
  Climbing climbing;
  Dataset d;
  d.count = 10;
  d.height = d.width = d.channels = 1;
  d.images.assign(10, 0.5f);
  fit(climbing, d, {.epochs = 2, .batch = 4, .progress = false});  // batches of 4, 4, 2
  CHECK(climbing.seen == std::vector<std::size_t>{0, 1, 2, 3, 4, 5});
}

TEST_CASE("a loss that grows to over 4 times its start stops the run, naming epoch and step") {
  LossWatch w;
  Metrics m;
  m.add("loss", 2.3);
  for (int i = 0; i < 100; ++i) CHECK(w.add(m).empty());
  Metrics high;
  high.add("loss", 9.0);  // under 4 x 2.3 = 9.2
  for (int i = 0; i < 100; ++i) CHECK(w.add(high).empty());
  Metrics higher;
  higher.add("loss", 9.5);
  for (int i = 0; i < 99; ++i) CHECK(w.add(higher).empty());
  CHECK(w.add(higher) ==
        "the loss's mean over the last 100 steps, 9.5, is over 4 times its mean over the first 100, 2.3; "
        "lower the learning rate");
  Metrics gan;  // a GAN's figures are not watched
  gan.add("g_loss", 1e6);
  CHECK(w.add(gan).empty());

  // Through fit.
  Climbing climbing;
  Dataset d;
  d.count = 1000;
  d.height = d.width = d.channels = 1;
  d.images.assign(1000, 0.5f);
  CHECK_THROWS_WITH_AS(fit(climbing, d, {.epochs = 1, .batch = 1, .progress = false}),
                       doctest::Contains("training diverged at epoch 1, step 300: the loss's mean over the last 100 steps"),
                       Error);
}
