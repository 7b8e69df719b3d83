// Data loading: IDX (plain and gzip), MNIST directory layout, CIFAR-10
// binary, batching and gathering. Each test writes its own small files.
#include <doctest/doctest.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "ctnet/data/batcher.hpp"
#include "ctnet/data/cifar10.hpp"
#include "ctnet/data/dataset.hpp"
#include "ctnet/data/idx.hpp"
#include "ctnet/data/mnist.hpp"
#include "temp_dir.hpp"

#ifndef CTNET_TEST_DATA_DIR
#define CTNET_TEST_DATA_DIR "data/mnist"
#endif

namespace fs = std::filesystem;
using ctnet::test::TempDir;

namespace {

void write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream f(path, std::ios::binary);
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

void write_gzip(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  gzFile gz = gzopen(path.c_str(), "wb");
  REQUIRE(gz != nullptr);
  REQUIRE(gzwrite(gz, bytes.data(), static_cast<unsigned>(bytes.size())) == static_cast<int>(bytes.size()));
  REQUIRE(gzclose(gz) == Z_OK);
}

// The bytes of an unsigned-byte IDX file with the given dims and data.
std::vector<std::uint8_t> idx_bytes(const std::vector<std::uint32_t>& dims, const std::vector<std::uint8_t>& data) {
  std::vector<std::uint8_t> b{0, 0, 0x08, static_cast<std::uint8_t>(dims.size())};
  for (auto d : dims)
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<std::uint8_t>(d >> s));
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

std::vector<std::uint8_t> pattern(std::size_t n, unsigned mul = 7) {
  std::vector<std::uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(i * mul + 3);
  return v;
}

// The message of the ctnet::Error that `f` throws ("" if none).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const ctnet::Error& e) {
    return e.what();
  }
  return "";
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("idx: plain round trip through write_idx and read_idx") {
  TempDir dir;
  const std::string path = dir / "a-idx3-ubyte";
  ctnet::IdxArray a{{3, 4, 5}, pattern(60)};
  ctnet::write_idx(path, a);
  CHECK(fs::file_size(path) == 4 + 3 * 4 + 60);
  CHECK_FALSE(fs::exists(path + ".tmp"));
  const auto b = ctnet::read_idx(path);
  CHECK(b.dims == a.dims);
  CHECK(b.data == a.data);
  CHECK(b.data == pattern(60));

  // Overwriting an existing file replaces it.
  ctnet::write_idx(path, ctnet::IdxArray{{2}, {9, 8}});
  CHECK(ctnet::read_idx(path).data == std::vector<std::uint8_t>{9, 8});
  CHECK(has(error_of([&] { ctnet::write_idx(path, ctnet::IdxArray{{3}, {1, 2}}); }), "3 bytes"));
}

TEST_CASE("idx: gzip files are read by content") {
  TempDir dir;
  const auto data = pattern(2 * 3 * 4, 13);
  write_gzip(dir / "x-idx3-ubyte.gz", idx_bytes({2, 3, 4}, data));
  write_gzip(dir / "renamed", idx_bytes({2, 3, 4}, data));  // no .gz suffix: still detected
  for (const char* name : {"x-idx3-ubyte.gz", "renamed"}) {
    const auto a = ctnet::read_idx(dir / name);
    CHECK(a.dims == std::vector<std::size_t>{2, 3, 4});
    CHECK(a.data == data);
  }
}

TEST_CASE("idx: errors name the file and the problem") {
  TempDir dir;
  SUBCASE("missing file") {
    const auto msg = error_of([&] { ctnet::read_idx(dir / "nope"); });
    CHECK(has(msg, dir / "nope"));
    CHECK(has(msg, "not found"));
  }
  SUBCASE("truncated data") {
    auto bytes = idx_bytes({10}, pattern(10));
    bytes.resize(bytes.size() - 5);
    write_bytes(dir / "t", bytes);
    const auto msg = error_of([&] { ctnet::read_idx(dir / "t"); });
    CHECK(has(msg, dir / "t"));
    CHECK(has(msg, "truncated"));
    CHECK(has(msg, "expected 10 bytes of data, found 5"));
    CHECK(msg.find('\n') == std::string::npos);
  }
  SUBCASE("truncated header") {
    write_bytes(dir / "h", {0, 0, 8, 3, 0, 0});
    const auto msg = error_of([&] { ctnet::read_idx(dir / "h"); });
    CHECK(has(msg, "truncated"));
  }
  SUBCASE("truncated gzip data") {
    auto bytes = idx_bytes({10}, pattern(10));
    bytes.resize(bytes.size() - 3);
    write_gzip(dir / "t.gz", bytes);
    const auto msg = error_of([&] { ctnet::read_idx(dir / "t.gz"); });
    CHECK(has(msg, "truncated"));
    CHECK(has(msg, "expected 10 bytes of data, found 7"));
  }
  SUBCASE("extra bytes") {
    write_bytes(dir / "e", idx_bytes({2}, pattern(5)));
    CHECK(has(error_of([&] { ctnet::read_idx(dir / "e"); }), "expected 2 bytes of data, found 5"));
  }
  SUBCASE("wrong magic number") {
    write_bytes(dir / "m", {0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0});
    const auto msg = error_of([&] { ctnet::read_idx(dir / "m"); });
    CHECK(has(msg, dir / "m"));
    CHECK(has(msg, "wrong magic number 0x12345678"));
  }
  SUBCASE("unsupported element type") {
    auto bytes = idx_bytes({1}, {0, 0, 0, 0});
    bytes[2] = 0x0D;
    bytes.resize(12);
    write_bytes(dir / "f", bytes);
    const auto msg = error_of([&] { ctnet::read_idx(dir / "f"); });
    CHECK(has(msg, "0x0D"));
    CHECK(has(msg, "float32"));
  }
  SUBCASE("corrupt gzip") {
    write_gzip(dir / "c.gz", idx_bytes({4000}, pattern(4000, 101)));
    std::ifstream in(dir / "c.gz", std::ios::binary);
    std::vector<std::uint8_t> gz((std::istreambuf_iterator<char>(in)), {});
    in.close();
    gz.resize(gz.size() / 2);  // cut mid-stream
    write_bytes(dir / "c.gz", gz);
    const auto msg = error_of([&] { ctnet::read_idx(dir / "c.gz"); });
    CHECK(has(msg, dir / "c.gz"));
    CHECK(has(msg, "corrupt gzip"));
  }
  // Issue 17: sizes declared by a header are checked before anything that
  // large is read or inflated; gzip as gunzip reads it; no endless devices.
  SUBCASE("a header declaring more than 2 GiB") {
    // 2^31 images of 28 x 28 and 1 MB of zeros: refused at the header, with
    // no more than the 1 MB inflated (the loop stops at the header).
    write_gzip(dir / "bomb.gz", idx_bytes({1u << 31, 28, 28}, std::vector<std::uint8_t>(1 << 20)));
    CHECK(has(error_of([&] { ctnet::read_idx(dir / "bomb.gz"); }),
              "the header declares 2147483648 x 28 x 28 bytes, more than the 2147483648 an IDX file may hold"));
    write_bytes(dir / "bomb", idx_bytes({1u << 31, 28, 28}, {}));
    CHECK(has(error_of([&] { ctnet::read_idx(dir / "bomb"); }), "more than the 2147483648"));
  }
  SUBCASE("gzip inflates no further than the header declares") {
    write_gzip(dir / "long.gz", idx_bytes({10}, std::vector<std::uint8_t>(10 << 20)));
    CHECK(has(error_of([&] { ctnet::read_idx(dir / "long.gz"); }),
              "expected 10 bytes of data, found more (extra bytes after the data)"));
  }
  SUBCASE("gzip members one after another are one file, trailing bytes are not") {
    const auto all = idx_bytes({6}, pattern(6));
    write_gzip(dir / "a.gz", {all.begin(), all.begin() + 7});
    write_gzip(dir / "b.gz", {all.begin() + 7, all.end()});
    std::ifstream a(dir / "a.gz", std::ios::binary), b(dir / "b.gz", std::ios::binary);
    std::vector<std::uint8_t> two((std::istreambuf_iterator<char>(a)), {});
    two.insert(two.end(), std::istreambuf_iterator<char>(b), {});
    write_bytes(dir / "two.gz", two);
    CHECK(ctnet::read_idx(dir / "two.gz").data == pattern(6));
    two.insert(two.end(), {'j', 'u', 'n', 'k'});
    write_bytes(dir / "junk.gz", two);
    CHECK(has(error_of([&] { ctnet::read_idx(dir / "junk.gz"); }), "4 bytes after the end of the gzip data"));
  }
  SUBCASE("not a regular file") {
    CHECK(has(error_of([&] { ctnet::read_idx("/dev/zero"); }), "/dev/zero: not a regular file"));
  }
}

TEST_CASE("dataset: from_idx scales pixels and checks counts") {
  ctnet::IdxArray images{{2, 2, 3}, {0, 255, 51, 102, 127, 128, 1, 2, 3, 4, 5, 6}};
  ctnet::IdxArray labels{{2}, {7, 3}};
  const auto u = ctnet::from_idx(images, labels, ctnet::Scale::unit, "test");
  CHECK(u.count == 2);
  CHECK(u.height == 2);
  CHECK(u.width == 3);
  CHECK(u.channels == 1);
  CHECK(u.sample_size() == 6);
  CHECK(u.images[0] == 0.0f);
  CHECK(u.images[1] == 1.0f);
  CHECK(u.images[2] == doctest::Approx(0.2f));
  CHECK(u.image(1)[0] == doctest::Approx(1.0f / 255));
  CHECK(u.labels == std::vector<std::uint8_t>{7, 3});

  const auto s = ctnet::from_idx(images, labels, ctnet::Scale::symmetric, "test");
  CHECK(s.images[0] == -1.0f);
  CHECK(s.images[1] == 1.0f);
  CHECK(s.images[4] == doctest::Approx(-1.0f / 255));

  const auto one = ctnet::subset(u, 1, 1);
  CHECK(one.count == 1);
  CHECK(one.labels == std::vector<std::uint8_t>{3});
  CHECK(std::equal(one.images.begin(), one.images.end(), u.image(1).begin()));
  CHECK(has(error_of([&] { ctnet::subset(u, 1, 2); }), "outside a dataset of 2"));

  ctnet::IdxArray three{{3}, {1, 2, 3}};
  const auto msg = error_of([&] { ctnet::from_idx(images, three, ctnet::Scale::unit, "imgs.idx and labs.idx"); });
  CHECK(has(msg, "imgs.idx and labs.idx"));
  CHECK(has(msg, "2 images"));
  CHECK(has(msg, "3 labels"));
}

TEST_CASE("mnist: load_mnist finds plain and Fashion-MNIST style .gz names") {
  TempDir dir;
  const auto pixels = pattern(3 * 28 * 28);
  write_gzip(dir / "t10k-images-idx3-ubyte.gz", idx_bytes({3, 28, 28}, pixels));
  write_gzip(dir / "t10k-labels-idx1-ubyte.gz", idx_bytes({3}, {4, 0, 9}));
  write_bytes(dir / "train-images-idx3-ubyte", idx_bytes({2, 28, 28}, pattern(2 * 28 * 28)));
  write_bytes(dir / "train-labels-idx1-ubyte", idx_bytes({3}, {1, 2, 3}));

  const auto test = ctnet::load_mnist(dir.path.string(), false, ctnet::Scale::unit);
  CHECK(test.count == 3);
  CHECK(test.height == 28);
  CHECK(test.width == 28);
  CHECK(test.channels == 1);
  CHECK(test.labels == std::vector<std::uint8_t>{4, 0, 9});
  CHECK(test.images[5] == pixels[5] / 255.0f);

  // Train has 2 images but 3 labels: both files and counts in the message.
  const auto msg = error_of([&] { ctnet::load_mnist(dir.path.string(), true, ctnet::Scale::unit); });
  CHECK(has(msg, "train-images-idx3-ubyte"));
  CHECK(has(msg, "train-labels-idx1-ubyte"));
  CHECK(has(msg, "2 images"));
  CHECK(has(msg, "3 labels"));

  // Labels above 9 are rejected.
  write_bytes(dir / "train-images-idx3-ubyte", idx_bytes({1, 28, 28}, pattern(28 * 28)));
  write_bytes(dir / "train-labels-idx1-ubyte", idx_bytes({1}, {10}));
  CHECK(has(error_of([&] { ctnet::load_mnist(dir.path.string(), true, ctnet::Scale::unit); }), "label 10"));
}

TEST_CASE("mnist: absent files and directories give clear errors") {
  TempDir dir;
  const auto msg = error_of([&] { ctnet::load_mnist(dir.path.string(), true, ctnet::Scale::unit); });
  CHECK(has(msg, dir.path.string()));
  CHECK(has(msg, "train-images-idx3-ubyte"));
  CHECK(has(msg, "train-images-idx3-ubyte.gz"));

  CHECK(ctnet::find_dataset_dir("mnist", "/some/dir") == "/some/dir");
  CHECK(ctnet::find_dataset_dir("fashion", "/other") == "/other");
  CHECK(has(error_of([] { ctnet::find_dataset_dir("cifar100", ""); }), "unknown dataset 'cifar100'"));
}

TEST_CASE("cifar10: records land in NHWC order with their labels") {
  TempDir dir;
  // Pixel value of record r, channel c, row y, column x.
  auto value = [](std::size_t r, std::size_t c, std::size_t y, std::size_t x) {
    return static_cast<std::uint8_t>((r * 71 + c * 37 + y * 5 + x * 3) % 256);
  };
  std::vector<std::uint8_t> bytes;
  for (std::size_t r = 0; r < 3; ++r) {
    bytes.push_back(static_cast<std::uint8_t>(r * 4));  // labels 0, 4, 8
    for (std::size_t c = 0; c < 3; ++c)
      for (std::size_t y = 0; y < 32; ++y)
        for (std::size_t x = 0; x < 32; ++x) bytes.push_back(value(r, c, y, x));
  }
  write_bytes(dir / "test_batch.bin", bytes);

  for (bool via_dir : {false, true}) {
    const auto d = via_dir ? ctnet::load_cifar10(dir.path.string(), false, ctnet::Scale::unit)
                           : ctnet::load_cifar10_batch(dir / "test_batch.bin", ctnet::Scale::unit);
    REQUIRE(d.count == 3);
    CHECK(d.height == 32);
    CHECK(d.width == 32);
    CHECK(d.channels == 3);
    CHECK(d.labels == std::vector<std::uint8_t>{0, 4, 8});
    bool all = true;
    for (std::size_t r = 0; r < 3; ++r)
      for (std::size_t y = 0; y < 32; ++y)
        for (std::size_t x = 0; x < 32; ++x)
          for (std::size_t c = 0; c < 3; ++c)
            all = all && d.images[((r * 32 + y) * 32 + x) * 3 + c] == value(r, c, y, x) / 255.0f;
    CHECK(all);
    CHECK(d.image(2)[(5 * 32 + 7) * 3 + 1] == value(2, 1, 5, 7) / 255.0f);
  }

  const auto sym = ctnet::load_cifar10_batch(dir / "test_batch.bin", ctnet::Scale::symmetric);
  CHECK(sym.images[0] == doctest::Approx(value(0, 0, 0, 0) / 127.5f - 1.0f));

  // Errors: a size that is not a whole number of records, a label above 9,
  // a missing training batch.
  write_bytes(dir / "short.bin", std::vector<std::uint8_t>(3073 + 10, 0));
  auto msg = error_of([&] { ctnet::load_cifar10_batch(dir / "short.bin", ctnet::Scale::unit); });
  CHECK(has(msg, dir / "short.bin"));
  CHECK(has(msg, "3073"));
  bytes[3073] = 12;
  write_bytes(dir / "label.bin", bytes);
  msg = error_of([&] { ctnet::load_cifar10_batch(dir / "label.bin", ctnet::Scale::unit); });
  CHECK(has(msg, dir / "label.bin"));
  CHECK(has(msg, "record 1 has label 12"));
  CHECK(has(error_of([&] { ctnet::load_cifar10(dir.path.string(), true, ctnet::Scale::unit); }),
            "data_batch_1.bin"));
}

TEST_CASE("batcher: every index once per epoch, reproducible from seed and epoch") {
  const std::size_t n = 10;
  ctnet::Batcher b(n, 3, 42);
  CHECK(b.batches_per_epoch() == 4);

  auto run_epoch = [](ctnet::Batcher& bt) {
    std::vector<std::size_t> seen;
    std::vector<std::size_t> sizes;
    for (auto idx = bt.next(); !idx.empty(); idx = bt.next()) {
      sizes.push_back(idx.size());
      seen.insert(seen.end(), idx.begin(), idx.end());
    }
    CHECK(bt.done());
    CHECK(sizes == std::vector<std::size_t>{3, 3, 3, 1});
    return seen;
  };

  const auto e0 = run_epoch(b);
  b.next_epoch();
  CHECK(b.epoch() == 1);
  const auto e1 = run_epoch(b);
  for (const auto& e : {e0, e1}) {
    auto sorted = e;
    std::sort(sorted.begin(), sorted.end());
    std::vector<std::size_t> all(n);
    for (std::size_t i = 0; i < n; ++i) all[i] = i;
    CHECK(sorted == all);
  }
  CHECK(e0 != e1);

  // A fresh batcher with the same seed gives the same order for epoch 1.
  ctnet::Batcher c(n, 3, 42);
  c.start_epoch(1);
  CHECK(run_epoch(c) == e1);
  CHECK(ctnet::Batcher::permutation(n, 42, 1) == e1);
  ctnet::Batcher other(n, 3, 43);
  CHECK(run_epoch(other) != e0);

  // Resume mid-epoch from a saved state.
  ctnet::Batcher d(n, 3, 42);
  d.start_epoch(1);
  d.next();
  const ctnet::BatcherState st = d.state();
  CHECK(st.position == 3);
  ctnet::Batcher r(n, 3, 0);
  r.restore(st);
  const auto rest = r.next();
  CHECK(std::vector<std::size_t>(rest.begin(), rest.end()) == std::vector<std::size_t>(e1.begin() + 3, e1.begin() + 6));

  // In order when not shuffling.
  ctnet::Batcher in_order(5, 2, 7, false);
  const auto first = in_order.next();
  CHECK(std::vector<std::size_t>(first.begin(), first.end()) == std::vector<std::size_t>{0, 1});
}

TEST_CASE("batcher: gather copies samples into caller buffers") {
  ctnet::Dataset d;
  d.count = 4;
  d.height = 1;
  d.width = 2;
  d.channels = 1;
  d.images = {0, 1, 10, 11, 20, 21, 30, 31};
  d.labels = {5, 6, 7, 8};
  std::vector<float> x(6, -1.0f);  // room for 3 samples
  std::vector<std::uint8_t> y(3, 99);
  const std::vector<std::size_t> idx{3, 1};
  ctnet::gather(d, idx, x, y);
  CHECK(x == std::vector<float>{30, 31, 10, 11, -1, -1});
  CHECK(y == std::vector<std::uint8_t>{8, 6, 99});
  std::vector<float> small(3);
  CHECK(has(error_of([&] { ctnet::gather(d, idx, small, y); }), "image buffer"));
  const std::vector<std::size_t> bad{4};
  CHECK(has(error_of([&] { ctnet::gather(d, bad, x, y); }), "index 4"));
}

TEST_CASE("mnist: the real files, when present") {
  const std::string dir = CTNET_TEST_DATA_DIR;
  if (ctnet::detail::mnist_find_file(dir, ctnet::detail::mnist_candidates("train-images", "idx3")).empty()) {
    MESSAGE("MNIST not found in " << dir << "; skipped (scripts/fetch_mnist.sh fetches it)");
    return;
  }
  const auto train = ctnet::load_mnist(dir, true, ctnet::Scale::unit);
  const auto test = ctnet::load_mnist(dir, false, ctnet::Scale::symmetric);
  CHECK(train.count == 60000);
  CHECK(test.count == 10000);
  for (const auto* d : {&train, &test}) {
    CHECK(d->height == 28);
    CHECK(d->width == 28);
    CHECK(d->channels == 1);
    CHECK(d->images.size() == d->count * 784);
    CHECK(*std::max_element(d->labels.begin(), d->labels.end()) <= 9);
  }
  CHECK(train.labels[0] == 5);
  CHECK(*std::min_element(train.images.begin(), train.images.end()) == 0.0f);
  CHECK(*std::max_element(train.images.begin(), train.images.end()) == 1.0f);
  CHECK(*std::min_element(test.images.begin(), test.images.end()) == -1.0f);
}
