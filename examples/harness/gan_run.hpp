#pragma once
// Everything a GAN example program does besides choosing its models: the
// flags, the data, the run directory (summaries, metrics.csv, loss plot,
// sample grids from fixed noise, a latent walk, checkpoints with --resume,
// 10,000 samples as IDX).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <harness/flags.hpp>
#include <harness/run.hpp>
#include <ctnet/core/atomic_file.hpp>
#include <ctnet/core/layer.hpp>
#include <ctnet/core/parallel.hpp>
#include <ctnet/data/cifar10.hpp>
#include <ctnet/data/idx.hpp>
#include <ctnet/data/mnist.hpp>
#include <ctnet/data/samples.hpp>
#include <ctnet/store/checkpoint.hpp>
#include <ctnet/plot/image_grid.hpp>
#include <ctnet/model/sequential.hpp>
#include <ctnet/model/summary.hpp>
#include <ctnet/train/callbacks/csv_logger.hpp>
#include <ctnet/train/callbacks/lambda_callback.hpp>
#include <ctnet/train/fit.hpp>
#include <ctnet/train/gan.hpp>
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
inline GanRunOptions gan_run_options(Flags& f, const GanRunOptions& defaults, const std::string& out,
                                     const std::vector<std::string>& datasets = grey_datasets) {
  GanRunOptions o = defaults;
  o.common = common_options(f, defaults.common.epochs, defaults.common.batch, out, "mnist", datasets);
  o.lr_g = f.real("lr-g", defaults.lr_g, "generator's Adam learning rate", learning_rates);
  o.lr_d = f.real("lr-d", defaults.lr_d, "discriminator's Adam learning rate", learning_rates);
  o.beta1 = f.real("beta1", defaults.beta1, "Adam's beta1 for both networks", {0.0, 1.0, false, true});
  o.gan.real_label = static_cast<float>(f.real("real-label", defaults.gan.real_label,
                                               "target for real images (0.9: one-sided label smoothing)",
                                               {0.0, 1.0, true, false}));
  o.gan.flip_probability = static_cast<float>(
      f.real("flip", defaults.gan.flip_probability, "probability of flipping each discriminator label",
             {0.0, 0.5, false, true}));
  o.gan.d_steps = f.u64("d-steps", defaults.gan.d_steps, "discriminator steps per generator step", 1, 100);
  const std::string scale = f.choice("scale", {"symmetric", "unit"},
                                     defaults.scale == Scale::symmetric ? "symmetric" : "unit",
                                     "pixel scaling: [-1, 1] or [0, 1]");
  o.scale = scale == "unit" ? Scale::unit : Scale::symmetric;
  o.init = init_option(f, defaults.init);
  o.grid_every = f.u64("grid-every", defaults.grid_every, "sample grid every N epochs", 1, 1'000'000);
  o.samples = f.u64("samples", defaults.samples, "samples written as IDX at the end", 0, max_samples);
  o.train_limit = f.u64("train-limit", 0, "use only the first N training images (0: all)");
  o.ema = f.real("ema", defaults.ema,
                 "sample from a moving average of G's weights with this decay per step "
                 "(e.g. 0.999; 0: from G's last weights)",
                 {0.0, 1.0, false, true});
  return o;
}

/// The generator's weight average in the resume record: loaded when the
/// record has one, else started from G's weights as they are then.
template <class G>
struct AverageInRecord {
  G& gen;
  WeightAverage<G>& averager;
  G& average;
  bool loaded = false;

  void save(CheckpointWriter& w) const { w.add_model("generator_average", average); }
  void load(const CheckpointReader& r) {
    if (!r.has_model("generator_average")) {
      fmt::print(stderr, "no weight average in the checkpoint: averaging from the next epoch\n");
      return;
    }
    r.load_model("generator_average", average);
    loaded = true;
  }
  void on_train_begin(FitState&) {
    if (!loaded) averager.reset(gen);  // the average starts from G's current weights
  }
};

/// Trains G against D as the options say and writes the run directory;
/// returns the training history.
template <class G, class D>
History train_gan(const GanRunOptions& o) {
  using Pair = GanPair<G, D>;
  using Sample = typename Pair::sample_shape;
  static_assert(Sample::rank == 3, "GAN examples generate images (H x W x C)");
  constexpr std::size_t h = Sample::dims[0], w = Sample::dims[1], ch = Sample::dims[2];
  const CommonOptions& c = o.common;
  const Dataset real = load_images(c, true, o.scale, o.train_limit);
  if (real.sample_size() != Sample::size)
    fail("the {} images are {}x{}x{}, the generator makes {}x{}x{}", c.dataset, real.height, real.width,
         real.channels, h, w, ch);
  prepare_run_dir(c);

  auto gen = G::make(seed{c.seed}, o.init);
  auto disc = D::make(seed{c.seed + 1}, o.init);
  Adam opt_g, opt_d;
  opt_g.lr = static_cast<float>(o.lr_g);
  opt_d.lr = static_cast<float>(o.lr_d);
  opt_g.beta1 = opt_d.beta1 = static_cast<float>(o.beta1);
  GanStep step(gen, disc, opt_g, opt_d, o.gan);
  // With --ema, grids and samples come from `average`, a moving average of
  // G's weights updated after every generator step.
  const bool averaging = o.ema > 0.0;
  auto average = G::make(seed{c.seed}, o.init);
  WeightAverage<G> averager(average, static_cast<float>(o.ema));
  if (averaging) step.after_g_step = [&] { averager.update(gen); };
  G& sampler = averaging ? average : gen;

  const float lo = o.scale == Scale::symmetric ? -1.0f : 0.0f;
  std::vector<float> grid(100 * Sample::size);
  // A conditional generator's grid has one class per row.
  std::vector<std::uint8_t> grid_labels(100);
  for (std::size_t i = 0; i < 100; ++i) grid_labels[i] = static_cast<std::uint8_t>(i / 10);
  auto write_grid = [&](const std::string& name, std::size_t epoch) {
    generate(sampler, c.seed + 12345, 100, grid, grid_labels, c.batch);  // the same fixed noise every time
    GridLabels labels{fmt::format("{}: samples after epoch {}", o.title, epoch)};
    if constexpr (Conditional<G>)
      for (std::size_t k = 0; k < 10; ++k) labels.rows.push_back(fmt::format("class {}", k));
    write_image_grid(c.out + "/" + name, grid, 100, h, w, ch, 10, lo, 1.0f, labels);
  };
  LambdaCallback files{
      .on_epoch = [&](FitState& s, const EpochLog& log) {
        if (s.writes && (log.epoch % o.grid_every == 0 || log.epoch == 1))
          write_grid(fmt::format("samples-epoch-{:04}.png", log.epoch), log.epoch);
      },
      // Written once a resume's checks have passed, so that a refused resume changes nothing.
      .on_begin = [&](FitState& s) {
        if (s.writes)
          write_summary(c, summary<G>("generator") + "\n" + summary<D>("discriminator"));
      }};
  CsvLogger log{c.out + "/metrics.csv"};
  print_start(c, fmt::format("{}: G {} parameters, D {} parameters, {} {} images", o.title, param_count<G>,
                             param_count<D>, real.count, c.dataset));
  const FitOptions fit_opts = fit_options(c);
  History history;
  if (averaging) {
    AverageInRecord<G> in_record{gen, averager, average};
    history = fit(step, real, fit_opts, files, log, in_record);
  } else {
    history = fit(step, real, fit_opts, files, log);
  }
  if (!c.leads()) return history;

  plot_history(history, c.out + "/loss.png", o.title + ": losses", "binary cross-entropy",
               {{"d_loss", "discriminator"}, {"g_loss", "generator"}});
  plot_history(history, c.out + "/d_accuracy.png", o.title + ": discriminator accuracy", "accuracy",
               {{"d_acc_real", "on real"}, {"d_acc_fake", "on generated"}});
  write_grid("samples-final.png", history.epochs.empty() ? 0 : history.epochs.back().epoch);
  if constexpr (!Conditional<G>) {
    if (o.walk) {
      const auto walk = latent_walk(sampler, c.seed + 777, 10, 10);
      write_image_grid(c.out + "/latent-walk.png", walk, 100, h, w, ch, 10, lo, 1.0f,
                       {o.title + ": latent walks, each row from one random z to another"});
    }
  }
  if (o.samples > 0) {
    // A conditional generator makes as many samples of each class (0, 1, ...,
    // 9, 0, 1, ...), their labels written beside them.
    std::vector<std::uint8_t> labels(o.samples);
    for (std::size_t i = 0; i < o.samples; ++i) labels[i] = static_cast<std::uint8_t>(i % 10);
    std::vector<float> s(o.samples * Sample::size);
    generate(sampler, c.seed + 999, o.samples, s, labels, c.batch);
    const std::string images = c.out + "/samples-images-idx3-ubyte";
    if constexpr (Conditional<G>)
      write_samples(images, s, o.samples, h, w, ch, o.scale, c.out + "/samples-labels-idx1-ubyte",
                    labels);
    else
      write_samples(images, s, o.samples, h, w, ch, o.scale);
  }
  fmt::print("run directory {}\n", c.out);
  return history;
}

/// A GAN example's main: train_gan, exit status 0.
template <class G, class D>
int run_gan(const GanRunOptions& o) {
  train_gan<G, D>(o);
  return 0;
}

}  // namespace ctnet
