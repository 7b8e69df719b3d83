#pragma once
// What the line plot, the scatter plot and the heatmap share: the colour
// palette, the text sizes, the layout of a titled, labelled pair of numeric
// axes, and the legend box.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <ctnet/core/error.hpp>
#include <ctnet/plot/canvas.hpp>
#include <ctnet/plot/ticks.hpp>

namespace ctnet {

/// The plots' series / class colours: matplotlib's "tab10", so ctnet's
/// figures read like the reports' Keras/matplotlib ones. Index i mod 10.
inline constexpr Rgb plot_colors[10] = {
    {31, 119, 180}, {255, 127, 14}, {44, 160, 44},   {214, 39, 40},   {148, 103, 189},
    {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};

/// Colour number `i` of plot_colors, cycling after 10.
constexpr Rgb plot_color(std::size_t i) noexcept { return plot_colors[i % 10]; }

namespace detail {

inline constexpr Rgb plot_white{255, 255, 255};
inline constexpr Rgb plot_text{20, 20, 20};
inline constexpr Rgb plot_frame{50, 50, 50};
inline constexpr Rgb plot_grid{228, 228, 228};
inline constexpr Rgb plot_legend_border{190, 190, 190};

/// A white canvas of the requested figure size; throws on absurd sizes.
inline Canvas make_figure(std::size_t width, std::size_t height) {
  if (width < 50 || height < 50 || width > 16384 || height > 16384)
    fail("figure size {}x{} is outside 50..16384", width, height);
  return Canvas(static_cast<int>(width), static_cast<int>(height), plot_white);
}

/// Text scale for a figure: 2 (14-px capitals) for the usual 800 x 500,
/// 1 below 400 px, 3 from 900 px (the smaller side decides).
inline int plot_text_scale(int width, int height) {
  const int side = std::min(width, height);
  return 1 + (side >= 400 ? 1 : 0) + (side >= 900 ? 1 : 0);
}

/// Draws a title in a faux bold (the text twice, one pixel apart).
inline void draw_bold_text(Canvas& cv, int x, int y, std::string_view text, Rgb c, int s,
                           TextAlign align) {
  cv.draw_text(x, y, text, c, s, align);
  cv.draw_text(x + 1, y, text, c, s, align);
}

/// The min and max of the finite values added.
struct DataRange {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void add(double v) noexcept {
    if (!std::isfinite(v)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  bool empty() const noexcept { return lo > hi; }
  /// The range widened by `frac` of its span on each side; an empty range
  /// becomes [0, 1] and a single value v becomes v +- 5% (or +- 0.5 at 0).
  DataRange padded(double frac) const noexcept {
    if (empty()) return {0.0, 1.0};
    if (hi == lo) {
      const double d = lo == 0.0 ? 0.5 : std::abs(lo) * 0.05;
      return {lo - d, hi + d};
    }
    const double d = (hi - lo) * frac;
    return {lo - d, hi + d};
  }
};

/// The plot area of a figure: data (x, y) maps to pixel (px(x), py(y))
/// inside [x0, x1) x [y0, y1).
struct PlotArea {
  int x0 = 0, y0 = 0, x1 = 1, y1 = 1;
  double xlo = 0, xhi = 1, ylo = 0, yhi = 1;
  double px(double x) const noexcept { return x0 + (x - xlo) / (xhi - xlo) * (x1 - x0 - 1); }
  double py(double y) const noexcept {
    return (y1 - 1) - (y - ylo) / (yhi - ylo) * (y1 - y0 - 1);
  }
};

/// Lays out and draws a figure's frame: title, axis labels, grid, ticks and
/// tick labels, leaving `right_reserved` pixels free on the right (for an
/// outside legend); with `whole_x`, x ticks only on whole numbers. Returns
/// the plot area with the clip set to it.
inline PlotArea draw_axes(Canvas& cv, const std::string& title, const std::string& xlabel,
                          const std::string& ylabel, DataRange xr, DataRange yr,
                          int right_reserved, bool whole_x = false) {
  const int s = plot_text_scale(cv.width(), cv.height());
  const int pad = 6 * s, tick_len = 5, gap = 3 * s, th = Canvas::text_height(s);
  const int top = title.empty() ? 3 * pad : 2 * pad + th + 2 * pad;
  const int bottom = tick_len + gap + th + (xlabel.empty() ? 0 : 2 * pad + th) + 2 * pad;

  PlotArea a;
  a.xlo = xr.lo, a.xhi = xr.hi, a.ylo = yr.lo, a.yhi = yr.hi;
  a.y0 = top;
  a.y1 = cv.height() - bottom;
  const int plot_h = a.y1 - a.y0;
  if (plot_h < 20) fail("figure too small: {} px high", cv.height());

  const AxisTicks yt = nice_ticks(yr.lo, yr.hi, static_cast<std::size_t>(std::max(2, plot_h / (20 * s))));
  const std::vector<std::string> ylabels = format_ticks(yt);
  int ylabel_w = 0;
  for (const auto& l : ylabels) ylabel_w = std::max(ylabel_w, Canvas::text_width(l, s));
  a.x0 = pad + (ylabel.empty() ? 0 : th + 2 * s + 2 * pad) + ylabel_w + gap + tick_len;

  // x ticks: as many as fit without labels touching; the right margin must
  // hold half of the last label.
  AxisTicks xt;
  std::vector<std::string> xlabels;
  int right = right_reserved + 3 * pad;
  for (int pass = 0; pass < 2; ++pass) {
    a.x1 = cv.width() - right;
    const int plot_w = a.x1 - a.x0;
    if (plot_w < 20) fail("figure too small: {} px wide", cv.width());
    for (int target = std::max(2, plot_w / (30 * s)); target >= 2; --target) {
      xt = whole_x ? whole_ticks(xr.lo, xr.hi, static_cast<std::size_t>(target))
                   : nice_ticks(xr.lo, xr.hi, static_cast<std::size_t>(target));
      xlabels = format_ticks(xt);
      int widest = 0;
      for (const auto& l : xlabels) widest = std::max(widest, Canvas::text_width(l, s));
      const double step_px = xt.step / (xr.hi - xr.lo) * plot_w;
      if (widest + 3 * pad <= step_px) break;
    }
    const int last_half = xlabels.empty() ? 0 : Canvas::text_width(xlabels.back(), s) / 2;
    right = right_reserved + std::max(3 * pad, last_half + pad);
  }

  // Grid, then the frame around it, ticks and labels.
  for (double v : yt.values) {
    const int y = static_cast<int>(std::lround(a.py(v)));
    cv.fill_rect(a.x0, y, a.x1, y + 1, plot_grid);
  }
  for (double v : xt.values) {
    const int x = static_cast<int>(std::lround(a.px(v)));
    cv.fill_rect(x, a.y0, x + 1, a.y1, plot_grid);
  }
  cv.draw_rect(a.x0 - 1, a.y0 - 1, a.x1 + 1, a.y1 + 1, plot_frame);
  for (std::size_t i = 0; i < yt.values.size(); ++i) {
    const int y = static_cast<int>(std::lround(a.py(yt.values[i])));
    cv.fill_rect(a.x0 - 1 - tick_len, y, a.x0 - 1, y + 1, plot_frame);
    cv.draw_text(a.x0 - 1 - tick_len - gap, y - th / 2, ylabels[i], plot_text, s, TextAlign::right);
  }
  for (std::size_t i = 0; i < xt.values.size(); ++i) {
    const int x = static_cast<int>(std::lround(a.px(xt.values[i])));
    cv.fill_rect(x, a.y1 + 1, x + 1, a.y1 + 1 + tick_len, plot_frame);
    cv.draw_text(x, a.y1 + 1 + tick_len + gap, xlabels[i], plot_text, s, TextAlign::center);
  }
  const int xmid = (a.x0 + a.x1) / 2, ymid = (a.y0 + a.y1) / 2;
  if (!title.empty()) draw_bold_text(cv, xmid, 2 * pad, title, plot_text, s, TextAlign::center);
  if (!xlabel.empty())
    cv.draw_text(xmid, a.y1 + 1 + tick_len + gap + th + 2 * pad, xlabel, plot_text, s,
                 TextAlign::center);
  if (!ylabel.empty()) cv.draw_text_up(pad, ymid, ylabel, plot_text, s);
  cv.set_clip(a.x0, a.y0, a.x1, a.y1);
  return a;
}

/// One legend line: a colour swatch (a short line or a dot) and a name.
struct LegendEntry {
  Rgb color;
  std::string name;
};

/// Size of the legend box for `entries` at text scale `s`.
struct LegendBox {
  int w = 0, h = 0;
};

inline int legend_swatch_w(int s) { return 10 * s; }
inline int legend_row_h(int s) { return 11 * s; }

inline LegendBox legend_size(const std::vector<LegendEntry>& entries, int s) {
  if (entries.empty()) return {};
  int name_w = 0;
  for (const auto& e : entries) name_w = std::max(name_w, Canvas::text_width(e.name, s));
  const int pad = 5 * s;
  return {pad + legend_swatch_w(s) + pad + name_w + pad,
          2 * pad + static_cast<int>(entries.size() - 1) * legend_row_h(s) +
              Canvas::text_height(s)};
}

/// Draws the legend box with its top-left corner at (x, y); `dots` draws
/// the swatches as discs (scatter) instead of 2-px lines.
inline void draw_legend(Canvas& cv, int x, int y, const std::vector<LegendEntry>& entries, int s,
                        bool dots) {
  if (entries.empty()) return;
  const LegendBox box = legend_size(entries, s);
  const int pad = 5 * s, sw = legend_swatch_w(s), th = Canvas::text_height(s);
  cv.fill_rect(x, y, x + box.w, y + box.h, plot_white);
  cv.draw_rect(x, y, x + box.w, y + box.h, plot_legend_border);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const int ty = y + pad + static_cast<int>(i) * legend_row_h(s);
    const int cy = ty + th / 2;
    if (dots)
      cv.fill_disc(x + pad + sw / 2.0, cy + 0.5, 2.0 * s, entries[i].color);
    else
      cv.draw_line(x + pad, cy, x + pad + sw, cy, entries[i].color, 2);
    cv.draw_text(x + pad + sw + pad, ty, entries[i].name, plot_text, s);
  }
}

/// Draws the legend inside the plot area in the corner that covers the
/// fewest drawn data pixels (upper right first on ties), like
/// matplotlib's loc="best".
inline void draw_legend_best(Canvas& cv, const PlotArea& a, const std::vector<LegendEntry>& entries,
                             int s, bool dots) {
  if (entries.empty()) return;
  const LegendBox box = legend_size(entries, s);
  const int m = 4 * s;
  const int xs[2] = {a.x1 - m - box.w, a.x0 + m};
  const int ys[2] = {a.y0 + m, a.y1 - m - box.h};
  const int order[4][2] = {{0, 0}, {1, 0}, {0, 1}, {1, 1}};  // UR, UL, LR, LL
  long best = -1;
  int bx = xs[0], by = ys[0];
  for (const auto& o : order) {
    const int x = xs[o[0]], y = ys[o[1]];
    long covered = 0;
    for (int py = std::max(y, 0); py < std::min(y + box.h, cv.height()); ++py)
      for (int px = std::max(x, 0); px < std::min(x + box.w, cv.width()); ++px) {
        const Rgb c = cv.at(px, py);
        covered += (c != plot_white && c != plot_grid) ? 1 : 0;
      }
    if (best < 0 || covered < best) {
      best = covered;
      bx = x;
      by = y;
    }
  }
  draw_legend(cv, bx, by, entries, s, dots);
}

}  // namespace detail
}  // namespace ctnet
