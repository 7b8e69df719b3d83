#pragma once
// A safetensors reader held to the format's published rules (Hugging Face's
// safetensors README, "Format"), stricter than ctnet's own: what PyTorch's
// and Hugging Face's readers accept. Returns the rules a file breaks, empty
// when none.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace ctnet::test {

inline std::vector<std::string> safetensors_violations(const std::vector<std::uint8_t>& bytes) {
  std::vector<std::string> bad;
  if (bytes.size() < 8) return {"shorter than the 8-byte header size"};
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = n << 8 | bytes[static_cast<std::size_t>(i)];  // little-endian u64
  if (n > bytes.size() - 8) return {"the header size runs past the file"};
  const std::string header(bytes.begin() + 8, bytes.begin() + 8 + static_cast<long>(n));
  if (header.empty() || header.front() != '{') bad.push_back("the header does not start with '{'");
  if ((8 + n) % 8 != 0) bad.push_back("the data does not start 8-byte aligned");
  const std::size_t end_of_json = header.find_last_of('}');
  if (end_of_json != std::string::npos && header.find_first_not_of(' ', end_of_json + 1) != std::string::npos)
    bad.push_back("the header is padded with something other than spaces");
  // Duplicate keys are an error in the rules; nlohmann keeps the last.
  std::map<std::string, int> seen;
  const auto j = nlohmann::json::parse(header, [&](int depth, nlohmann::json::parse_event_t e, nlohmann::json& k) {
    if (depth == 1 && e == nlohmann::json::parse_event_t::key && ++seen[k.get<std::string>()] == 2)
      bad.push_back(fmt::format("duplicate key {}", k.dump()));
    return true;
  }, false);
  if (!j.is_object()) return {"the header is not a JSON object"};
  const std::map<std::string, std::size_t> sizes{{"F64", 8}, {"F32", 4}, {"F16", 2}, {"BF16", 2}, {"I64", 8},
                                                 {"I32", 4}, {"I16", 2}, {"I8", 1},  {"U8", 1},   {"BOOL", 1}};
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
  for (const auto& [key, v] : j.items()) {
    if (key == "__metadata__") {
      if (!v.is_object()) bad.push_back("__metadata__ is not an object");
      else
        for (const auto& [mk, mv] : v.items())
          if (!mv.is_string()) bad.push_back(fmt::format("metadata {} is not a string", mk));
      continue;
    }
    if (!v.is_object() || v.size() != 3 || !v.contains("dtype") || !v.contains("shape") || !v.contains("data_offsets")) {
      bad.push_back(fmt::format("{}: not exactly dtype, shape, data_offsets", key));
      continue;
    }
    const auto dtype = v["dtype"].is_string() ? v["dtype"].get<std::string>() : "";
    if (!sizes.count(dtype)) bad.push_back(fmt::format("{}: dtype {}", key, v["dtype"].dump()));
    std::uint64_t count = 1;
    for (const auto& d : v["shape"])
      if (d.is_number_unsigned()) count *= d.get<std::uint64_t>();
      else bad.push_back(fmt::format("{}: shape {}", key, v["shape"].dump()));
    const auto& o = v["data_offsets"];
    if (!o.is_array() || o.size() != 2 || !o[0].is_number_unsigned() || !o[1].is_number_unsigned()) {
      bad.push_back(fmt::format("{}: data_offsets {}", key, o.dump()));
      continue;
    }
    const std::uint64_t b = o[0], e = o[1];
    if (b > e || (sizes.count(dtype) && e - b != count * sizes.at(dtype)))
      bad.push_back(fmt::format("{}: offsets {}..{} for {} elements", key, b, e, count));
    ranges.emplace_back(b, e);
  }
  // The tensors' bytes tile the data section: no gap, no overlap, no tail.
  std::sort(ranges.begin(), ranges.end());
  std::uint64_t at = 0;
  for (const auto& [b, e] : ranges) {
    if (b != at) bad.push_back(fmt::format("a gap or overlap at byte {} of the data", at));
    at = e;
  }
  if (at != bytes.size() - 8 - n) bad.push_back(fmt::format("the data is {} bytes, the tensors cover {}", bytes.size() - 8 - n, at));
  return bad;
}

}  // namespace ctnet::test
