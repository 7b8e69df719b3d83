// Report 1, Part I: the seven CNN experiments on MNIST.
//
//   cnn_classifier --experiment 2 --epochs 3 --out runs/cnn-exp2
//
// Trains on the 60,000 training images, scores on the 10,000 test images
// after every epoch, and writes a run directory: summary.txt, metrics.csv,
// loss.png, accuracy.png and checkpoint.safetensors (written after every
// epoch; --resume continues from it).
#include <cstdio>
#include <filesystem>
#include <string>

#include <ctnet/app/flags.hpp>
#include <ctnet/app/run.hpp>
#include <ctnet/core/parallel.hpp>
#include <ctnet/data/mnist.hpp>
#include <ctnet/io/checkpoint.hpp>
#include <ctnet/model/summary.hpp>
#include <ctnet/train/classifier.hpp>
#include <ctnet/train/metrics_log.hpp>
#include <ctnet/train/optimizer.hpp>
#include <ctnet/zoo/report1_cnn.hpp>

using namespace ctnet;

namespace {

struct Options {
  CommonOptions common;
  int experiment = 2;
  double lr = 1e-3;
  std::size_t train_limit = 0;
  bool early_stopping = false;
  double min_delta = 0.01;
  std::size_t patience = 0;
};

template <class Net>
int run(const Options& o) {
  const CommonOptions& c = o.common;
  const std::string dir = find_dataset_dir(c.dataset, c.data);
  Dataset train = load_mnist(dir, true, Scale::unit);
  const Dataset test = load_mnist(dir, false, Scale::unit);
  if (o.train_limit > 0 && o.train_limit < train.count) train = subset(train, 0, o.train_limit);

  prepare_run_dir(c.out);
  const std::string ckpt = c.out + "/checkpoint.safetensors";
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

  std::printf("experiment %d: %zu parameters, %zu training images, %zu test images, %zu threads\n",
              o.experiment, param_count<Net>, train.count, test.count,
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

  plot_columns(csv, c.out + "/loss.png", "Experiment " + std::to_string(o.experiment) + ": loss",
               "cross-entropy", {{"loss", "train"}, {"val_loss", "test"}});
  plot_columns(csv, c.out + "/accuracy.png",
               "Experiment " + std::to_string(o.experiment) + ": accuracy", "accuracy",
               {{"accuracy", "train"}, {"val_accuracy", "test"}});
  const Evaluation final_eval = evaluate(net, test);
  std::printf("test accuracy %.2f%%, test loss %.4f; run directory %s\n",
              100.0 * final_eval.accuracy, final_eval.loss, c.out.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  return run_main("cnn_classifier", [&]() -> int {
    Flags flags(argc, argv, "Report 1's CNN experiments 1-7 on MNIST (Adam, cross-entropy).");
    Options o;
    o.experiment = static_cast<int>(flags.u64("experiment", 2, "experiment 1-7 of report 1", 1));
    o.common = common_options(flags, 3, 32, "");
    o.lr = flags.real("lr", 1e-3, "Adam learning rate");
    o.train_limit = flags.u64("train-limit", 0, "use only the first N training images (0: all)");
    o.early_stopping = flags.flag("early-stopping", "stop when val_loss stops improving (on for experiment 7)");
    o.min_delta = flags.real("min-delta", 0.01, "early stopping's min_delta");
    o.patience = flags.u64("patience", 0, "early stopping's patience");
    if (flags.finish()) return 0;
    if (o.experiment > 7) throw Error("--experiment must be 1 to 7, got " + std::to_string(o.experiment));
    if (o.experiment == 7) o.early_stopping = true;
    if (o.common.out.empty()) o.common.out = "runs/cnn-exp" + std::to_string(o.experiment);
    namespace r1 = zoo::report1;
    switch (o.experiment) {
      case 1: return run<r1::Experiment1>(o);
      case 2: return run<r1::Experiment2>(o);
      case 3: return run<r1::Experiment3>(o);
      case 4: return run<r1::Experiment4>(o);
      case 5: return run<r1::Experiment5>(o);
      case 6: return run<r1::Experiment6>(o);
      default: return run<r1::Experiment7>(o);
    }
  });
}
