// Tests of ctnet/io: PNG files, image grids, the bitmap font, ticks and
// the plots (line, scatter, heatmap), checked on the pixels they write.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <ctnet/core/error.hpp>
#include <ctnet/plot/font.hpp>
#include <ctnet/plot/image_grid.hpp>
#include <ctnet/plot/plot.hpp>
#include <ctnet/plot/png.hpp>
#include <ctnet/plot/ticks.hpp>

namespace fs = std::filesystem;

namespace {

/// A fresh directory under the system temp dir, removed with its contents.
struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("ctnet_test_io_" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

ctnet::Rgb pixel(const ctnet::PngImage& im, std::size_t x, std::size_t y) {
  const std::uint8_t* p = &im.pixels[(y * im.width + x) * im.channels];
  return im.channels == 3 ? ctnet::Rgb{p[0], p[1], p[2]} : ctnet::Rgb{p[0], p[0], p[0]};
}

std::size_t count_color(const ctnet::PngImage& im, ctnet::Rgb c) {
  std::size_t n = 0;
  for (std::size_t y = 0; y < im.height; ++y)
    for (std::size_t x = 0; x < im.width; ++x) n += pixel(im, x, y) == c ? 1 : 0;
  return n;
}

/// Calls f, which must throw ctnet::Error, and returns the message.
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const ctnet::Error& e) {
    return e.what();
  }
  FAIL("no ctnet::Error thrown");
  return {};
}

constexpr double qnan = std::numeric_limits<double>::quiet_NaN();
constexpr ctnet::Rgb white{255, 255, 255};

}  // namespace

TEST_CASE("png: gray and RGB round trip give the same size and pixels") {
  TempDir dir;
  for (std::size_t channels : {std::size_t{1}, std::size_t{3}}) {
    const std::size_t w = 7, h = 5;
    std::vector<std::uint8_t> px(w * h * channels);
    for (std::size_t i = 0; i < px.size(); ++i) px[i] = static_cast<std::uint8_t>(i * 37 + 11);
    const std::string path = dir.file("img" + std::to_string(channels) + ".png");
    ctnet::write_png(path, w, h, channels, px);
    CHECK_FALSE(fs::exists(path + ".tmp"));
    const ctnet::PngImage im = ctnet::read_png(path);
    CHECK(im.width == w);
    CHECK(im.height == h);
    CHECK(im.channels == channels);
    CHECK(im.pixels == px);
  }
}

TEST_CASE("png: overwriting an existing file replaces it") {
  TempDir dir;
  const std::string path = dir.file("a.png");
  const std::vector<std::uint8_t> one(4, 10), two(6, 200);
  ctnet::write_png(path, 2, 2, 1, one);
  ctnet::write_png(path, 3, 2, 1, two);
  const auto im = ctnet::read_png(path);
  CHECK(im.width == 3);
  CHECK(im.pixels == two);
}

TEST_CASE("png: errors throw ctnet::Error naming the file") {
  TempDir dir;
  const std::string missing_dir = dir.file("no/such/dir/out.png");
  const std::vector<std::uint8_t> px(12, 0);
  CHECK(error_of([&] { ctnet::write_png(missing_dir, 2, 2, 3, px); }).find(missing_dir) !=
        std::string::npos);
  CHECK_FALSE(fs::exists(missing_dir));

  const std::string bad_size = dir.file("bad.png");
  CHECK(error_of([&] { ctnet::write_png(bad_size, 3, 2, 3, px); }).find(bad_size) !=
        std::string::npos);
  CHECK_THROWS_AS(ctnet::write_png(bad_size, 2, 2, 2, px), ctnet::Error);
  CHECK_FALSE(fs::exists(bad_size));

  const std::string not_png = dir.file("text.png");
  std::ofstream(not_png) << "hello, this is not a PNG file";
  const std::string msg = error_of([&] { ctnet::read_png(not_png); });
  CHECK(msg.find(not_png) != std::string::npos);
  CHECK(msg.find('\n') == std::string::npos);
  CHECK(error_of([&] { ctnet::read_png(dir.file("absent.png")); }).find("absent.png") !=
        std::string::npos);

  // A file cut short: a valid header, then nothing.
  const std::string good = dir.file("good.png");
  std::vector<std::uint8_t> noise(64 * 64 * 3);
  for (std::size_t i = 0; i < noise.size(); ++i) noise[i] = static_cast<std::uint8_t>(i * 2654435761u >> 7);
  ctnet::write_png(good, 64, 64, 3, noise);
  fs::resize_file(good, fs::file_size(good) / 2);
  CHECK(error_of([&] { ctnet::read_png(good); }).find(good) != std::string::npos);
}

TEST_CASE("image grid: layout, scale, gap and value mapping") {
  TempDir dir;
  // 3 gray images of 2 x 3 in 2 columns, scale 2: tiles are 6 x 4 pixels.
  const std::size_t count = 3, h = 2, w = 3;
  std::vector<float> images(count * h * w, -1.0f);  // lo: black
  images[2 * h * w + 1 * w + 2] = 1.0f;             // image 2, y 1, x 2: hi
  images[0] = 0.0f;                                 // image 0, y 0, x 0: mid grey
  images[1] = 5.0f;                                 // clamped to hi
  images[2] = std::numeric_limits<float>::quiet_NaN();
  const std::string path = dir.file("grid.png");
  ctnet::write_image_grid(path, images, count, h, w, 1, 2, -1.0f, 1.0f, 2);
  const auto im = ctnet::read_png(path);
  CHECK(im.channels == 1);
  CHECK(im.width == 2 + 2 * (6 + 2));
  CHECK(im.height == 2 + 2 * (4 + 2));
  const auto at = [&](std::size_t x, std::size_t y) { return im.pixels[y * im.width + x]; };
  // Image 2 is row 1, column 0: its top-left corner is (2, 2 + 4 + 2).
  const std::size_t x0 = 2, y0 = 8;
  for (std::size_t dy = 0; dy < 2; ++dy)
    for (std::size_t dx = 0; dx < 2; ++dx) CHECK(at(x0 + 2 * 2 + dx, y0 + 1 * 2 + dy) == 255);
  CHECK(at(x0 + 2 * 2 - 1, y0 + 2) == 0);  // its left neighbour stays black
  CHECK(at(2, 2) == 128);                   // 0 in [-1, 1] -> 127.5 -> 128
  CHECK(at(3, 3) == 128);
  CHECK(at(4, 2) == 255);                   // 5 clamps to 255
  CHECK(at(6, 2) == 0);                     // NaN -> 0
  CHECK(at(0, 0) == ctnet::image_grid_gap_level);
  CHECK(at(8, 2) == ctnet::image_grid_gap_level);    // gap between columns
  CHECK(at(12, 10) == ctnet::image_grid_gap_level);  // the empty 4th cell

  // RGB keeps the channels apart.
  std::vector<float> rgb(1 * 1 * 1 * 3);
  rgb = {1.0f, 0.0f, 0.5f};
  ctnet::write_image_grid(path, rgb, 1, 1, 1, 3, 4, 0.0f, 1.0f, 1);
  const auto im3 = ctnet::read_png(path);
  CHECK(im3.width == 5);
  CHECK(pixel(im3, 2, 2) == ctnet::Rgb{255, 0, 128});
}

TEST_CASE("image grid: bad arguments throw ctnet::Error") {
  TempDir dir;
  const std::string path = dir.file("g.png");
  std::vector<float> images(2 * 4 * 4, 0.0f);
  CHECK_THROWS_AS(ctnet::write_image_grid(path, images, 0, 4, 4, 1, 2, 0, 1), ctnet::Error);
  CHECK(error_of([&] { ctnet::write_image_grid(path, images, 3, 4, 4, 1, 2, 0, 1); }).find(path) !=
        std::string::npos);
  CHECK_THROWS_AS(ctnet::write_image_grid(path, images, 2, 4, 4, 2, 2, 0, 1), ctnet::Error);
  CHECK_THROWS_AS(ctnet::write_image_grid(path, images, 2, 4, 4, 1, 0, 0, 1), ctnet::Error);
  CHECK_THROWS_AS(ctnet::write_image_grid(path, images, 2, 4, 4, 1, 2, 1, 1), ctnet::Error);
  CHECK_FALSE(fs::exists(path));
}

TEST_CASE("font: every printable glyph has ink inside its 5 x 9 cell, space has none") {
  for (int ch = 33; ch <= 126; ++ch) {
    int ink = 0;
    for (int r = 0; r < ctnet::font::glyph_rows; ++r) {
      CHECK((ctnet::font::glyph_row(static_cast<char>(ch), r) & ~0x1Fu) == 0u);
      for (int c = 0; c < ctnet::font::glyph_width; ++c)
        ink += ctnet::font::glyph_pixel(static_cast<char>(ch), c, r) ? 1 : 0;
    }
    CHECK_MESSAGE(ink > 0, "glyph ", ch);
  }
  for (int r = 0; r < ctnet::font::glyph_rows; ++r) CHECK(ctnet::font::glyph_row(' ', r) == 0);
  CHECK(ctnet::font::glyph_row('\x01', 0) == ctnet::font::glyph_row('?', 0));
}

TEST_CASE("ticks: 1-2-5 steps inside the range, labels with just enough decimals") {
  const auto t = ctnet::nice_ticks(0.0, 1.0, 6);
  CHECK(t.step == doctest::Approx(0.2));
  REQUIRE(t.values.size() == 6);
  CHECK(t.values.front() == 0.0);
  CHECK(t.values.back() == doctest::Approx(1.0));

  const auto u = ctnet::nice_ticks(0.031, 0.297, 6);
  CHECK(u.step == doctest::Approx(0.05));
  CHECK(u.values.front() == doctest::Approx(0.05));
  CHECK(u.values.back() == doctest::Approx(0.25));
  for (double v : u.values) CHECK((v >= 0.031 && v <= 0.297));

  const auto e = ctnet::nice_ticks(0.55, 10.45, 10);
  CHECK(e.step == doctest::Approx(1.0));
  CHECK(e.values.size() == 10);

  const auto neg = ctnet::nice_ticks(-0.3, 0.3, 4);
  CHECK(std::find(neg.values.begin(), neg.values.end(), 0.0) != neg.values.end());

  // Epochs: whole numbers only, one epoch one tick (it was 0.96 ... 1.04).
  CHECK(ctnet::whole_ticks(0.5, 1.5, 6).values == std::vector<double>{1.0});
  CHECK(ctnet::whole_ticks(0.5, 3.5, 10).values == std::vector<double>{1.0, 2.0, 3.0});
  CHECK(ctnet::format_ticks(ctnet::whole_ticks(0.5, 1.5, 6)) == std::vector<std::string>{"1"});
  CHECK(ctnet::whole_ticks(0.0, 100.0, 6).step == doctest::Approx(20.0));

  CHECK(ctnet::format_tick(0.25, 0.05) == "0.25");
  CHECK(ctnet::format_tick(0.2, 0.05) == "0.20");
  CHECK(ctnet::format_tick(1500, 500) == "1500");
  CHECK(ctnet::format_tick(0.0, 0.1) == "0");
  CHECK(ctnet::format_tick(-2, 1) == "-2");
  CHECK(ctnet::format_ticks(ctnet::nice_ticks(0, 1e6, 6)).back() == "1e+06");
  CHECK(ctnet::format_ticks(ctnet::nice_ticks(0, 1e6, 6))[1] == "2e+05");
}

TEST_CASE("line plot: white background, series in its palette colour, NaN skipped") {
  TempDir dir;
  const std::string path = dir.file("loss.png");
  ctnet::LinePlot plot{"loss", "epoch", "loss", {}};
  ctnet::Series loss{"loss", {}, {}};
  for (int e = 1; e <= 10; ++e) {
    loss.x.push_back(e);
    loss.y.push_back(1.0 / e);
  }
  loss.y[4] = qnan;
  loss.x[6] = std::numeric_limits<double>::infinity();
  plot.series.push_back(loss);
  ctnet::write_line_plot(path, plot, 640, 400);
  const auto im = ctnet::read_png(path);
  CHECK(im.width == 640);
  CHECK(im.height == 400);
  CHECK(im.channels == 3);
  CHECK(pixel(im, 0, 0) == white);
  CHECK(pixel(im, 639, 399) == white);
  CHECK(count_color(im, white) > im.width * im.height / 2);
  CHECK(count_color(im, ctnet::plot_color(0)) > 300);
  CHECK(count_color(im, ctnet::plot_color(1)) == 0);

  // Two series: the second in the second colour, legend included.
  ctnet::Series val = loss;
  val.name = "val_loss";
  for (double& y : val.y) y += 0.1;
  plot.series.push_back(val);
  const ctnet::Canvas cv = ctnet::render_line_plot(plot);
  std::size_t orange = 0;
  for (int y = 0; y < cv.height(); ++y)
    for (int x = 0; x < cv.width(); ++x) orange += cv.at(x, y) == ctnet::plot_color(1) ? 1 : 0;
  CHECK(orange > 300);
}

TEST_CASE("line plot: degenerate data does not crash") {
  ctnet::LinePlot plot;
  CHECK_NOTHROW(ctnet::render_line_plot(plot));  // no series at all
  plot.series.push_back({"all nan", {1, 2, 3}, {qnan, qnan, qnan}});
  plot.series.push_back({"one point", {5}, {2}});
  plot.series.push_back({"flat", {1, 2, 3}, {2, 2, 2}});
  plot.series.push_back({"", {}, {}});
  CHECK_NOTHROW(ctnet::render_line_plot(plot));
  plot.series.push_back({"huge", {0, 1}, {-1e300, 1e300}});
  CHECK_NOTHROW(ctnet::render_line_plot(plot, 300, 200));
}

TEST_CASE("line plot: errors throw ctnet::Error naming the file") {
  TempDir dir;
  ctnet::LinePlot plot{"t", "x", "y", {{"s", {1, 2, 3}, {1, 2}}}};
  const std::string path = dir.file("mismatch.png");
  CHECK(error_of([&] { ctnet::write_line_plot(path, plot); }).find(path) != std::string::npos);
  plot.series[0].y.push_back(3);
  const std::string nowhere = dir.file("missing/dir/plot.png");
  CHECK(error_of([&] { ctnet::write_line_plot(nowhere, plot); }).find(nowhere) != std::string::npos);
  CHECK_THROWS_AS(ctnet::write_line_plot(path, plot, 10, 10), ctnet::Error);
}

TEST_CASE("scatter plot: one colour per class, points with NaN skipped") {
  TempDir dir;
  ctnet::ScatterPlot sp{"latent", "z0", "z1", {}, {}, {}, {"zero", "one", "two"}};
  for (int i = 0; i < 300; ++i) {
    sp.x.push_back(i % 3 + 0.01 * i);
    sp.y.push_back((i % 3) * 2.0 - 0.005 * i);
    sp.cls.push_back(i % 3);
  }
  sp.x.push_back(qnan);
  sp.y.push_back(0);
  sp.cls.push_back(5);  // skipped, so class 5 is neither drawn nor listed
  const std::string path = dir.file("scatter.png");
  ctnet::write_scatter_plot(path, sp);
  const auto im = ctnet::read_png(path);
  CHECK(im.width == 800);
  CHECK(im.height == 600);
  CHECK(pixel(im, 0, 0) == white);
  for (std::size_t k = 0; k < 3; ++k) CHECK(count_color(im, ctnet::plot_color(k)) > 100);
  CHECK(count_color(im, ctnet::plot_color(5)) == 0);

  sp.cls.pop_back();
  CHECK(error_of([&] { ctnet::write_scatter_plot(path, sp); }).find(path) != std::string::npos);
}

TEST_CASE("heatmap: cells shaded by value, counts written, bad sizes rejected") {
  TempDir dir;
  ctnet::Heatmap hm{"confusion", "predicted", "true", 2, 2, {90, 10, 0, 100}, {"a", "b"}, {}, true};
  const ctnet::Canvas cv = ctnet::render_heatmap(hm, 40);
  CHECK(cv.at(0, 0) == white);
  // Find the grid's cells by their colours: the largest value is the
  // darkest blue, the smallest the lightest.
  const ctnet::Rgb darkest = ctnet::detail::blues(1.0), lightest = ctnet::detail::blues(0.0);
  std::size_t dark = 0, light = 0;
  for (int y = 0; y < cv.height(); ++y)
    for (int x = 0; x < cv.width(); ++x) {
      dark += cv.at(x, y) == darkest ? 1 : 0;
      light += cv.at(x, y) == lightest ? 1 : 0;
    }
  CHECK(dark > 40 * 40 / 2);   // the 100 cell, less its white "100"
  CHECK(light > 40 * 40 / 2);  // the 0 cell
  const std::string path = dir.file("cm.png");
  ctnet::write_heatmap(path, hm);
  CHECK(ctnet::read_png(path).width > 0);

  hm.values.pop_back();
  CHECK(error_of([&] { ctnet::write_heatmap(path, hm); }).find(path) != std::string::npos);
  hm.values.push_back(1);
  hm.row_labels.push_back("c");
  CHECK_THROWS_AS(ctnet::render_heatmap(hm), ctnet::Error);
  hm.row_labels.pop_back();
  hm.values[0] = qnan;  // drawn grey, not a crash
  CHECK_NOTHROW(ctnet::render_heatmap(hm));
}

TEST_CASE("labelled image grid: the tiles of the plain grid, a title above, labels beside") {
  TempDir dir;
  std::vector<float> images(20 * 28 * 28);
  for (std::size_t i = 0; i < images.size(); ++i) images[i] = static_cast<float>(i % 97) / 96.0f;
  const std::string plain = dir.file("plain.png"), labelled = dir.file("labelled.png");
  ctnet::write_image_grid(plain, images, 20, 28, 28, 1, 10, 0.0f, 1.0f);
  ctnet::GridLabels labels{"samples after epoch 1", {"class 0", "class 1"}, {}, "", ""};
  ctnet::write_image_grid(labelled, images, 20, 28, 28, 1, 10, 0.0f, 1.0f, labels);
  const auto p = ctnet::read_png(plain), l = ctnet::read_png(labelled);
  REQUIRE(l.width > p.width);
  REQUIRE(l.height > p.height);
  // Find the grid's frame (its dark-grey gap) in the labelled figure, then compare every pixel.
  const ctnet::Rgb gap{ctnet::image_grid_gap_level, ctnet::image_grid_gap_level, ctnet::image_grid_gap_level};
  int left = -1, top = -1;
  for (int y = 0; y + 1 < static_cast<int>(l.height) && top < 0; ++y)
    for (int x = 0; x + 2 < static_cast<int>(l.width); ++x)
      if (pixel(l, x, y) == gap && pixel(l, x + 1, y) == gap && pixel(l, x, y + 1) == gap && pixel(l, x + 2, y) == gap) {
        left = x, top = y;
        break;
      }
  REQUIRE(left > 0);
  REQUIRE(top > 0);
  std::size_t differ = 0;
  for (int y = 0; y < static_cast<int>(p.height); ++y)
    for (int x = 0; x < static_cast<int>(p.width); ++x) {
      const std::uint8_t v = p.pixels[static_cast<std::size_t>(y) * p.width + static_cast<std::size_t>(x)];
      differ += pixel(l, left + x, top + y) == ctnet::Rgb{v, v, v} ? 0 : 1;
    }
  CHECK(differ == 0);
  // Text: dark pixels above the grid (the title) and left of it (the row labels).
  std::size_t title_ink = 0, label_ink = 0;
  for (int y = 0; y < top; ++y)
    for (int x = 0; x < static_cast<int>(l.width); ++x) title_ink += pixel(l, x, y) == ctnet::detail::plot_text;
  for (int y = top; y < top + static_cast<int>(p.height); ++y)
    for (int x = 0; x < left; ++x) label_ink += pixel(l, x, y) == ctnet::detail::plot_text;
  CHECK(title_ink > 100);
  CHECK(label_ink > 50);
}

TEST_CASE("every figure kind: its title drawn, and not blank") {
  const auto count = [](const ctnet::Canvas& cv, auto&& keep) {
    std::size_t k = 0;
    for (int y = 0; y < cv.height(); ++y)
      for (int x = 0; x < cv.width(); ++x) k += keep(cv.at(x, y)) ? 1 : 0;
    return k;
  };
  const auto text_ink = [&](const ctnet::Canvas& cv) {
    return count(cv, [](ctnet::Rgb c) { return c == ctnet::detail::plot_text; });
  };
  const auto check_kind = [&](const char* kind, auto&& render) {
    INFO(kind);
    const ctnet::Canvas titled = render("after epoch 1"), untitled = render("");
    CHECK(titled.width() > 100);
    CHECK(titled.height() > 100);
    CHECK(text_ink(titled) > text_ink(untitled) + 100);  // the title's letters
    const std::size_t drawn = count(untitled, [](ctnet::Rgb c) { return c != white; });
    CHECK(drawn > static_cast<std::size_t>(untitled.width() * untitled.height()) / 50);
  };
  check_kind("line plot, one epoch", [](const std::string& t) {
    ctnet::LinePlot plot{t, "epoch", "loss", {{"loss", {1}, {0.5}}, {"val_loss", {1}, {0.6}}}};
    plot.whole_x = true;
    return ctnet::render_line_plot(plot);
  });
  check_kind("scatter plot", [](const std::string& t) {
    ctnet::ScatterPlot sp{t, "z0", "z1", {0, 1, 2, 3}, {1, 0, 3, 2}, {0, 1, 0, 1}, {}};
    return ctnet::render_scatter_plot(sp);
  });
  check_kind("heatmap", [](const std::string& t) {
    return ctnet::render_heatmap({t, "predicted", "true", 2, 2, {5, 1, 2, 7}, {}, {}, true});
  });
  std::vector<float> images(6 * 28 * 28, 0.5f);
  const auto pixels = ctnet::render_image_grid("grid.png", images, 6, 28, 28, 1, 3, 0.0f, 1.0f);
  check_kind("labelled image grid", [&](const std::string& t) {
    return ctnet::render_labelled_grid(pixels, {t, {"original", "reconstruction"}, {}, "", ""});
  });
}
