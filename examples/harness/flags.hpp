#pragma once
// Command-line flags for ctnet's programs: `--name value` or `--name=value`.
// Every value is checked; a bad or unknown flag is a one-line ctnet::Error.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <ctnet/core/error.hpp>
#include <ctnet/version.hpp>

namespace ctnet {

class Flags {
 public:
  Flags(int argc, char** argv, std::string about) : about_(std::move(about)) {
    program_ = argc > 0 ? argv[0] : "program";
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      if (a == "--help" || a == "-h") {
        help_ = true;
        continue;
      }
      if (a == "--version") {
        version_ = true;
        continue;
      }
      if (a.rfind("--", 0) != 0 || a.size() < 3)
        fail("unexpected argument '{}' (flags look like --name value)", a);
      a = a.substr(2);
      const auto eq = a.find('=');
      if (eq != std::string::npos) {
        values_[a.substr(0, eq)] = a.substr(eq + 1);
      } else if (i + 1 < argc && std::string(argv[i + 1]).rfind("--", 0) != 0) {
        values_[a] = argv[++i];
      } else {
        values_[a] = "";  // a switch
      }
    }
  }

  /// A string flag.
  std::string str(const std::string& name, const std::string& fallback, const std::string& help) {
    declare(name, "TEXT", fallback, help);
    auto it = values_.find(name);
    if (it == values_.end()) return fallback;
    if (it->second.empty()) fail("--{} needs a value", name);
    return it->second;
  }

  /// A non-negative integer flag in [min, max]; the range is stated in --help
  /// and in the error for a value outside it.
  std::uint64_t u64(const std::string& name, std::uint64_t fallback, const std::string& help,
                    std::uint64_t min = 0,
                    std::uint64_t max = std::numeric_limits<std::uint64_t>::max()) {
    const bool bounded = max != std::numeric_limits<std::uint64_t>::max();
    const std::string range = bounded ? fmt::format("{} to {}", min, max) : fmt::format("at least {}", min);
    declare(name, "N", fmt::format("{}", fallback), min > 0 || bounded ? help + ", " + range : help);
    auto it = values_.find(name);
    if (it == values_.end()) return fallback;
    const auto& s = it->second;
    const auto v = whole_number(s, min, max);
    if (v.error == Whole::too_big) fail("--{} must be {} to {}, got {}", name, min, max, s);
    if (v.error == Whole::out_of_range) fail("--{} must be {}, got {}", name, range, s);
    if (v.error == Whole::not_a_number) fail("--{} expects a whole number, got '{}'", name, s);
    return v.value;
  }

  /// Comma-separated whole numbers, each in [min, max] ("1,2,4").
  std::vector<std::uint64_t> u64_list(const std::string& name, const std::string& fallback,
                                      const std::string& help, std::uint64_t min, std::uint64_t max) {
    const std::string text = str(name, fallback, fmt::format("{}, comma-separated, each {} to {}", help, min, max));
    std::vector<std::uint64_t> out;
    for (std::size_t start = 0; start <= text.size();) {
      const std::size_t end = std::min(text.find(',', start), text.size());
      const auto v = whole_number(text.substr(start, end - start), min, max);
      if (v.error != Whole::ok)
        fail("--{} expects whole numbers {} to {} separated by commas, got '{}'", name, min, max, text);
      out.push_back(v.value);
      start = end + 1;
    }
    return out;
  }

  /// A whole number in [min, max], or why not.
  struct Whole {
    enum Error { ok, not_a_number, too_big, out_of_range } error = ok;
    std::uint64_t value = 0;
  };
  static Whole whole_number(const std::string& s, std::uint64_t min, std::uint64_t max) {
    Whole w;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), w.value);
    if (ec == std::errc::result_out_of_range) w.error = Whole::too_big;
    else if (ec != std::errc() || p != s.data() + s.size() || s.empty()) w.error = Whole::not_a_number;
    else if (w.value < min || w.value > max) w.error = Whole::out_of_range;
    return w;
  }

  /// The values a real flag accepts: from lo to hi, either end open or
  /// closed. NaN and infinities are never accepted.
  struct Interval {
    double lo, hi;
    bool open_lo = false, open_hi = false;
    bool contains(double v) const {
      return std::isfinite(v) && (open_lo ? v > lo : v >= lo) && (open_hi ? v < hi : v <= hi);
    }
    std::string text() const {
      return fmt::format("{}{:g}, {:g}{}", open_lo ? '(' : '[', lo, hi, open_hi ? ')' : ']');
    }
  };

  /// A real-valued flag within `range`, which --help states.
  double real(const std::string& name, double fallback, const std::string& help, Interval range) {
    declare(name, "X", fmt::format("{:g}", fallback), help + ", in " + range.text());
    auto it = values_.find(name);
    if (it == values_.end()) return fallback;
    const auto& s = it->second;
    double v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if ((ec != std::errc() && ec != std::errc::result_out_of_range) || p != s.data() + s.size() || s.empty())
      fail("--{} expects a number, got '{}'", name, s);
    if (ec == std::errc::result_out_of_range || !range.contains(v))
      fail("--{} must be in {}, got {}", name, range.text(), s);
    return v;
  }

  /// A switch (`--resume`); also accepts `--resume=true|false`.
  bool flag(const std::string& name, const std::string& help) {
    declare(name, "", "off", help);
    auto it = values_.find(name);
    if (it == values_.end()) return false;
    if (it->second.empty() || it->second == "true" || it->second == "1") return true;
    if (it->second == "false" || it->second == "0") return false;
    fail("--{} is a switch; got the value '{}'", name, it->second);
  }

  /// A flag whose value must be one of `choices`.
  std::string choice(const std::string& name, const std::vector<std::string>& choices,
                     const std::string& fallback, const std::string& help) {
    std::string list;
    for (const auto& c : choices) list += (list.empty() ? "" : "|") + c;
    const std::string v = str(name, fallback, help + " (" + list + ")");
    for (const auto& c : choices)
      if (c == v) return v;
    fail("--{} must be one of {}, got '{}'", name, list, v);
  }

  /// Call after reading every flag: rejects unknown ones; with --help prints
  /// the usage, with --version the version, and returns true (the program
  /// should then exit 0).
  bool finish() {
    if (help_) {
      fmt::print("{}\n\nusage: {} [flags]\n  --version               ctnet's version\n{}", about_, program_, usage_);
      return true;
    }
    if (version_) {
      fmt::print("{} (ctnet {})\n", std::filesystem::path(program_).filename().string(), version);
      return true;
    }
    for (const auto& [k, v] : values_)
      if (!known_.count(k)) fail("unknown flag --{} (see --help)", k);
    return false;
  }

 private:
  void declare(const std::string& name, const std::string& meta, const std::string& fallback,
               const std::string& help) {
    known_.insert(name);
    std::string left = "  --" + name + (meta.empty() ? "" : " " + meta);
    if (left.size() < 24) left += std::string(24 - left.size(), ' ');
    usage_ += left + " " + help + " [" + fallback + "]\n";
  }

  std::string about_, program_, usage_;
  std::map<std::string, std::string> values_;
  std::set<std::string> known_;
  bool help_ = false, version_ = false;
};

}  // namespace ctnet
