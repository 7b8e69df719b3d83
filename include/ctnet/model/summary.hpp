#pragma once
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <ctnet/core/type_list.hpp>

namespace ctnet {

/// 1234567 -> "1,234,567", as Keras prints parameter totals.
inline std::string thousands(std::size_t v) {
  const std::string digits = fmt::format("{}", v);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

namespace detail {
/// Keras's automatic layer names: conv2d, conv2d_1, dense, ...
template <class... Ls>
std::vector<std::string> keras_layer_names(type_list<Ls...>) {
  std::map<std::string, int> seen;
  std::vector<std::string> names;
  for (std::string base : {std::string(Ls::keras_name)...}) {
    const int k = seen[base]++;
    names.push_back(k == 0 ? base : fmt::format("{}_{}", base, k));
  }
  return names;
}

/// One row as Keras 2 prints it: columns end at 29, 55 and 65 characters,
/// two spaces kept between columns, text too long for its column wrapped
/// onto further lines.
inline std::string summary_row(const std::string& a, const std::string& b, const std::string& c) {
  // Columns 29, 26 and 10 wide; the text of the first two stops 2 short.
  constexpr std::size_t width[3] = {29, 26, 10}, cutoff[3] = {27, 24, 10};
  std::string left[3] = {a, b, c};
  std::string out;
  while (!left[0].empty() || !left[1].empty() || !left[2].empty()) {
    std::string cell[3];
    for (std::size_t col = 0; col < 3; ++col) {
      cell[col] = left[col].substr(0, cutoff[col]);
      left[col] = left[col].size() > cutoff[col] ? left[col].substr(cutoff[col]) : "";
    }
    out += fmt::format("{:<{}}{:<{}}{:<{}}\n", cell[0], width[0], cell[1], width[1], cell[2], width[2]);
  }
  return out;
}

template <class... B>
std::vector<std::string> output_shapes(type_list<B...>) {
  return {B::output::keras()...};
}
template <class... B>
std::vector<std::size_t> layer_params(type_list<B...>) {
  return {(B::trainable_params + B::non_trainable_params)...};
}
template <class... Ls>
std::vector<std::string> keras_classes(type_list<Ls...>) {
  return {std::string(Ls::keras_class)...};
}
}  // namespace detail

/// The names Keras gives a model's layers (`conv2d`, `conv2d_1`, `dense`, ...);
/// checkpoints name parameters `<layer>/<role>` with them.
template <class Net>
std::vector<std::string> layer_names() {
  return detail::keras_layer_names(typename Net::specs{});
}

/// The model's summary (defined below).
template <class Net>
std::string summary(const std::string& model_name = {});

namespace detail {
template <class Net>
std::string sequential_summary(const std::string& model_name) {
  const auto names = layer_names<Net>();
  const auto classes = detail::keras_classes(typename Net::specs{});
  const auto shapes = detail::output_shapes(typename Net::bound{});
  const auto params = detail::layer_params(typename Net::bound{});
  const std::string rule(65, '_'), double_rule(65, '=');
  std::string s = fmt::format("Model: \"{}\"\n{}\n", model_name, rule);
  s += detail::summary_row(" Layer (type)", "Output Shape", "Param #") + double_rule + "\n";
  for (std::size_t i = 0; i < names.size(); ++i) {
    s += detail::summary_row(fmt::format(" {} ({})", names[i], classes[i]), shapes[i],
                             fmt::format("{}", params[i]));
    if (i + 1 < names.size()) s += std::string(65, ' ') + "\n";
  }
  s += fmt::format("{}\nTotal params: {}\nTrainable params: {}\nNon-trainable params: {}\n{}\n", double_rule,
                   thousands(Net::total_params), thousands(Net::trainable_params),
                   thousands(Net::non_trainable_params), rule);
  return s;
}

template <class Net>
std::string composite_summary(const std::string& model_name) {
  std::string s;
  std::size_t i = 0;
  [&]<class... P>(type_list<P...>) {
    ((s += summary<P>(model_name + "." + Net::part_names[i++]) + "\n"), ...);
  }(typename Net::parts{});
  s += fmt::format("Model \"{}\": total params {}, trainable {}, non-trainable {}\n", model_name,
                   thousands(Net::total_params), thousands(Net::trainable_params),
                   thousands(Net::non_trainable_params));
  return s;
}
}  // namespace detail

/// The model's summary in Keras 2's format (TensorFlow 2.10 and later): one
/// row per layer with its output shape and parameter count, rows separated by
/// a blank line, then the totals with thousands separators; named
/// "sequential" unless named. A network made of parts (TwoHeads, Concat):
/// each part's summary, named `<model>.<part>`, then the whole's totals
/// (named "model" unless named). One function, not two overloads, so that a
/// bad layer list is reported from here without a constraint check's notes.
template <class Net>
std::string summary(const std::string& model_name) {
  // A bad layer list was reported when Net was instantiated; no second error.
  if constexpr (requires { typename Net::parts; })
    return detail::composite_summary<Net>(model_name.empty() ? "model" : model_name);
  else
    return detail::sequential_summary<Net>(model_name.empty() ? "sequential" : model_name);
}

}  // namespace ctnet
