#pragma once
// A confusion matrix as a PNG heatmap with the counts in the cells (report
// 3's figures 8, 11 and 12).
#include <cstddef>
#include <string>
#include <vector>

#include <ctnet/core/error.hpp>
#include <ctnet/plot/heatmap.hpp>

namespace ctnet {

/// Writes `counts` (classes x classes, row-major; rows true label, columns
/// predicted class, as eval/scores.hpp's confusion_matrix gives) to `path`.
inline void write_confusion_matrix(const std::string& path, const std::vector<std::size_t>& counts,
                                   std::size_t classes, const std::string& title) {
  if (classes == 0 || counts.size() != classes * classes)
    fail("{}: a confusion matrix of {} counts for {} classes", path, counts.size(), classes);
  Heatmap hm;
  hm.title = title;
  hm.xlabel = "predicted class";
  hm.ylabel = "label";
  hm.rows = hm.cols = classes;
  hm.values.assign(counts.begin(), counts.end());
  write_heatmap(path, hm);
}

}  // namespace ctnet
