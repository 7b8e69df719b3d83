#pragma once
// A progress line for long loops: done/total, images per second, ETA and a
// caller-supplied status (running loss and accuracy). On a terminal it
// rewrites one line a few times a second; in a log it prints a line every
// tenth of the work.
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string>

#include <unistd.h>

namespace ctnet {

class Progress {
 public:
  using clock = std::chrono::steady_clock;

  Progress(std::string label, std::size_t total, bool enabled = true)
      : label_(std::move(label)), total_(total), enabled_(enabled),
        tty_(isatty(fileno(stderr)) != 0), start_(clock::now()), last_(start_) {}

  /// Records that `done` of `total` items are finished. Takes a C string so
  /// that a training step calling it allocates nothing.
  void update(std::size_t done, const char* status = "") {
    done_ = done;
    if (!enabled_) return;
    const auto now = clock::now();
    const bool tick = tty_ ? now - last_ > std::chrono::milliseconds(250)
                           : done * 10 / total_ > printed_tenths_;
    if (!tick && done < total_) return;
    last_ = now;
    printed_tenths_ = done * 10 / total_;
    print(status, done >= total_);
  }

  /// Seconds since construction.
  double seconds() const { return std::chrono::duration<double>(clock::now() - start_).count(); }

  /// Prints the final state of the line (ends it with a newline).
  void finish(const char* status = "") {
    if (enabled_ && !finished_) print(status, true);
    finished_ = true;
  }

 private:
  void print(const char* status, bool last) {
    const double s = seconds();
    const double rate = s > 0 ? static_cast<double>(done_) / s : 0.0;
    const double eta = rate > 0 ? static_cast<double>(total_ - done_) / rate : 0.0;
    const int m = static_cast<int>(eta) / 60, sec = static_cast<int>(eta) % 60;
    std::fprintf(stderr, "%s%s %zu/%zu  %.0f img/s  %s %d:%02d  %s%s", tty_ ? "\r\033[K" : "",
                 label_.c_str(), done_, total_, rate, last ? "took" : "ETA",
                 last ? static_cast<int>(s) / 60 : m, last ? static_cast<int>(s) % 60 : sec,
                 status, (!tty_ || last) ? "\n" : "");
    std::fflush(stderr);
    if (last) finished_ = true;
  }

  std::string label_;
  std::size_t total_, done_ = 0, printed_tenths_ = 0;
  bool enabled_, tty_, finished_ = false;
  clock::time_point start_, last_;
};

}  // namespace ctnet
