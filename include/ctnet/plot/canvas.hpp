#pragma once
// ctnet::Canvas: an RGB raster with the few drawing primitives the plots
// need (rectangles, 2-px lines, discs, bitmap text), saved as PNG.
// No anti-aliasing: plots are read, not printed.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <ctnet/core/error.hpp>
#include <ctnet/plot/font.hpp>
#include <ctnet/plot/png.hpp>

namespace ctnet {

/// An 8-bit RGB colour.
struct Rgb {
  std::uint8_t r = 0, g = 0, b = 0;
  friend constexpr bool operator==(Rgb, Rgb) = default;
};

/// Horizontal anchoring of a text: `x` is its left edge, centre or right edge.
enum class TextAlign { left, center, right };

/// A width x height RGB image, row-major, top row first, with a clip
/// rectangle that every drawing call respects (initially the whole canvas).
/// Coordinates are pixels, x to the right, y down; rectangles are half-open
/// [x0, x1) x [y0, y1).
class Canvas {
 public:
  /// A canvas filled with `background`. Throws ctnet::Error on a size <= 0.
  Canvas(int width, int height, Rgb background = {255, 255, 255})
      : width_(width), height_(height) {
    if (width <= 0 || height <= 0)
      fail("canvas size must be positive, got {}x{}", width, height);
    pixels_.resize(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3);
    for (std::size_t i = 0; i < pixels_.size(); i += 3) {
      pixels_[i] = background.r;
      pixels_[i + 1] = background.g;
      pixels_[i + 2] = background.b;
    }
    reset_clip();
  }

  int width() const noexcept { return width_; }
  int height() const noexcept { return height_; }

  /// Interleaved RGB bytes, height * width * 3.
  std::span<const std::uint8_t> pixels() const noexcept { return pixels_; }

  /// The colour at (x, y); (x, y) must be inside the canvas.
  Rgb at(int x, int y) const noexcept {
    const std::uint8_t* p = &pixels_[index(x, y)];
    return {p[0], p[1], p[2]};
  }

  /// Restricts drawing to [x0, x1) x [y0, y1) (intersected with the canvas).
  void set_clip(int x0, int y0, int x1, int y1) noexcept {
    clip_x0_ = std::max(0, x0);
    clip_y0_ = std::max(0, y0);
    clip_x1_ = std::min(width_, x1);
    clip_y1_ = std::min(height_, y1);
  }
  /// Lets drawing reach the whole canvas again.
  void reset_clip() noexcept { set_clip(0, 0, width_, height_); }

  /// Sets one pixel; pixels outside the clip rectangle are ignored.
  void set(int x, int y, Rgb c) noexcept {
    if (x < clip_x0_ || x >= clip_x1_ || y < clip_y0_ || y >= clip_y1_) return;
    std::uint8_t* p = &pixels_[index(x, y)];
    p[0] = c.r;
    p[1] = c.g;
    p[2] = c.b;
  }

  /// Fills [x0, x1) x [y0, y1).
  void fill_rect(int x0, int y0, int x1, int y1, Rgb c) noexcept {
    x0 = std::max(x0, clip_x0_);
    y0 = std::max(y0, clip_y0_);
    x1 = std::min(x1, clip_x1_);
    y1 = std::min(y1, clip_y1_);
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x) set(x, y, c);
  }

  /// Draws the outline of [x0, x1) x [y0, y1), `thickness` pixels inwards.
  void draw_rect(int x0, int y0, int x1, int y1, Rgb c, int thickness = 1) noexcept {
    fill_rect(x0, y0, x1, y0 + thickness, c);
    fill_rect(x0, y1 - thickness, x1, y1, c);
    fill_rect(x0, y0, x0 + thickness, y1, c);
    fill_rect(x1 - thickness, y0, x1, y1, c);
  }

  /// Draws a line from (x0, y0) to (x1, y1) with a square pen `thickness`
  /// pixels wide. Non-finite endpoints draw nothing; the segment is clipped
  /// first, so far-away endpoints cost nothing.
  void draw_line(double x0, double y0, double x1, double y1, Rgb c, int thickness = 2) {
    if (!std::isfinite(x0) || !std::isfinite(y0) || !std::isfinite(x1) || !std::isfinite(y1))
      return;
    // Liang-Barsky against the clip rectangle grown by the pen size.
    const double m = thickness + 1.0;
    const double lo_x = clip_x0_ - m, hi_x = clip_x1_ + m;
    const double lo_y = clip_y0_ - m, hi_y = clip_y1_ + m;
    const double dx = x1 - x0, dy = y1 - y0;
    double t0 = 0.0, t1 = 1.0;
    const double p[4] = {-dx, dx, -dy, dy};
    const double q[4] = {x0 - lo_x, hi_x - x0, y0 - lo_y, hi_y - y0};
    for (int i = 0; i < 4; ++i) {
      if (p[i] == 0.0) {
        if (q[i] < 0.0) return;
      } else {
        const double t = q[i] / p[i];
        if (p[i] < 0.0) t0 = std::max(t0, t);
        else t1 = std::min(t1, t);
      }
    }
    if (t0 > t1) return;
    int xa = static_cast<int>(std::lround(x0 + t0 * dx));
    int ya = static_cast<int>(std::lround(y0 + t0 * dy));
    const int xb = static_cast<int>(std::lround(x0 + t1 * dx));
    const int yb = static_cast<int>(std::lround(y0 + t1 * dy));
    // Bresenham, stamping a thickness x thickness square at each step.
    const int sx = xa < xb ? 1 : -1, sy = ya < yb ? 1 : -1;
    const int ex = std::abs(xb - xa), ey = -std::abs(yb - ya);
    int err = ex + ey;
    const int lo = -(thickness / 2), hi = lo + thickness;
    for (;;) {
      for (int oy = lo; oy < hi; ++oy)
        for (int ox = lo; ox < hi; ++ox) set(xa + ox, ya + oy, c);
      if (xa == xb && ya == yb) break;
      const int e2 = 2 * err;
      if (e2 >= ey) {
        err += ey;
        xa += sx;
      }
      if (e2 <= ex) {
        err += ex;
        ya += sy;
      }
    }
  }

  /// Fills the disc of radius `r` centred on (cx, cy).
  void fill_disc(double cx, double cy, double r, Rgb c) noexcept {
    if (!std::isfinite(cx) || !std::isfinite(cy)) return;
    const int x0 = static_cast<int>(std::floor(cx - r)), x1 = static_cast<int>(std::ceil(cx + r));
    const int y0 = static_cast<int>(std::floor(cy - r)), y1 = static_cast<int>(std::ceil(cy + r));
    for (int y = y0; y <= y1; ++y)
      for (int x = x0; x <= x1; ++x) {
        const double ddx = x + 0.5 - cx, ddy = y + 0.5 - cy;
        if (ddx * ddx + ddy * ddy <= r * r) set(x, y, c);
      }
  }

  /// Width in pixels of `text` drawn at `scale` (no trailing space).
  static int text_width(std::string_view text, int scale = 1) noexcept {
    if (text.empty()) return 0;
    return (static_cast<int>(text.size()) * font::advance - 1) * scale;
  }
  /// Height of capitals and digits at `scale`; descenders go 2 * scale lower.
  static int text_height(int scale = 1) noexcept { return font::cap_height * scale; }

  /// Draws one line of `text` with the top of its capitals at y, anchored
  /// horizontally at x by `align`; each font pixel is a scale x scale block.
  void draw_text(int x, int y, std::string_view text, Rgb c, int scale = 1,
                 TextAlign align = TextAlign::left) noexcept {
    const int w = text_width(text, scale);
    if (align == TextAlign::center) x -= w / 2;
    if (align == TextAlign::right) x -= w;
    for (std::size_t i = 0; i < text.size(); ++i) {
      const int gx0 = x + static_cast<int>(i) * font::advance * scale;
      for (int row = 0; row < font::glyph_rows; ++row)
        for (int col = 0; col < font::glyph_width; ++col)
          if (font::glyph_pixel(text[i], col, row))
            fill_rect(gx0 + col * scale, y + row * scale, gx0 + (col + 1) * scale,
                      y + (row + 1) * scale, c);
    }
  }

  /// Draws `text` rotated a quarter turn anticlockwise (read bottom to top,
  /// as a y-axis label), the top of its capitals on the column x, centred
  /// vertically on y.
  void draw_text_up(int x, int y, std::string_view text, Rgb c, int scale = 1) noexcept {
    const int y_start = y + text_width(text, scale) / 2;  // where the text begins
    for (std::size_t i = 0; i < text.size(); ++i) {
      const int g0 = y_start - static_cast<int>(i) * font::advance * scale;
      for (int row = 0; row < font::glyph_rows; ++row)
        for (int col = 0; col < font::glyph_width; ++col)
          if (font::glyph_pixel(text[i], col, row))
            fill_rect(x + row * scale, g0 - (col + 1) * scale, x + (row + 1) * scale,
                      g0 - col * scale, c);
    }
  }

  /// Saves the canvas as an RGB PNG (see write_png: atomic, throws Error).
  void write_png(const std::string& path) const {
    ctnet::write_png(path, static_cast<std::size_t>(width_), static_cast<std::size_t>(height_),
                     3, pixels_);
  }

 private:
  std::size_t index(int x, int y) const noexcept {
    return (static_cast<std::size_t>(y) * static_cast<std::size_t>(width_) +
            static_cast<std::size_t>(x)) * 3;
  }

  int width_, height_;
  int clip_x0_ = 0, clip_y0_ = 0, clip_x1_ = 0, clip_y1_ = 0;
  std::vector<std::uint8_t> pixels_;
};

}  // namespace ctnet
