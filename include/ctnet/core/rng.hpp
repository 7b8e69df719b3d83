#pragma once
// A small, fully specified random generator. The standard library's
// distributions differ between implementations; ctnet's runs must be
// reproducible from a seed on any compiler, so the distributions are ours.
#include <cmath>
#include <cstdint>
#include <numbers>

namespace ctnet {

/// Seed wrapper, so that `make(seed{42})` reads as what it is.
struct seed {
  std::uint64_t value;
};

/// xoshiro256** seeded through splitmix64; uniform and normal floats.
class Rng {
 public:
  explicit Rng(std::uint64_t s = 0) { reseed(s); }
  explicit Rng(seed s) : Rng(s.value) {}

  void reseed(std::uint64_t s) {
    for (auto& w : state_) {
      s += 0x9E3779B97F4A7C15ull;
      std::uint64_t z = s;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      w = z ^ (z >> 31);
    }
    has_spare_ = false;
  }

  std::uint64_t next_u64() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  /// Uniform in [0, 1).
  float uniform() { return static_cast<float>(next_u64() >> 40) * 0x1.0p-24f; }
  /// Uniform in [lo, hi).
  float uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }
  /// Uniform integer in [0, n).
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : next_u64() % n; }
  /// Standard normal (Box-Muller, both values used).
  float normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u1 = 0.0;
    do {
      u1 = static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
    } while (u1 <= 0.0);
    const double u2 = static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
    const double r = std::sqrt(-2.0 * std::log(u1));
    spare_ = static_cast<float>(r * std::sin(2.0 * std::numbers::pi * u2));
    has_spare_ = true;
    return static_cast<float>(r * std::cos(2.0 * std::numbers::pi * u2));
  }
  float normal(float mean, float stddev) { return mean + stddev * normal(); }
  /// Normal truncated at two standard deviations (Keras's truncated_normal).
  float truncated_normal(float stddev) {
    float v = 0.0f;
    do {
      v = normal();
    } while (v < -2.0f || v > 2.0f);
    return v * stddev;
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t state_[4]{};
  float spare_ = 0.0f;
  bool has_spare_ = false;
};

}  // namespace ctnet
