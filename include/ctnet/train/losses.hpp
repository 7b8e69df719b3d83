#pragma once
// Losses. Each returns the batch mean and writes the gradient of that mean
// with respect to the network's output (or, fused, its pre-softmax logits).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

namespace ctnet {

/// Cross-entropy of softmax probabilities p (n x k) against integer labels,
/// fused with the softmax: writes dL/dlogits = (p - onehot) / n into `dlogits`
/// (which may alias p) and returns the mean loss. Keras:
/// `sparse_categorical_crossentropy` after a softmax.
inline double softmax_cross_entropy_probs(std::span<const float> p,
                                          std::span<const std::uint8_t> labels, std::size_t k,
                                          std::span<float> dlogits) {
  const std::size_t n = labels.size();
  double loss = 0.0;
  const float inv_n = 1.0f / static_cast<float>(n);
  for (std::size_t r = 0; r < n; ++r) {
    const float pr = p[r * k + labels[r]];
    loss -= std::log(std::max(pr, 1e-7f));  // Keras clips probabilities at 1e-7
    for (std::size_t j = 0; j < k; ++j) {
      const float t = j == labels[r] ? 1.0f : 0.0f;
      dlogits[r * k + j] = (p[r * k + j] - t) * inv_n;
    }
  }
  return loss / static_cast<double>(n);
}

/// Cross-entropy on raw logits (n x k): softmax computed here, stably.
/// Writes dL/dlogits = (softmax(z) - onehot) / n and returns the mean loss.
inline double softmax_cross_entropy_logits(std::span<const float> z,
                                           std::span<const std::uint8_t> labels, std::size_t k,
                                           std::span<float> dlogits) {
  const std::size_t n = labels.size();
  double loss = 0.0;
  const float inv_n = 1.0f / static_cast<float>(n);
  for (std::size_t r = 0; r < n; ++r) {
    const float* zr = z.data() + r * k;
    const float m = *std::max_element(zr, zr + k);
    double s = 0.0;
    for (std::size_t j = 0; j < k; ++j) s += std::exp(static_cast<double>(zr[j] - m));
    const double log_s = std::log(s);
    loss += log_s - static_cast<double>(zr[labels[r]] - m);
    for (std::size_t j = 0; j < k; ++j) {
      const double pj = std::exp(static_cast<double>(zr[j] - m) - log_s);
      dlogits[r * k + j] = static_cast<float>(pj - (j == labels[r] ? 1.0 : 0.0)) * inv_n;
    }
  }
  return loss / static_cast<double>(n);
}

/// Binary cross-entropy on logits z (n values) against targets t in [0, 1]:
/// mean of max(z, 0) - z t + log(1 + exp(-|z|)), stable for any z. Writes
/// dL/dz = (sigmoid(z) - t) / n. Keras: `BinaryCrossentropy(from_logits=True)`.
inline double binary_cross_entropy_logits(std::span<const float> z, std::span<const float> t,
                                          std::span<float> dz) {
  const std::size_t n = z.size();
  double loss = 0.0;
  const float inv_n = 1.0f / static_cast<float>(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double zi = z[i], ti = t[i];
    loss += std::max(zi, 0.0) - zi * ti + std::log1p(std::exp(-std::abs(zi)));
    const double p = 1.0 / (1.0 + std::exp(-zi));
    dz[i] = static_cast<float>(p - ti) * inv_n;
  }
  return loss / static_cast<double>(n);
}

/// Binary cross-entropy of probabilities p = sigmoid(z) against targets t,
/// fused with that final Sigmoid: writes dL/dz = (p - t) / n (dz may alias p)
/// and returns the mean loss, probabilities clipped to [1e-7, 1 - 1e-7] as Keras does.
inline double binary_cross_entropy_probs(std::span<const float> p, std::span<const float> t,
                                         std::span<float> dz) {
  const std::size_t n = p.size();
  double loss = 0.0;
  const float inv_n = 1.0f / static_cast<float>(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double pi = std::clamp(static_cast<double>(p[i]), 1e-7, 1.0 - 1e-7), ti = t[i];
    loss -= ti * std::log(pi) + (1.0 - ti) * std::log(1.0 - pi);
    dz[i] = (p[i] - t[i]) * inv_n;
  }
  return loss / static_cast<double>(n);
}

/// Negative Bernoulli log-likelihood of n images x (values in [0, 1]) under
/// probabilities p = sigmoid(logits), fused with that final Sigmoid: per image
/// the binary cross-entropy summed over its values, averaged over the n images
/// (nats per image). Writes dL/dlogits = (p - x) / n (may alias p); p is clipped
/// to [1e-7, 1 - 1e-7] in the loss as Keras does. Keras's VAE example:
/// `binary_crossentropy(x, p) * original_dim`.
inline double bernoulli_nll_probs(std::span<const float> p, std::span<const float> x, std::size_t n,
                                  std::span<float> dlogits) {
  double loss = 0.0;
  const float inv_n = 1.0f / static_cast<float>(n);
  for (std::size_t i = 0; i < p.size(); ++i) {
    const double pi = std::clamp(static_cast<double>(p[i]), 1e-7, 1.0 - 1e-7), xi = x[i];
    loss -= xi * std::log(pi) + (1.0 - xi) * std::log(1.0 - pi);
    dlogits[i] = (p[i] - x[i]) * inv_n;
  }
  return loss / static_cast<double>(n);
}

/// KL divergence of N(mean, exp(log_var)) from N(0, I), summed over the latent
/// dimensions and averaged over n samples: -1/2 sum(1 + log_var - mean^2 -
/// exp(log_var)). Adds its gradient to dmean (mean / n) and dlog_var
/// ((exp(log_var) - 1) / 2n).
inline double kl_to_standard_normal(std::span<const float> mean, std::span<const float> log_var,
                                    std::size_t n, std::span<float> dmean,
                                    std::span<float> dlog_var) {
  double kl = 0.0;
  const double inv_n = 1.0 / static_cast<double>(n);
  for (std::size_t i = 0; i < mean.size(); ++i) {
    const double m = mean[i], lv = log_var[i], e = std::exp(lv);
    kl -= 0.5 * (1.0 + lv - m * m - e);
    dmean[i] += static_cast<float>(m * inv_n);
    dlog_var[i] += static_cast<float>(0.5 * (e - 1.0) * inv_n);
  }
  return kl * inv_n;
}

/// Number of rows of scores (n x k) whose arg-max is the label.
inline std::size_t count_correct(std::span<const float> scores,
                                 std::span<const std::uint8_t> labels, std::size_t k) {
  std::size_t correct = 0;
  for (std::size_t r = 0; r < labels.size(); ++r) {
    const float* s = scores.data() + r * k;
    if (static_cast<std::size_t>(std::max_element(s, s + k) - s) == labels[r]) ++correct;
  }
  return correct;
}

}  // namespace ctnet
