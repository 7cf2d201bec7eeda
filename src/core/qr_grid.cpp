#include "core/qr_grid.hpp"

#include <algorithm>
#include <cmath>

#include "core/api.hpp"
#include "qrcodegen.hpp"

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_NO_STDIO
#define STBI_NO_LINEAR
#define STBI_NO_HDR
#define STBI_ASSERT(x) ((void)0)
#include <stb/stb_image.h>

namespace kiosk {
namespace {

constexpr int kMaxImageSide = 4096;

struct Box {
  int left, top, right, bottom;  // inclusive
};

// Bounding box of dark pixels; nullopt when the image has none.
std::optional<Box> dark_box(const std::vector<std::uint8_t>& dark, int width, int height) {
  Box box{width, height, -1, -1};
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      if (!dark[static_cast<std::size_t>(y * width + x)]) continue;
      box.left = std::min(box.left, x);
      box.top = std::min(box.top, y);
      box.right = std::max(box.right, x);
      box.bottom = std::max(box.bottom, y);
    }
  }
  if (box.right < 0) return std::nullopt;
  return box;
}

// True when the 7x7 modules at (mx, my) form a finder pattern: ring, gap, 3x3 centre.
bool is_finder(const ModuleGrid& grid, int mx, int my) {
  for (int y = 0; y < 7; ++y) {
    for (int x = 0; x < 7; ++x) {
      const int ring = std::max(std::abs(x - 3), std::abs(y - 3));
      if (grid.at(mx + x, my + y) != (ring != 2)) return false;
    }
  }
  return true;
}

// Samples an n×n module grid at module centres inside the box.
ModuleGrid sample(const std::vector<std::uint8_t>& dark, int width, const Box& box, int n) {
  ModuleGrid grid;
  grid.width = grid.height = n;
  grid.quiet = kQuietModules;
  grid.dark.resize(static_cast<std::size_t>(n * n));
  const double step_x = (box.right - box.left + 1) / static_cast<double>(n);
  const double step_y = (box.bottom - box.top + 1) / static_cast<double>(n);
  for (int y = 0; y < n; ++y) {
    for (int x = 0; x < n; ++x) {
      const int px = box.left + static_cast<int>((x + 0.5) * step_x);
      const int py = box.top + static_cast<int>((y + 0.5) * step_y);
      grid.dark[static_cast<std::size_t>(y * n + x)] =
          dark[static_cast<std::size_t>(py * width + px)];
    }
  }
  return grid;
}

}  // namespace

std::optional<ModuleGrid> grid_from_gray(const std::uint8_t* gray, int width, int height) {
  if (width <= 0 || height <= 0 || width > kMaxImageSide || height > kMaxImageSide) {
    return std::nullopt;
  }

  // Threshold halfway between the darkest and the lightest grey, so dimmed codes work too.
  const std::size_t count = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
  const auto [lo, hi] = std::minmax_element(gray, gray + count);
  if (*hi - *lo < 32) return std::nullopt;  // no contrast: nothing to read
  const int threshold = (*lo + *hi) / 2;
  std::vector<std::uint8_t> dark(count);
  for (std::size_t i = 0; i < count; ++i) dark[i] = gray[i] < threshold ? 1 : 0;

  // An inverted code (light modules on dark) is turned back: scanners expect dark on light.
  if (dark[0] && dark[count - 1]) {
    for (auto& d : dark) d ^= 1;
  }
  const auto box = dark_box(dark, width, height);
  if (!box) return std::nullopt;

  // The top-left finder pattern is 7 modules wide: its first dark run gives the module size.
  int run = 0;
  while (box->left + run <= box->right &&
         dark[static_cast<std::size_t>(box->top * width + box->left + run)]) {
    ++run;
  }
  const int box_w = box->right - box->left + 1;
  const int box_h = box->bottom - box->top + 1;
  const double module = run / 7.0;
  if (module >= 1.0 && std::abs(box_w - box_h) <= module) {
    const int n = static_cast<int>(std::lround(box_w / module));
    if (n >= 21 && n <= 177 && (n - 17) % 4 == 0) {
      ModuleGrid grid = sample(dark, width, *box, n);
      if (is_finder(grid, 0, 0) && is_finder(grid, n - 7, 0) && is_finder(grid, 0, n - 7)) {
        return grid;
      }
    }
  }

  // Not a clean QR grid: show the thresholded pixels themselves, still framed in white.
  ModuleGrid raw;
  raw.width = box_w;
  raw.height = box_h;
  raw.quiet = kQuietModules * std::max(1, static_cast<int>(std::lround(module)));
  raw.dark.resize(static_cast<std::size_t>(box_w * box_h));
  for (int y = 0; y < box_h; ++y) {
    for (int x = 0; x < box_w; ++x) {
      raw.dark[static_cast<std::size_t>(y * box_w + x)] =
          dark[static_cast<std::size_t>((box->top + y) * width + box->left + x)];
    }
  }
  return raw;
}

std::optional<ModuleGrid> grid_from_png(const std::string& png) {
  if (png.empty() || png.size() > 4 * 1024 * 1024) return std::nullopt;
  const auto* bytes = reinterpret_cast<const stbi_uc*>(png.data());
  int width = 0, height = 0, channels = 0;
  // Refuse huge images before decoding: a tiny PNG can claim a giant canvas.
  if (!stbi_info_from_memory(bytes, static_cast<int>(png.size()), &width, &height, &channels) ||
      width > kMaxImageSide || height > kMaxImageSide) {
    return std::nullopt;
  }
  stbi_uc* pixels =
      stbi_load_from_memory(bytes, static_cast<int>(png.size()), &width, &height, &channels, 2);
  if (!pixels) return std::nullopt;

  // Grey plus alpha: transparent pixels count as the white background.
  std::vector<std::uint8_t> gray(static_cast<std::size_t>(width) * height);
  for (std::size_t i = 0; i < gray.size(); ++i) {
    const int g = pixels[2 * i], a = pixels[2 * i + 1];
    gray[i] = static_cast<std::uint8_t>((g * a + 255 * (255 - a)) / 255);
  }
  stbi_image_free(pixels);
  return grid_from_gray(gray.data(), width, height);
}

std::optional<ModuleGrid> grid_from_url(const std::string& url) {
  // qrcodegen throws on text it cannot encode, and a throw aborts the app: check first.
  if (!is_shareable_url(url)) return std::nullopt;
  const auto code = qrcodegen::QrCode::encodeText(url.c_str(), qrcodegen::QrCode::Ecc::MEDIUM);
  ModuleGrid grid;
  grid.width = grid.height = code.getSize();
  grid.quiet = kQuietModules;
  grid.dark.resize(static_cast<std::size_t>(grid.width * grid.height));
  for (int y = 0; y < grid.height; ++y) {
    for (int x = 0; x < grid.width; ++x) {
      grid.dark[static_cast<std::size_t>(y * grid.width + x)] = code.getModule(x, y) ? 1 : 0;
    }
  }
  return grid;
}

std::vector<std::uint8_t> grid_pixels(const ModuleGrid& grid, int* out_width, int* out_height) {
  const int w = grid.width + 2 * grid.quiet;
  const int h = grid.height + 2 * grid.quiet;
  std::vector<std::uint8_t> pixels(static_cast<std::size_t>(w * h), 255);
  for (int y = 0; y < grid.height; ++y) {
    for (int x = 0; x < grid.width; ++x) {
      if (grid.at(x, y)) {
        pixels[static_cast<std::size_t>((y + grid.quiet) * w + x + grid.quiet)] = 0;
      }
    }
  }
  *out_width = w;
  *out_height = h;
  return pixels;
}

int grid_scale(const ModuleGrid& grid, int max_px) {
  const int side = std::max(grid.width, grid.height) + 2 * grid.quiet;
  if (side <= 0) return 0;
  return max_px / side;
}

}  // namespace kiosk
