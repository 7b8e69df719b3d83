#pragma once
// Everything a GAN example program does besides choosing its models: the
// flags, the data, the run directory (summaries, metrics.csv, loss plot,
// sample grids from fixed noise, a latent walk, checkpoints with --resume,
// 10,000 samples as IDX).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <ctnet/app/flags.hpp>
#include <ctnet/app/run.hpp>
#include <ctnet/core/layer.hpp>
#include <ctnet/core/parallel.hpp>
#include <ctnet/data/cifar10.hpp>
#include <ctnet/data/idx.hpp>
#include <ctnet/data/mnist.hpp>
#include <ctnet/data/samples.hpp>
#include <ctnet/io/checkpoint.hpp>
#include <ctnet/io/image_grid.hpp>
#include <ctnet/model/sequential.hpp>
#include <ctnet/model/summary.hpp>
#include <ctnet/train/gan.hpp>
#include <ctnet/train/metrics_log.hpp>
#include <ctnet/train/optimizer.hpp>
#include <ctnet/train/weight_average.hpp>

namespace ctnet {

/// The options of a GAN example: the common flags plus the GAN's own.
struct GanRunOptions {
  CommonOptions common;
  GanOptions gan;
  double lr_g = 2e-4, lr_d = 2e-4, beta1 = 0.5;
  Scale scale = Scale::symmetric;
  Init init = Init::glorot_uniform;
  std::size_t grid_every = 10;  ///< sample grid every N epochs (and at the end)
  std::size_t samples = 10000;
  std::size_t train_limit = 0;  ///< train on the first N images only (0: all)
  double ema = 0.0;             ///< decay of the generator's weight average (0: none)
  bool walk = false;            ///< write a latent-space walk grid
  std::string title;
};

/// Reads the GAN flags. Defaults are the caller's (each report has its own).
inline GanRunOptions gan_run_options(Flags& f, const GanRunOptions& defaults, const std::string& out) {
  GanRunOptions o = defaults;
  o.common = common_options(f, defaults.gan.epochs, defaults.gan.batch, out);
  if (o.common.dataset.empty()) o.common.dataset = "mnist";
  o.lr_g = f.real("lr-g", defaults.lr_g, "generator's Adam learning rate");
  o.lr_d = f.real("lr-d", defaults.lr_d, "discriminator's Adam learning rate");
  o.beta1 = f.real("beta1", defaults.beta1, "Adam's beta1 for both networks");
  o.gan.real_label = static_cast<float>(f.real("real-label", defaults.gan.real_label,
                                               "target for real images (0.9: one-sided label smoothing)"));
  o.gan.flip_probability = static_cast<float>(
      f.real("flip", defaults.gan.flip_probability, "probability of flipping each discriminator label"));
  o.gan.d_steps = f.u64("d-steps", defaults.gan.d_steps, "discriminator steps per generator step", 1);
  const std::string scale = f.choice("scale", {"symmetric", "unit"},
                                     defaults.scale == Scale::symmetric ? "symmetric" : "unit",
                                     "pixel scaling: [-1, 1] or [0, 1]");
  o.scale = scale == "unit" ? Scale::unit : Scale::symmetric;
  const std::string init = f.choice("init", {"glorot", "normal"},
                                    defaults.init == Init::normal_002 ? "normal" : "glorot",
                                    "weights: glorot-uniform or N(0, 0.02)");
  o.init = init == "normal" ? Init::normal_002 : Init::glorot_uniform;
  o.grid_every = f.u64("grid-every", defaults.grid_every, "sample grid every N epochs", 1);
  o.samples = f.u64("samples", defaults.samples, "samples written as IDX at the end");
  o.train_limit = f.u64("train-limit", 0, "use only the first N training images (0: all)");
  o.ema = f.real("ema", defaults.ema,
                 "sample from a moving average of G's weights with this decay per step "
                 "(e.g. 0.999; 0: from G's last weights)");
  o.gan.epochs = o.common.epochs;
  o.gan.batch = o.common.batch;
  o.gan.seed = o.common.seed;
  o.gan.progress = o.common.progress;
  if (o.gan.real_label <= 0.0f || o.gan.real_label > 1.0f)
    throw Error("--real-label must be in (0, 1]");
  if (o.gan.flip_probability < 0.0f || o.gan.flip_probability >= 0.5f)
    throw Error("--flip must be in [0, 0.5)");
  if (!(o.ema >= 0.0 && o.ema < 1.0)) throw Error("--ema must be in [0, 1)");
  return o;
}

/// Loads the training images the example asked for (`--dataset`).
inline Dataset load_training_images(const CommonOptions& c, Scale scale) {
  if (c.dataset == "cifar10") {
    if (c.data.empty())
      throw Error("--dataset cifar10 needs --data DIR, a directory holding CIFAR-10's binary "
                  "batches (data_batch_1.bin ... data_batch_5.bin)");
    return load_cifar10(c.data, true, scale);
  }
  return load_mnist(find_dataset_dir(c.dataset, c.data), true, scale);
}

/// Trains G against D as the options say and writes the run directory.
template <class G, class D>
int run_gan(const GanRunOptions& o) {
  using Pair = GanPair<G, D>;
  using Sample = typename Pair::sample_shape;
  static_assert(Sample::rank == 3, "GAN examples generate images (H x W x C)");
  constexpr std::size_t h = Sample::dims[0], w = Sample::dims[1], ch = Sample::dims[2];
  const CommonOptions& c = o.common;
  const Dataset real = [&] {
    Dataset all = load_training_images(c, o.scale);
    if (o.train_limit == 0 || o.train_limit >= all.count) return all;
    return subset(all, 0, o.train_limit);
  }();
  if (real.sample_size() != Sample::size)
    throw Error("the " + c.dataset + " images are " + std::to_string(real.height) + "x" +
                std::to_string(real.width) + "x" + std::to_string(real.channels) +
                ", the generator makes " + std::to_string(h) + "x" + std::to_string(w) + "x" +
                std::to_string(ch));
  prepare_run_dir(c.out);
  const std::string ckpt = c.out + "/checkpoint.safetensors", csv = c.out + "/metrics.csv";

  auto gen = G::make(seed{c.seed}, o.init);
  auto disc = D::make(seed{c.seed + 1}, o.init);
  Adam opt_g, opt_d;
  opt_g.lr = static_cast<float>(o.lr_g);
  opt_d.lr = static_cast<float>(o.lr_d);
  opt_g.beta1 = opt_d.beta1 = static_cast<float>(o.beta1);
  // With --ema, grids and samples come from `average`, a moving average of
  // G's weights updated after every generator step.
  const bool averaging = o.ema > 0.0;
  auto average = G::make(seed{c.seed}, o.init);
  WeightAverage<G> averager(average, static_cast<float>(o.ema));
  bool average_loaded = false;
  G& sampler = averaging ? average : gen;
  std::size_t first_epoch = 0;
  if (c.resume && std::filesystem::exists(ckpt)) {
    CheckpointReader r(ckpt);
    r.load_model("generator", gen);
    r.load_model("discriminator", disc);
    r.load_optimizer("generator_optimizer", opt_g, gen);
    r.load_optimizer("discriminator_optimizer", opt_d, disc);
    if (r.get("seed") != std::to_string(c.seed))
      throw Error(ckpt + ": written with --seed " + r.get("seed") + ", resumed with --seed " +
                  std::to_string(c.seed));
    first_epoch = std::stoull(r.get("epoch"));
    std::fprintf(stderr, "resuming %s after epoch %zu\n", ckpt.c_str(), first_epoch);
    if (averaging && r.has_model("generator_average")) {
      r.load_model("generator_average", average);
      average_loaded = true;
    } else if (averaging) {
      std::fprintf(stderr, "no weight average in the checkpoint: averaging from epoch %zu\n",
                   first_epoch + 1);
    }
  }
  if (!average_loaded) averager.reset(gen);  // the average starts from G's current weights
  write_text_file(c.out + "/summary.txt",
                  summary<G>("generator") + "\n" + summary<D>("discriminator"));
  MetricsLog log(csv, {"epoch", "d_loss", "g_loss", "d_acc_real", "d_acc_fake", "seconds"},
                 first_epoch);
  std::printf("%s: G %zu parameters, D %zu parameters, %zu %s images, %zu threads\n",
              o.title.c_str(), param_count<G>, param_count<D>, real.count, c.dataset.c_str(),
              ThreadPool::instance().size());

  const float lo = o.scale == Scale::symmetric ? -1.0f : 0.0f;
  std::vector<float> grid(100 * Sample::size);
  // A conditional generator's grid has one class per row.
  std::vector<std::uint8_t> grid_labels(100);
  for (std::size_t i = 0; i < 100; ++i) grid_labels[i] = static_cast<std::uint8_t>(i / 10);
  auto write_grid = [&](const std::string& name) {
    generate(sampler, c.seed + 12345, 100, grid, grid_labels);  // the same fixed noise every time
    write_image_grid(c.out + "/" + name, grid, 100, h, w, ch, 10, lo, 1.0f);
  };
  auto save = [&](std::size_t epoch) {
    CheckpointWriter wr;
    wr.add_model("generator", gen);
    wr.add_model("discriminator", disc);
    if (averaging) wr.add_model("generator_average", average);
    wr.add_optimizer("generator_optimizer", opt_g);
    wr.add_optimizer("discriminator_optimizer", opt_d);
    wr.set("epoch", std::to_string(epoch));
    wr.set("seed", std::to_string(c.seed));
    wr.write(ckpt);
  };
  std::size_t done = first_epoch;
  fit_gan(gen, disc, opt_g, opt_d, real, o.gan,
          [&](const GanEpochMetrics& m) {
            log.write_row({static_cast<double>(m.epoch), m.d_loss, m.g_loss, m.d_acc_real,
                           m.d_acc_fake, m.seconds});
            save(m.epoch);
            done = m.epoch;
            if (m.epoch % o.grid_every == 0 || m.epoch == 1) {
              char name[48];
              std::snprintf(name, sizeof name, "samples-epoch-%04zu.png", m.epoch);
              write_grid(name);
            }
            std::printf("epoch %zu: d_loss %.4f g_loss %.4f D right on real %.3f, on fake %.3f (%.1f s)\n",
                        m.epoch, m.d_loss, m.g_loss, m.d_acc_real, m.d_acc_fake, m.seconds);
            std::fflush(stdout);
            return true;
          },
          [&] { std::fprintf(stderr, "training diverged; last good state: %s (epoch %zu)\n", ckpt.c_str(), done); },
          first_epoch, [&] {
            if (averaging) averager.update(gen);
          });

  plot_columns(csv, c.out + "/loss.png", o.title + ": losses", "binary cross-entropy",
               {{"d_loss", "discriminator"}, {"g_loss", "generator"}});
  plot_columns(csv, c.out + "/d_accuracy.png", o.title + ": discriminator accuracy", "accuracy",
               {{"d_acc_real", "on real"}, {"d_acc_fake", "on generated"}});
  write_grid("samples-final.png");
  if constexpr (!Conditional<G>) {
    if (o.walk) {
      const auto walk = latent_walk(sampler, c.seed + 777, 10, 10);
      write_image_grid(c.out + "/latent-walk.png", walk, 100, h, w, ch, 10, lo, 1.0f);
    }
  }
  if (o.samples > 0) {
    // A conditional generator makes as many samples of each class (0, 1, ...,
    // 9, 0, 1, ...), their labels written beside them.
    std::vector<std::uint8_t> labels(o.samples);
    for (std::size_t i = 0; i < o.samples; ++i) labels[i] = static_cast<std::uint8_t>(i % 10);
    std::vector<float> s(o.samples * Sample::size);
    generate(sampler, c.seed + 999, o.samples, s, labels);
    const std::string images = c.out + "/samples-images-idx3-ubyte";
    if constexpr (Conditional<G>)
      write_samples(images, s, o.samples, h, w, ch, o.scale, c.out + "/samples-labels-idx1-ubyte",
                    labels);
    else
      write_samples(images, s, o.samples, h, w, ch, o.scale);
  }
  std::printf("run directory %s\n", c.out.c_str());
  return 0;
}

}  // namespace ctnet
