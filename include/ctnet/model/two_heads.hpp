#pragma once
// A network with one body and two heads reading the body's output: a VAE's
// encoder (z_mean and z_log_var). Keras: a functional model with two outputs.
#include <algorithm>
#include <cstddef>
#include <span>

#include <ctnet/core/diagnostics.hpp>
#include <ctnet/core/layer.hpp>
#include <ctnet/core/rng.hpp>
#include <ctnet/core/shape.hpp>
#include <ctnet/core/type_list.hpp>
#include <ctnet/layers/input.hpp>
#include <ctnet/model/composite.hpp>
#include <ctnet/model/sequential.hpp>

namespace ctnet {

/// A head on `Body`: the layers Ls applied to the body's output.
template <class Body, class... Ls>
using Head = Sequential<InputOf<typename Body::output_shape>, Ls...>;

namespace pairing {
struct head_input_is_body_output {};
}  // namespace pairing

/// One body and two heads, each a Sequential whose input shape is the body's
/// output shape (a head reading another shape fails to compile, naming both).
/// forward() runs the body once and both heads on its output; after the
/// caller writes both heads' output gradients, backward() sums the heads'
/// input gradients into the body's and runs the body backward.
template <Network Body, Network HeadA, Network HeadB>
class TwoHeads
    : public Composite<TwoHeads<Body, HeadA, HeadB>, Body, HeadA, HeadB>,
      detail::check_slot<0, detail::then_check_t<
                                detail::shape_pairing_t<pairing::head_input_is_body_output,
                                                        typename Body::output_shape,
                                                        typename HeadA::input_shape>,
                                detail::shape_pairing_t<pairing::head_input_is_body_output,
                                                        typename Body::output_shape,
                                                        typename HeadB::input_shape>>> {
 public:
  using body_type = Body;
  using head_a_type = HeadA;
  using head_b_type = HeadB;
  using input_shape = typename Body::input_shape;
  static constexpr const char* part_names[] = {"body", "head_a", "head_b"};
  template <class F>
  void visit_parts(F&& f) {
    f(part_names[0], body);
    f(part_names[1], a);
    f(part_names[2], b);
  }
  void reserve(std::size_t batch) { this->reserve_parts(batch); }

  /// Runs the body and both heads over n samples; the heads' outputs are
  /// `a.output()` and `b.output()`.
  void forward(std::span<const float> x, std::size_t n, bool training = false) {
    const auto h = body.forward(x, n, training);
    a.forward(h, n, training);
    b.forward(h, n, training);
  }

  /// Backward for the last forward: reads `a.output_grad()` and
  /// `b.output_grad()`, accumulates every parameter's gradient and returns
  /// dL/d(input) when `input_grad` is set.
  std::span<const float> backward(bool input_grad = false) {
    const auto ga = a.backward(true);
    const auto gb = b.backward(true);
    auto g = body.output_grad();
    for (std::size_t i = 0; i < g.size(); ++i) g[i] = ga[i] + gb[i];
    return body.backward(input_grad);
  }

  Body body;
  HeadA a;
  HeadB b;
};

}  // namespace ctnet
