#pragma once
// Data parallelism over MPI (Open MPI, MPICH): `mpi::World` is the
// `Collective` of every process of the job (MPI_COMM_WORLD). The CMake target
// ctnet::mpi links MPI; the rest of ctnet never needs it.
//
//     ctnet::mpi::World world;                 // MPI_Init ... MPI_Finalize
//     FitOptions o{.batch = 32, .collective = &world};
//     fit(net, opt, CategoricalCrossEntropy{}, train, o);  // under mpirun -np N
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include <mpi.h>

#include <ctnet/core/error.hpp>
#include <ctnet/train/collective.hpp>

namespace ctnet::mpi {

/// Fails with the MPI error's text, naming the call.
inline void check(int code, const char* call) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  fail("{}: {}", call, std::string(text, static_cast<std::size_t>(length)));
}

/// MPI_COMM_WORLD as a Collective. The first World initialises MPI and the
/// last one destroyed finalises it. Errors are returned, not fatal, so that
/// they reach the caller as ctnet::Error.
class World final : public Collective {
 public:
  World() {
    int initialised = 0;
    MPI_Initialized(&initialised);
    if (!initialised) {
      int provided = 0;
      check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
      owns_ = true;
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    int r = 0, s = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    MPI_Comm_size(MPI_COMM_WORLD, &s);
    rank_ = static_cast<std::size_t>(r);
    size_ = static_cast<std::size_t>(s);
  }
  World(const World&) = delete;
  World& operator=(const World&) = delete;
  ~World() override {
    if (owns_) MPI_Finalize();
  }

  std::size_t rank() const override { return rank_; }
  std::size_t size() const override { return size_; }
  void sum(std::span<float> x) override { all_reduce(x.data(), x.size(), MPI_FLOAT); }
  void sum(std::span<double> x) override { all_reduce(x.data(), x.size(), MPI_DOUBLE); }
  void broadcast(std::span<std::byte> x) override {
    for (std::size_t at = 0; at < x.size(); at += chunk) {
      const std::size_t n = std::min(chunk, x.size() - at);
      check(MPI_Bcast(x.data() + at, static_cast<int>(n), MPI_BYTE, 0, MPI_COMM_WORLD), "MPI_Bcast");
    }
  }
  void start_sum(std::span<float> x) override {
    if (x.size() > chunk) return sum(x);
    MPI_Request r{};
    check(MPI_Iallreduce(MPI_IN_PLACE, x.data(), static_cast<int>(x.size()), MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD, &r),
          "MPI_Iallreduce");
    pending_.push_back(r);
  }
  void progress() override {
    if (pending_.empty()) return;
    int done = 0;
    check(MPI_Testall(static_cast<int>(pending_.size()), pending_.data(), &done, MPI_STATUSES_IGNORE), "MPI_Testall");
    if (done) pending_.clear();
  }
  void wait_sums() override {
    if (pending_.empty()) return;
    check(MPI_Waitall(static_cast<int>(pending_.size()), pending_.data(), MPI_STATUSES_IGNORE), "MPI_Waitall");
    pending_.clear();
  }
  [[noreturn]] void abort(int code) override {
    MPI_Abort(MPI_COMM_WORLD, code);
    std::_Exit(code);
  }

 private:
  static constexpr std::size_t chunk = std::numeric_limits<int>::max() / 8;  // MPI counts are int
  void all_reduce(void* x, std::size_t count, MPI_Datatype type) {
    int size = 0;
    MPI_Type_size(type, &size);
    for (std::size_t at = 0; at < count; at += chunk) {
      const std::size_t n = std::min(chunk, count - at);
      check(MPI_Allreduce(MPI_IN_PLACE, static_cast<char*>(x) + at * static_cast<std::size_t>(size),
                          static_cast<int>(n), type, MPI_SUM, MPI_COMM_WORLD),
            "MPI_Allreduce");
    }
  }
  std::size_t rank_ = 0, size_ = 1;
  bool owns_ = false;
  std::vector<MPI_Request> pending_;  // started sums
};

}  // namespace ctnet::mpi
