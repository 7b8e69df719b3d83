#pragma once
// Everything evaluate_samples reports about a set of generated images, from
// one trained classifier and one reference set (the MNIST test set): the
// share of conditional samples given their label, the Inception Score, the
// Frechet distance to the reference in the classifier's features, the
// predicted class counts, the confusion matrix, and the test error on the
// reference of a 1-nearest-neighbour classifier fitted on the samples.
#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <ctnet/core/error.hpp>
#include <ctnet/data/dataset.hpp>
#include <ctnet/eval/feature_classifier.hpp>
#include <ctnet/eval/frechet.hpp>
#include <ctnet/eval/moments.hpp>
#include <ctnet/eval/nearest_neighbour.hpp>
#include <ctnet/eval/scores.hpp>

namespace ctnet {

/// The scores of one sample set. The label-dependent ones are set only for
/// labelled samples.
struct SampleScores {
  std::size_t samples = 0, classes = 0;
  std::optional<double> label_accuracy;  ///< share predicted as their label
  double inception_score = 0.0;
  double frechet_distance = 0.0;         ///< to the reference, in classifier features
  std::optional<double> nn_test_error;   ///< 1-NN fitted on the samples, on the reference
  std::vector<std::size_t> predicted_class_counts;
  std::vector<std::size_t> confusion;    ///< classes x classes, rows true label; labelled only
};

namespace detail {

/// `j` on one line with the separators of Python's json.dumps (", " and
/// ": "). nlohmann writes the keys and integers; a float is written with 6
/// significant digits ({:.6g}, always a valid JSON number when finite), and
/// NaN or an infinity as null, as nlohmann's dump() writes them.
inline void json_line(const nlohmann::ordered_json& j, std::string& out) {
  const char* sep = "";
  if (j.is_object()) {
    out += '{';
    for (const auto& [key, value] : j.items()) {
      out += sep;
      out += nlohmann::json(key).dump();
      out += ": ";
      json_line(value, out);
      sep = ", ";
    }
    out += '}';
  } else if (j.is_array()) {
    out += '[';
    for (const auto& value : j) {
      out += sep;
      json_line(value, out);
      sep = ", ";
    }
    out += ']';
  } else if (j.is_number_float()) {
    const double v = j.get<double>();
    out += std::isfinite(v) ? fmt::format("{:.6g}", v) : "null";
  } else {
    out += j.dump();
  }
}

}  // namespace detail

/// The scores as one JSON object on one line (keys in the order of
/// SampleScores; absent optional scores are left out; a NaN or infinite
/// score is null).
inline std::string to_json(const SampleScores& s) {
  nlohmann::ordered_json j;
  j["samples"] = s.samples;
  if (s.label_accuracy) j["label_accuracy"] = *s.label_accuracy;
  j["inception_score"] = s.inception_score;
  j["frechet_distance"] = s.frechet_distance;
  if (s.nn_test_error) j["nn_test_error"] = *s.nn_test_error;
  j["predicted_class_counts"] = s.predicted_class_counts;
  std::string out;
  detail::json_line(j, out);
  return out;
}

/// Scores sample sets with a trained classifier (Net split after its first K
/// layers: the features) against a labelled reference set, whose feature
/// moments are computed once.
template <class Net, std::size_t K = Net::depth - 2>
class SampleScorer {
 public:
  using Classifier = FeatureClassifier<Net, K>;
  static constexpr std::size_t classes = Classifier::classes;

  SampleScorer(Classifier classifier, Dataset reference)
      : classifier_(std::move(classifier)), reference_(std::move(reference)) {
    check_size(reference_, "the reference set");
    std::vector<float> features(reference_.count * Classifier::feature_size);
    classifier_.run(reference_.images, reference_.count, features, {});
    reference_moments_ = moments(features, reference_.count, Classifier::feature_size);
  }

  /// Scores `samples`; the 1-NN error only when `nearest_neighbour` is set
  /// (it is the costly part: samples x reference distances). Throws
  /// ctnet::Error for images of another size, fewer than 2 samples or labels
  /// outside the classes.
  SampleScores score(const Dataset& samples, bool nearest_neighbour = true) {
    check_size(samples, "the samples");
    if (samples.count < 2)
      fail("scoring needs at least 2 samples, got {}", samples.count);
    const std::size_t n = samples.count;
    std::vector<float> features(n * Classifier::feature_size), probs(n * classes);
    classifier_.run(samples.images, n, features, probs);
    SampleScores s;
    s.samples = n;
    s.classes = classes;
    s.inception_score = inception_score(probs, classes);
    s.frechet_distance =
        frechet_distance(moments(features, n, Classifier::feature_size), reference_moments_);
    s.predicted_class_counts = predicted_class_counts(probs, classes);
    if (!samples.labels.empty()) {
      s.label_accuracy = label_accuracy(probs, classes, samples.labels);
      s.confusion = confusion_matrix(probs, classes, samples.labels);
      if (nearest_neighbour && !reference_.labels.empty())
        s.nn_test_error = nearest_neighbour_error(samples.images, samples.labels, reference_.images,
                                                  reference_.labels, samples.sample_size());
    }
    return s;
  }

  const Moments& reference_moments() const { return reference_moments_; }

 private:
  static void check_size(const Dataset& d, const char* what) {
    if (d.sample_size() != Classifier::input_size || d.images.size() != d.count * d.sample_size())
      fail("{} hold images of {}x{}x{}, the classifier takes {} values", what, d.height, d.width, d.channels,
           Classifier::input_size);
  }

  Classifier classifier_;
  Dataset reference_;
  Moments reference_moments_;
};

}  // namespace ctnet
