// A training step never allocates: an epoch of many steps makes as many heap
// allocations as an epoch of few (what is allocated per epoch, not per step).
// This file replaces the global operator new of the test binary with a
// counting one.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include <ctnet/ctnet.hpp>
#include <ctnet/train/supervised.hpp>
#include <ctnet/train/gan.hpp>
#include <ctnet/train/optimizer.hpp>
#include <ctnet/train/weight_average.hpp>

namespace {
std::atomic<std::size_t> allocations{0};
}

void* operator new(std::size_t size) {
  ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
// g++ cannot see that the replaced operator new above is malloc.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

using namespace ctnet;

namespace {
Dataset noise_images(std::size_t n, std::size_t side) {
  Dataset d;
  d.count = n;
  d.height = d.width = side;
  d.channels = 1;
  d.images.resize(n * side * side);
  d.labels.resize(n);
  Rng rng(3);
  for (auto& v : d.images) v = rng.uniform(-1.0f, 1.0f);
  for (auto& l : d.labels) l = static_cast<std::uint8_t>(rng.below(10));
  return d;
}

using G = Sequential<Input<8>, Dense<32>, BatchNorm<>, LeakyReLU<0.2f>, Reshape<2, 2, 8>,
                     Conv2DTranspose<4, 3, 2, Padding::same>, ReLU, UpSampling2D<2>,
                     Conv2D<1, 3, 1, Padding::same>, Tanh>;
using D = Sequential<Input<8, 8, 1>, Conv2D<4, 3, 2, Padding::same>, LeakyReLU<0.2f>,
                     Dropout<0.3f>, MaxPool2D<2>, Flatten, Dense<1>>;
using C = Sequential<Input<8, 8, 1>, Conv2D<4, 3>, ReLU, MaxPool2D<2>, Flatten, Dropout<0.2f>,
                     Dense<10>, Softmax>;

template <class Fit>
std::size_t allocations_during(Fit&& fit) {
  const std::size_t before = allocations.load();
  fit();
  return allocations.load() - before;
}
}  // namespace

// Counts the allocations of the second epoch (the first sizes everything).
struct SecondEpoch {
  std::size_t mark = 0, second = 0;
  void on_epoch_begin(FitState& st) {
    if (st.epoch == 1) mark = allocations.load();
  }
  void on_epoch_end(FitState& st, const EpochLog&) {
    if (st.epoch == 1) second = allocations.load() - mark;
  }
};

TEST_CASE("GAN training: allocations per epoch do not grow with the number of steps") {
  auto run = [](std::size_t images) {
    auto g = G::make(seed{1});
    auto d = D::make(seed{2});
    Adam og, od;
    const Dataset real = noise_images(images, 8);
    auto average = G::make(seed{3});  // --ema: a weight average updated every step
    WeightAverage<G> averager(average, 0.999f);
    GanStep step(g, d, og, od, {.flip_probability = 0.1f});
    step.after_g_step = [&] { averager.update(g); };
    SecondEpoch counter;
    fit(step, real, {.epochs = 2, .batch = 16, .progress = false}, counter);
    return counter.second;
  };
  const std::size_t few = run(16 * 4), many = run(16 * 40);
  MESSAGE("allocations in an epoch of 4 steps: " << few << ", of 40 steps: " << many);
  CHECK(many == few);
}

TEST_CASE("classifier training: allocations per epoch do not grow with the number of steps") {
  auto run = [](std::size_t images) {
    auto net = C::make(seed{1});
    Adam opt;
    const Dataset data = noise_images(images, 8), val = noise_images(16, 8);
    SecondEpoch counter;
    fit(net, opt, CategoricalCrossEntropy{}, data, {.epochs = 2, .batch = 16, .validation = &val, .progress = false},
        counter);
    return counter.second;
  };
  const std::size_t few = run(16 * 4), many = run(16 * 40);
  MESSAGE("allocations in an epoch of 4 steps: " << few << ", of 40 steps: " << many);
  CHECK(many == few);
}
