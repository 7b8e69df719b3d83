// Checkpoints in the safetensors format: round trip and the corrupt files.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "ctnet/store/safetensors.hpp"
#include "strict_safetensors.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using ctnet::test::TempDir;

namespace {

std::vector<std::uint8_t> slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}

void spit(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// A safetensors file from a raw header text and a data section of n bytes.
std::vector<std::uint8_t> raw_file(const std::string& header, std::size_t data_bytes,
                                   std::uint64_t claimed_len = ~std::uint64_t{0}) {
  const std::uint64_t len = claimed_len == ~std::uint64_t{0} ? header.size() : claimed_len;
  std::vector<std::uint8_t> b;
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<std::uint8_t>(len >> (8 * i)));
  b.insert(b.end(), header.begin(), header.end());
  b.resize(b.size() + data_bytes, 0);
  return b;
}

std::string error_text(const std::string& path) {
  try {
    ctnet::read_safetensors(path);
  } catch (const ctnet::Error& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("safetensors: round trip of names, shapes, values and metadata") {
  TempDir dir;
  const std::string path = dir / "ckpt.safetensors";
  const std::vector<float> w{1.5f, -2.25f, 3.0e-8f, 1.0e30f, -0.0f, 7.0f};
  const std::vector<float> b{0.125f, -1.0f, 42.0f};
  const std::vector<float> scalar{3.5f};
  const std::vector<ctnet::TensorView> tensors{
      {"dense_1.kernel", {2, 3}, w}, {"dense_1.bias", {3}, b}, {"step", {}, scalar}};
  const std::map<std::string, std::string> meta{{"model", "Sequential<Dense<3>>"}, {"epoch", "7"}};
  ctnet::write_safetensors(path, tensors, meta);
  CHECK_FALSE(fs::exists(path + ".tmp"));

  // Layout: 8-byte length, header padded so that the data is 8-byte aligned.
  const auto bytes = slurp(path);
  std::uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n |= std::uint64_t{bytes[i]} << (8 * i);
  CHECK((8 + n) % 8 == 0);
  CHECK(bytes.size() == 8 + n + 4 * (w.size() + b.size() + scalar.size()));
  CHECK(bytes[8] == '{');

  const auto file = ctnet::read_safetensors(path);
  CHECK(file.metadata == meta);
  REQUIRE(file.tensors.size() == 3);
  const auto& k = file.tensors.at("dense_1.kernel");
  CHECK(k.first == std::vector<std::size_t>{2, 3});
  CHECK(std::memcmp(k.second.data(), w.data(), w.size() * 4) == 0);  // bit-exact, -0.0 included
  CHECK(file.tensors.at("dense_1.bias").first == std::vector<std::size_t>{3});
  CHECK(file.tensors.at("dense_1.bias").second == b);
  CHECK(file.tensors.at("step").first.empty());
  CHECK(file.tensors.at("step").second == scalar);

  // Overwriting replaces the old checkpoint; no metadata is fine.
  ctnet::write_safetensors(path, std::span(tensors).first(1), {});
  const auto again = ctnet::read_safetensors(path);
  CHECK(again.metadata.empty());
  CHECK(again.tensors.size() == 1);
}

TEST_CASE("safetensors: writing checks names and shapes") {
  TempDir dir;
  const std::vector<float> v{1, 2, 3};
  const std::vector<ctnet::TensorView> bad_shape{{"w", {2, 2}, v}};
  const std::vector<ctnet::TensorView> dup{{"w", {3}, v}, {"w", {3}, v}};
  std::string msg;
  try {
    ctnet::write_safetensors(dir / "a", bad_shape, {});
  } catch (const ctnet::Error& e) {
    msg = e.what();
  }
  CHECK(contains(msg, "'w'"));
  CHECK(contains(msg, "[2, 2]"));
  CHECK_THROWS_AS(ctnet::write_safetensors(dir / "a", dup, {}), ctnet::Error);
  CHECK_FALSE(fs::exists(dir / "a"));
  CHECK_FALSE(fs::exists(dir / "a.tmp"));
}

TEST_CASE("safetensors: corrupt files give one-line errors naming the file") {
  TempDir dir;
  const std::string p = dir / "bad.safetensors";
  const std::string good = R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  std::string msg;

  SUBCASE("missing file") {
    msg = error_text(dir / "none.safetensors");
    CHECK(contains(msg, dir / "none.safetensors"));
    CHECK(contains(msg, "not found"));
  }
  SUBCASE("shorter than 8 bytes") {
    spit(p, {1, 2, 3});
    msg = error_text(p);
    CHECK(contains(msg, "shorter than"));
  }
  SUBCASE("header length beyond the file") {
    spit(p, raw_file(good, 8, 1000));
    msg = error_text(p);
    CHECK(contains(msg, "header length 1000"));
  }
  SUBCASE("bad JSON") {
    spit(p, raw_file(R"({"t":{"dtype":"F32",)", 8));
    msg = error_text(p);
    CHECK(contains(msg, "bad JSON"));
  }
  SUBCASE("dtype other than F32") {
    spit(p, raw_file(R"({"t":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}})", 4));
    msg = error_text(p);
    CHECK(contains(msg, "'t'"));
    CHECK(contains(msg, "F16"));
  }
  SUBCASE("offsets beyond the data") {
    spit(p, raw_file(good, 4));
    msg = error_text(p);
    CHECK(contains(msg, "out of range"));
  }
  SUBCASE("offsets not matching the shape") {
    spit(p, raw_file(R"({"t":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8));
    msg = error_text(p);
    CHECK(contains(msg, "needs 12"));
  }
  SUBCASE("a well-formed file still loads") {
    spit(p, raw_file(good + "   ", 8));
    CHECK(ctnet::read_safetensors(p).tensors.at("t").second == std::vector<float>{0.0f, 0.0f});
    return;
  }
  CHECK_FALSE(msg.empty());
  CHECK(msg.find('\n') == std::string::npos);
  if (!contains(msg, "none.safetensors")) CHECK(contains(msg, p));
}

TEST_CASE("the strict safetensors reader finds what breaks the format's rules") {
  using ctnet::test::safetensors_violations;
  const auto count = [](const std::string& header, std::size_t data) {
    std::string h = header;
    h.append((8 - (8 + h.size()) % 8) % 8, ' ');
    return safetensors_violations(raw_file(h, data)).size();
  };
  CHECK(count(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", 8) == 0);
  CHECK(count(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", 12) == 1);   // a tail
  CHECK(count(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8) == 1);    // shape vs bytes
  CHECK(count(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", 12) == 1);  // a gap
  CHECK(count(R"({"a":{"dtype":"F31","shape":[2],"data_offsets":[0,8]}})", 8) == 1);    // dtype
  CHECK(count(R"({"__metadata__":{"n":1}})", 0) == 1);                                    // a number
  CHECK(count(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", 8) >= 1);
  CHECK(safetensors_violations(raw_file(R"({"__metadata__":{}})", 0)).size() == 1);      // not aligned
}
