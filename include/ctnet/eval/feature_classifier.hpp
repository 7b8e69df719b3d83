#pragma once
// A trained classifier cut in two: its first K layers (the feature
// extractor, whose outputs the Frechet distance compares) and the rest (the
// head, which turns features into class probabilities). One pass through
// both gives features and probabilities without running the body twice.
#include <algorithm>
#include <cstddef>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <ctnet/core/error.hpp>
#include <ctnet/core/layer.hpp>
#include <ctnet/core/rng.hpp>
#include <ctnet/core/type_list.hpp>
#include <ctnet/store/checkpoint.hpp>
#include <ctnet/model/sequential.hpp>
#include <ctnet/model/two_heads.hpp>

namespace ctnet {

namespace detail {

template <class Net, std::size_t K, class Front, class Back>
struct split_sequential;
template <class In, class... Ls, std::size_t K, std::size_t... F, std::size_t... B>
struct split_sequential<Sequential<In, Ls...>, K, std::index_sequence<F...>, std::index_sequence<B...>> {
  using front = Sequential<In, nth_type<F, Ls...>...>;
  using back = Head<front, nth_type<K + B, Ls...>...>;
};

}  // namespace detail

/// `Net` (a Sequential) as its first K layers, `Body`, followed by the
/// others, `Rest` (a Sequential whose Input is Body's output shape: a Head on
/// Body, as in model/two_heads.hpp). Both hold copies of a trained Net's
/// parameters; their layers are the same specs bound to the same shapes, so
/// the parameters line up one to one. `run` gives Body's outputs, the
/// features (for LeNet with K = depth - 2, the 84 activations before the
/// last Dense), and Net's outputs, the class probabilities.
template <class Net, std::size_t K = Net::depth - 2>
class FeatureClassifier {
  static_assert(K > 0 && K < Net::depth, "FeatureClassifier: K must leave layers on both sides");
  using split = detail::split_sequential<Net, K, std::make_index_sequence<K>,
                                         std::make_index_sequence<Net::depth - K>>;

 public:
  using Body = typename split::front;
  using Rest = typename split::back;
  static constexpr std::size_t input_size = Net::input_shape::size;
  static constexpr std::size_t feature_size = Body::output_shape::size;
  static constexpr std::size_t classes = Net::output_shape::size;

  /// Copies the parameters of a trained `net`.
  explicit FeatureClassifier(Net& net) {
    std::vector<std::span<float>> source;
    net.visit_params([&](const ParamRef& p) { source.push_back(p.value); });
    std::size_t next = 0;
    const auto take = [&](const ParamRef& p) {
      if (next >= source.size() || source[next].size() != p.value.size())
        fail("FeatureClassifier: the parts' parameters do not line up with the model's");
      std::copy(source[next].begin(), source[next].end(), p.value.begin());
      ++next;
    };
    body_.visit_params(take);
    rest_.visit_params(take);
    if (next != source.size())
      fail("FeatureClassifier: the parts' parameters do not line up with the model's");
  }

  /// Loads Net from the checkpoint's model `prefix` (an error names both
  /// architectures when the checkpoint holds another model).
  static FeatureClassifier load(const std::string& checkpoint, const std::string& prefix = "model") {
    Net net;
    CheckpointReader(checkpoint).load_model(prefix, net);
    return FeatureClassifier(net);
  }

  /// Runs n inputs (n x input_size floats) in inference mode, in batches of
  /// `batch`; writes n x feature_size features and n x classes
  /// probabilities (either span may be empty to skip it).
  void run(std::span<const float> x, std::size_t n, std::span<float> features,
           std::span<float> probabilities, std::size_t batch = 500) {
    if (x.size() != n * input_size)
      fail("FeatureClassifier: {} values are not {} inputs of {}", x.size(), n, input_size);
    if ((!features.empty() && features.size() != n * feature_size) ||
        (!probabilities.empty() && probabilities.size() != n * classes))
      fail("FeatureClassifier: output buffers of the wrong size");
    batch = std::max<std::size_t>(batch, 1);
    for (std::size_t first = 0; first < n; first += batch) {
      const std::size_t m = std::min(batch, n - first);
      const auto f = body_.forward(x.subspan(first * input_size, m * input_size), m, false);
      if (!features.empty()) std::copy(f.begin(), f.end(), features.begin() + static_cast<std::ptrdiff_t>(first * feature_size));
      if (probabilities.empty()) continue;
      const auto p = rest_.forward(f, m, false);
      std::copy(p.begin(), p.end(), probabilities.begin() + static_cast<std::ptrdiff_t>(first * classes));
    }
  }

  Body& body() { return body_; }
  Rest& rest() { return rest_; }

 private:
  Body body_;
  Rest rest_;
};

}  // namespace ctnet
