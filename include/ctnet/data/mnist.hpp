#pragma once
// MNIST and Fashion-MNIST: finding the directory and loading a split.
//
// Both datasets ship the same four IDX files, under the same names:
//   train-images-idx3-ubyte  train-labels-idx1-ubyte
//   t10k-images-idx3-ubyte   t10k-labels-idx1-ubyte
// each either plain or with a ".gz" suffix (Debian's dataset-fashion-mnist
// installs the ".gz" ones in /usr/share/datasets/fashion-mnist). Some copies
// of MNIST name them "train-images.idx3-ubyte"; those are accepted too.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include <ctnet/core/error.hpp>
#include <ctnet/data/dataset.hpp>
#include <ctnet/data/idx.hpp>

namespace ctnet {

namespace detail {

// The names an IDX file of MNIST may have, e.g. stem "train-images", kind "idx3".
inline std::vector<std::string> mnist_candidates(const std::string& stem, const std::string& kind) {
  const std::string dash = stem + "-" + kind + "-ubyte";
  const std::string dot = stem + "." + kind + "-ubyte";
  return {dash, dash + ".gz", dot, dot + ".gz"};
}

// The first candidate present in `dir`, or "" when none is.
inline std::string mnist_find_file(const std::string& dir, const std::vector<std::string>& names) {
  std::error_code ec;
  for (const auto& n : names) {
    const auto p = std::filesystem::path(dir) / n;
    if (std::filesystem::is_regular_file(p, ec)) return p.string();
  }
  return {};
}

inline std::string mnist_join(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

inline std::string mnist_require_file(const std::string& dir, const std::string& stem,
                                      const std::string& kind) {
  const auto names = mnist_candidates(stem, kind);
  std::string found = mnist_find_file(dir, names);
  if (found.empty()) {
    std::error_code ec;
    fail("MNIST file not found in {}{}: looked for {} (scripts/fetch_mnist.sh downloads MNIST; a program's --data DIR picks another directory)",
         dir, std::filesystem::is_directory(dir, ec) ? "" : " (no such directory)", mnist_join(names));
  }
  return found;
}

}  // namespace detail

/// Loads the training split (60,000 images for MNIST and Fashion-MNIST) when
/// `train` is true, else the test split (10,000), from the IDX files in
/// `dir`, plain or gzip. Gives 28x28x1 images scaled as `scale` says and
/// labels 0..9. Throws ctnet::Error (one line) when a file is missing, names
/// what was looked for; or when a file is corrupt or the counts disagree.
/// With `limit` > 0, only the first `limit` images (and labels) are kept: the
/// others are never converted to floats.
inline Dataset load_mnist(const std::string& dir, bool train, Scale scale, std::size_t limit = 0) {
  const std::string prefix = train ? "train" : "t10k";
  const std::string images_path = detail::mnist_require_file(dir, prefix + "-images", "idx3");
  const std::string labels_path = detail::mnist_require_file(dir, prefix + "-labels", "idx1");
  IdxArray images = read_idx(images_path);
  IdxArray labels = read_idx(labels_path);
  if (images.dims.size() != 3)
    fail("{}: expected 3 dimensions (count, height, width), found {}", images_path, images.dims.size());
  if (limit > 0 && limit < images.dims[0] && limit < labels.data.size()) {
    images.data.resize(limit * images.dims[1] * images.dims[2]);
    images.data.shrink_to_fit();
    images.dims[0] = limit;
    labels.data.resize(limit);
    labels.dims[0] = limit;
  }
  Dataset out = from_idx(images, labels, scale, images_path + " and " + labels_path);
  for (std::size_t i = 0; i < out.labels.size(); ++i)
    if (out.labels[i] > 9)
      fail("{}: label {} at index {} is outside 0..9", labels_path, out.labels[i], i);
  return out;
}

/// The directory to load `dataset` ("mnist" or "fashion") from: `flag_dir`
/// when it is non-empty; else for "fashion" /usr/share/datasets/fashion-mnist
/// (Debian package dataset-fashion-mnist), then data/fashion-mnist; for
/// "mnist" data/mnist (relative to the current directory), then the directory
/// in the environment variable CTNET_DATA (or its mnist/ subdirectory).
/// A default directory counts only when it holds a training-images file.
/// Throws ctnet::Error for an unknown name or when no default directory has
/// the data, listing the places looked at.
inline std::string find_dataset_dir(const std::string& dataset, const std::string& flag_dir) {
  if (dataset != "mnist" && dataset != "fashion")
    fail("unknown dataset '{}' (known: mnist, fashion)", dataset);
  if (!flag_dir.empty()) return flag_dir;

  std::vector<std::string> places;
  std::string hint;
  if (dataset == "fashion") {
    places = {"/usr/share/datasets/fashion-mnist", "data/fashion-mnist"};
    hint = "install it with 'apt-get install dataset-fashion-mnist' or pass --data DIR";
  } else {
    places = {"data/mnist"};
    if (const char* env = std::getenv("CTNET_DATA"); env != nullptr && *env != '\0') {
      places.push_back(env);
      places.push_back((std::filesystem::path(env) / "mnist").string());
    }
    hint = "run scripts/fetch_mnist.sh, set CTNET_DATA or pass --data DIR";
  }
  const auto names = detail::mnist_candidates("train-images", "idx3");
  for (const auto& p : places)
    if (!detail::mnist_find_file(p, names).empty()) return p;

  std::string looked = detail::mnist_join(places);
  if (dataset == "mnist" && places.size() == 1) looked += " (CTNET_DATA is not set)";
  std::error_code ec;
  const std::string cwd = std::filesystem::current_path(ec).string();
  fail("{} not found: looked in {} (current directory {}); {}", dataset == "mnist" ? "MNIST" : "Fashion-MNIST",
       looked, cwd, hint);
}

}  // namespace ctnet
