#pragma once
// ctnet::write_png / ctnet::read_png: 8-bit gray or RGB PNG files through
// libpng (link with -lpng -lz). Sample grids and plots end up here.
//
// libpng reports errors with longjmp. The functions that call libpng keep
// only trivially destructible objects in their own frames and return a flag,
// so no C++ destructor is ever skipped; the C++ wrappers then throw
// ctnet::Error.
#include <png.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <ctnet/core/atomic_file.hpp>
#include <ctnet/core/error.hpp>

namespace ctnet {

/// A decoded PNG: `height` rows of `width` pixels of `channels` bytes each,
/// row-major, top row first (pixels.size() == height * width * channels).
/// `channels` is 1 (gray) or 3 (RGB).
struct PngImage {
  std::size_t width = 0;
  std::size_t height = 0;
  std::size_t channels = 0;
  std::vector<std::uint8_t> pixels;
};

namespace detail {

/// Where the libpng error callback leaves its message before it longjmps.
struct PngErrorSink {
  char message[200] = "unknown libpng error";
};

inline void png_error_to_sink(png_structp png, png_const_charp msg) {
  auto* sink = static_cast<PngErrorSink*>(png_get_error_ptr(png));
  // A bounded copy, truncated to fit the sink (fmt::format_to_n would compile
  // fmt's whole formatting engine into every translation unit that includes this).
  const std::string_view text = msg != nullptr ? msg : "unknown libpng error";
  const std::size_t n = std::min(text.size(), sizeof sink->message - 1);
  std::copy_n(text.data(), n, sink->message);
  sink->message[n] = '\0';
  png_longjmp(png, 1);
}

inline void png_ignore_warning(png_structp, png_const_charp) {}

/// Encodes `rows` (height pointers to rows of width * channels bytes) into
/// the open file `f`. Returns false and fills `sink` on a libpng error.
inline bool png_encode(std::FILE* f, png_uint_32 width, png_uint_32 height,
                       int color_type, png_bytep* rows, PngErrorSink& sink) {
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink,
                                            png_error_to_sink, png_ignore_warning);
  if (png == nullptr) return false;
  png_infop info = png_create_info_struct(png);
  if (info == nullptr) {
    png_destroy_write_struct(&png, nullptr);
    return false;
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return false;
  }
  png_init_io(png, f);
  png_set_IHDR(png, info, width, height, 8, color_type, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  png_write_image(png, rows);
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return true;
}

/// Decodes the PNG in the open file `f` (signature already checked and
/// consumed) into `out`, converting to 8-bit gray or RGB and dropping alpha.
/// `out` and `rows` live in the caller's frame, so a longjmp skips nothing.
inline bool png_decode(std::FILE* f, PngImage& out, std::vector<png_bytep>& rows,
                       PngErrorSink& sink) {
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &sink,
                                           png_error_to_sink, png_ignore_warning);
  if (png == nullptr) return false;
  png_infop info = png_create_info_struct(png);
  if (info == nullptr) {
    png_destroy_read_struct(&png, nullptr, nullptr);
    return false;
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &info, nullptr);
    return false;
  }
  png_init_io(png, f);
  png_set_sig_bytes(png, 8);
  png_read_info(png, info);
  const int color_type = png_get_color_type(png, info);
  const int bit_depth = png_get_bit_depth(png, info);
  if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
  if (bit_depth == 16) png_set_strip_16(png);
  png_set_strip_alpha(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  out.width = png_get_image_width(png, info);
  out.height = png_get_image_height(png, info);
  out.channels = png_get_channels(png, info);
  out.pixels.resize(out.width * out.height * out.channels);
  rows.resize(out.height);
  for (std::size_t r = 0; r < out.height; ++r)
    rows[r] = out.pixels.data() + r * out.width * out.channels;
  png_read_image(png, rows.data());
  png_read_end(png, nullptr);
  png_destroy_read_struct(&png, &info, nullptr);
  return true;
}

}  // namespace detail

/// Writes an 8-bit PNG of `height` rows of `width` pixels; `channels` is 1
/// (gray) or 3 (RGB); `pixels` is row-major, top row first, interleaved
/// (size height * width * channels). Written through AtomicFile, so a run
/// killed mid-write never leaves a half file. Throws ctnet::Error naming the
/// file on bad arguments or I/O errors.
inline void write_png(const std::string& path, std::size_t width, std::size_t height,
                      std::size_t channels, std::span<const std::uint8_t> pixels) {
  if (channels != 1 && channels != 3)
    fail("cannot write PNG '{}': channels must be 1 or 3, got {}", path, channels);
  if (width == 0 || height == 0 || width > 0x7fffffff || height > 0x7fffffff)
    fail("cannot write PNG '{}': bad size {}x{}", path, width, height);
  if (pixels.size() != width * height * channels)
    fail("cannot write PNG '{}': expected {} bytes for {}x{}x{}, got {}", path, width * height * channels,
         width, height, channels, pixels.size());

  // libpng's API takes non-const row pointers but only reads them when writing.
  std::vector<png_bytep> rows(height);
  for (std::size_t r = 0; r < height; ++r)
    rows[r] = const_cast<png_bytep>(pixels.data() + r * width * channels);

  AtomicFile file(path);  // whole or absent, as every result file
  detail::PngErrorSink sink;
  if (!detail::png_encode(file.get(), static_cast<png_uint_32>(width), static_cast<png_uint_32>(height),
                          channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB, rows.data(), sink))
    fail("cannot write PNG '{}': {}", path, sink.message);
  file.commit();
}

/// Reads a PNG file of any bit depth and colour type into 8-bit gray
/// (channels 1) or RGB (channels 3); palettes are expanded and an alpha
/// channel is dropped. Throws ctnet::Error naming the file if it cannot be
/// opened or is not a valid PNG.
inline PngImage read_png(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) fail("cannot read PNG '{}': {}", path, std::strerror(errno));
  png_byte signature[8] = {};
  if (std::fread(signature, 1, 8, f) != 8 || png_sig_cmp(signature, 0, 8) != 0) {
    std::fclose(f);
    fail("cannot read PNG '{}': not a PNG file", path);
  }
  PngImage image;
  std::vector<png_bytep> rows;
  detail::PngErrorSink sink;
  const bool decoded = detail::png_decode(f, image, rows, sink);
  std::fclose(f);
  if (!decoded) fail("cannot read PNG '{}': {}", path, sink.message);
  return image;
}

}  // namespace ctnet
