#pragma once
// What a loss is. A loss type (`CategoricalCrossEntropy`, `MeanSquaredError`,
// ...) scores a network's outputs against targets (class labels or tensors of
// the output's shape) and writes the gradient the network's backward pass
// starts from. A loss that fuses with the network's final activation (cross-
// entropy after Softmax, binary cross-entropy after Sigmoid) writes the
// gradient at the activation's input and the activation's backward is left
// out; `backprop` knows which, so no caller ever counts layers to skip.
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>

namespace ctnet {

/// The spec of a network's last layer.
template <class Net>
using last_spec = typename Net::template spec_at<Net::depth - 1>;

/// What a loss takes as targets: one class label per sample, or a tensor of
/// the output's shape per sample.
template <class Loss>
inline constexpr bool takes_labels = std::is_same_v<typename Loss::target, std::uint8_t>;

/// A loss: a name, a target type, which final activations it fuses with and
/// accepts, and `value(y, targets, n, k, dy)`: the mean loss of n rows of k
/// outputs, writing its gradient (at the fused activation's input when `Fused`).
template <class L>
concept Loss = requires(std::span<const float> y, std::span<const typename L::target> t,
                        std::span<float> dy) {
  { L::name } -> std::convertible_to<std::string_view>;
  { L::template fuses<void> } -> std::convertible_to<bool>;
  { L::template accepts<void> } -> std::convertible_to<bool>;
  { L::template value<false>(y, t, std::size_t{}, std::size_t{}, dy) } -> std::same_as<double>;
};

/// Number of final layers whose gradient `L` already gives for `Net`.
template <class L, class Net>
inline constexpr std::size_t fused_layers = L::template fuses<last_spec<Net>> ? 1 : 0;

/// A loss and, when asked, the gradient at the network's input.
struct Backprop {
  double loss = 0.0;
  std::span<const float> input_grad;  ///< empty unless asked for
};

/// The loss of `net`'s last forward pass against `targets` (n samples), its
/// gradient written and propagated back through `net` (parameter gradients
/// accumulate). With `input_grad`, also returns dL/d(input). A loss that
/// cannot follow the network's last layer (cross-entropy after a Sigmoid) is
/// a compile error naming both.
template <Loss L, class Net>
Backprop backprop(Net& net, const L&, std::span<const typename L::target> targets,
                  bool input_grad = false) {
  static_assert(L::template accepts<last_spec<Net>>,
                "this loss cannot follow the network's last layer: end the network with the "
                "activation the loss expects (Softmax for CategoricalCrossEntropy, Sigmoid or "
                "raw logits for BinaryCrossEntropy)");
  constexpr std::size_t skip = fused_layers<L, Net>;
  constexpr std::size_t k = Net::output_shape::size;
  const auto y = net.output();
  const std::size_t n = y.size() / k;
  Backprop r;
  r.loss = L::template value<skip == 1>(y, targets, n, k, net.output_grad());
  r.input_grad = net.template backward<skip>(input_grad);
  return r;
}

/// The loss of `net`'s last forward pass, no gradient (evaluation).
template <Loss L, class Net>
double loss_of(Net& net, const L&, std::span<const typename L::target> targets,
               std::span<float> scratch) {
  constexpr std::size_t k = Net::output_shape::size;
  const auto y = net.output();
  return L::template value<fused_layers<L, Net> == 1>(y, targets, y.size() / k, k, scratch);
}

}  // namespace ctnet
