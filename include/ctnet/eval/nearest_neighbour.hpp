#pragma once
// The 1-nearest-neighbour classifier in Euclidean (pixel) distance: report
// 2's Table 3 fits it on labelled generated samples and scores it on the
// MNIST test set.
//
// Distances come from one GEMM per block: |q - p|² = |q|² + |p|² - 2 q·p,
// and |q|² does not change which p is nearest, so each block computes
// |p|² - 2 q·p. Blocks of 256 queries x 2048 points keep the scratch at 2
// MiB per thread; 10,000 x 10,000 images of 784 pixels are 157 GFLOP, a few
// seconds on two cores.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include <ctnet/core/blas.hpp>
#include <ctnet/core/error.hpp>
#include <ctnet/core/parallel.hpp>

namespace ctnet {

/// Block sizes of the distance GEMMs (tests make them small to cross blocks).
struct NearestNeighbourBlocks {
  std::size_t queries = 256, points = 2048;
};

/// For each of the nq rows of `queries` (nq x d), the index of the nearest of
/// the np rows of `points` (np x d) in Euclidean distance; the lowest index
/// among equally near ones (up to float rounding). Query blocks are split
/// across ctnet's thread pool. Throws ctnet::Error on a size mismatch or when
/// there are queries but no points.
inline std::vector<std::size_t> nearest_neighbours(std::span<const float> points, std::size_t np,
                                                   std::span<const float> queries, std::size_t nq,
                                                   std::size_t d,
                                                   NearestNeighbourBlocks blocks = {}) {
  if (points.size() != np * d || queries.size() != nq * d)
    fail("nearest_neighbours: {} and {} values are not {} and {} rows of {}", points.size(), queries.size(), np,
         nq, d);
  if (np == 0 && nq > 0) fail("nearest_neighbours: no points to search");
  const std::size_t bq = std::max<std::size_t>(blocks.queries, 1);
  const std::size_t bp = std::max<std::size_t>(blocks.points, 1);
  std::vector<float> norms(np);
  for (std::size_t i = 0; i < np; ++i) {
    float s = 0.0f;
    for (std::size_t j = 0; j < d; ++j) s += points[i * d + j] * points[i * d + j];
    norms[i] = s;
  }
  std::vector<std::size_t> nearest(nq, 0);
  const std::size_t query_blocks = (nq + bq - 1) / bq;
  parallel_for(query_blocks, [&](std::size_t b0, std::size_t b1) {
    std::vector<float> g(bq * std::min(bp, np));
    std::vector<float> best(bq);
    for (std::size_t qb = b0; qb < b1; ++qb) {
      const std::size_t q0 = qb * bq, m = std::min(bq, nq - q0);
      std::fill_n(best.begin(), m, std::numeric_limits<float>::infinity());
      for (std::size_t p0 = 0; p0 < np; p0 += bp) {
        const std::size_t n = std::min(bp, np - p0);
        // g = Q Pᵀ (m x n)
        blas::gemm(false, true, m, n, d, 1.0f, queries.data() + q0 * d, d, points.data() + p0 * d,
                   d, 0.0f, g.data(), n);
        for (std::size_t r = 0; r < m; ++r) {
          const float* row = g.data() + r * n;
          for (std::size_t c = 0; c < n; ++c) {
            const float dist = norms[p0 + c] - 2.0f * row[c];
            if (dist < best[r]) {
              best[r] = dist;
              nearest[q0 + r] = p0 + c;
            }
          }
        }
      }
    }
  });
  return nearest;
}

/// Test error of the 1-nearest-neighbour classifier that keeps the n_train
/// labelled rows of `train` (n_train x d) and labels each row of `test` with
/// its nearest one's label: the share of `test` it gets wrong.
inline double nearest_neighbour_error(std::span<const float> train,
                                      std::span<const std::uint8_t> train_labels,
                                      std::span<const float> test,
                                      std::span<const std::uint8_t> test_labels, std::size_t d,
                                      NearestNeighbourBlocks blocks = {}) {
  if (d == 0 || train.size() != train_labels.size() * d || test.size() != test_labels.size() * d)
    fail("nearest_neighbour_error: {} and {} labels for {} and {} values of dimension {}", train_labels.size(),
         test_labels.size(), train.size(), test.size(), d);
  const auto nearest =
      nearest_neighbours(train, train_labels.size(), test, test_labels.size(), d, blocks);
  if (nearest.empty()) return 0.0;
  std::size_t wrong = 0;
  for (std::size_t i = 0; i < nearest.size(); ++i) wrong += train_labels[nearest[i]] != test_labels[i];
  return static_cast<double>(wrong) / static_cast<double>(nearest.size());
}

}  // namespace ctnet
