#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include <ctnet/core/layer.hpp>
#include <ctnet/core/tensor.hpp>
#include <ctnet/layers/conv2d.hpp>
#include <ctnet/layers/depthwise_conv2d.hpp>

namespace ctnet {

/// Depthwise-separable 2-D convolution: a depthwise convolution without bias
/// (DepthwiseConv2D's kernel, stride, padding and depth multiplier), then a
/// 1x1 convolution to Filters channels with the bias. H x W x C ->
/// OH x OW x Filters. Parameters in Keras's order: depthwise_kernel
/// (KH, KW, C, DepthMultiplier), pointwise_kernel (1, 1, C * DepthMultiplier,
/// Filters), bias (Filters). Keras: `layers.SeparableConv2D(filters, kernel,
/// strides=stride, padding=..., depth_multiplier=DepthMultiplier,
/// use_bias=UseBias)`. A following activation is fused into the 1x1
/// convolution's pass.
template <std::size_t Filters, auto Kernel, auto Stride = 1, Padding Pad = Padding::valid,
          std::size_t DepthMultiplier = 1, bool UseBias = true>
  requires WindowArg<Kernel> && WindowArg<Stride>
struct SeparableConv2D {
  static_assert(Filters > 0, "SeparableConv2D needs at least one filter");
  using depthwise_spec = DepthwiseConv2D<Kernel, Stride, Pad, DepthMultiplier, false>;
  using pointwise_spec = Conv2D<Filters, 1, 1, Padding::valid, UseBias>;
  static constexpr Hw kernel = as_hw<Kernel>, stride = as_hw<Stride>;
  static constexpr const char* keras_class = "SeparableConv2D";
  static constexpr const char* keras_name = "separable_conv2d";
  static std::string name() {
    std::string tail;
    if (DepthMultiplier != 1 || !UseBias) tail += fmt::format(", {}", DepthMultiplier);
    if (!UseBias) tail += ", false";
    return fmt::format("SeparableConv2D<{}, {}, {}, {}{}>", Filters, window_name(kernel),
                       window_name(stride), Pad, tail);
  }

  template <class In>
  using check = typename depthwise_spec::template check<In>;

  template <class In>
  using depthwise_layer = typename depthwise_spec::template layer<In>;
  template <class In>
  using pointwise_layer =
      typename pointwise_spec::template layer<typename depthwise_layer<In>::output>;

  template <class In>
  struct layer : LayerBase<In, typename pointwise_layer<In>::output> {
    using depthwise_t = depthwise_layer<In>;
    using pointwise_t = pointwise_layer<In>;
    static constexpr std::size_t mid_size = depthwise_t::output::size;

    static constexpr std::size_t trainable_params =
        depthwise_t::trainable_params + pointwise_t::trainable_params;
    static constexpr bool fuses_activation = true;
    static constexpr double flops = depthwise_t::flops + pointwise_t::flops;

    depthwise_t depthwise;
    pointwise_t pointwise;
    Buffer mid, dmid;  // the depthwise output of the last forward, and its gradient

    void reserve(std::size_t batch) {
      ensure_size(mid, batch * mid_size);
      ensure_size(dmid, batch * mid_size);
      depthwise.reserve(batch);
      pointwise.reserve(batch);
    }

    template <class F>
    void visit_params(F&& f) {
      depthwise.visit_params(f);  // depthwise_kernel
      pointwise.visit_params([&](const ParamRef& p) {
        if (p.role == std::string_view("kernel")) {
          ParamRef q = p;
          q.role = "pointwise_kernel";
          f(q);
        } else {
          f(p);  // bias
        }
      });
    }

    template <class Act = NoActivation>
    void forward(const float* x, float* y, std::size_t n, Pass& pass) {
      reserve(n);
      depthwise.forward(x, mid.data(), n, pass);
      pointwise.template forward<Act>(mid.data(), y, n, pass);
    }

    template <class Act = NoActivation>
    void backward(const float* x, const float* y, float* dy, float* dx, std::size_t n) {
      pointwise.template backward<Act>(mid.data(), y, dy, dmid.data(), n);
      depthwise.backward(x, mid.data(), dmid.data(), dx, n);
    }
  };
};

}  // namespace ctnet
