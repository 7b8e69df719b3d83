#pragma once
// Shape<D...>: a per-sample tensor shape as a type (batch left out), as in
// Keras's `(None, 26, 26, 64)`. Shapes are types, not values, so that they
// print as `Shape<26, 26, 64>` in a compiler diagnostic.
#include <array>
#include <concepts>
#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>

#include <fmt/format.h>

namespace ctnet {

/// A per-sample shape, channels last: `Shape<H, W, C>` or `Shape<N>`.
template <std::size_t... D>
struct Shape {
  static constexpr std::size_t rank = sizeof...(D);
  static constexpr std::array<std::size_t, sizeof...(D)> dims{D...};
  /// Number of elements of one sample.
  static constexpr std::size_t size = (std::size_t{1} * ... * D);

  /// Keras's rendering with the batch axis: `(None, 26, 26, 64)`.
  static std::string keras() {
    std::string s = "(None";
    ((s += fmt::format(", {}", D)), ...);
    return s + ")";
  }
};

/// Keras's padding modes for convolutions and pooling.
enum class Padding { valid, same };

/// A size per spatial axis, rows then columns: Keras's `kernel_size=(1, 7)` is
/// `Hw{1, 7}`, `strides=(2, 1)` is `Hw{2, 1}`. Where a layer takes a kernel, a
/// window or a stride, a whole number means the same on both axes, so
/// `Conv2D<64, 3>` stays as it is written in Keras.
struct Hw {
  std::size_t h, w;
  constexpr bool square() const { return h == w; }
};

namespace detail {
template <auto V>
consteval bool positive_window() {
  if constexpr (std::integral<std::remove_cvref_t<decltype(V)>>)
    return V > 0;
  else if constexpr (std::same_as<std::remove_cvref_t<decltype(V)>, Hw>)
    return V.h > 0 && V.w > 0;
  else
    return false;
}
}  // namespace detail

/// A window argument: a positive whole number or an `Hw` of positive sizes.
template <auto V>
concept WindowArg = detail::positive_window<V>();

/// A window argument as an `Hw` (a number n is Hw{n, n}).
template <auto V>
  requires WindowArg<V>
inline constexpr Hw as_hw = [] {
  if constexpr (std::same_as<std::remove_cvref_t<decltype(V)>, Hw>)
    return V;
  else
    return Hw{static_cast<std::size_t>(V), static_cast<std::size_t>(V)};
}();

/// A window as a layer's name shows it: "3" when square, "Hw{1, 7}" otherwise.
inline std::string window_name(Hw v) {
  return v.square() ? fmt::format("{}", v.h) : fmt::format("Hw{{{}, {}}}", v.h, v.w);
}

/// True for any `Shape<...>`.
template <class T>
inline constexpr bool is_shape = false;
template <std::size_t... D>
inline constexpr bool is_shape<Shape<D...>> = true;

/// Height, width and channels of a rank-3 shape.
template <class S>
  requires(S::rank == 3)
struct Spatial {
  static constexpr std::size_t h = S::dims[0], w = S::dims[1], c = S::dims[2];
};

/// Keras's output length of a convolution or pooling window along one axis.
/// valid: floor((n - k) / s) + 1; same: ceil(n / s).
constexpr std::size_t conv_out(std::size_t n, std::size_t k, std::size_t s, bool same) {
  return same ? (n + s - 1) / s : (n - k) / s + 1;
}

/// Padding before the first element along one axis for `same` (TensorFlow's
/// rule: the odd pixel of padding goes after).
constexpr std::size_t pad_before(std::size_t n, std::size_t k, std::size_t s, bool same) {
  if (!same) return 0;
  const std::size_t out = conv_out(n, k, s, true);
  const std::size_t needed = (out - 1) * s + k;
  return needed > n ? (needed - n) / 2 : 0;
}

}  // namespace ctnet

/// A padding mode prints as Keras names it: fmt::format("{}", Padding::same) is "same".
template <>
struct fmt::formatter<ctnet::Padding> : fmt::formatter<std::string_view> {
  auto format(ctnet::Padding p, fmt::format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(p == ctnet::Padding::same ? "same" : "valid", ctx);
  }
};
