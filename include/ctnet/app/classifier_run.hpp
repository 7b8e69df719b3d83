#pragma once
// What a classifier example does besides picking its zoo model: the flags,
// MNIST, the run directory (summary.txt, metrics.csv, loss.png,
// accuracy.png), a checkpoint after every epoch with --resume, and the
// final test score.
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <string>

#include <ctnet/app/flags.hpp>
#include <ctnet/app/run.hpp>
#include <ctnet/core/error.hpp>
#include <ctnet/core/parallel.hpp>
#include <ctnet/data/mnist.hpp>
#include <ctnet/io/checkpoint.hpp>
#include <ctnet/model/summary.hpp>
#include <ctnet/train/classifier.hpp>
#include <ctnet/train/metrics_log.hpp>
#include <ctnet/train/optimizer.hpp>

namespace ctnet {

/// A classifier run's settings: the common flags and the classifier ones.
struct ClassifierRunOptions {
  CommonOptions common;
  double lr = 1e-3;
  std::size_t train_limit = 0;
  bool early_stopping = false;
  double min_delta = 0.01;
  std::size_t patience = 0;
  std::string title;                                 ///< plot titles, first output line
  std::string checkpoint = "checkpoint.safetensors";  ///< file name in the run directory
};

/// Reads the common flags (with the given defaults) and the classifier ones.
inline ClassifierRunOptions classifier_options(Flags& flags, std::size_t epochs, std::size_t batch,
                                               const std::string& out) {
  ClassifierRunOptions o;
  o.common = common_options(flags, epochs, batch, out);
  o.lr = flags.real("lr", 1e-3, "Adam learning rate");
  o.train_limit = flags.u64("train-limit", 0, "use only the first N training images (0: all)");
  o.early_stopping = flags.flag("early-stopping", "stop when val_loss stops improving");
  o.min_delta = flags.real("min-delta", 0.01, "early stopping's min_delta");
  o.patience = flags.u64("patience", 0, "early stopping's patience");
  return o;
}

/// Trains Net (ending in Softmax, cross-entropy, Adam) on MNIST or
/// Fashion-MNIST's training images, scores on the test images after every
/// epoch and writes the run directory. The checkpoint holds the model under
/// "model", Adam's state under "optimizer", the epoch, the seed and early
/// stopping's state; --resume continues from it.
template <class Net>
int run_classifier(const ClassifierRunOptions& o) {
  const CommonOptions& c = o.common;
  const std::string dir = find_dataset_dir(c.dataset, c.data);
  Dataset train = load_mnist(dir, true, Scale::unit);
  const Dataset test = load_mnist(dir, false, Scale::unit);
  if (o.train_limit > 0 && o.train_limit < train.count) train = subset(train, 0, o.train_limit);

  prepare_run_dir(c.out);
  const std::string ckpt = c.out + "/" + o.checkpoint;
  const std::string csv = c.out + "/metrics.csv";
  auto net = Net::make(seed{c.seed});
  Adam opt;
  opt.lr = static_cast<float>(o.lr);
  EarlyStopping stopping;
  stopping.enabled = o.early_stopping;
  stopping.min_delta = o.min_delta;
  stopping.patience = o.patience;
  std::size_t first_epoch = 0;

  if (c.resume && std::filesystem::exists(ckpt)) {
    CheckpointReader r(ckpt);
    r.load_model("model", net);
    r.load_optimizer("optimizer", opt, net);
    if (r.get("seed") != std::to_string(c.seed))
      throw Error(ckpt + ": written with --seed " + r.get("seed") + ", resumed with --seed " +
                  std::to_string(c.seed));
    first_epoch = std::stoull(r.get("epoch"));
    stopping.best = std::stod(r.get("early_stopping.best"));
    stopping.wait = std::stoull(r.get("early_stopping.wait"));
    if (r.get("early_stopping.stopped") == "1") {
      std::fprintf(stderr, "the run had stopped early after epoch %zu; nothing to resume\n", first_epoch);
      first_epoch = c.epochs;
    }
    std::fprintf(stderr, "resuming %s after epoch %zu\n", ckpt.c_str(), first_epoch);
  }
  // Written after the resume checks, so that a refused resume changes nothing.
  write_text_file(c.out + "/summary.txt", summary<Net>());
  MetricsLog log(csv, {"epoch", "loss", "accuracy", "val_loss", "val_accuracy", "seconds"},
                 first_epoch);

  std::printf("%s: %zu parameters, %zu training images, %zu test images, %zu threads\n",
              o.title.c_str(), Net::total_params, train.count, test.count,
              ThreadPool::instance().size());
  ClassifierOptions fit;
  fit.epochs = c.epochs;
  fit.batch = c.batch;
  fit.seed = c.seed;
  fit.progress = c.progress;
  fit_classifier(net, opt, train, test, fit, stopping, [&](const EpochMetrics& m) {
    log.write_row({static_cast<double>(m.epoch), m.loss, m.accuracy, m.val_loss, m.val_accuracy,
                   m.seconds});
    CheckpointWriter w;
    w.add_model("model", net);
    w.add_optimizer("optimizer", opt);
    w.set("epoch", std::to_string(m.epoch));
    w.set("seed", std::to_string(c.seed));
    w.set("early_stopping.best", std::to_string(stopping.best));
    w.set("early_stopping.wait", std::to_string(stopping.wait));
    w.set("early_stopping.stopped", stopping.stopped ? "1" : "0");
    w.write(ckpt);
    std::printf("epoch %zu: loss %.4f acc %.4f val_loss %.4f val_acc %.4f (%.1f s)\n", m.epoch,
                m.loss, m.accuracy, m.val_loss, m.val_accuracy, m.seconds);
    std::fflush(stdout);
    return true;
  }, first_epoch);

  plot_columns(csv, c.out + "/loss.png", o.title + ": loss", "cross-entropy",
               {{"loss", "train"}, {"val_loss", "test"}});
  plot_columns(csv, c.out + "/accuracy.png", o.title + ": accuracy", "accuracy",
               {{"accuracy", "train"}, {"val_accuracy", "test"}});
  const Evaluation final_eval = evaluate(net, test);
  std::printf("test accuracy %.2f%%, test loss %.4f; run directory %s\n",
              100.0 * final_eval.accuracy, final_eval.loss, c.out.c_str());
  return 0;
}

}  // namespace ctnet
