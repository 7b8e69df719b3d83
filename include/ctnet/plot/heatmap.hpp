#pragma once
// ctnet::write_heatmap: a matrix as coloured cells with an optional number
// in each, e.g. a 10 x 10 confusion matrix (rows: true class, columns:
// predicted class).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <ctnet/core/error.hpp>
#include <ctnet/plot/canvas.hpp>
#include <ctnet/plot/plot_axes.hpp>
#include <ctnet/plot/ticks.hpp>

namespace ctnet {

/// A rows x cols matrix of `values` (row-major, size rows * cols) drawn as
/// cells shaded white (smallest) to dark blue (largest), with a colour bar.
/// Row labels go left of the rows, column labels below the columns (turned
/// upright when too wide for a cell); empty label vectors mean 0, 1, 2, ...
/// With `annotate`, each cell shows its value: integers as integers (counts),
/// others with 2 decimals or 3 significant digits. NaN cells are grey.
struct Heatmap {
  std::string title, xlabel, ylabel;
  std::size_t rows = 0, cols = 0;
  std::vector<double> values;
  std::vector<std::string> row_labels, col_labels;
  bool annotate = true;
};

namespace detail {

/// matplotlib's "Blues" colour map at t in [0, 1].
inline Rgb blues(double t) noexcept {
  static constexpr Rgb stops[9] = {{247, 251, 255}, {222, 235, 247}, {198, 219, 239},
                                   {158, 202, 225}, {107, 174, 214}, {66, 146, 198},
                                   {33, 113, 181},  {8, 81, 156},    {8, 48, 107}};
  t = std::clamp(t, 0.0, 1.0) * 8.0;
  const int i = std::min(static_cast<int>(t), 7);
  const double f = t - i;
  const auto mix = [f](std::uint8_t a, std::uint8_t b) {
    return static_cast<std::uint8_t>(std::lround(a + (b - a) * f));
  };
  return {mix(stops[i].r, stops[i + 1].r), mix(stops[i].g, stops[i + 1].g),
          mix(stops[i].b, stops[i + 1].b)};
}

}  // namespace detail

/// Draws `hm` on a canvas sized to fit: each cell is `cell_size` pixels
/// square, or, with 0, just wide enough for its number (grid at most about
/// 1200 px). Throws ctnet::Error if values.size() != rows * cols, a label
/// vector has the wrong length, or rows or cols is 0.
inline Canvas render_heatmap(const Heatmap& hm, std::size_t cell_size = 0) {
  if (hm.rows == 0 || hm.cols == 0) fail("heatmap of size {}x{}", hm.rows, hm.cols);
  if (hm.rows > 4096 || hm.cols > 4096) fail("heatmap of size {}x{} is too large", hm.rows, hm.cols);
  if (hm.values.size() != hm.rows * hm.cols)
    fail("heatmap {}x{} has {} values", hm.rows, hm.cols, hm.values.size());
  if (!hm.row_labels.empty() && hm.row_labels.size() != hm.rows)
    fail("heatmap {}x{} has {} row labels", hm.rows, hm.cols, hm.row_labels.size());
  if (!hm.col_labels.empty() && hm.col_labels.size() != hm.cols)
    fail("heatmap {}x{} has {} column labels", hm.rows, hm.cols, hm.col_labels.size());
  const auto row_label = [&](std::size_t r) {
    return hm.row_labels.empty() ? fmt::format("{}", r) : hm.row_labels[r];
  };
  const auto col_label = [&](std::size_t c) {
    return hm.col_labels.empty() ? fmt::format("{}", c) : hm.col_labels[c];
  };

  detail::DataRange vr;
  bool integers = true;
  for (double v : hm.values) {
    vr.add(v);
    if (std::isfinite(v)) integers = integers && v == std::round(v) && std::abs(v) < 1e9;
  }
  const double vmin = vr.empty() ? 0.0 : vr.lo;
  const double vmax = vr.empty() || vr.hi == vr.lo ? vmin + 1.0 : vr.hi;
  const auto cell_text = [&](double v) {
    if (integers) return fmt::format("{:.0f}", v);
    if (std::max(std::abs(vr.lo), std::abs(vr.hi)) < 100) return fmt::format("{:.2f}", v);
    return fmt::format("{:.3g}", v);
  };

  // Text scale follows the usual figure size; cells fit the widest number.
  const int s = 2;
  const int pad = 6 * s, gap = 3 * s, th = Canvas::text_height(s);
  int annot_w = 0;
  if (hm.annotate)
    for (double v : hm.values)
      if (std::isfinite(v)) annot_w = std::max(annot_w, Canvas::text_width(cell_text(v), s));
  const int n_max = static_cast<int>(std::max(hm.rows, hm.cols));
  int cell = cell_size > 0 ? static_cast<int>(std::min<std::size_t>(cell_size, 400))
                           : std::min(std::max(annot_w + 10 * s, 16 * s), std::max(4, 1200 / n_max));
  const bool show_numbers = hm.annotate && annot_w + 2 <= cell && th + 2 <= cell;

  int row_label_w = 0, col_label_w = 0;
  for (std::size_t r = 0; r < hm.rows; ++r) row_label_w = std::max(row_label_w, Canvas::text_width(row_label(r), s));
  for (std::size_t c = 0; c < hm.cols; ++c) col_label_w = std::max(col_label_w, Canvas::text_width(col_label(c), s));
  const bool upright = col_label_w + 2 * s > cell;  // column labels read bottom to top

  // Colour bar ticks decide the right margin.
  const AxisTicks ct = nice_ticks(vmin, vmax, 6);
  const std::vector<std::string> ctick_labels = format_ticks(ct);
  int ctick_w = 0;
  for (const auto& l : ctick_labels) ctick_w = std::max(ctick_w, Canvas::text_width(l, s));

  const int grid_w = cell * static_cast<int>(hm.cols), grid_h = cell * static_cast<int>(hm.rows);
  const int left = pad + (hm.ylabel.empty() ? 0 : th + 2 * s + 2 * pad) + row_label_w + pad;
  const int top = hm.title.empty() ? 2 * pad : 2 * pad + th + 2 * pad;
  const int col_band = upright ? col_label_w : th;
  const int bottom = gap + col_band + (hm.xlabel.empty() ? 0 : 2 * pad + th) + 2 * pad;
  const int bar_w = 10 * s;
  const int right = 3 * pad + bar_w + 5 + gap + ctick_w + pad;
  const int title_w = Canvas::text_width(hm.title, s) + 2 * pad;
  const int width = std::max(left + grid_w + right, title_w);
  const int height = top + grid_h + bottom;
  Canvas cv(width, height, detail::plot_white);

  // Cells and their numbers.
  for (std::size_t r = 0; r < hm.rows; ++r)
    for (std::size_t c = 0; c < hm.cols; ++c) {
      const double v = hm.values[r * hm.cols + c];
      const int x = left + static_cast<int>(c) * cell, y = top + static_cast<int>(r) * cell;
      if (!std::isfinite(v)) {
        cv.fill_rect(x, y, x + cell, y + cell, {200, 200, 200});
        continue;
      }
      const double t = (v - vmin) / (vmax - vmin);
      cv.fill_rect(x, y, x + cell, y + cell, detail::blues(t));
      if (show_numbers)
        cv.draw_text(x + cell / 2 + 1, y + (cell - th) / 2, cell_text(v),
                     t > 0.55 ? detail::plot_white : detail::plot_text, s, TextAlign::center);
    }
  cv.draw_rect(left - 1, top - 1, left + grid_w + 1, top + grid_h + 1, detail::plot_frame);

  // Row and column labels, axis labels, title.
  for (std::size_t r = 0; r < hm.rows; ++r)
    cv.draw_text(left - 1 - pad, top + static_cast<int>(r) * cell + (cell - th) / 2, row_label(r),
                 detail::plot_text, s, TextAlign::right);
  for (std::size_t c = 0; c < hm.cols; ++c) {
    const int cx = left + static_cast<int>(c) * cell + cell / 2;
    const std::string label = col_label(c);
    if (upright)
      cv.draw_text_up(cx - th / 2, top + grid_h + 1 + gap + Canvas::text_width(label, s) / 2, label,
                      detail::plot_text, s);
    else
      cv.draw_text(cx + 1, top + grid_h + 1 + gap, label, detail::plot_text, s, TextAlign::center);
  }
  const int xmid = left + grid_w / 2, ymid = top + grid_h / 2;
  if (!hm.xlabel.empty())
    cv.draw_text(xmid, top + grid_h + 1 + gap + col_band + 2 * pad, hm.xlabel, detail::plot_text, s,
                 TextAlign::center);
  if (!hm.ylabel.empty()) cv.draw_text_up(pad, ymid, hm.ylabel, detail::plot_text, s);
  if (!hm.title.empty())
    detail::draw_bold_text(cv, std::max(xmid, title_w / 2), 2 * pad, hm.title, detail::plot_text, s,
                           TextAlign::center);

  // Colour bar: vmax at the top, vmin at the bottom, ticks on its right.
  const int bx = left + grid_w + 3 * pad;
  for (int y = 0; y < grid_h; ++y)
    cv.fill_rect(bx, top + y, bx + bar_w, top + y + 1,
                 detail::blues(1.0 - (y + 0.5) / static_cast<double>(grid_h)));
  cv.draw_rect(bx - 1, top - 1, bx + bar_w + 1, top + grid_h + 1, detail::plot_frame);
  for (std::size_t i = 0; i < ct.values.size(); ++i) {
    const double v = ct.values[i];
    const int y = top + static_cast<int>(std::lround((vmax - v) / (vmax - vmin) * (grid_h - 1)));
    cv.fill_rect(bx + bar_w + 1, y, bx + bar_w + 6, y + 1, detail::plot_frame);
    cv.draw_text(bx + bar_w + 6 + gap, y - th / 2, ctick_labels[i], detail::plot_text, s);
  }
  return cv;
}

/// Renders `hm` (see render_heatmap) and writes it as an RGB PNG at `path`,
/// atomically. Throws ctnet::Error naming `path` on any failure.
inline void write_heatmap(const std::string& path, const Heatmap& hm, std::size_t cell_size = 0) {
  Canvas cv = [&] {
    try {
      return render_heatmap(hm, cell_size);
    } catch (const Error& e) {
      fail("cannot write heatmap '{}': {}", path, e.what());
    }
  }();
  cv.write_png(path);
}

}  // namespace ctnet
