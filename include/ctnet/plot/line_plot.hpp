#pragma once
// ctnet::write_line_plot: curves such as loss and val_loss per epoch,
// rendered by ctnet into a PNG (no Python, no gnuplot).
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include <ctnet/core/error.hpp>
#include <ctnet/plot/canvas.hpp>
#include <ctnet/plot/plot_axes.hpp>

namespace ctnet {

/// One curve: points (x[i], y[i]) joined in order; x.size() == y.size().
/// A NaN or infinite coordinate drops that point and breaks the line there.
struct Series {
  std::string name;  ///< legend text; the legend is drawn if any name is set
  std::vector<double> x, y;
};

/// A figure of curves on one pair of axes, e.g. training history:
/// {"loss", "epoch", "", {{"loss", epochs, loss}, {"val_loss", epochs, val}}}.
/// Series i is drawn in plot_color(i) (matplotlib's tab10 order).
struct LinePlot {
  std::string title, xlabel, ylabel;
  std::vector<Series> series;
  /// x holds whole numbers (epochs): ticks only on them, and a single x
  /// stands between x - 0.5 and x + 0.5.
  bool whole_x = false;
};

/// Draws `plot` on a width x height canvas: white background, axes on 1-2-5
/// ticks with 5% headroom around the data, 2-px lines, legend in the
/// emptiest corner. Throws ctnet::Error if a series has x.size() != y.size()
/// or the canvas is too small for the axes.
inline Canvas render_line_plot(const LinePlot& plot, std::size_t width = 800,
                               std::size_t height = 500) {
  detail::DataRange xr, yr;
  for (const Series& sr : plot.series) {
    if (sr.x.size() != sr.y.size())
      fail("series '{}' has {} x values and {} y values", sr.name, sr.x.size(), sr.y.size());
    for (std::size_t i = 0; i < sr.x.size(); ++i)
      if (std::isfinite(sr.x[i]) && std::isfinite(sr.y[i])) {
        xr.add(sr.x[i]);
        yr.add(sr.y[i]);
      }
  }
  Canvas cv = detail::make_figure(width, height);
  detail::DataRange xpad = xr.padded(0.03);
  if (plot.whole_x && !xr.empty() && xr.hi - xr.lo < 2.0) xpad = {xr.lo - 0.5, xr.hi + 0.5};
  const detail::PlotArea a =
      detail::draw_axes(cv, plot.title, plot.xlabel, plot.ylabel, xpad, yr.padded(0.05), 0, plot.whole_x);

  std::vector<detail::LegendEntry> legend;
  bool any_name = false;
  for (std::size_t k = 0; k < plot.series.size(); ++k) {
    const Series& sr = plot.series[k];
    const Rgb c = plot_color(k);
    const auto ok = [&](std::size_t i) { return std::isfinite(sr.x[i]) && std::isfinite(sr.y[i]); };
    for (std::size_t i = 0; i < sr.x.size(); ++i) {
      if (!ok(i)) continue;
      const bool prev = i > 0 && ok(i - 1), next = i + 1 < sr.x.size() && ok(i + 1);
      if (prev)
        cv.draw_line(a.px(sr.x[i - 1]), a.py(sr.y[i - 1]), a.px(sr.x[i]), a.py(sr.y[i]), c, 2);
      else if (!next)  // an isolated point would otherwise be invisible
        cv.fill_disc(a.px(sr.x[i]) + 0.5, a.py(sr.y[i]) + 0.5, 2.5, c);
    }
    legend.push_back({c, sr.name});
    any_name = any_name || !sr.name.empty();
  }
  if (any_name)
    detail::draw_legend_best(cv, a, legend, detail::plot_text_scale(cv.width(), cv.height()), false);
  cv.reset_clip();
  return cv;
}

/// Renders `plot` (see render_line_plot) and writes it as an RGB PNG at
/// `path`, atomically. Throws ctnet::Error naming `path` on any failure.
inline void write_line_plot(const std::string& path, const LinePlot& plot, std::size_t width = 800,
                            std::size_t height = 500) {
  Canvas cv = [&] {
    try {
      return render_line_plot(plot, width, height);
    } catch (const Error& e) {
      fail("cannot write plot '{}': {}", path, e.what());
    }
  }();
  cv.write_png(path);
}

}  // namespace ctnet
