#pragma once
#include <cstddef>
#include <string>

#include <fmt/format.h>

#include <ctnet/core/layer.hpp>
#include <ctnet/layers/conv2d.hpp>

namespace ctnet {

/// 1-D convolution over a steps x channels input: Filters outputs per step,
/// Keras's padding rules (valid: (steps - Kernel) / Stride + 1; same:
/// ceil(steps / Stride)). Computed as the Conv2D with an Hw{1, Kernel} kernel
/// over 1 x steps; the kernel is stored (Kernel, C, Filters) as Keras stores
/// it. Keras: `layers.Conv1D(filters, kernel_size, strides, padding)`.
template <std::size_t Filters, std::size_t Kernel, std::size_t Stride = 1,
          Padding Pad = Padding::valid, bool UseBias = true>
struct Conv1D {
  static_assert(Filters > 0 && Kernel > 0 && Stride > 0, "Conv1D needs non-zero sizes");
  using as_2d = Conv2D<Filters, Hw{1, Kernel}, Hw{1, Stride}, Pad, UseBias>;
  static constexpr const char* keras_class = "Conv1D";
  static constexpr const char* keras_name = "conv1d";
  static std::string name() {
    return fmt::format("Conv1D<{}, {}, {}, {}{}>", Filters, Kernel, Stride, Pad,
                       UseBias ? "" : ", false");
  }

  template <class In>
  using check = window_check<In, 2, Hw{1, Kernel}, Pad == Padding::valid>;

  /// The Conv2D's layer over 1 x steps x C, seen as steps x C in and out.
  template <class In>
  struct layer : as_2d::template layer<Shape<1, In::dims[0], In::dims[1]>> {
    using base = typename as_2d::template layer<Shape<1, In::dims[0], In::dims[1]>>;
    using input = In;
    using output = Shape<base::OW, Filters>;

    template <class F>
    void visit_params(F&& f) {
      base::visit_params([&](ParamRef p) {
        if (p.rank == 4) p.shape = {p.shape[1], p.shape[2], p.shape[3]}, p.rank = 3;
        f(p);
      });
    }
  };
};

}  // namespace ctnet
