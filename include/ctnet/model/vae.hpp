#pragma once
// A variational autoencoder as a type: `Vae<Encoder, Decoder>`, an encoder
// with two heads (z_mean, z_log_var), the reparameterisation step, and a
// Bernoulli decoder (ending with Sigmoid). The negative ELBO's gradient
// reaches both heads through the sampled z.
#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

#include <ctnet/core/diagnostics.hpp>
#include <ctnet/core/error.hpp>
#include <ctnet/core/layer.hpp>
#include <ctnet/core/rng.hpp>
#include <ctnet/layers/sigmoid.hpp>
#include <ctnet/loss/loss.hpp>
#include <ctnet/loss/negative_elbo.hpp>
#include <ctnet/model/two_heads.hpp>

namespace ctnet {

/// z = mean + exp(log_var / 2) * eps, element-wise (the reparameterisation trick).
inline void reparameterise(std::span<const float> mean, std::span<const float> log_var,
                           std::span<const float> eps, std::span<float> z) {
  for (std::size_t i = 0; i < z.size(); ++i) z[i] = mean[i] + std::exp(0.5f * log_var[i]) * eps[i];
}

/// The reparameterisation's gradient: from dL/dz, sets dL/dmean = dz and
/// dL/dlog_var = dz * eps * exp(log_var / 2) / 2.
inline void reparameterise_backward(std::span<const float> dz, std::span<const float> log_var,
                                    std::span<const float> eps, std::span<float> dmean,
                                    std::span<float> dlog_var) {
  for (std::size_t i = 0; i < dz.size(); ++i) {
    dmean[i] = dz[i];
    dlog_var[i] = dz[i] * eps[i] * 0.5f * std::exp(0.5f * log_var[i]);
  }
}

namespace detail {
/// The VAE's three pairings, checked in turn (the first that fails is the
/// one error): latent sizes, the two heads, decoder output vs encoder input.
template <class Encoder, class Decoder>
using vae_checks = then_check_t<
    shape_pairing_t<pairing::encoder_latent_is_decoder_input,
                    typename Encoder::head_a_type::output_shape, typename Decoder::input_shape>,
    then_check_t<shape_pairing_t<pairing::mean_and_log_var_heads_agree,
                                 typename Encoder::head_a_type::output_shape,
                                 typename Encoder::head_b_type::output_shape>,
                 shape_pairing_t<pairing::decoder_output_is_encoder_input,
                                 typename Decoder::output_shape, typename Encoder::input_shape>>>;
}  // namespace detail

/// An encoder `TwoHeads<Body, MeanHead, LogVarHead>` and a decoder
/// `Sequential<Input<latent...>, ..., Sigmoid>` as one type. The latent shapes
/// must agree (`shapes_must_match<pairing::encoder_latent_is_decoder_input,
/// ...>` otherwise), as must the two heads, and the decoder's output shape
/// must be the encoder's input shape.
template <Network Encoder, Network Decoder>
class Vae
    : detail::check_slot<0, detail::vae_checks<Encoder, Decoder>> {
  static_assert(ends_with_sigmoid<Decoder>,
                "a VAE's decoder ends with Sigmoid: its outputs are the Bernoulli means");

 public:
  using encoder_type = Encoder;
  using decoder_type = Decoder;
  using latent_shape = typename Decoder::input_shape;
  using sample_shape = typename Encoder::input_shape;
  static constexpr std::size_t latent = latent_shape::size, sample = sample_shape::size;

  static Vae make(seed s, Init init = Init::glorot_uniform) {
    Vae v;
    v.encoder.initialize(s, init);
    v.decoder.initialize(seed{s.value + 1}, init);
    return v;
  }

  void reserve(std::size_t batch) {
    encoder.reserve(batch);
    decoder.reserve(batch);
    if (eps_.size() < batch * latent) {
      eps_.resize(batch * latent);
      z_.resize(batch * latent);
    }
  }

  /// Encodes n images x, samples z with noise from `rng`, decodes, and
  /// returns the negative ELBO's terms (nats per image). With `train`, also
  /// adds the gradient of their sum (mean over the n images) to every
  /// parameter's gradient, the KL term's times `kl_weight` (a KL warm-up's
  /// weight; the terms returned are the ELBO's own). `training` mode of the
  /// layers follows `train`.
  ElboTerms pass(std::span<const float> x, std::size_t n, Rng& rng, bool train, double kl_weight = 1.0) {
    if (x.size() < n * sample)
      fail("Vae: input holds {} floats, {} images need {}", x.size(), n, n * sample);
    reserve(n);
    const std::size_t m = n * latent;
    const std::span<float> eps{eps_.data(), m}, z{z_.data(), m};
    for (auto& e : eps) e = rng.normal();
    return pass_with_noise(x, n, eps, z, train, kl_weight);
  }

  /// `pass` with the noise given (eps: n * latent floats).
  ElboTerms pass_with_noise(std::span<const float> x, std::size_t n, std::span<const float> eps,
                            std::span<float> z, bool train, double kl_weight = 1.0) {
    encoder.forward(x, n, train);
    const auto mean = encoder.a.output(), log_var = encoder.b.output();
    reparameterise(mean, log_var, eps, z);
    const auto p = decoder.forward(z, n, train);
    ElboTerms t;
    using Reconstruction = NegativeElbo::Reconstruction;
    constexpr std::size_t skip = fused_layers<Reconstruction, Decoder>;  // the Sigmoid
    t.reconstruction = Reconstruction::template value<skip == 1>(p, x.first(n * sample), n, sample,
                                                                 decoder.output_grad());
    auto dmean = encoder.a.output_grad(), dlog_var = encoder.b.output_grad();
    if (train) {
      const auto dz = decoder.template backward<skip>(true);
      reparameterise_backward(dz, log_var, eps, dmean, dlog_var);
    } else {
      std::fill(dmean.begin(), dmean.end(), 0.0f);
      std::fill(dlog_var.begin(), dlog_var.end(), 0.0f);
    }
    t.kl = NegativeElbo::kl(mean, log_var, n, dmean, dlog_var, kl_weight);
    if (train) encoder.backward(false);
    return t;
  }

  /// The encoder's means for n images (inference mode).
  std::span<const float> encode(std::span<const float> x, std::size_t n) {
    encoder.forward(x, n, false);
    return encoder.a.output();
  }
  /// The decoder's Bernoulli means for n latent vectors (inference mode).
  std::span<const float> decode(std::span<const float> z, std::size_t n) {
    return decoder.forward(z, n, false);
  }

  void zero_grad() {
    encoder.zero_grad();
    decoder.zero_grad();
  }

  Encoder encoder;
  Decoder decoder;

 private:
  std::vector<float> eps_, z_;
};

}  // namespace ctnet
