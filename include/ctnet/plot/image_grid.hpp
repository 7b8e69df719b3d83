#pragma once
// ctnet::write_image_grid: a batch of images as one PNG contact sheet, the
// way the reports show generated samples (e.g. 10 x 10 GAN digits).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <ctnet/core/error.hpp>
#include <ctnet/plot/png.hpp>

namespace ctnet {

/// Gap between tiles (and around the grid) in pixels of the output.
inline constexpr std::size_t image_grid_gap = 2;
/// Gray level of the gap: dark grey, so black and white digits both stand out.
inline constexpr std::uint8_t image_grid_gap_level = 64;

namespace detail {
/// Maps `v` from [lo, hi] to 0..255, clamping outside values; NaN maps to 0.
inline std::uint8_t grid_byte(float v, float lo, float hi) noexcept {
  const float t = (v - lo) / (hi - lo);
  if (!(t > 0.0f)) return 0;  // also catches NaN
  if (t >= 1.0f) return 255;
  return static_cast<std::uint8_t>(std::lround(t * 255.0f));
}
}  // namespace detail

/// Writes `count` images as a grid PNG at `path`.
///
/// `images` is NHWC: count x h x w x c floats, c = 1 (gray) or 3 (RGB), with
/// values in [lo, hi] (e.g. [-1, 1] for a tanh generator, [0, 1] for a
/// sigmoid decoder); values outside are clamped. Images fill `cols` columns
/// (fewer if count < cols) row by row; each pixel becomes a scale x scale
/// block. Tiles are separated, and the grid framed, by a 2-pixel dark-grey
/// gap, so tile (row r, column k) has its top-left corner at
/// x = 2 + k * (w * scale + 2), y = 2 + r * (h * scale + 2).
/// Throws ctnet::Error on count 0, a size mismatch or bad arguments.
inline void write_image_grid(const std::string& path, std::span<const float> images,
                             std::size_t count, std::size_t h, std::size_t w,
                             std::size_t c, std::size_t cols, float lo, float hi,
                             std::size_t scale = 2) {
  if (count == 0) fail("cannot write image grid '{}': no images (count is 0)", path);
  if (h == 0 || w == 0) fail("cannot write image grid '{}': image height and width must be positive", path);
  if (c != 1 && c != 3) fail("cannot write image grid '{}': channels must be 1 or 3, got {}", path, c);
  if (cols == 0) fail("cannot write image grid '{}': cols must be positive", path);
  if (scale == 0) fail("cannot write image grid '{}': scale must be positive", path);
  if (!(hi > lo)) fail("cannot write image grid '{}': value range needs lo < hi", path);
  if (images.size() != count * h * w * c)
    fail("cannot write image grid '{}': expected {}x{}x{}x{} = {} floats, got {}", path, count, h, w, c,
         count * h * w * c, images.size());

  const std::size_t grid_cols = std::min(cols, count);
  const std::size_t grid_rows = (count + grid_cols - 1) / grid_cols;
  const std::size_t tile_w = w * scale, tile_h = h * scale;
  const std::size_t width = image_grid_gap + grid_cols * (tile_w + image_grid_gap);
  const std::size_t height = image_grid_gap + grid_rows * (tile_h + image_grid_gap);
  std::vector<std::uint8_t> pixels(width * height * c, image_grid_gap_level);

  for (std::size_t n = 0; n < count; ++n) {
    const std::size_t x0 = image_grid_gap + (n % grid_cols) * (tile_w + image_grid_gap);
    const std::size_t y0 = image_grid_gap + (n / grid_cols) * (tile_h + image_grid_gap);
    const float* img = images.data() + n * h * w * c;
    for (std::size_t y = 0; y < tile_h; ++y) {
      const float* src_row = img + (y / scale) * w * c;
      std::uint8_t* dst = pixels.data() + ((y0 + y) * width + x0) * c;
      for (std::size_t x = 0; x < tile_w; ++x)
        for (std::size_t ch = 0; ch < c; ++ch)
          *dst++ = detail::grid_byte(src_row[(x / scale) * c + ch], lo, hi);
    }
  }
  write_png(path, width, height, c, pixels);
}

}  // namespace ctnet
