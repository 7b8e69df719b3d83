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

/// The standard normal's quantile function (inverse CDF) for p in (0, 1):
/// Acklam's rational approximation refined by one Halley step on erfc, so
/// accurate to about 1e-15. scipy: `norm.ppf(p)`.
inline double normal_quantile(double p) {
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  if (!(p > 0.0 && p < 1.0)) return p == 0.0 ? -HUGE_VAL : p == 1.0 ? HUGE_VAL : NAN;
  const double lo = 0.02425;
  double x;
  if (p < lo || p > 1.0 - lo) {
    const double q = std::sqrt(-2.0 * std::log(p < lo ? p : 1.0 - p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
    if (p > 1.0 - lo) x = -x;
  } else {
    const double q = p - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
  }
  const double e = 0.5 * std::erfc(-x / std::numbers::sqrt2) - p;
  const double u = e * std::sqrt(2.0 * std::numbers::pi) * std::exp(x * x / 2.0);
  return x - u / (1.0 + x * u / 2.0);
}

/// The splitmix64 finaliser of (a, b): nearby inputs give unrelated seeds
/// (batch orders per epoch, dropout streams per network, part and epoch).
inline std::uint64_t mix_seed(std::uint64_t a, std::uint64_t b) {
  std::uint64_t z = a ^ (0x9E3779B97F4A7C15ull * (b + 1));
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace ctnet
