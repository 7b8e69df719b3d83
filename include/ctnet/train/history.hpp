#pragma once
// What `fit` returns: one record per epoch, Keras's `History`. It is kept in
// the resume record, so a resumed run's history (and its plots) covers every
// epoch since the start.
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <ctnet/core/error.hpp>

namespace ctnet {

/// One epoch's figures: the training means ("loss", "accuracy", ...), the
/// validation figures ("val_loss", ...) and the training time in seconds.
struct EpochLog {
  std::size_t epoch = 0;  ///< counted from 1
  std::vector<std::pair<std::string, double>> values;
  double seconds = 0.0;

  bool has(std::string_view name) const {
    for (const auto& [k, v] : values)
      if (k == name) return true;
    return false;
  }
  /// A figure by name; a missing one is an error naming it.
  double operator[](std::string_view name) const {
    for (const auto& [k, v] : values)
      if (k == name) return v;
    fail("epoch {} has no figure named '{}'", epoch, name);
  }
};

/// Every epoch's log, in order.
struct History {
  std::vector<EpochLog> epochs;

  bool empty() const { return epochs.empty(); }
  const EpochLog& back() const { return epochs.back(); }
  /// One figure over the epochs (for plots).
  std::vector<double> column(std::string_view name) const {
    std::vector<double> out;
    out.reserve(epochs.size());
    for (const auto& e : epochs) out.push_back(name == "epoch" ? static_cast<double>(e.epoch) : e[name]);
    return out;
  }

  /// As JSON: [{"epoch": 1, "seconds": 3.2, "loss": 0.3, ...}, ...]; a
  /// non-finite figure becomes null.
  std::string to_json() const {
    nlohmann::ordered_json j = nlohmann::ordered_json::array();
    for (const auto& e : epochs) {
      nlohmann::ordered_json row;
      row["epoch"] = e.epoch;
      for (const auto& [k, v] : e.values) row[k] = v;
      row["seconds"] = e.seconds;
      j.push_back(std::move(row));
    }
    return j.dump();
  }
  /// Reads `to_json`'s text back; `what` names the source in errors.
  static History from_json(const std::string& text, const std::string& what) {
    History h;
    const auto j = nlohmann::ordered_json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_array()) fail("{}: the training history is not a JSON array", what);
    for (const auto& row : j) {
      if (!row.is_object() || !row.contains("epoch") || !row["epoch"].is_number_unsigned())
        fail("{}: a training history entry has no epoch", what);
      EpochLog e;
      e.epoch = row["epoch"].get<std::size_t>();
      for (const auto& [k, v] : row.items()) {
        const double value = v.is_number() ? v.get<double>() : std::nan("");
        if (k == "seconds") e.seconds = value;
        else if (k != "epoch") e.values.emplace_back(k, value);
      }
      h.epochs.push_back(std::move(e));
    }
    return h;
  }
};

}  // namespace ctnet
