#pragma once
#include <cmath>
#include <cstddef>
#include <span>

#include <ctnet/loss/binary_cross_entropy.hpp>

namespace ctnet {

/// The two terms of the negative ELBO, in nats per image.
struct ElboTerms {
  double reconstruction = 0.0;  ///< -log p(x | z), Bernoulli, summed over pixels
  double kl = 0.0;              ///< KL(q(z | x) || N(0, I))
  double loss() const { return reconstruction + kl; }
};

/// KL(N(mean, exp(log_var)) || N(0, 1)) of one latent value, in nats.
inline double kl_to_standard_normal(double mean, double log_var) {
  return 0.5 * (mean * mean + std::exp(log_var) - 1.0 - log_var);
}

/// A VAE's loss (Keras's VAE example): the Bernoulli negative log-likelihood
/// of each image under the decoder's probabilities, summed over its pixels,
/// plus KL(N(mean, exp(log_var)) || N(0, I)) summed over the latent
/// dimensions; both averaged over the batch.
struct NegativeElbo {
  static constexpr const char* name = "negative_elbo";
  /// The reconstruction term: binary cross-entropy summed per image, fused
  /// with the decoder's final Sigmoid.
  using Reconstruction = BasicBinaryCrossEntropy<Reduction::sum_per_sample>;

  /// -1/2 sum(1 + log_var - mean^2 - exp(log_var)), averaged over n samples.
  /// Adds `weight` times its gradient to dmean (mean / n) and dlog_var
  /// ((exp(log_var) - 1) / 2n); the value returned is not weighted.
  static double kl(std::span<const float> mean, std::span<const float> log_var, std::size_t n,
                   std::span<float> dmean, std::span<float> dlog_var, double weight = 1.0) {
    double kl = 0.0;
    const double scale = weight / static_cast<double>(n);
    for (std::size_t i = 0; i < mean.size(); ++i) {
      const double m = mean[i], lv = log_var[i];
      kl += kl_to_standard_normal(m, lv);
      dmean[i] += static_cast<float>(m * scale);
      dlog_var[i] += static_cast<float>(0.5 * (std::exp(lv) - 1.0) * scale);
    }
    return kl * (1.0 / static_cast<double>(n));
  }
};

}  // namespace ctnet
