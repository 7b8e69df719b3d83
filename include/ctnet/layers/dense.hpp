#pragma once
#include <cstddef>
#include <string>

#include <fmt/format.h>

#include <ctnet/core/blas.hpp>
#include <ctnet/core/layer.hpp>
#include <ctnet/core/parallel.hpp>
#include <ctnet/core/tensor.hpp>
#include <ctnet/layers/epilogue.hpp>

namespace ctnet {

/// Fully connected: y = x W + b, x of Shape<In>, y of Shape<Units>, W stored
/// (In, Units) as Keras stores it. Keras: `layers.Dense(units, use_bias=UseBias)`.
/// Takes a rank-1 input (Flatten is explicit). A following activation is
/// applied in the same pass as the bias.
template <std::size_t Units, bool UseBias = true>
struct Dense {
  static_assert(Units > 0, "Dense needs at least one unit");
  static constexpr const char* keras_class = "Dense";
  static constexpr const char* keras_name = "dense";
  static std::string name() {
    return fmt::format("Dense<{}{}>", Units, UseBias ? "" : ", false");
  }

  template <class In>
  using check = std::conditional_t<In::rank == 1, why::accepted, why::needs_flat_input>;

  template <class In>
  struct layer : LayerBase<In, Shape<Units>> {
    static constexpr std::size_t in = In::size;
    static constexpr std::size_t trainable_params = in * Units + (UseBias ? Units : 0);
    static constexpr bool fuses_activation = true;
    static constexpr double flops = 2.0 * in * Units;

    Buffer w = zeros(in * Units), dw = zeros(in * Units);
    Buffer b = zeros(UseBias ? Units : 0), db = zeros(UseBias ? Units : 0);

    Buffer db_partial;  // per-thread bias-gradient sums
    detail::PreActivation pre;

    template <class F>
    void visit_params(F&& f) {
      f(ParamRef{.role = "kernel", .value = as_span(w), .grad = as_span(dw), .shape = {in, Units},
                 .rank = 2, .fan_in = in, .fan_out = Units, .is_kernel = true});
      if constexpr (UseBias)
        f(ParamRef{.role = "bias", .value = as_span(b), .grad = as_span(db), .shape = {Units},
                   .rank = 1, .fan_in = in});
    }

    // y = act(x W + b)
    template <class Act = NoActivation>
    void forward(const float* x, float* y, std::size_t n, Pass&) {
      pre.reserve<Act>(n * Units);
      parallel_for(n, [&](std::size_t r0, std::size_t r1) {
        blas::gemm(false, false, r1 - r0, Units, in, 1.0f, x + r0 * in, in, w.data(), Units, 0.0f,
                   y + r0 * Units, Units);
        detail::bias_activation<Act, UseBias>(y + r0 * Units, b.data(), r1 - r0, Units,
                                              pre.store<Act>(r0 * Units));
      });
    }
    // g = dy * act'(y);  db += sum_rows g;  dW += x^T g;  dx = g W^T
    template <class Act = NoActivation>
    void backward(const float* x, const float* y, float* dy, float* dx, std::size_t n) {
      detail::activation_bias_grad_parallel<Act, UseBias>(dy, pre.derivative_input<Act>(y),
                                                          db.data(), n, Units, db_partial);
      detail::weight_grad_parallel(x, in, dy, n, in, Units, dw.data());
      if (dx == nullptr) return;
      parallel_for(n, [&](std::size_t r0, std::size_t r1) {
        blas::gemm(false, true, r1 - r0, in, Units, 1.0f, dy + r0 * Units, Units, w.data(), Units,
                   0.0f, dx + r0 * in, in);
      });
    }
  };
};

}  // namespace ctnet
