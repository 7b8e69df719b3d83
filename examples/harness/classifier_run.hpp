#pragma once
// What a classifier example does besides picking its zoo model: the flags,
// MNIST, the run directory (summary.txt, metrics.csv, loss.png,
// accuracy.png), a checkpoint after every epoch with --resume, and the
// final test score.
#include <cstddef>
#include <cstdio>
#include <string>

#include <harness/flags.hpp>
#include <harness/run.hpp>
#include <ctnet/core/atomic_file.hpp>
#include <ctnet/core/error.hpp>
#include <ctnet/core/parallel.hpp>
#include <ctnet/data/mnist.hpp>
#include <ctnet/store/checkpoint.hpp>
#include <ctnet/model/summary.hpp>
#include <ctnet/loss/categorical_cross_entropy.hpp>
#include <ctnet/train/callbacks/csv_logger.hpp>
#include <ctnet/train/callbacks/early_stopping.hpp>
#include <ctnet/train/callbacks/lambda_callback.hpp>
#include <ctnet/train/callbacks/lr_schedule.hpp>
#include <ctnet/train/optimizer.hpp>
#include <ctnet/train/supervised.hpp>

namespace ctnet {

/// A classifier run's settings: the common flags and the classifier ones.
struct ClassifierRunOptions {
  CommonOptions common;
  double lr = 1e-3;
  std::size_t train_limit = 0;
  bool early_stopping = false;
  double min_delta = 0.01;
  std::size_t patience = 0;
  std::string lr_schedule = "constant";              ///< constant or cosine (to 0 over the epochs)
  std::string title;                                 ///< plot titles, first output line
  std::string checkpoint = "checkpoint.safetensors";  ///< file name in the run directory
};

/// Reads the common flags (with the given defaults) and the classifier ones.
inline ClassifierRunOptions classifier_options(Flags& flags, std::size_t epochs, std::size_t batch,
                                               const std::string& out,
                                               const std::string& dataset = "mnist",
                                               const std::string& lr_schedule = "constant",
                                               const std::vector<std::string>& datasets = grey_datasets) {
  ClassifierRunOptions o;
  o.common = common_options(flags, epochs, batch, out, dataset, datasets);
  o.lr = flags.real("lr", 1e-3, "Adam learning rate", learning_rates);
  o.train_limit = flags.u64("train-limit", 0, "use only the first N training images (0: all)");
  o.early_stopping = flags.flag("early-stopping", "stop when val_loss stops improving");
  o.min_delta = flags.real("min-delta", 0.01, "early stopping's min_delta", {0.0, 10.0});
  o.patience = flags.u64("patience", 0, "early stopping's patience", 0, 1'000'000);
  o.lr_schedule = flags.choice("lr-schedule", {"constant", "cosine"}, lr_schedule,
                               "learning rate per epoch: constant, or cosine decay to 0");
  return o;
}

/// Trains Net (ending in Softmax, cross-entropy, Adam) on MNIST's,
/// Fashion-MNIST's or CIFAR-10's training images, scores on the test images after every
/// epoch and writes the run directory. The checkpoint is the engine's resume
/// record (the model under "model", Adam's state under "optimizer", early
/// stopping's state, the history); --resume continues from it.
template <class Net>
int run_classifier(const ClassifierRunOptions& o) {
  const CommonOptions& c = o.common;
  const Dataset train = load_images(c, true, Scale::unit, o.train_limit);
  const Dataset test = load_images(c, false, Scale::unit);
  if (train.sample_size() != Net::input_shape::size)
    fail("--dataset {}: its {}x{}x{} images do not fit the model's input {}", c.dataset,
         train.height, train.width, train.channels, Net::input_shape::keras());

  prepare_run_dir(c);
  auto net = Net::make(seed{c.seed});
  Adam opt;
  opt.lr = static_cast<float>(o.lr);
  FitOptions fit_opts = fit_options(c, o.checkpoint);
  fit_opts.validation = &test;
  CsvLogger log{c.out + "/metrics.csv"};
  print_start(c, fmt::format("{}: {} parameters, {} training images, {} test images", o.title,
                              Net::total_params, train.count, test.count));
  // Written once a resume's checks have passed, so that a refused resume changes nothing.
  LambdaCallback summary_file{.on_begin = [&](FitState& s) {
    if (s.writes) write_summary(c, summary<Net>());
  }};
  EarlyStopping stopping{.min_delta = o.min_delta, .patience = o.patience};
  LearningRateScheduler schedule =
      o.lr_schedule == "cosine" ? cosine_decay(c.epochs)
                                : LearningRateScheduler{[](std::size_t) { return 1.0; }};
  const History history =
      o.early_stopping
          ? fit(net, opt, CategoricalCrossEntropy{}, train, fit_opts, summary_file, log, schedule,
                stopping)
          : fit(net, opt, CategoricalCrossEntropy{}, train, fit_opts, summary_file, log, schedule);
  if (!c.leads()) return 0;
  plot_history(history, c.out + "/loss.png", o.title + ": loss", "cross-entropy",
               {{"loss", "train"}, {"val_loss", "test"}});
  plot_history(history, c.out + "/accuracy.png", o.title + ": accuracy", "accuracy",
               {{"accuracy", "train"}, {"val_accuracy", "test"}});
  const Metrics final_eval = evaluate(net, CategoricalCrossEntropy{}, test);
  fmt::print("test accuracy {:.2f}%, test loss {:.4f}; run directory {}\n", 100.0 * final_eval.value("accuracy"),
             final_eval.value("loss"), c.out);
  return 0;
}

}  // namespace ctnet
