// Data parallelism against one process: run under `mpirun -np 2`. Every
// process trains each model for 20 steps of global batch 32 on its share;
// process 0 also trains a copy alone with the same seeds. The processes must
// hold bit-identical weights, and those must match the lone copy's up to the
// order of float sums (the shares' gradients are summed separately).
//
// Models: report 1's experiment 2 (Adam, cross-entropy), report 5's GAN
// (dropout in D: its masks follow the sample; one-sided label smoothing and
// label flips draw per sample) and report 1's MLP VAE (noise per sample).
// With `--kill-rank R` it is instead the victim of tests/mpi/faults.sh.
#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <ctnet/data/mnist.hpp>
#include <ctnet/mpi/world.hpp>
#include <ctnet/train/callbacks/lambda_callback.hpp>
#include <ctnet/train/gan.hpp>
#include <ctnet/train/optimizer.hpp>
#include <ctnet/train/supervised.hpp>
#include <ctnet/train/vae.hpp>
#include <ctnet/layers/batch_norm.hpp>
#include <ctnet/layers/conv2d.hpp>
#include <ctnet/layers/dense.hpp>
#include <ctnet/layers/flatten.hpp>
#include <ctnet/layers/relu.hpp>
#include <ctnet/layers/softmax.hpp>
#include <ctnet/model/sequential.hpp>
#include <ctnet/zoo/report1_cnn.hpp>
#include <ctnet/zoo/report1_vae.hpp>
#include <ctnet/zoo/report5_gan.hpp>

using namespace ctnet;

namespace {

constexpr std::size_t steps = 20, batch = 32;

// Every parameter of the networks, in order.
std::vector<float> weights_of(auto&... nets) {
  std::vector<float> w;
  const auto add = [&](auto& net) {
    net.visit_params([&](const ParamRef& p) { w.insert(w.end(), p.value.begin(), p.value.end()); });
  };
  (add(nets), ...);
  return w;
}

struct Trained {
  std::vector<float> before, after;  // the weights
};

// Trains with `train(options)` (the model made afresh, its weights before and
// after `fit`) with the processes, with and without overlapped sums, and, in
// process 0, alone; prints the differences; false when the processes or the
// two ways of summing differ at all, or the lone run differs by more than
// `tolerance` times the largest change training made to a weight.
template <class Train>
bool compare(const char* name, Collective& world, double tolerance, Train&& train) {
  FitOptions o{.epochs = 1, .batch = batch, .seed = 7, .progress = false};
  o.collective = &world;
  const std::vector<float> w = train(o).after;
  // The sums started during the backward pass (the default) or after it: the
  // same sums of two numbers, so the same weights.
  o.overlap = false;
  const std::vector<float> w_after = train(o).after;
  o.overlap = true;
  double overlap_diff = 0.0;
  for (std::size_t i = 0; i < w.size(); ++i) overlap_diff = std::max(overlap_diff, std::abs(double(w[i]) - w_after[i]));

  // The processes against each other: process 0's weights to all, then the
  // largest difference summed over them (process 0 adds 0).
  std::vector<float> w0 = w;
  world.broadcast(std::span<float>(w0));
  double between = 0.0;
  for (std::size_t i = 0; i < w.size(); ++i) between = std::max(between, std::abs(double(w[i]) - w0[i]));
  world.sum(std::span(&between, 1));

  bool ok = between == 0.0 && overlap_diff == 0.0;
  if (world.leads()) {
    o.collective = nullptr;
    const Trained alone = train(o);
    double largest = 0.0, moved = 0.0;
    for (std::size_t i = 0; i < w.size(); ++i) {
      largest = std::max(largest, std::abs(double(w[i]) - alone.after[i]));
      moved = std::max(moved, std::abs(double(alone.after[i]) - alone.before[i]));
    }
    fmt::print("{}: {} steps of batch {}, {} processes vs 1: largest weight difference {:.3g} (largest change "
               "in training {:.3g}); between the processes {:.3g}; sums overlapped or not {:.3g}\n",
               name, steps, batch, world.size(), largest, moved, between, overlap_diff);
    ok = ok && largest <= tolerance * moved;
  }
  double failed = ok ? 0.0 : 1.0;
  world.sum(std::span(&failed, 1));
  return failed == 0.0;
}

// Training a classifier Net (made from seed 1) with a copy of `opt` on
// cross-entropy, as `compare` takes it.
template <class Net, class Opt>
auto classifier(const Opt& opt, const Dataset& data) {
  return [opt, &data](const FitOptions& o) {
    auto net = Net::make(seed{1});
    Opt copy = opt;
    Trained t{weights_of(net), {}};
    fit(net, copy, CategoricalCrossEntropy{}, data, o);
    t.after = weights_of(net);
    return t;
  };
}

}  // namespace

// `--kill-rank R`: trains experiment 2 data-parallel, and process R kills
// itself (SIGKILL) at the 5th step, for tests/mpi/faults.sh.
int train_and_die(Collective& world, const Dataset& data, std::size_t victim) {
  auto net = zoo::report1::Experiment2::make(seed{1});
  Adam opt;
  LambdaCallback die{.on_batch = [&](FitState& s, const Metrics&) {
    if (s.step == 4 && world.rank() == victim) {
      std::fflush(stdout);
      std::raise(SIGKILL);
    }
  }};
  fit(net, opt, CategoricalCrossEntropy{}, data, {.epochs = 1000, .batch = batch, .progress = false, .collective = &world}, die);
  return 0;
}

int main(int argc, char** argv) {
  mpi::World world;
  if (world.size() < 2) {
    std::fputs("data_parallel: run under mpirun -np 2 (or more)\n", stderr);
    return 1;
  }
  // MNIST's first training images: on random labels a model stays at chance,
  // where its tiny gradients make even the thread count change the weights.
  const Dataset data = load_mnist(CTNET_TEST_DATA_DIR, true, Scale::unit, steps * batch);
  if (argc == 3 && std::string(argv[1]) == "--kill-rank") return train_and_die(world, data, std::stoul(argv[2]));
  bool ok = true;
  // Tolerances, relative to the largest change training made to a weight.
  // Adam turns the float-rounding differences of near-zero gradients into
  // steps of up to lr: one process on 1 thread and on 2 differ as much
  // (experiment 2: 0.0028 of 0.019) as 2 processes and 1. SGD is held to the
  // order of float sums.
  const SGD sgd{.lr = 0.01f, .momentum = 0.9f};
  ok &= compare("experiment 2", world, 0.25, classifier<zoo::report1::Experiment2>(Adam{}, data));
  ok &= compare("experiment 2, SGD", world, 1e-3, classifier<zoo::report1::Experiment2>(sgd, data));
  // BatchNorm: each process's own statistics (the default) make a different
  // model from one process's; synchronised ones the same.
  using BnNet = Sequential<Input<28, 28, 1>, Conv2D<16, 3, 2>, BatchNorm<>, ReLU, Flatten, Dense<10>, Softmax>;
  const auto bn = classifier<BnNet>(sgd, data);
  ok &= compare("BatchNorm, synchronised", world, 1e-3, [&](FitOptions o) {
    o.sync_batch_norm = true;
    return bn(o);
  });
  ok &= !compare("BatchNorm, per process", world, 1e-3, bn);
  ok &= compare("report 5 GAN", world, 0.25, [&](const FitOptions& o) {
    namespace r5 = zoo::report5;
    auto gen = r5::Generator::make(seed{1});
    auto disc = r5::Discriminator::make(seed{2});
    Adam opt_g{.lr = 2e-4f, .beta1 = 0.5f}, opt_d{.lr = 2e-4f, .beta1 = 0.5f};
    GanStep step(gen, disc, opt_g, opt_d, GanOptions{.real_label = 0.9f, .flip_probability = 0.05f});
    Trained t{weights_of(gen, disc), {}};
    fit(step, data, o);
    t.after = weights_of(gen, disc);
    return t;
  });
  ok &= compare("report 1 MLP VAE", world, 1e-3, [&](const FitOptions& o) {
    auto vae = zoo::report1::MlpVae::make(seed{1});
    Adam opt_e, opt_d;
    VaeStep step(vae, opt_e, opt_d);
    Trained t{weights_of(vae.encoder, vae.decoder), {}};
    fit(step, data, o);
    t.after = weights_of(vae.encoder, vae.decoder);
    return t;
  });
  if (world.leads()) std::puts(ok ? "data_parallel: passed" : "data_parallel: FAILED");
  return ok ? 0 : 1;
}
