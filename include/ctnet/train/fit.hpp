#pragma once
// The one training loop. A classifier, a regression, an autoencoder, a GAN and
// a VAE differ only in their *step* (what one batch does); everything around
// it is here, once: shuffled batches and noise that depend only on (seed,
// epoch), dropout masks reseeded per epoch, the progress line, validation, the
// callbacks, the NaN/Inf guard naming epoch and step, and the resume record
// (Keras's BackupAndRestore) from which a killed run continues exactly; with
// a `Collective`, the same run spread over several processes (data
// parallelism, collective.hpp).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include <ctnet/core/error.hpp>
#include <ctnet/core/read_file.hpp>
#include <ctnet/core/rng.hpp>
#include <ctnet/data/batcher.hpp>
#include <ctnet/data/dataset.hpp>
#include <ctnet/store/checkpoint.hpp>
#include <ctnet/model/composite.hpp>
#include <ctnet/train/collective.hpp>
#include <ctnet/train/divergence.hpp>
#include <ctnet/train/history.hpp>
#include <ctnet/train/memory.hpp>
#include <ctnet/train/metrics.hpp>
#include <ctnet/train/progress.hpp>

namespace ctnet {

/// How `fit` runs. Nothing here is required but the data.
struct FitOptions {
  std::size_t epochs = 1;
  std::size_t batch = 32;
  std::uint64_t seed = 42;            ///< shuffling, noise and dropout masks
  const Dataset* validation = nullptr;  ///< scored after every epoch ("val_..." figures)
  double validation_split = 0.0;     ///< else: hold out this last fraction of the training data
  /// Batch of the validation passes; 0: `batch` (Keras's validation_batch_size),
  /// so that validation needs no bigger buffers than training.
  std::size_t validation_batch = 0;
  std::size_t validation_batch_size() const { return validation_batch ? validation_batch : batch; }
  bool progress = true;              ///< the progress line on stderr
  /// The resume record: written atomically after every epoch (networks,
  /// optimizers, callbacks' state, history); with `resume`, a run whose
  /// record exists continues after its last epoch. Empty: none.
  std::string backup{};
  bool resume = false;
  /// Written into the record and checked on resume ("dataset" = "mnist").
  std::map<std::string, std::string> tags{};
  /// Data parallelism: the processes that train together, each on its share
  /// of every batch of `batch` samples (the global batch). Process 0 alone
  /// prints progress and writes the resume record; every process resumes
  /// from its bytes. None: this process trains alone.
  Collective* collective = nullptr;
  /// Under data parallelism: gradients summed in buckets of about this many
  /// bytes, each started as soon as backward has finished it (`overlap`), or
  /// all after the backward pass.
  std::size_t bucket_bytes = std::size_t{256} << 10;
  bool overlap = true;
  /// Under data parallelism: BatchNorm normalises with the statistics of the
  /// global batch (summed over the processes in every training pass) rather
  /// than of this process's share (DistributedDataParallel's default).
  bool sync_batch_norm = false;
};

/// What one step sees besides its batch.
struct StepContext {
  Rng& rng;                ///< noise, drawn in order: reproducible from (seed, epoch)
  std::size_t epoch = 0;   ///< from 0
  std::size_t step = 0;    ///< within the epoch, from 0
  /// Steps since the run began (epoch * batches per epoch + step): what a
  /// schedule counts, the same in a resumed run.
  std::size_t run_step = 0;
  /// This process's share of the global batch (its samples are `idx`); all
  /// of it (total 0 or idx.size()) without data parallelism.
  Share share{};
  Collective* collective = nullptr;  ///< FitOptions::collective
  /// Under data parallelism, each network's gradient sums (by its address).
  std::span<const std::pair<const void*, GradientBuckets*>> sums{};

  /// Whether `loss` is finite in every process, so that all of them skip an
  /// update alike.
  bool all_finite(double loss) const {
    if (!collective) return std::isfinite(loss);
    double bad = std::isfinite(loss) ? 0.0 : 1.0;
    collective->sum(std::span(&bad, 1));
    return bad == 0.0;
  }
  /// One optimizer step of `net`; under data parallelism on the gradient of
  /// the global batch (every process's, weighted by its share). A step calls
  /// this, not opt.step(net), for every update.
  template <class Opt, class Net>
  void update(Opt& opt, Net& net) {
    if (collective) sums_of(&net).finish(weight());
    opt.step(net);
  }
  /// Says that the next backward pass of `net` finishes the gradients its
  /// update takes: under data parallelism they are summed while it goes on.
  template <class Net>
  void sum_during_backward(Net& net) const {
    if (collective) sums_of(&net).arm(weight());
  }
  /// Random draws for this share's samples as one process makes them for
  /// the whole batch: skip() (one sample's draws, discarded) for each sample
  /// before the share, draw() (the share's), skip() for each sample after
  /// it. So a sample's noise does not depend on how many processes train.
  template <class Skip, class Draw>
  void draw_share(Skip&& skip, Draw&& draw) const {
    for (std::size_t i = 0; i < share.first; ++i) skip();
    draw();
    for (std::size_t i = share.first + share.count; i < share.total; ++i) skip();
  }

 private:
  float weight() const { return static_cast<float>(share.count) / static_cast<float>(share.total); }
  GradientBuckets& sums_of(const void* net) const {
    for (const auto& [n, s] : sums)
      if (n == net) return *s;
    fail("StepContext::update: a network the step's visit_networks does not name");
  }
};

/// What callbacks see and may change.
struct FitState {
  const FitOptions& options;
  const History& history;
  std::size_t epoch = 0;        ///< the current epoch, from 0
  std::size_t first_epoch = 0;  ///< 0, or the epoch a resumed run starts at
  std::size_t step = 0;
  bool stop = false;            ///< set by a callback: training ends after this epoch
  bool has_validation = false;  ///< "val_..." figures will be in every epoch's log
  std::size_t train_count = 0, held_count = 0;  ///< samples trained on and held out (split)
  /// Whether this process writes files: false in all but process 0 of a
  /// data-parallel run (callbacks that write check it; all of them run).
  bool writes = true;
  std::vector<float*> learning_rates{};  ///< every optimizer's learning rate
  /// Adds the step's networks to a checkpoint (for ModelCheckpoint).
  std::function<void(CheckpointWriter&)> add_networks{};
};

/// For callbacks that monitor a figure: an error before training when the run
/// will not have it (a "val_" figure without validation data).
inline void require_figure(const FitState& s, const std::string& figure, const char* who) {
  if (figure.starts_with("val_") && !s.has_validation)
    fail("{} monitors {}, but fit has no validation data (.validation or .validation_split)", who, figure);
}

/// A training step: trains on one batch (the sample indices `idx` of `data`)
/// and reports its figures; names its networks and optimizers (checkpoints,
/// dropout seeds, learning-rate schedules). May also have `check(data, role)`,
/// `reserve(batch)`, `validate(data, options) -> Metrics` and, for state beyond
/// networks and optimizers, `save(CheckpointWriter&)` / `load(const CheckpointReader&)`.
template <class S>
concept TrainingStep = requires(S& s, const Dataset& d, std::span<const std::size_t> idx,
                                StepContext& c) {
  { s.train_batch(d, idx, c) } -> std::same_as<Metrics>;
  s.visit_networks([](const char*, auto&) {});
  s.visit_optimizers([](const char*, auto&, auto&) {});
};

namespace detail {

/// "loss 0.1234  accuracy 0.9876", each name after `prefix`.
inline std::string format_metrics(const Metrics& m, std::string_view prefix = {}) {
  std::string out;
  for (const auto& x : m) out += fmt::format("{}{}{} {:.4f}", out.empty() ? "" : "  ", prefix, x.name, x.value);
  return out;
}

inline void warn_if_unoptimised() {
#ifndef __OPTIMIZE__
  static bool warned = false;
  if (!warned)
    std::fputs("ctnet: this program was built without optimisation (no -O2, e.g. no "
               "CMAKE_BUILD_TYPE=Release): training runs about 9x slower\n",
               stderr);
  warned = true;
#endif
}

/// What a resumed run must share with the run that wrote the record: the
/// seed, the batch size, the data's split, and the caller's tags.
inline std::map<std::string, std::string> run_tags(const FitState& st) {
  std::map<std::string, std::string> t = st.options.tags;
  t["seed"] = fmt::format("{}", st.options.seed);
  t["batch"] = fmt::format("{}", st.options.batch);
  t["training_samples"] = fmt::format("{}", st.train_count);
  t["held_out_samples"] = fmt::format("{}", st.held_count);
  return t;
}

/// Restores the step, the callbacks and the history from the resume record
/// `r` (of `st.options.backup`), after checking its seed and tags.
template <class Step, class... Callbacks>
void restore(const CheckpointReader& r, Step& step, FitState& st, History& history, Callbacks&... callbacks) {
  const FitOptions& o = st.options;
  const auto check_tag = [&](const std::string& key, const std::string& want) {
    const std::string have = r.get(key);
    if (have != want)
      fail("{}: written with {} {}, resumed with {} {}", o.backup, key, have.empty() ? "(none)" : have, key,
           want);
  };
  for (const auto& [k, v] : run_tags(st)) check_tag(k, v);
  step.visit_networks([&](const char* name, auto& net) { r.load_model(name, net); });
  step.visit_optimizers([&](const char* name, auto& opt, auto& net) { r.load_optimizer(name, opt, net); });
  if constexpr (requires { step.load(r); }) step.load(r);
  ([&] { if constexpr (requires { callbacks.load(r); }) callbacks.load(r); }(), ...);
  for (std::size_t i = 0; i < st.learning_rates.size(); ++i) {  // a callback may have changed them
    const std::string lr = r.get(fmt::format("learning_rate.{}", i));
    if (!lr.empty()) *st.learning_rates[i] = static_cast<float>(r.number(fmt::format("learning_rate.{}", i)));
  }
  st.first_epoch = r.count("epoch");
  if (!r.get("history").empty()) history = History::from_json(r.get("history"), o.backup);
  if (o.progress && st.writes) fmt::print(stderr, "resuming {} after epoch {}\n", o.backup, st.first_epoch);
  if (r.get("stopped") == "1") {
    if (o.progress && st.writes) fmt::print(stderr, "the run had stopped early after epoch {}; nothing to resume\n", st.first_epoch);
    st.stop = true;
  }
}

/// Writes the resume record after `epochs_done` epochs: networks, optimizers,
/// the step's and callbacks' state, epoch, seed, tags, whether a callback
/// stopped the run, and the history.
template <class Step, class... Callbacks>
void write_record(Step& step, const FitState& st, std::size_t epochs_done, Callbacks&... callbacks) {
  CheckpointWriter w;
  st.add_networks(w);
  step.visit_optimizers([&](const char* name, auto& opt, auto& net) { w.add_optimizer(name, opt, net); });
  if constexpr (requires { step.save(w); }) step.save(w);
  ([&] { if constexpr (requires { callbacks.save(w); }) callbacks.save(w); }(), ...);
  w.set("epoch", fmt::format("{}", epochs_done));
  for (const auto& [k, v] : run_tags(st)) w.set(k, v);
  for (std::size_t i = 0; i < st.learning_rates.size(); ++i)
    w.set(fmt::format("learning_rate.{}", i), fmt::format("{}", *st.learning_rates[i]));
  w.set("stopped", st.stop ? "1" : "0");
  w.set("history", st.history.to_json());
  w.write(st.options.backup);
}

/// The resume record's bytes if it exists (process 0's, under data
/// parallelism: every process resumes from them), else none.
inline std::optional<CheckpointReader> read_record(const FitOptions& o) {
  std::vector<std::uint8_t> bytes;
  const bool reads = !o.collective || o.collective->leads();
  if (reads && std::filesystem::exists(o.backup)) {
    bytes = read_file_bytes(o.backup);
    if (bytes.empty()) parse_safetensors(bytes, o.backup);  // its error: the file is empty
  }
  if (o.collective) o.collective->broadcast(bytes);
  if (bytes.empty()) return std::nullopt;
  return CheckpointReader(o.backup, parse_safetensors(bytes, o.backup));
}

}  // namespace detail

/// Trains with `step` on `train` for epochs [first, options.epochs), where
/// first is 0 or, resuming, the epoch after the record's last. Calls each
/// callback's hooks that it has: on_train_begin(state), on_epoch_begin(state),
/// on_batch_end(state, metrics), on_epoch_end(state, log), on_train_end(state),
/// and save(writer) / load(reader) for its state in the resume record.
/// Returns the history of every epoch since the run began.
template <TrainingStep Step, class... Callbacks>
History fit(Step& step, const Dataset& train, const FitOptions& o, Callbacks&&... callbacks) {
  if (o.batch == 0) fail("fit: the batch size must be positive");
  if (!(o.validation_split >= 0.0 && o.validation_split < 1.0))
    fail("fit: validation_split must be in [0, 1), got {}", o.validation_split);
  if (o.resume && o.backup.empty()) fail("fit: resume needs a backup path");
  detail::warn_if_unoptimised();
  Collective* const group = o.collective;
  const std::size_t ranks = group ? group->size() : 1, rank = group ? group->rank() : 0;
  if (o.batch < ranks) fail("fit: a batch of {} cannot be shared by {} processes", o.batch, ranks);

  // Keras's validation_split: the last fraction of the data, before shuffling.
  const std::size_t count =
      o.validation ? train.count
                   : static_cast<std::size_t>(static_cast<double>(train.count) * (1.0 - o.validation_split));
  const std::size_t held = train.count - count;
  if (count == 0) fail("fit: no training data");
  if (o.validation_split > 0.0 && !o.validation && held == 0)
    fail("fit: validation_split {} of {} samples holds out none", o.validation_split, train.count);
  if (o.validation && o.validation->count == 0) fail("fit: the validation data is empty");
  std::optional<Dataset> split;
  if (held > 0) split = subset(train, count, held);
  const Dataset* val = o.validation ? o.validation : (split ? &*split : nullptr);
  // Under data parallelism each process validates its share of the data.
  std::optional<Dataset> val_part;
  Share val_share;
  if (group && val) {
    if (val->count < ranks) fail("fit: {} validation samples cannot be shared by {} processes", val->count, ranks);
    val_share = share_of(val->count, rank, ranks);
    val_part = subset(*val, val_share.first, val_share.count);
  }

  check_finite(train, "the training data");
  if (val) check_finite(*val, "the validation data");
  if constexpr (requires { step.check(train, "the training data"); }) {
    step.check(train, "the training data");
    if (val) step.check(*val, "the validation data");
  }
  constexpr bool validates = requires { step.validate(train, o); };
  if (val && !validates) fail("fit: validation data given, but this step does not validate");
  // The buffers of the largest batch the run passes, estimated before they exist.
  const std::size_t batch_share = (std::min(o.batch, count) + ranks - 1) / ranks;
  const std::size_t widest = std::max(batch_share, val ? std::min(o.validation_batch_size(), val->count) : 0);
  std::size_t need = 0;
  step.visit_networks([&](const char*, auto& net) {
    if (__builtin_add_overflow(need, training_bytes(net, widest), &need)) need = std::numeric_limits<std::size_t>::max();
  });
  check_fits(need, widest);
  if constexpr (requires { step.reserve(o.batch); }) step.reserve(batch_share);

  History history;
  FitState st{o, history};
  st.has_validation = val != nullptr;
  st.train_count = count;
  st.held_count = held;
  st.writes = rank == 0;
  step.visit_optimizers([&](const char*, auto& opt, auto&) { st.learning_rates.push_back(&opt.lr); });
  st.add_networks = [&](CheckpointWriter& w) {
    step.visit_networks([&](const char* name, auto& net) { w.add_model(name, net); });
  };

  // Under data parallelism: process 0's weights to all, and every network's
  // gradient sums, told by its backward pass what is finished (`overlap`).
  std::vector<std::unique_ptr<GradientBuckets>> buckets;
  CollectiveBatch batch_group;
  batch_group.c = group;
  std::vector<std::pair<const void*, GradientBuckets*>> sums;
  const auto unhook = [&] {
    step.visit_networks([&](const char*, auto& net) {
      for_each_sequential(net, [](auto& s) {
        s.set_gradient_ready(nullptr);
        s.set_batch_group(nullptr);
        s.set_first_sample(0);
      });
    });
  };
  struct AtExit {
    std::function<void()> f;
    ~AtExit() { f(); }
  } unhook_at_exit{unhook};
  if (group)
    step.visit_networks([&](const char*, auto& net) {
      broadcast_params(*group, net);
      buckets.push_back(std::make_unique<GradientBuckets>(*group, net, std::max<std::size_t>(o.bucket_bytes / 4, 1)));
      sums.emplace_back(&net, buckets.back().get());
      for_each_sequential(net, [&](auto& s) {
        if (o.overlap) s.set_gradient_ready(buckets.back().get());
        if (o.sync_batch_norm) s.set_batch_group(&batch_group);
      });
    });
  std::vector<float> buffer;  // BatchNorm's moving statistics, averaged
  if (o.resume)
    if (const auto record = detail::read_record(o)) detail::restore(*record, step, st, history, callbacks...);
  ([&] { if constexpr (requires { callbacks.on_train_begin(st); }) callbacks.on_train_begin(st); }(), ...);
  Batcher batcher(count, o.batch, o.seed);
  RunningMeans running;
  LossWatch watch;
  for (std::size_t epoch = st.first_epoch; epoch < o.epochs && !st.stop; ++epoch) {
    st.epoch = epoch;
    batcher.start_epoch(epoch);
    Rng rng(o.seed * 0x9E3779B97F4A7C15ull + epoch + 1);
    std::uint64_t k = 0;  // network k's dropout stream: (seed, k, epoch) hashed
    step.visit_networks([&](const char*, auto& net) { reseed_dropout(net, mix_seed(mix_seed(o.seed, k++), epoch)); });
    ([&] { if constexpr (requires { callbacks.on_epoch_begin(st); }) callbacks.on_epoch_begin(st); }(), ...);

    Progress progress(fmt::format("epoch {}/{}", epoch + 1, o.epochs), count, o.progress && st.writes);
    running.reset();
    std::size_t seen = 0, s = 0;
    for (auto idx = batcher.next(); !idx.empty(); idx = batcher.next(), ++s) {
      if (idx.size() < ranks) continue;  // a last batch too small to share: every process skips it
      st.step = s;
      const Share share = share_of(idx.size(), rank, ranks);
      StepContext ctx{rng, epoch, s, epoch * batcher.batches_per_epoch() + s, share, group, sums};
      if (group) {
        step.visit_networks([&](const char*, auto& net) {
          for_each_sequential(net, [&](auto& part) { part.set_first_sample(share.first); });
        });
        batch_group.share = static_cast<double>(share.count) / static_cast<double>(share.total);
      }
      Metrics m = step.train_batch(train, idx.subspan(share.first, share.count), ctx);
      for (auto& b : buckets)  // sums started for an update the step then skipped
        if (b->armed()) b->finish(1.0f);
      if (group) reduce_metrics(*group, m);
      const auto diverged = [&](const std::string& what) {
        std::string where;
        step.visit_networks([&](const char* name, auto& net) {
          if (where.empty()) where = first_non_finite(net, name);
        });
        fail("training diverged at epoch {}, step {}: {}{}{}", epoch + 1, s + 1, what,
             where.empty() ? std::string() : "; first non-finite: " + where,
             o.backup.empty() || epoch == 0 || !std::filesystem::exists(o.backup)
                 ? std::string()
                 : fmt::format("; {} holds the state after epoch {}", o.backup, epoch));
      };
      for (const auto& x : m)
        if (x.weight > 0.0 && !std::isfinite(x.value)) diverged(fmt::format("{} is {}", x.name, x.value));
      if (const std::string why = watch.add(m); !why.empty()) diverged(why);
      running.add(m);
      seen += idx.size();
      progress.update(seen, [&] { return detail::format_metrics(running.means()); });
      ([&] { if constexpr (requires { callbacks.on_batch_end(st, m); }) callbacks.on_batch_end(st, m); }(), ...);
    }

    if (group) step.visit_networks([&](const char*, auto& net) { average_state(*group, net, buffer); });
    EpochLog log;
    log.epoch = epoch + 1;
    log.seconds = progress.seconds();  // training time only, as Keras reports per epoch
    const Metrics means = running.means();
    for (const auto& x : means) log.values.emplace_back(std::string(x.name), x.value);
    std::string status = detail::format_metrics(means);
    if constexpr (requires { step.validate(*val, o); }) {
      if (val) {
        Metrics v = step.validate(val_part ? *val_part : *val, o);
        if (group) reduce_metrics(*group, v, static_cast<double>(val_share.count));
        for (const auto& x : v) log.values.emplace_back(fmt::format("val_{}", x.name), x.value);
        status += "  " + detail::format_metrics(v, "val_");
      }
    }
    progress.finish(status);
    history.epochs.push_back(log);
    ([&] { if constexpr (requires { callbacks.on_epoch_end(st, log); }) callbacks.on_epoch_end(st, log); }(), ...);
    if (!o.backup.empty() && st.writes) detail::write_record(step, st, epoch + 1, callbacks...);
  }
  ([&] { if constexpr (requires { callbacks.on_train_end(st); }) callbacks.on_train_end(st); }(), ...);
  return history;
}

}  // namespace ctnet
