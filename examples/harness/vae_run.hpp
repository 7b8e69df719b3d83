#pragma once
// Everything a VAE example program does besides choosing its model: the
// flags, the data, the run directory (summaries, metrics.csv, ELBO plot, the
// 2-D manifold, the latent scatter, reconstructions, samples, checkpoints with
// --resume, 10,000 samples as IDX).
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <harness/csv_table.hpp>
#include <harness/flags.hpp>
#include <harness/run.hpp>
#include <ctnet/core/atomic_file.hpp>
#include <ctnet/core/parallel.hpp>
#include <ctnet/data/idx.hpp>
#include <ctnet/data/mnist.hpp>
#include <ctnet/data/samples.hpp>
#include <ctnet/store/checkpoint.hpp>
#include <ctnet/plot/image_grid.hpp>
#include <ctnet/plot/scatter_plot.hpp>
#include <ctnet/model/summary.hpp>
#include <ctnet/model/vae.hpp>
#include <ctnet/train/callbacks/csv_logger.hpp>
#include <ctnet/train/callbacks/lambda_callback.hpp>
#include <ctnet/train/fit.hpp>
#include <ctnet/train/optimizer.hpp>
#include <ctnet/train/vae.hpp>

namespace ctnet {

/// The options of a VAE example: the common flags plus the VAE's own.
struct VaeRunOptions {
  CommonOptions common;
  double lr = 1e-3, beta1 = 0.9;
  std::size_t warmup = 0;     ///< Adam's linear warm-up, in steps
  std::size_t kl_warmup = 0;  ///< the KL term's linear warm-up, in steps
  Init init = Init::glorot_uniform;
  std::size_t samples = 10000;
  std::size_t manifold = 15;  ///< the manifold figure is manifold x manifold digits
  std::string title;
};

/// Reads the VAE flags; defaults are the caller's.
inline VaeRunOptions vae_run_options(Flags& f, const VaeRunOptions& defaults, const std::string& out) {
  VaeRunOptions o = defaults;
  o.common = common_options(f, defaults.common.epochs, defaults.common.batch, out);
  o.lr = f.real("lr", defaults.lr, "Adam's learning rate", learning_rates);
  o.beta1 = f.real("beta1", defaults.beta1, "Adam's beta1 for both networks", {0.0, 1.0, false, true});
  o.warmup = f.u64("warmup", defaults.warmup, "steps over which Adam's rate rises linearly to --lr (0: none)", 0,
                   1'000'000);
  o.kl_warmup = f.u64("kl-warmup", defaults.kl_warmup,
                      "steps over which the KL term's weight in the gradient rises linearly to 1 (0: none)", 0,
                      1'000'000);
  o.init = init_option(f, defaults.init);
  o.samples = f.u64("samples", defaults.samples, "samples written as IDX at the end", 0, max_samples);
  o.manifold = f.u64("manifold", defaults.manifold, "digits per side of the manifold figure", 2, 100);
  return o;
}

/// Class names for the scatter plot's legend.
inline std::vector<std::string> class_names_of(const std::string& dataset) {
  if (dataset == "fashion")
    return {"T-shirt", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal",  "Shirt",   "Sneaker",  "Bag",   "Boot"};
  return {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
}

/// The figures of a trained VAE: the manifold (2-D latent spaces), the test
/// set's encoded means, reconstructions, samples, and samples as IDX.
template <class V>
void write_vae_figures(V& vae, const Dataset& test, const CommonOptions& c,
                       const VaeRunOptions& o, std::size_t h, std::size_t w) {
  constexpr std::size_t latent = V::latent;
  if constexpr (latent == 2) {
    // The decoder over z on a grid through the normal's quantiles 0.05 ... 0.95
    // (Keras's example); z1 grows to the right, z2 upwards.
    const std::size_t k = o.manifold;
    std::vector<float> z(k * k * 2), images(k * k * V::sample);
    for (std::size_t r = 0; r < k; ++r)
      for (std::size_t col = 0; col < k; ++col) {
        const auto q = [&](std::size_t i) {
          return static_cast<float>(
              normal_quantile(0.05 + 0.9 * static_cast<double>(i) / static_cast<double>(k - 1)));
        };
        z[(r * k + col) * 2] = q(col);
        z[(r * k + col) * 2 + 1] = q(k - 1 - r);
      }
    const auto p = vae.decode(z, k * k);
    std::copy(p.begin(), p.end(), images.begin());
    GridLabels labels{o.title + ": the decoder over z", {}, {}, "z[1]", "z[0]"};
    for (std::size_t i = 0; i < k; ++i) {
      labels.columns.push_back(fmt::format("{:.1f}", z[i * 2]));
      labels.rows.push_back(fmt::format("{:.1f}", z[i * k * 2 + 1]));
    }
    write_image_grid(c.out + "/manifold.png", images, k * k, h, w, 1, k, 0.0f, 1.0f, labels);

    ScatterPlot sp;
    sp.title = o.title + ": test set, encoded means";
    sp.xlabel = "z[0]";
    sp.ylabel = "z[1]";
    sp.class_names = class_names_of(c.dataset);
    const std::size_t batch = c.batch;  // the training batch: its buffers exist
    for (std::size_t first = 0; first < test.count; first += batch) {
      const std::size_t n = std::min(batch, test.count - first);
      const auto mean = vae.encode({test.images.data() + first * V::sample, n * V::sample}, n);
      for (std::size_t i = 0; i < n; ++i) {
        sp.x.push_back(mean[i * 2]);
        sp.y.push_back(mean[i * 2 + 1]);
        sp.cls.push_back(test.labels.empty() ? 0 : test.labels[first + i]);
      }
    }
    write_scatter_plot(c.out + "/latent.png", sp);
  }

  // Reconstructions: rows of 10 test images, each above its reconstruction
  // (from the encoded mean).
  {
    const std::size_t cols = std::min<std::size_t>(10, test.count);
    const std::size_t n = std::min<std::size_t>(3, test.count / cols) * cols;
    std::vector<float> grid(2 * n * V::sample);
    const auto mean = vae.encode({test.images.data(), n * V::sample}, n);
    const std::vector<float> z(mean.begin(), mean.end());
    const auto p = vae.decode(z, n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t row = i / cols, col = i % cols;
      std::copy_n(test.images.data() + i * V::sample, V::sample,
                  grid.data() + ((2 * row) * cols + col) * V::sample);
      std::copy_n(p.data() + i * V::sample, V::sample,
                  grid.data() + ((2 * row + 1) * cols + col) * V::sample);
    }
    GridLabels labels{o.title + ": test images and their reconstructions"};
    for (std::size_t r = 0; r < n / cols; ++r) labels.rows.insert(labels.rows.end(), {"original", "reconstruction"});
    write_image_grid(c.out + "/reconstructions.png", grid, 2 * n, h, w, 1, cols, 0.0f, 1.0f, labels);
  }

  // Samples: the decoder's Bernoulli means for z ~ N(0, I), fixed noise.
  auto sample = [&](std::uint64_t s, std::size_t count, std::vector<float>& out) {
    Rng rng(s);
    std::vector<float> z(latent * std::min<std::size_t>(count, c.batch));
    out.resize(count * V::sample);
    for (std::size_t first = 0; first < count; first += c.batch) {
      const std::size_t n = std::min<std::size_t>(c.batch, count - first);
      for (std::size_t i = 0; i < n * latent; ++i) z[i] = rng.normal();
      const auto p = vae.decode({z.data(), n * latent}, n);
      std::copy(p.begin(), p.end(), out.begin() + static_cast<std::ptrdiff_t>(first * V::sample));
    }
  };
  std::vector<float> s;
  sample(c.seed + 12345, 100, s);
  write_image_grid(c.out + "/samples.png", s, 100, h, w, 1, 10, 0.0f, 1.0f, {o.title + ": samples, z ~ N(0, I)"});
  if (o.samples > 0) {
    sample(c.seed + 999, o.samples, s);
    write_samples(c.out + "/samples-images-idx3-ubyte", s, o.samples, h, w, 1, Scale::unit);
  }
}

/// Trains the VAE as the options say and writes the run directory.
template <class V>
int run_vae(const VaeRunOptions& o) {
  using Enc = typename V::encoder_type;
  using Dec = typename V::decoder_type;
  const CommonOptions& c = o.common;
  const std::string dir = find_dataset_dir(c.dataset, c.data);
  const Dataset train = load_mnist(dir, true, Scale::unit);
  const Dataset test = load_mnist(dir, false, Scale::unit);
  if (train.sample_size() != V::sample)
    fail("the {} images hold {} values, the encoder takes {}", c.dataset, train.sample_size(), V::sample);
  constexpr std::size_t h = 28, w = 28;
  prepare_run_dir(c);

  auto vae = V::make(seed{c.seed}, o.init);
  Adam opt_enc, opt_dec;
  opt_enc.lr = opt_dec.lr = static_cast<float>(o.lr);
  opt_enc.beta1 = opt_dec.beta1 = static_cast<float>(o.beta1);
  opt_enc.warmup = opt_dec.warmup = o.warmup;
  VaeStep step(vae, opt_enc, opt_dec, o.kl_warmup);
  FitOptions fit_opts = fit_options(c);
  fit_opts.validation = &test;
  fit_opts.tags["dataset"] = c.dataset;
  // Written once a resume's checks have passed, so that a refused resume changes nothing.
  LambdaCallback summary_file{.on_begin = [&](FitState& s) {
    if (s.writes) write_summary(c, summary<Enc>("encoder") + "\n" + summary<Dec>("decoder"));
  }};
  CsvLogger log{c.out + "/metrics.csv"};
  print_start(c, fmt::format("{}: encoder {} parameters, decoder {} parameters, {} {} images", o.title,
                             param_count<Enc>, param_count<Dec>, train.count, c.dataset));
  const History history = fit(step, train, fit_opts, summary_file, log);
  if (!c.leads()) return 0;

  plot_history(history, c.out + "/elbo.png", o.title + ": negative ELBO", "nats per image",
               {{"loss", "train"}, {"val_loss", "test"}});
  // Collapse shows here first: a latent unit whose KL is near 0 carries nothing, and an
  // encoder feature that never fires passes nothing on.
  const LatentUsage usage = latent_usage(vae, test, c.batch);
  CsvTable units(c.out + "/latent_units.csv", {"unit", "kl"});
  std::string line;
  for (std::size_t u = 0; u < usage.kl.size(); ++u) {
    units.add_row({static_cast<double>(u), usage.kl[u]});
    line += fmt::format(" {:.3f}", usage.kl[u]);
  }
  fmt::print("test KL per latent unit (nats):{}; encoder features that never fire: {} of {}\n", line,
             usage.dead, usage.features);
  write_vae_figures(vae, test, c, o, h, w);
  fmt::print("run directory {}\n", c.out);
  return 0;
}

}  // namespace ctnet
