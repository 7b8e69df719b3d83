#pragma once
// Scores computed from a classifier's softmax outputs on generated samples:
// the share assigned their conditioning label (report 3's "inception score"),
// the Inception Score of Salimans et al. (2016), predicted class counts and a
// confusion matrix.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <ctnet/core/error.hpp>

namespace ctnet {

namespace detail {

inline void check_probs(const char* what, std::span<const float> probs, std::size_t classes) {
  if (classes == 0 || probs.size() % classes != 0)
    fail("{}: {} probabilities are not rows of {} classes", what, probs.size(), classes);
}

inline void check_labels(const char* what, std::size_t rows, std::span<const std::uint8_t> labels,
                         std::size_t classes) {
  if (labels.size() != rows)
    fail("{}: {} samples but {} labels", what, rows, labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (labels[i] >= classes)
      fail("{}: label {} of sample {} is not below {}", what, labels[i], i, classes);
}

}  // namespace detail

/// The predicted class of each row of `probs` (n x classes): its arg-max,
/// the first one on ties.
inline std::vector<std::size_t> predicted_classes(std::span<const float> probs, std::size_t classes) {
  detail::check_probs("predicted_classes", probs, classes);
  std::vector<std::size_t> out(probs.size() / classes);
  for (std::size_t r = 0; r < out.size(); ++r) {
    const float* p = probs.data() + r * classes;
    out[r] = static_cast<std::size_t>(std::max_element(p, p + classes) - p);
  }
  return out;
}

/// How many rows of `probs` the classifier assigns to each class.
inline std::vector<std::size_t> predicted_class_counts(std::span<const float> probs,
                                                       std::size_t classes) {
  std::vector<std::size_t> counts(classes, 0);
  for (std::size_t c : predicted_classes(probs, classes)) ++counts[c];
  return counts;
}

/// The share of samples whose predicted class is their label: for samples of
/// a class-conditional generator, how often the classifier agrees with the
/// conditioning label (what report 3 calls the "inception score").
inline double label_accuracy(std::span<const float> probs, std::size_t classes,
                             std::span<const std::uint8_t> labels) {
  const auto pred = predicted_classes(probs, classes);
  detail::check_labels("label_accuracy", pred.size(), labels, classes);
  if (pred.empty()) return 0.0;
  std::size_t right = 0;
  for (std::size_t i = 0; i < pred.size(); ++i) right += pred[i] == labels[i];
  return static_cast<double>(right) / static_cast<double>(pred.size());
}

/// A classes x classes matrix of counts, row-major: entry (t, p) counts the
/// samples labelled t that the classifier assigns to p (rows true label,
/// columns prediction, as report 3's figure 8).
inline std::vector<std::size_t> confusion_matrix(std::span<const float> probs, std::size_t classes,
                                                 std::span<const std::uint8_t> labels) {
  const auto pred = predicted_classes(probs, classes);
  detail::check_labels("confusion_matrix", pred.size(), labels, classes);
  std::vector<std::size_t> m(classes * classes, 0);
  for (std::size_t i = 0; i < pred.size(); ++i) ++m[labels[i] * classes + pred[i]];
  return m;
}

/// The Inception Score exp(E_x KL(p(y|x) || p(y))), with p(y) the mean of the
/// rows and the expectation over all rows (one split; Salimans et al.
/// average 10 splits of 5,000). It lies in [1, classes]: 1 when every sample
/// gets the same distribution, `classes` when each gets a one-hot
/// prediction and the classes are used equally often. Terms with p = 0
/// count 0.
inline double inception_score(std::span<const float> probs, std::size_t classes) {
  detail::check_probs("inception_score", probs, classes);
  const std::size_t n = probs.size() / classes;
  if (n == 0) return 1.0;
  std::vector<double> marginal(classes, 0.0);
  for (std::size_t r = 0; r < n; ++r)
    for (std::size_t c = 0; c < classes; ++c) marginal[c] += probs[r * classes + c];
  for (double& m : marginal) m /= static_cast<double>(n);
  double kl_sum = 0.0;
  for (std::size_t r = 0; r < n; ++r)
    for (std::size_t c = 0; c < classes; ++c) {
      const double p = probs[r * classes + c];
      if (p > 0.0) kl_sum += p * (std::log(p) - std::log(marginal[c]));
    }
  return std::exp(kl_sum / static_cast<double>(n));
}

}  // namespace ctnet
