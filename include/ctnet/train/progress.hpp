#pragma once
// A progress line for long loops: done/total, items per second, ETA and a
// caller-supplied status (running loss and accuracy). On a terminal it
// rewrites one line a few times a second; in a log it prints a line at each
// tenth of the work that comes 10 s or more after the last line (so a short
// epoch is one line). `finish` prints the final state once, with whatever
// status the caller has by then (the validation figures).
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <unistd.h>

namespace ctnet {

class Progress {
 public:
  using clock = std::chrono::steady_clock;

  Progress(std::string label, std::size_t total, bool enabled = true)
      : label_(std::move(label)), total_(total), enabled_(enabled),
        tty_(isatty(fileno(stderr)) != 0), start_(clock::now()), last_(start_) {}

  /// Records that `done` of `total` items are finished; `status()` (a string)
  /// is called only when a line is printed, so a step that prints nothing
  /// allocates nothing. The last state is left to `finish`.
  template <class Status>
  void update(std::size_t done, Status&& status) {
    done_ = done;
    if (!enabled_ || done >= total_) return;
    const auto now = clock::now();
    const bool tick = tty_ ? now - last_ > std::chrono::milliseconds(250)
                           : done * 10 / total_ > printed_tenths_ && now - last_ > std::chrono::seconds(10);
    if (!tick) return;
    last_ = now;
    printed_tenths_ = done * 10 / total_;
    print(status(), false);
  }

  /// Seconds since construction.
  double seconds() const { return std::chrono::duration<double>(clock::now() - start_).count(); }

  /// Prints the final state of the line once (ends it with a newline).
  void finish(std::string_view status = {}) {
    if (enabled_ && !finished_) print(status, true);
    finished_ = true;
  }

 private:
  void print(std::string_view status, bool last) {
    const double s = seconds();
    const double rate = s > 0 ? static_cast<double>(done_) / s : 0.0;
    const double left = last ? s : (rate > 0 ? static_cast<double>(total_ - done_) / rate : 0.0);
    const int whole = static_cast<int>(left);
    // fmt::print, not format_to: the formatting engine stays in libfmt (format_to
    // would compile it into every translation unit, about 4 s each).
    fmt::print(stderr, "{}{} {}/{}  {:.0f} img/s  {} {}:{:02}  {}{}", tty_ ? "\r\033[K" : "", label_, done_,
               total_, rate, last ? "took" : "ETA", whole / 60, whole % 60, status,
               (!tty_ || last) ? "\n" : "");
    std::fflush(stderr);
  }

  std::string label_;
  std::size_t total_, done_ = 0, printed_tenths_ = 0;
  bool enabled_, tty_, finished_ = false;
  clock::time_point start_, last_;
};

}  // namespace ctnet
