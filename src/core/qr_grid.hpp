// QR codes as grids of modules: read from be-in's PNG or made by qrcodegen, drawn with a
// quiet zone so that every module can be scaled by a whole number of pixels.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kiosk {

constexpr int kQuietModules = 4;

struct ModuleGrid {
  int width = 0, height = 0;    ///< in modules (or in pixels for an image that is no QR code)
  int quiet = 0;                ///< light modules to add around it
  std::vector<std::uint8_t> dark;  ///< width*height, 1 = dark

  bool at(int x, int y) const { return dark[static_cast<std::size_t>(y * width + x)] != 0; }
};

/// Reads the modules of a QR code from a grey image (0 = black), whatever its scale, border
/// or contrast. Falls back to the image's own pixels, thresholded and framed by a quiet zone,
/// when no QR module grid is found.
std::optional<ModuleGrid> grid_from_gray(const std::uint8_t* gray, int width, int height);

/// Decodes a PNG (stb_image) into a grid; nullopt when it is no image at all or absurdly big.
std::optional<ModuleGrid> grid_from_png(const std::string& png);

/// Encodes text as a QR code with qrcodegen; nullopt for text the kiosk will not encode.
std::optional<ModuleGrid> grid_from_url(const std::string& url);

/// The grid with its quiet zone as one byte per module: 0 dark, 255 light, side = size + 2*quiet.
std::vector<std::uint8_t> grid_pixels(const ModuleGrid& grid, int* out_width, int* out_height);

/// The largest whole scale at which the grid with its quiet zone fits in `max_px` pixels.
int grid_scale(const ModuleGrid& grid, int max_px);

}  // namespace kiosk
