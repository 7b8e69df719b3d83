#pragma once
// Checkpoints: one safetensors file holding one or more networks, their
// optimizers' state and the run's counters. Written atomically (a run killed
// at any moment leaves the previous or the new checkpoint, never half of one)
// and checked on load: loading into a model of another architecture fails
// with a one-line error naming both.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include <ctnet/version.hpp>
#include <ctnet/core/error.hpp>
#include <ctnet/core/layer.hpp>
#include <ctnet/core/tensor.hpp>
#include <ctnet/store/safetensors.hpp>
#include <ctnet/model/summary.hpp>

namespace ctnet {

/// The architecture of a network as one line: "Input<28, 28, 1> Conv2D<64, 3,
/// 1, valid> ReLU ...". Stored in checkpoints and compared on load.
template <class Net>
std::string model_signature() {
  std::string s = "Input<";
  for (std::size_t i = 0; i < Net::input_shape::rank; ++i)
    s += fmt::format("{}{}", i ? ", " : "", Net::input_shape::dims[i]);
  s += ">";
  // Two appends, not `" " + name()`: g++ 12 warns (-Wrestrict) about that temporary.
  [&]<class... Ls>(type_list<Ls...>) { ((s += ' ', s += Ls::name()), ...); }(typename Net::specs{});
  return s;
}

/// Collects tensors and metadata, then writes them in one atomic file.
class CheckpointWriter {
 public:
  /// Adds every parameter of `net` as `<prefix>/<layer>/<role>`.
  /// A network made of parts (TwoHeads, Concat) adds each part as
  /// `<prefix>.<part>`.
  template <class Net>
  void add_model(const std::string& prefix, Net& net) {
    if constexpr (requires { typename Net::parts; }) {
      net.visit_parts([&](const char* part, auto& p) { add_model(prefix + "." + part, p); });
    } else {
      meta_[prefix + ".signature"] = model_signature<Net>();
      const auto names = layer_names<Net>();
      net.visit_params_indexed([&](std::size_t layer, const ParamRef& p) {
        views_.push_back(TensorView{prefix + "/" + names[layer] + "/" + std::string(p.role),
                                    {p.shape.begin(), p.shape.begin() + static_cast<long>(p.rank)},
                                    p.value});
      });
    }
  }
  /// Adds the state (moments, step count) under `prefix` of an optimizer of
  /// `net`, each tensor shaped as the parameter it belongs to.
  template <class Opt, class Net>
  void add_optimizer(const std::string& prefix, Opt& opt, Net& net) {
    meta_[prefix + ".optimizer"] = Opt::name;
    meta_[prefix + ".steps"] = fmt::format("{}", opt.t);
    std::vector<std::vector<std::size_t>> shapes;
    net.visit_params([&](const ParamRef& p) {
      if (p.trainable) shapes.emplace_back(p.shape.begin(), p.shape.begin() + static_cast<long>(p.rank));
    });
    opt.visit_state([&](const std::string& name, Buffer& b, std::size_t i) {
      if (i >= shapes.size()) fail("add_optimizer: state for parameter {} of a network of {}", i, shapes.size());
      views_.push_back(TensorView{prefix + "/" + name, shapes[i], as_span(b)});
    });
  }
  void set(const std::string& key, const std::string& value) { meta_[key] = value; }
  void write(const std::string& path) {
    meta_["format"] = "ctnet-checkpoint-1";
    meta_["ctnet_version"] = version;
    write_safetensors(path, views_, meta_);
  }

 private:
  std::vector<TensorView> views_;
  std::map<std::string, std::string> meta_;
};

/// Reads a checkpoint and restores networks and optimizers from it.
class CheckpointReader {
 public:
  explicit CheckpointReader(std::string path) : CheckpointReader(path, read_safetensors(path)) {}
  /// A checkpoint already read (`parse_safetensors`); `name` names it in errors.
  CheckpointReader(std::string name, TensorFile file) : path_(std::move(name)), file_(std::move(file)) {
    if (get("format") != "ctnet-checkpoint-1")
      fail("{}: not a ctnet checkpoint (no format ctnet-checkpoint-1 in its metadata)", path_);
  }

  /// Restores `net` from `<prefix>/...`; the architecture must match.
  template <class Net>
  void load_model(const std::string& prefix, Net& net) const {
    if constexpr (requires { typename Net::parts; }) {
      net.visit_parts([&](const char* part, auto& p) { load_model(prefix + "." + part, p); });
    } else {
      const std::string want = model_signature<Net>();
      const std::string have = get(prefix + ".signature");
      if (have.empty())
        fail("{}: holds no model named '{}'", path_, prefix);
      if (have != want)
        fail("{}: checkpoint of another model: it holds '{}', this is '{}'", path_, have, want);
      const auto names = layer_names<Net>();
      net.visit_params_indexed([&](std::size_t layer, const ParamRef& p) {
        const std::string name = prefix + "/" + names[layer] + "/" + std::string(p.role);
        copy_tensor(name, p.value, {p.shape.data(), p.rank});
      });
    }
  }

  /// Whether the checkpoint holds a model (or the parts of one) named `prefix`.
  bool has_model(const std::string& prefix) const {
    for (const auto& [key, value] : file_.metadata)
      if (key.starts_with(prefix + ".") && key.ends_with(".signature")) return true;
    return false;
  }

  /// Restores an optimizer's state for `net` from `<prefix>/...`.
  template <class Opt, class Net>
  void load_optimizer(const std::string& prefix, Opt& opt, Net& net) const {
    if (get(prefix + ".optimizer") != Opt::name)
      fail("{}: holds no {} state under '{}'", path_, Opt::name, prefix);
    opt.prepare(net);
    opt.t = count(prefix + ".steps");
    opt.visit_state([&](const std::string& name, Buffer& b, std::size_t) {
      copy_tensor(prefix + "/" + name, as_span(b));
    });
  }

  /// A metadata value, or "" when absent.
  std::string get(const std::string& key) const {
    auto it = file_.metadata.find(key);
    return it == file_.metadata.end() ? std::string() : it->second;
  }
  /// The number under `key` (infinities allowed: a best loss not yet seen);
  /// a missing, malformed or NaN value is one line naming the file and key.
  double number(const std::string& key) const {
    const std::string v = get(key);
    char* end = nullptr;
    const double x = std::strtod(v.c_str(), &end);
    if (v.empty() || end != v.c_str() + v.size() || std::isnan(x))
      fail("{}: the checkpoint's '{}' is '{}', not a number", path_, key, v);
    return x;
  }
  /// The whole number under `key` (an epoch, a step count), as number().
  std::uint64_t count(const std::string& key) const {
    const std::string v = get(key);
    std::uint64_t out = 0;
    const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (v.empty() || ec != std::errc() || p != v.data() + v.size())
      fail("{}: the checkpoint's '{}' is '{}', not a whole number", path_, key, v);
    return out;
  }
  const TensorFile& file() const { return file_; }

 private:
  // A parameter's shape must be the model's (a [64, 1, 3, 3] tensor is not a
  // [3, 3, 1, 64] kernel, though the counts agree); optimizer state, stored
  // flat, only its count. Every value must be finite: a NaN would train on.
  void copy_tensor(const std::string& name, std::span<float> out,
                   std::span<const std::size_t> shape = {}) const {
    auto it = file_.tensors.find(name);
    if (it == file_.tensors.end()) fail("{}: tensor '{}' is missing", path_, name);
    const auto& [have_shape, data] = it->second;
    if (!shape.empty() && !std::equal(shape.begin(), shape.end(), have_shape.begin(), have_shape.end()))
      fail("{}: tensor '{}' has shape {}, the model expects {}", path_, name,
           detail::st_shape_string(have_shape),
           detail::st_shape_string(std::vector<std::size_t>(shape.begin(), shape.end())));
    if (data.size() != out.size())
      fail("{}: tensor '{}' holds {} values, the model expects {}", path_, name, data.size(), out.size());
    const auto bad = std::find_if(data.begin(), data.end(), [](float v) { return !std::isfinite(v); });
    if (bad != data.end())
      fail("{}: tensor '{}' holds {} at index {}", path_, name, *bad, bad - data.begin());
    std::copy(data.begin(), data.end(), out.begin());
  }

  std::string path_;
  TensorFile file_;
};

}  // namespace ctnet
