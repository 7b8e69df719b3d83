#pragma once
// Supervised training: one network, one optimizer, one loss against class
// labels (classifiers) or target tensors (regression, autoencoders).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include <ctnet/core/error.hpp>
#include <ctnet/data/batcher.hpp>
#include <ctnet/data/dataset.hpp>
#include <ctnet/data/from_xtensor.hpp>
#include <ctnet/loss/categorical_cross_entropy.hpp>
#include <ctnet/loss/loss.hpp>
#include <ctnet/train/fit.hpp>
#include <ctnet/train/metrics.hpp>

namespace ctnet {

/// Checks that `data` fits a network trained with loss `L`: samples of the
/// input's size; a label below the output count for every sample, or a target
/// of the output's size. The error names `role`, and a bad label's value and
/// sample index.
template <class Net, Loss L>
void check_supervised_data(const Dataset& data, std::string_view role) {
  constexpr std::size_t in = Net::input_shape::size, k = Net::output_shape::size;
  if (data.sample_size() != in)
    fail("{}: samples of {} values, the network takes {}", role, data.sample_size(), in);
  if constexpr (takes_labels<L>) {
    if (data.labels.size() != data.count)
      fail("{}: {} needs one label per sample, the data has {} labels for {} samples", role,
           L::name, data.labels.size(), data.count);
    for (std::size_t i = 0; i < data.count; ++i)
      if (data.labels[i] >= k)
        fail("{}: label {} of sample {} is not below the network's {} outputs", role, data.labels[i], i,
             k);
  } else {
    if (data.target_size != k || data.targets.size() != data.count * k)
      fail("{}: {} needs a target of {} values (the network's output) per sample, the data has {} "
           "values per sample",
           role, L::name, k, data.target_size);
  }
}

/// The loss (and, against labels, the accuracy) of `net` on `data`,
/// inference mode, in batches of `batch` (32: Keras's default, and the
/// buffers of a batch-32 training step).
template <class Net, Loss L>
Metrics evaluate(Net& net, const L& loss, const Dataset& data, std::size_t batch = 32) {
  if (batch == 0) fail("the batch size must be positive");
  if (data.count == 0) fail("evaluate: the data set is empty (a loss and an accuracy of no samples are not 0)");
  check_supervised_data<Net, L>(data, "evaluate");
  check_finite(data, "evaluate");
  constexpr std::size_t in = Net::input_shape::size, k = Net::output_shape::size;
  net.reserve(batch);
  std::vector<float> scratch(batch * k);
  double sum = 0.0;
  std::size_t correct = 0;
  for (std::size_t first = 0; first < data.count; first += batch) {
    const std::size_t n = std::min(batch, data.count - first);
    const auto y = net.forward({data.images.data() + first * in, n * in}, n, false);
    if constexpr (takes_labels<L>) {
      const std::span<const std::uint8_t> labels(data.labels.data() + first, n);
      sum += loss_of(net, loss, labels, scratch) * static_cast<double>(n);
      correct += count_correct(y, labels, k);
    } else {
      sum += loss_of(net, loss, std::span<const float>(data.targets).subspan(first * k, n * k), scratch) *
             static_cast<double>(n);
    }
  }
  const double count = static_cast<double>(data.count);
  Metrics m{{"loss", sum / count}};
  if constexpr (takes_labels<L>) m.add("accuracy", static_cast<double>(correct) / count);
  return m;
}

/// The step of a network trained on a loss: forward, the loss's gradient,
/// backward, one optimizer step. Reports "loss" and, against labels,
/// "accuracy". Checkpoints name the network "model" and its optimizer "optimizer".
template <class Net, class Opt, Loss L>
class SupervisedStep {
 public:
  static constexpr std::size_t in = Net::input_shape::size, k = Net::output_shape::size;

  SupervisedStep(Net& net, Opt& opt, L loss = {}) : net_(net), opt_(opt), loss_(loss) {}

  void check(const Dataset& data, std::string_view role) const { check_supervised_data<Net, L>(data, role); }
  void reserve(std::size_t batch) {
    net_.reserve(batch);
    x_.resize(batch * in);
    if constexpr (takes_labels<L>) labels_.resize(batch);
    else targets_.resize(batch * k);
  }

  Metrics train_batch(const Dataset& data, std::span<const std::size_t> idx, StepContext& ctx) {
    const std::size_t n = idx.size();
    const double w = static_cast<double>(n);  // per-sample means: weighted by the batch size
    gather(data, idx, x_, labels_);
    net_.zero_grad();
    const auto y = net_.forward({x_.data(), n * in}, n, true);
    ctx.sum_during_backward(net_);
    Metrics m;
    if constexpr (takes_labels<L>) {
      const std::span<const std::uint8_t> labels(labels_.data(), n);
      const std::size_t correct = count_correct(y, labels, k);  // before the gradient overwrites y
      m.add("loss", backprop(net_, loss_, labels).loss, w);
      m.add("accuracy", static_cast<double>(correct) / w, w);
    } else {
      gather_targets(data, idx, targets_);
      m.add("loss", backprop(net_, loss_, std::span<const float>(targets_.data(), n * k)).loss, w);
    }
    if (ctx.all_finite(m[0].value)) ctx.update(opt_, net_);  // else the loop stops before any update
    return m;
  }

  Metrics validate(const Dataset& data, const FitOptions& o) { return evaluate(net_, loss_, data, o.validation_batch_size()); }

  template <class F>
  void visit_networks(F&& f) {
    f("model", net_);
  }
  template <class F>
  void visit_optimizers(F&& f) {
    f("optimizer", opt_, net_);
  }

 private:
  Net& net_;
  Opt& opt_;
  L loss_;
  std::vector<float> x_, targets_;
  std::vector<std::uint8_t> labels_;
};

/// Trains `net` with `opt` on `loss` (Keras's `model.fit`): see FitOptions for
/// epochs, batch, validation, resume; callbacks are optional.
///
///     auto history = fit(net, opt, CategoricalCrossEntropy{}, train,
///                        {.epochs = 3, .validation = &test}, EarlyStopping{});
template <class Net, class Opt, Loss L, class... Callbacks>
History fit(Net& net, Opt& opt, L loss, const Dataset& train, const FitOptions& options,
            Callbacks&&... callbacks) {
  SupervisedStep<Net, Opt, L> step(net, opt, loss);
  return fit(step, train, options, callbacks...);
}

/// `fit` on xtensor arrays, as numpy users hold their data: samples x (n,
/// input dims...; NHWC for images) and labels (n) or targets (n, output dims...).
template <class Net, class Opt, Loss L, std::size_t N, class Y, class... Callbacks>
History fit(Net& net, Opt& opt, L loss, const xt::xtensor<float, N>& x, const Y& y, const FitOptions& options,
            Callbacks&&... callbacks) {
  return fit(net, opt, loss, dataset_from(x, y), options, callbacks...);
}

}  // namespace ctnet
