// Report 3, section 2: the DCGAN swept over capacity F, discriminator depth D
// and batch size B (the report: F, D in {1, 2, 3}, B in {32, 64, 128}, Adam
// 0.002, 20-25 epochs). Each configuration trains as `dcgan` would (its own
// run directory under --out: metrics, grids, checkpoint, samples), then its
// samples are scored by the LeNet judge (Inception Score, Frechet distance to
// the MNIST test set). The table goes to sweep.csv and stdout.
//
//   lenet --epochs 5 --out runs/lenet
//   dcgan_sweep --epochs 20 --out runs/dcgan-sweep
//   dcgan_sweep --capacities 1 --depths 1,2 --batches 64 --epochs 2 --train-limit 6000
//   dcgan_sweep --capacities 1 --depths 1 --batches 32 --vbn   (the report's VBN run)
//   mpirun -np 4 dcgan_sweep ...   (configuration i trains in process i mod 4,
//                                   process 0 writes sweep.csv)
#include <algorithm>
#include <cstdio>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <dcgan_sweep/train_config.hpp>
#include <harness/csv_table.hpp>
#include <harness/flags.hpp>
#include <harness/gan_run.hpp>
#include <harness/run.hpp>
#include <ctnet/data/samples.hpp>
#include <ctnet/eval/sample_scores.hpp>
#include <ctnet/zoo/report3_lenet.hpp>

using namespace ctnet;

namespace {

/// sweep::train_config<F, D, V>(o) for run-time F, D in 1..3 and V (virtual
/// batch normalisation); the configurations are compiled in dcgan_sweep/.
History train_config(std::size_t capacity, std::size_t depth, bool vbn, const GanRunOptions& o) {
  History rc;
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    ((capacity == I % 9 / 3 + 1 && depth == I % 3 + 1 && vbn == (I >= 9)
          ? (rc = sweep::train_config<I % 9 / 3 + 1, I % 3 + 1, (I >= 9)>(o), true)
          : false) ||
     ...);
  }(std::make_index_sequence<18>{});
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  return run_main("dcgan_sweep", [&]() -> int {
    Flags flags(argc, argv, "Report 3's DCGAN sweep over capacity F, discriminator depth D and batch B.");
    const auto fs = flags.u64_list("capacities", "1,2,3", "values of F", 1, 3);
    const auto ds = flags.u64_list("depths", "1,2,3", "values of D", 1, 3);
    const auto bs = flags.u64_list("batches", "32,64,128", "batch sizes", 1, 100000);
    const std::string classifier = flags.str("classifier", "runs/lenet/lenet.safetensors",
                                             "LeNet checkpoint written by examples/lenet");
    const bool vbn = flags.flag("vbn", "virtual batch normalisation: statistics from a random half of each batch");
    GanRunOptions d;
    d.common.epochs = 20;
    d.lr_g = d.lr_d = 2e-3;
    d.beta1 = 0.9;
    d.scale = Scale::symmetric;
    d.grid_every = 5;
    d.samples = 10000;
    const GanRunOptions base = gan_run_options(flags, d, "runs/dcgan-sweep");
    if (flags.finish()) return 0;
    if (base.common.dataset != "mnist") fail("--dataset: the sweep is scored by a MNIST LeNet; use mnist");
    if (base.samples < 2) fail("--samples must be at least 2: the samples are scored");

    using zoo::report3::LeNet;
    constexpr std::size_t k = zoo::report3::lenet_feature_layers;
    SampleScorer<LeNet, k> scorer(FeatureClassifier<LeNet, k>::load(classifier),
                                  load_mnist(find_dataset_dir("mnist", base.common.data), false, Scale::unit));
    // Under mpirun the configurations are dealt out to the processes, each
    // trains its own alone, and the rows are gathered (summed: each process
    // fills only its own) for process 0 to write.
    Collective* group = base.common.group;
    const std::size_t rank = group ? group->rank() : 0, ranks = group ? group->size() : 1;
    prepare_run_dir(base.common);
    struct Config {
      std::size_t f, d, b;
    };
    std::vector<Config> configs;
    for (std::size_t f : fs)
      for (std::size_t dd : ds)
        for (std::size_t b : bs) configs.push_back({f, dd, b});
    const std::vector<std::string> columns{"F", "D", "B", "vbn", "epochs", "d_loss", "g_loss",
                                           "seconds_per_epoch", "inception_score", "frechet_distance"};
    std::vector<double> rows(configs.size() * columns.size(), 0.0);
    if (rank == 0)
      fmt::print("{:>3} {:>3} {:>4} {:>8} {:>8} {:>10} {:>9} {:>9}{}\n", "F", "D", "B", "d_loss", "g_loss",
                 "s/epoch", "IS", "Frechet", ranks > 1 ? " process" : "");
    for (std::size_t i = rank; i < configs.size(); i += ranks) {
      const auto [f, dd, b] = configs[i];
      GanRunOptions o = base;
      o.common.group = nullptr;  // each configuration trains in one process
      o.common.progress = base.common.progress && rank == 0;
      o.common.batch = b;
      o.common.out = fmt::format("{}/F{}-D{}-B{}{}", base.common.out, f, dd, b, vbn ? "-VBN" : "");
      o.title = fmt::format("DCGAN F={} D={} B={}{}", f, dd, b, vbn ? " VBN" : "");
      const History h = train_config(f, dd, vbn, o);
      double mean_sec = 0.0;
      for (const auto& e : h.epochs) mean_sec += e.seconds / static_cast<double>(h.epochs.size());
      const double dl = h.back()["d_loss"], gl = h.back()["g_loss"];
      const auto scores = scorer.score(
          load_samples(o.common.out + "/samples-images-idx3-ubyte", "", 28, 28, 1, Scale::unit), false);
      fmt::print("{:3} {:3} {:4} {:8.4f} {:8.4f} {:10.1f} {:9.3f} {:9.2f}{}\n", f, dd, b, dl, gl, mean_sec,
                 scores.inception_score, scores.frechet_distance, ranks > 1 ? fmt::format(" {:7}", rank) : "");
      std::fflush(stdout);
      const std::vector<double> row{static_cast<double>(f), static_cast<double>(dd), static_cast<double>(b),
                                    vbn ? 1.0 : 0.0, static_cast<double>(h.epochs.size()), dl, gl, mean_sec,
                                    scores.inception_score, scores.frechet_distance};
      std::copy(row.begin(), row.end(), rows.begin() + static_cast<long>(i * columns.size()));
    }
    if (group) group->sum(std::span<double>(rows));
    if (rank != 0) return 0;
    CsvTable table(base.common.out + "/sweep.csv", columns);
    for (std::size_t i = 0; i < configs.size(); ++i)
      table.add_row({rows.begin() + static_cast<long>(i * columns.size()),
                     rows.begin() + static_cast<long>((i + 1) * columns.size())});
    fmt::print("table {}/sweep.csv\n", base.common.out);
    return 0;
  });
}
