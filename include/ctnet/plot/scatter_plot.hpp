#pragma once
// ctnet::write_scatter_plot: points coloured by class, e.g. a VAE's 2-D
// latent means of 10,000 test digits coloured by label.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <ctnet/core/error.hpp>
#include <ctnet/plot/canvas.hpp>
#include <ctnet/plot/plot_axes.hpp>

namespace ctnet {

/// Points (x[i], y[i]) of class cls[i] (>= 0), drawn in plot_color(cls[i]).
/// `cls` may be empty (one class, no legend). The legend lists the classes
/// present, named class_names[k] when given, else the number k. Points with
/// a NaN or infinite coordinate are skipped.
struct ScatterPlot {
  std::string title, xlabel, ylabel;
  std::vector<double> x, y;
  std::vector<int> cls;
  std::vector<std::string> class_names;
};

/// Draws `plot` on a width x height canvas: white background, axes on 1-2-5
/// ticks, dots (smaller when there are thousands), legend outside on the
/// right. Points are drawn in the given order, so the last ones are on top.
/// Throws ctnet::Error if x, y (and cls, when not empty) differ in size or
/// a class is negative.
inline Canvas render_scatter_plot(const ScatterPlot& plot, std::size_t width = 800,
                                  std::size_t height = 600) {
  if (plot.x.size() != plot.y.size())
    fail("scatter plot has {} x values and {} y values", plot.x.size(), plot.y.size());
  if (!plot.cls.empty() && plot.cls.size() != plot.x.size())
    fail("scatter plot has {} points and {} classes", plot.x.size(), plot.cls.size());
  detail::DataRange xr, yr;
  std::vector<bool> present;
  for (std::size_t i = 0; i < plot.x.size(); ++i) {
    const int k = plot.cls.empty() ? 0 : plot.cls[i];
    if (k < 0) fail("scatter plot point {} has class {}", i, k);
    if (!std::isfinite(plot.x[i]) || !std::isfinite(plot.y[i])) continue;
    xr.add(plot.x[i]);
    yr.add(plot.y[i]);
    if (static_cast<std::size_t>(k) >= present.size()) present.resize(static_cast<std::size_t>(k) + 1);
    present[static_cast<std::size_t>(k)] = true;
  }

  Canvas cv = detail::make_figure(width, height);
  const int s = detail::plot_text_scale(cv.width(), cv.height());
  std::vector<detail::LegendEntry> legend;
  if (!plot.cls.empty() || !plot.class_names.empty())
    for (std::size_t k = 0; k < present.size(); ++k)
      if (present[k])
        legend.push_back({plot_color(k), k < plot.class_names.size() ? plot.class_names[k]
                                                                      : fmt::format("{}", k)});
  const detail::LegendBox box = detail::legend_size(legend, s);
  const detail::PlotArea a = detail::draw_axes(cv, plot.title, plot.xlabel, plot.ylabel,
                                               xr.padded(0.04), yr.padded(0.04),
                                               box.w == 0 ? 0 : box.w + 4 * s);

  const std::size_t n = plot.x.size();
  const double r = n > 20000 ? 1.0 : n > 2000 ? 1.6 : 2.5;
  for (std::size_t i = 0; i < n; ++i) {
    const int k = plot.cls.empty() ? 0 : plot.cls[i];
    cv.fill_disc(a.px(plot.x[i]) + 0.5, a.py(plot.y[i]) + 0.5, r,
                 plot_color(static_cast<std::size_t>(k)));
  }
  cv.reset_clip();
  detail::draw_legend(cv, a.x1 + 1 + 4 * s, a.y0 - 1, legend, s, true);
  return cv;
}

/// Renders `plot` (see render_scatter_plot) and writes it as an RGB PNG at
/// `path`, atomically. Throws ctnet::Error naming `path` on any failure.
inline void write_scatter_plot(const std::string& path, const ScatterPlot& plot,
                               std::size_t width = 800, std::size_t height = 600) {
  Canvas cv = [&] {
    try {
      return render_scatter_plot(plot, width, height);
    } catch (const Error& e) {
      fail("cannot write plot '{}': {}", path, e.what());
    }
  }();
  cv.write_png(path);
}

}  // namespace ctnet
