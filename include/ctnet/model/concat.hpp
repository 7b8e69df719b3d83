#pragma once
// Two inputs, each through its own branch, concatenated along the last axis
// (channels) and fed to a trunk: the conditional GAN's networks. Keras:
// `Concatenate()([branch_a(x), branch_b(label)])` then the trunk's layers.
#include <algorithm>
#include <cstddef>
#include <span>
#include <utility>
#include <vector>

#include <ctnet/core/diagnostics.hpp>
#include <ctnet/core/layer.hpp>
#include <ctnet/core/rng.hpp>
#include <ctnet/core/shape.hpp>
#include <ctnet/core/type_list.hpp>
#include <ctnet/layers/input.hpp>
#include <ctnet/layers/reshape.hpp>
#include <ctnet/model/composite.hpp>
#include <ctnet/model/sequential.hpp>
#include <ctnet/model/two_heads.hpp>

namespace ctnet {

namespace pairing {
/// Concatenated along the last axis, the inputs must agree in every other one.
struct concatenated_inputs_agree_but_in_channels {};
/// The trunk reads the concatenation.
struct trunk_input_is_concatenation {};
}  // namespace pairing

namespace detail {
/// The leading (spatial) dimensions of a shape: Shape<28, 28, 1> -> Shape<28, 28>.
template <class S, class Seq = std::make_index_sequence<S::rank - 1>>
struct leading_dims;
template <class S, std::size_t... I>
struct leading_dims<S, std::index_sequence<I...>> {
  using type = Shape<S::dims[I]...>;
};
/// Shape<d..., a> and Shape<d..., b> -> Shape<d..., a + b> (the left's leading dims).
template <class A, class B, class Seq = std::make_index_sequence<A::rank - 1>>
struct concat_shape;
template <class A, class B, std::size_t... I>
struct concat_shape<A, B, std::index_sequence<I...>> {
  using type = Shape<A::dims[I]..., A::dims[A::rank - 1] + B::dims[B::rank - 1]>;
};
template <class BranchA, class BranchB>
using concat_branch_check =
    shape_pairing_t<pairing::concatenated_inputs_agree_but_in_channels,
                    typename leading_dims<typename BranchA::output_shape>::type,
                    typename leading_dims<typename BranchB::output_shape>::type>;
}  // namespace detail

/// A branch that passes its input on unchanged (a Sequential of one view layer).
template <std::size_t... D>
using Through = Sequential<Input<D...>, Reshape<D...>>;

/// Inputs x (through BranchA) and y (through BranchB), concatenated along the
/// last axis, then Trunk. The branches' outputs must agree in every axis but
/// the last (Shape<28, 28, 1> and Shape<28, 28, 1> make Shape<28, 28, 2>;
/// Shape<100> and Shape<10> make Shape<110>), or the type is a compile error
/// naming both shapes; so is a trunk whose input is not the concatenation.
template <Network BranchA, Network BranchB, Network Trunk>
class Concat
    : public Composite<Concat<BranchA, BranchB, Trunk>, BranchA, BranchB, Trunk>,
      detail::check_slot<0, detail::then_check_t<
                                detail::concat_branch_check<BranchA, BranchB>,
                                detail::shape_pairing_t<
                                    pairing::trunk_input_is_concatenation,
                                    typename detail::concat_shape<typename BranchA::output_shape,
                                                                  typename BranchB::output_shape>::type,
                                    typename Trunk::input_shape>>> {
  using A = typename BranchA::output_shape;
  using B = typename BranchB::output_shape;
  static constexpr std::size_t ca = A::dims[A::rank - 1], cb = B::dims[B::rank - 1];
  static constexpr std::size_t positions = A::size / ca;

 public:
  using branch_a_type = BranchA;
  using branch_b_type = BranchB;
  using trunk_type = Trunk;
  using input_shape = typename BranchA::input_shape;        ///< the first input (x)
  using condition_shape = typename BranchB::input_shape;    ///< the second input (y)
  using output_shape = typename Trunk::output_shape;
  static constexpr std::size_t depth = Trunk::depth;
  template <std::size_t I>
  using spec_at = typename Trunk::template spec_at<I>;
  static constexpr const char* part_names[] = {"branch_a", "branch_b", "trunk"};
  template <class F>
  void visit_parts(F&& f) {
    f(part_names[0], a);
    f(part_names[1], b);
    f(part_names[2], trunk);
  }
  void reserve(std::size_t batch) {
    this->reserve_parts(batch);
    if (joined_.size() < batch * (A::size + B::size)) joined_.resize(batch * (A::size + B::size));
  }

  /// Forward over n samples: x holds n inputs of BranchA, y n of BranchB.
  std::span<const float> forward(std::span<const float> x, std::span<const float> y, std::size_t n,
                                 bool training = false) {
    reserve(n);
    const auto ya = a.forward(x, n, training);
    const auto yb = b.forward(y, n, training);
    float* out = joined_.data();
    for (std::size_t p = 0; p < n * positions; ++p) {
      out = std::copy_n(ya.data() + p * ca, ca, out);
      out = std::copy_n(yb.data() + p * cb, cb, out);
    }
    return trunk.forward({joined_.data(), n * (A::size + B::size)}, n, training);
  }
  std::span<const float> output() const { return trunk.output(); }
  std::span<float> output_grad() { return trunk.output_grad(); }

  /// Backward for the last forward (Skip as Sequential's, applied to the
  /// trunk). Returns dL/dx (BranchA's input) when `input_grad` is set; the
  /// second input gets no gradient (it is a condition, not a variable).
  template <std::size_t Skip = 0>
  std::span<const float> backward(bool input_grad = false) {
    const auto g = trunk.template backward<Skip>(true);
    auto ga = a.output_grad();
    auto gb = b.output_grad();
    const std::size_t n = ga.size() / A::size;
    const float* in = g.data();
    for (std::size_t p = 0; p < n * positions; ++p) {
      std::copy_n(in, ca, ga.data() + p * ca);
      std::copy_n(in + ca, cb, gb.data() + p * cb);
      in += ca + cb;
    }
    b.backward(false);
    return a.backward(input_grad);
  }


  BranchA a;
  BranchB b;
  Trunk trunk;

 private:
  std::vector<float> joined_;
};

/// Whether a network takes a second, conditioning input (a `Concat`).
template <class Net>
concept Conditional = requires { typename Net::condition_shape; };

}  // namespace ctnet
