// eval/: classifier-based scores, the Frechet distance, the 1-NN error, the
// per-class PCA, the classifier split into features and head, sample files.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <string>
#include <type_traits>
#include <vector>

#include "ctnet/core/lapack.hpp"
#include "ctnet/core/rng.hpp"
#include "ctnet/data/samples.hpp"
#include "ctnet/eval/feature_classifier.hpp"
#include "ctnet/eval/frechet.hpp"
#include "ctnet/eval/moments.hpp"
#include "ctnet/eval/nearest_neighbour.hpp"
#include "ctnet/eval/pca.hpp"
#include "ctnet/eval/sample_scores.hpp"
#include "ctnet/eval/scores.hpp"
#include "ctnet/store/checkpoint.hpp"
#include "ctnet/layers/dense.hpp"
#include "ctnet/layers/relu.hpp"
#include "ctnet/layers/softmax.hpp"
#include "ctnet/zoo/report3_lenet.hpp"
#include "temp_dir.hpp"

using namespace ctnet;
using ctnet::test::TempDir;

namespace {

// n one-hot rows of `classes`, row i at class i % classes.
std::vector<float> one_hot_rows(std::size_t n, std::size_t classes) {
  std::vector<float> p(n * classes, 0.0f);
  for (std::size_t i = 0; i < n; ++i) p[i * classes + i % classes] = 1.0f;
  return p;
}

// n rows of d values ~ N(mean, stddev) each.
std::vector<float> normal_rows(std::size_t n, std::size_t d, float mean, float stddev, Rng& rng) {
  std::vector<float> x(n * d);
  for (float& v : x) v = rng.normal(mean, stddev);
  return x;
}

Moments gaussian(std::vector<double> mean, std::vector<double> cov) {
  Moments m;
  m.dim = mean.size();
  m.count = 0;
  m.mean = std::move(mean);
  m.cov = std::move(cov);
  return m;
}


}  // namespace

TEST_CASE("label accuracy, predicted counts and the confusion matrix count arg-maxes") {
  // Rows predict 0, 1, 1, 2; labels 0, 1, 2, 2.
  const std::vector<float> p = {0.8f, 0.1f, 0.1f,  0.2f, 0.7f, 0.1f,
                                0.3f, 0.4f, 0.3f,  0.0f, 0.1f, 0.9f};
  const std::vector<std::uint8_t> labels = {0, 1, 2, 2};
  CHECK(label_accuracy(p, 3, labels) == doctest::Approx(0.75));
  CHECK(predicted_class_counts(p, 3) == std::vector<std::size_t>{1, 2, 1});
  CHECK(confusion_matrix(p, 3, labels) == std::vector<std::size_t>{1, 0, 0,  0, 1, 0,  0, 1, 1});
  const std::vector<std::uint8_t> bad = {0, 1, 3, 2};
  CHECK_THROWS_WITH_AS(label_accuracy(p, 3, bad), doctest::Contains("label 3 of sample 2"), Error);
  CHECK_THROWS_AS(label_accuracy(p, 3, std::vector<std::uint8_t>{0, 1}), Error);
}

TEST_CASE("the Inception Score is 10 for uniform one-hot predictions and 1 for identical ones") {
  CHECK(inception_score(one_hot_rows(1000, 10), 10) == doctest::Approx(10.0).epsilon(1e-9));
  std::vector<float> same(500 * 10);
  for (std::size_t i = 0; i < same.size(); ++i) same[i] = 0.05f + 0.01f * static_cast<float>(i % 10);
  CHECK(inception_score(same, 10) == doctest::Approx(1.0).epsilon(1e-6));
  // Two rows, two classes: p = (1, 0) and (0.5, 0.5), p(y) = (0.75, 0.25).
  const std::vector<float> p = {1.0f, 0.0f, 0.5f, 0.5f};
  const double kl1 = std::log(1.0 / 0.75);
  const double kl2 = 0.5 * std::log(0.5 / 0.75) + 0.5 * std::log(0.5 / 0.25);
  CHECK(inception_score(p, 2) == doctest::Approx(std::exp((kl1 + kl2) / 2)).epsilon(1e-6));
  // One-hot predictions using 5 of 10 classes equally: 5.
  std::vector<float> five(100 * 10, 0.0f);
  for (std::size_t i = 0; i < 100; ++i) five[i * 10 + 2 * (i % 5)] = 1.0f;
  CHECK(inception_score(five, 10) == doctest::Approx(5.0).epsilon(1e-9));
}

TEST_CASE("moments: the mean and the unbiased covariance") {
  // Rows (1, 2), (3, 6), (5, 4): mean (3, 4); cov [[4, 2], [2, 4]].
  const std::vector<float> x = {1, 2, 3, 6, 5, 4};
  const Moments m = moments(x, 3, 2);
  CHECK(m.mean[0] == doctest::Approx(3.0));
  CHECK(m.mean[1] == doctest::Approx(4.0));
  CHECK(m.cov == std::vector<double>{4.0, 2.0, 2.0, 4.0});
  CHECK_THROWS_AS(moments(std::vector<float>{1, 2}, 1, 2), Error);
  // Many rows (several blocks) agree with a direct sum.
  Rng rng(5);
  const std::size_t n = 3000, d = 700;
  const auto big = normal_rows(n, d, 0.5f, 0.2f, rng);
  const Moments b = moments(big, n, d);
  for (std::size_t j : {std::size_t{0}, std::size_t{345}, d - 1}) {
    double mean = 0.0, var = 0.0, co = 0.0;
    for (std::size_t r = 0; r < n; ++r) mean += big[r * d + j];
    mean /= n;
    double mean0 = 0.0;
    for (std::size_t r = 0; r < n; ++r) mean0 += big[r * d];
    mean0 /= n;
    for (std::size_t r = 0; r < n; ++r) {
      var += (big[r * d + j] - mean) * (big[r * d + j] - mean);
      co += (big[r * d + j] - mean) * (big[r * d] - mean0);
    }
    CHECK(b.mean[j] == doctest::Approx(mean).epsilon(1e-9));
    CHECK(b.cov[j * d + j] == doctest::Approx(var / (n - 1)).epsilon(1e-9));
    CHECK(b.cov[j * d] == doctest::Approx(co / (n - 1)).epsilon(1e-9));
  }
}

TEST_CASE("symmetric_eigen gives descending eigenvalues and unit eigenvectors as rows") {
  // [[2, 1], [1, 2]]: 3 along (1, 1)/√2, 1 along (1, -1)/√2.
  std::vector<double> a = {2, 1, 1, 2};
  const auto w = lapack::symmetric_eigen(2, a);
  CHECK(w[0] == doctest::Approx(3.0));
  CHECK(w[1] == doctest::Approx(1.0));
  CHECK(std::abs(a[0]) == doctest::Approx(1 / std::numbers::sqrt2));
  CHECK(a[0] * a[1] > 0);  // (1, 1) direction
  CHECK(a[2] * a[3] < 0);  // (1, -1) direction
  // A random symmetric 50 x 50 matrix: A v = λ v for every pair.
  Rng rng(9);
  const std::size_t n = 50;
  std::vector<double> m(n * n);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j <= i; ++j) m[i * n + j] = m[j * n + i] = rng.normal();
  std::vector<double> v = m;
  const auto values = lapack::symmetric_eigen(n, v);
  CHECK(std::is_sorted(values.rbegin(), values.rend()));
  for (std::size_t k = 0; k < n; k += 7) {
    double norm = 0.0, residual = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      double av = 0.0;
      for (std::size_t j = 0; j < n; ++j) av += m[i * n + j] * v[k * n + j];
      residual = std::max(residual, std::abs(av - values[k] * v[k * n + i]));
      norm += v[k * n + i] * v[k * n + i];
    }
    CHECK(norm == doctest::Approx(1.0));
    CHECK(residual < 1e-10);
  }
}

TEST_CASE("Frechet distance: 0 for a set with itself, closed forms for known Gaussians") {
  Rng rng(1);
  const std::size_t n = 2000, d = 20;
  const auto x = normal_rows(n, d, 0.3f, 1.0f, rng);
  CHECK(frechet_distance(x, n, x, n, d) == doctest::Approx(0.0).epsilon(1e-9));

  // Diagonal (commuting) covariances: |Δμ|² + Σ (√a - √b)².
  const Moments a = gaussian({0, 0, 0}, {4, 0, 0,  0, 1, 0,  0, 0, 9});
  const Moments b = gaussian({1, 2, 0}, {1, 0, 0,  0, 1, 0,  0, 0, 16});
  CHECK(frechet_distance(a, b) == doctest::Approx(5.0 + 1.0 + 0.0 + 1.0));
  CHECK(frechet_distance(b, a) == doctest::Approx(7.0));

  // Non-commuting 2 x 2 covariances: Tr (C1^½ C2 C1^½)^½ = √(Tr(C1 C2) + 2 √(det C1 det C2)),
  // because a 2 x 2 positive matrix M has Tr √M = √(Tr M + 2 √det M).
  const Moments c = gaussian({1, -1}, {2, 1, 1, 2});
  const Moments e = gaussian({0, 0}, {1, 0, 0, 3});
  const double tr_c1c2 = 2 * 1 + 2 * 3, det = 3.0 * 3.0;
  const double expected = 2.0 + (4.0 + 4.0) - 2.0 * std::sqrt(tr_c1c2 + 2.0 * std::sqrt(det));
  CHECK(frechet_distance(c, e) == doctest::Approx(expected).epsilon(1e-9));
  CHECK(frechet_distance(e, c) == doctest::Approx(expected).epsilon(1e-9));

  // Samples of N(0, I) and N(m, 4I) approach |m|² + d (2 - 1)².
  const auto y = normal_rows(20000, 4, 0.0f, 1.0f, rng);
  const auto z = normal_rows(20000, 4, 0.5f, 2.0f, rng);
  CHECK(frechet_distance(y, 20000, z, 20000, 4) == doctest::Approx(4 * 0.25 + 4 * 1.0).epsilon(0.05));
  CHECK_THROWS_AS(frechet_distance(a, c), Error);
}

TEST_CASE("1-NN error: 0 on separable data, hand-computed on a toy case, blocks change nothing") {
  // Two well separated clusters in 3-D.
  Rng rng(2);
  std::vector<float> train, test;
  std::vector<std::uint8_t> train_labels, test_labels;
  for (std::size_t i = 0; i < 200; ++i) {
    const std::uint8_t label = static_cast<std::uint8_t>(i % 2);
    for (int j = 0; j < 3; ++j) {
      train.push_back(10.0f * label + rng.normal(0.0f, 0.5f));
      test.push_back(10.0f * label + rng.normal(0.0f, 0.5f));
    }
    train_labels.push_back(label);
    test_labels.push_back(label);
  }
  CHECK(nearest_neighbour_error(train, train_labels, test, test_labels, 3) == 0.0);

  // 1-D: points 0 (label 0) and 1 (label 1). Tests 0.4/1 (wrong), 0.6/1
  // (right), 2/0 (wrong), -1/0 (right): error 2/4.
  const std::vector<float> p = {0.0f, 1.0f}, q = {0.4f, 0.6f, 2.0f, -1.0f};
  const std::vector<std::uint8_t> pl = {0, 1}, ql = {1, 1, 0, 0};
  CHECK(nearest_neighbour_error(p, pl, q, ql, 1) == doctest::Approx(0.5));
  CHECK(nearest_neighbours(p, 2, q, 4, 1) == std::vector<std::size_t>{0, 1, 1, 0});

  // Random data across many small blocks agrees with brute force.
  const std::size_t np = 301, nq = 157, d = 17;
  const auto pts = normal_rows(np, d, 0.0f, 1.0f, rng);
  const auto qs = normal_rows(nq, d, 0.0f, 1.0f, rng);
  const auto got = nearest_neighbours(pts, np, qs, nq, d, NearestNeighbourBlocks{16, 40});
  for (std::size_t i = 0; i < nq; ++i) {
    std::size_t best = 0;
    double best_d = 1e300;
    for (std::size_t k = 0; k < np; ++k) {
      double s = 0.0;
      for (std::size_t j = 0; j < d; ++j) s += (qs[i * d + j] - pts[k * d + j]) * (qs[i * d + j] - pts[k * d + j]);
      if (s < best_d) best_d = s, best = k;
    }
    CHECK(got[i] == best);
  }
  CHECK_THROWS_AS(nearest_neighbours(pts, np, qs, nq, d + 1), Error);
}

namespace {

// Two classes of 4x4 images around different means, pixels near 0.5 so that
// clamping to [0, 1] hardly ever acts.
Dataset toy_images(std::size_t per_class, Rng& rng) {
  Dataset d;
  d.count = 2 * per_class;
  d.height = d.width = 4;
  d.channels = 1;
  for (std::size_t i = 0; i < d.count; ++i) {
    const std::uint8_t label = static_cast<std::uint8_t>(i % 2);
    for (std::size_t j = 0; j < 16; ++j) {
      const float mean = label == 0 ? 0.3f + 0.02f * j : 0.6f - 0.01f * j;
      d.images.push_back(mean + rng.normal(0.0f, 0.03f + 0.002f * j));
    }
    d.labels.push_back(label);
  }
  return d;
}

}  // namespace

TEST_CASE("per-class PCA: all components reconstruct; samples keep the class means") {
  Rng rng(3);
  const Dataset data = toy_images(300, rng);
  const ClassPca pca = ClassPca::fit(data, 2);
  REQUIRE(pca.dim() == 16);
  for (std::size_t c = 0; c < 2; ++c) {
    const auto var = pca.variances(c);
    CHECK(std::is_sorted(var.rbegin(), var.rend()));
    double dot01 = 0.0, norm0 = 0.0;
    for (std::size_t j = 0; j < 16; ++j) {
      dot01 += pca.component(c, 0)[j] * pca.component(c, 1)[j];
      norm0 += pca.component(c, 0)[j] * pca.component(c, 0)[j];
    }
    CHECK(norm0 == doctest::Approx(1.0).epsilon(1e-5));
    CHECK(std::abs(dot01) < 1e-5);
  }
  std::vector<float> out(16);
  for (std::size_t i : {0, 1, 77, 598}) {
    pca.reconstruct(data.labels[i], 16, data.image(i), out);
    for (std::size_t j = 0; j < 16; ++j) CHECK(out[j] == doctest::Approx(data.image(i)[j]).epsilon(1e-4));
  }
  // With 0 components the reconstruction is the class mean.
  pca.reconstruct(1, 0, data.image(1), out);
  for (std::size_t j = 0; j < 16; ++j) CHECK(out[j] == pca.mean(1)[j]);

  // Samples: per-class means near the class mean, variance along the first
  // component near its eigenvalue, labels in the order 0, 1, 0, 1, ...
  const std::size_t per_class = 4000;
  const Dataset s = pca.generate(16, per_class, 11);
  REQUIRE(s.count == 2 * per_class);
  CHECK(s.labels[0] == 0);
  CHECK(s.labels[1] == 1);
  for (std::size_t c = 0; c < 2; ++c) {
    std::vector<double> mean(16, 0.0);
    double proj2 = 0.0;
    for (std::size_t i = c; i < s.count; i += 2) {
      double z = 0.0;
      for (std::size_t j = 0; j < 16; ++j) {
        mean[j] += s.image(i)[j] / per_class;
        z += (s.image(i)[j] - pca.mean(c)[j]) * pca.component(c, 0)[j];
      }
      proj2 += z * z / per_class;
    }
    for (std::size_t j = 0; j < 16; ++j) CHECK(mean[j] == doctest::Approx(pca.mean(c)[j]).epsilon(0.01));
    CHECK(proj2 == doctest::Approx(pca.variances(c)[0]).epsilon(0.1));
  }
  // One component: every sample lies on the line mean + t v_0.
  const Dataset one = pca.generate(1, 50, 12);
  for (std::size_t i = 0; i < one.count; ++i) {
    pca.reconstruct(one.labels[i], 1, one.image(i), out);
    for (std::size_t j = 0; j < 16; ++j) CHECK(out[j] == doctest::Approx(one.image(i)[j]).epsilon(1e-4));
  }
  CHECK_THROWS_AS(pca.generate(17, 1, 0), Error);
  Dataset unlabelled = data;
  unlabelled.labels.clear();
  CHECK_THROWS_AS(ClassPca::fit(unlabelled, 2), Error);
}

TEST_CASE("FeatureClassifier: body then head equals the whole network") {
  using Net = Sequential<Input<6>, Dense<5>, ReLU, Dense<4>, ReLU, Dense<3>, Softmax>;
  auto net = Net::make(seed{4});
  FeatureClassifier<Net> split(net);
  static_assert(FeatureClassifier<Net>::feature_size == 4);
  static_assert(std::is_same_v<FeatureClassifier<Net>::Rest, Sequential<Input<4>, Dense<3>, Softmax>>);
  Rng rng(6);
  const auto x = normal_rows(7, 6, 0.0f, 1.0f, rng);
  const auto whole = net.forward(x, 7);
  const std::vector<float> expected(whole.begin(), whole.end());
  std::vector<float> features(7 * 4), probs(7 * 3);
  split.run(x, 7, features, probs, 3);  // batches of 3 cross the 7
  for (std::size_t i = 0; i < probs.size(); ++i) CHECK(probs[i] == doctest::Approx(expected[i]));
  for (float f : features) CHECK(f >= 0.0f);  // after ReLU

  // Through a checkpoint; another architecture is refused.
  TempDir dir;
  CheckpointWriter w;
  w.add_model("model", net);
  w.write(dir / "net.safetensors");
  auto loaded = FeatureClassifier<Net>::load(dir / "net.safetensors");
  std::vector<float> probs2(7 * 3);
  loaded.run(x, 7, {}, probs2);
  CHECK(probs2 == probs);
  using Other = Sequential<Input<6>, Dense<5>, ReLU, Dense<3>, Softmax>;
  CHECK_THROWS_WITH_AS(FeatureClassifier<Other>::load(dir / "net.safetensors"),
                       doctest::Contains("checkpoint of another model"), Error);
}

TEST_CASE("sample files round-trip; SampleScorer scores the reference itself as perfect") {
  TempDir dir;
  Rng rng(8);
  Dataset ref;
  ref.count = 60;
  ref.height = ref.width = 28;
  ref.channels = 1;
  for (std::size_t i = 0; i < ref.count; ++i) {
    ref.labels.push_back(static_cast<std::uint8_t>(i % 10));
    for (std::size_t j = 0; j < 784; ++j)
      ref.images.push_back(j % 10 == i % 10 ? 0.8f + 0.2f * rng.uniform() : 0.1f * rng.uniform());
  }
  write_samples(dir / "img", ref.images, ref.count, 28, 28, 1, Scale::unit, dir / "lab", ref.labels);
  const Dataset back = load_samples(dir / "img", dir / "lab", 28, 28, 1, Scale::unit);
  CHECK(back.count == 60);
  CHECK(back.labels == ref.labels);
  for (std::size_t i = 0; i < ref.images.size(); i += 97)
    CHECK(back.images[i] == doctest::Approx(ref.images[i]).epsilon(0.5 / 255));
  CHECK(load_samples(dir / "img", "", 28, 28, 1, Scale::unit).labels.empty());
  CHECK_THROWS_WITH_AS(load_samples(dir / "img", "", 32, 32, 3, Scale::unit),
                       doctest::Contains("images of 28x28x1, expected 32x32x3"), Error);
  CHECK_THROWS_WITH_AS(load_samples(dir / "missing", "", 28, 28, 1, Scale::unit),
                       doctest::Contains("missing"), Error);

  // An untrained LeNet still gives a well-defined score: the reference
  // against itself is at distance ~0, and 1-NN on it makes no mistake.
  using zoo::report3::LeNet;
  auto net = LeNet::make(seed{1});
  SampleScorer<LeNet> scorer(FeatureClassifier<LeNet>(net), back);
  const SampleScores s = scorer.score(back);
  CHECK(s.samples == 60);
  CHECK(s.frechet_distance < 1e-6);
  REQUIRE(s.nn_test_error.has_value());
  CHECK(*s.nn_test_error == 0.0);
  REQUIRE(s.label_accuracy.has_value());
  std::size_t total = 0;
  for (std::size_t c : s.predicted_class_counts) total += c;
  CHECK(total == 60);
  CHECK(s.confusion.size() == 100);
  CHECK(s.inception_score >= 1.0);
  const std::string json = to_json(s);
  CHECK(json.find("{\"samples\": 60, \"label_accuracy\": ") == 0);
  CHECK(json.find("\"nn_test_error\": 0,") != std::string::npos);
  Dataset unlabelled = back;
  unlabelled.labels.clear();
  const SampleScores u = scorer.score(unlabelled);
  CHECK(!u.label_accuracy.has_value());
  CHECK(!u.nn_test_error.has_value());
  CHECK(to_json(u).find("label_accuracy") == std::string::npos);
}
