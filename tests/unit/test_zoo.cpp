// Report 1's seven experiments: shapes and parameter counts as Keras reports
// them, the summary table's format, and the flags every example takes.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <harness/flags.hpp>
#include <ctnet/model/summary.hpp>
#include <ctnet/zoo/report1_cnn.hpp>

using namespace ctnet;
namespace r1 = zoo::report1;

static_assert(param_count<r1::Experiment1> == 203'434);
static_assert(param_count<r1::Experiment2> == 197'082);
static_assert(param_count<r1::Experiment3> == 253'098);
static_assert(param_count<r1::Experiment4> == 253'098);
static_assert(param_count<r1::Experiment5> == 197'082);
static_assert(param_count<r1::Experiment6> == 197'082);
static_assert(param_count<r1::Experiment7> == 197'082);
static_assert(std::is_same_v<r1::Experiment1::layer_at<0>::output, Shape<26, 26, 64>>);
static_assert(std::is_same_v<r1::Experiment1::layer_at<2>::output, Shape<24, 24, 32>>);
static_assert(std::is_same_v<r1::Experiment1::layer_at<4>::output, Shape<18432>>);
static_assert(std::is_same_v<r1::Experiment2::layer_at<4>::output, Shape<22, 22, 32>>);
static_assert(std::is_same_v<r1::Experiment3::layer_at<4>::output, Shape<25088>>);
static_assert(std::is_same_v<r1::Experiment2::output_shape, Shape<10>>);
static_assert(r1::Experiment1::trainable_params == 203'434 && r1::Experiment1::non_trainable_params == 0);

namespace {
bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}
}  // namespace

TEST_CASE("summary: Keras 2's table for experiment 1") {
  const std::string s = summary<r1::Experiment1>();
  CHECK(s.rfind("Model: \"sequential\"\n", 0) == 0);
  CHECK(has_line(s, " Layer (type)                Output Shape              Param #   "));
  CHECK(has_line(s, " conv2d (Conv2D)             (None, 26, 26, 64)        640       "));
  CHECK(has_line(s, " conv2d_1 (Conv2D)           (None, 24, 24, 32)        18464     "));
  CHECK(has_line(s, " flatten (Flatten)           (None, 18432)             0         "));
  CHECK(has_line(s, " dense (Dense)               (None, 10)                184330    "));
  CHECK(has_line(s, "Total params: 203,434"));
  CHECK(has_line(s, "Trainable params: 203,434"));
  CHECK(has_line(s, "Non-trainable params: 0"));
}

TEST_CASE("summary: totals of every experiment") {
  CHECK(summary<r1::Experiment2>().find("Total params: 197,082") != std::string::npos);
  CHECK(summary<r1::Experiment3>().find("Total params: 253,098") != std::string::npos);
  CHECK(summary<r1::Experiment4>().find(" dropout (Dropout)           (None, 25088)") != std::string::npos);
  CHECK(summary<r1::Experiment5>().find("Total params: 197,082") != std::string::npos);
  CHECK(summary<r1::Experiment6>().find("Total params: 197,082") != std::string::npos);
  CHECK(thousands(1'164'289) == "1,164,289");
  CHECK(thousands(999) == "999");
}

namespace {
Flags make_flags(std::vector<std::string> args) {
  static std::vector<std::string> store;
  store = std::move(args);
  store.insert(store.begin(), "prog");
  static std::vector<char*> argv;
  argv.clear();
  for (auto& a : store) argv.push_back(a.data());
  return Flags(static_cast<int>(argv.size()), argv.data(), "test");
}
}  // namespace

TEST_CASE("flags: values, defaults and one-line errors") {
  {
    auto f = make_flags({"--epochs", "3", "--out=runs/x", "--resume"});
    CHECK(f.u64("epochs", 1, "") == 3);
    CHECK(f.u64("batch", 32, "") == 32);
    CHECK(f.str("out", "", "") == "runs/x");
    CHECK(f.flag("resume", ""));
    CHECK_FALSE(f.finish());
  }
  {
    auto f = make_flags({"--epochs", "abc"});
    CHECK_THROWS_WITH_AS(f.u64("epochs", 1, ""), "--epochs expects a whole number, got 'abc'", Error);
  }
  {
    auto f = make_flags({"--batch", "0"});
    CHECK_THROWS_WITH_AS(f.u64("batch", 1, "", 1), "--batch must be at least 1, got 0", Error);
  }
  {  // a range's ends, a number past 2^64, a real out of its interval, NaN, infinity
    auto f = make_flags({"--a", "7", "--b", "8", "--c", "18446744073709551616", "--d", "0.5",
                         "--e", "0", "--g", "nan", "--h", "-inf", "--i", "1e999"});
    CHECK(f.u64("a", 1, "", 1, 7) == 7);
    CHECK_THROWS_WITH_AS(f.u64("b", 1, "", 1, 7), "--b must be 1 to 7, got 8", Error);
    CHECK_THROWS_WITH_AS(f.u64("c", 1, ""), "--c must be 0 to 18446744073709551615, got 18446744073709551616", Error);
    using I = ctnet::Flags::Interval;
    CHECK(f.real("d", 0.1, "", I{0.0, 0.5}) == 0.5);
    CHECK_THROWS_WITH_AS(f.real("d", 0.1, "", I{0.0, 0.5, false, true}), "--d must be in [0, 0.5), got 0.5", Error);
    CHECK_THROWS_WITH_AS(f.real("e", 0.1, "", I{0.0, 1.0, true, false}), "--e must be in (0, 1], got 0", Error);
    CHECK_THROWS_WITH_AS(f.real("g", 0.1, "", I{0.0, 1.0}), "--g must be in [0, 1], got nan", Error);
    CHECK_THROWS_WITH_AS(f.real("h", 0.1, "", I{-1e300, 1e300}), "--h must be in [-1e+300, 1e+300], got -inf", Error);
    CHECK_THROWS_WITH_AS(f.real("i", 0.1, "", I{0.0, 1.0}), "--i must be in [0, 1], got 1e999", Error);
  }
  CHECK_THROWS_WITH_AS(ctnet::checked_mul(std::size_t{1} << 63, 2, "samples"),
                       "samples: 9223372036854775808 x 2 is too large", Error);
  CHECK(ctnet::checked_mul(3, 5, "x") == 15);
  {  // lists: each item as u64 parses it
    auto f = make_flags({"--a", "1,2,4", "--b", "1,x", "--c", "3,99999999999999999999"});
    CHECK(f.u64_list("a", "", "", 0, 8) == std::vector<std::uint64_t>{1, 2, 4});
    CHECK(f.u64_list("z", "5,6", "", 0, 8) == std::vector<std::uint64_t>{5, 6});
    CHECK_THROWS_WITH_AS(f.u64_list("b", "", "", 0, 8), "--b expects whole numbers 0 to 8 separated by commas, got '1,x'", Error);
    CHECK_THROWS_WITH_AS(f.u64_list("c", "", "", 0, 8),
                         "--c expects whole numbers 0 to 8 separated by commas, got '3,99999999999999999999'", Error);
  }
  {
    auto f = make_flags({"--epoch", "3"});
    f.u64("epochs", 1, "");
    CHECK_THROWS_WITH_AS(f.finish(), "unknown flag --epoch (see --help)", Error);
  }
  {
    auto f = make_flags({"--dataset", "cifar"});
    CHECK_THROWS_WITH_AS(f.choice("dataset", {"mnist", "fashion"}, "mnist", ""),
                         "--dataset must be one of mnist|fashion, got 'cifar'", Error);
  }
}
