#include <catch2/catch.hpp>

#include "core/qr_grid.hpp"

using namespace kiosk;

namespace {
// Renders a grid like a QR image service: `scale` pixels per module, `border` light modules,
// with dark and light greys that are not pure black and white.
std::vector<std::uint8_t> render(const ModuleGrid& grid, int scale, int border, int* side) {
  *side = (grid.width + 2 * border) * scale;
  std::vector<std::uint8_t> gray(static_cast<std::size_t>(*side * *side), 230);
  for (int y = 0; y < grid.height; ++y) {
    for (int x = 0; x < grid.width; ++x) {
      if (!grid.at(x, y)) continue;
      for (int dy = 0; dy < scale; ++dy) {
        for (int dx = 0; dx < scale; ++dx) {
          gray[static_cast<std::size_t>(((y + border) * scale + dy) * *side +
                                        (x + border) * scale + dx)] = 40;
        }
      }
    }
  }
  return gray;
}
}  // namespace

TEST_CASE("qrcodegen encodes pass links and refuses what it must not see") {
  const auto grid = grid_from_url("https://kiosk.example/p/abcdef0123456789");
  REQUIRE(grid);
  CHECK(grid->width >= 21);
  CHECK(grid->quiet == kQuietModules);
  CHECK_FALSE(grid_from_url("javascript:alert(1)"));
  CHECK_FALSE(grid_from_url("https://" + std::string(600, 'a')));
}

TEST_CASE("module grids are read back from images at any scale and border") {
  const auto source = grid_from_url("https://kiosk.example/p/0123456789abcdef0123456789");
  REQUIRE(source);
  for (int scale : {1, 3, 7}) {
    for (int border : {0, 2, 4}) {
      INFO("scale " << scale << " border " << border);
      int side = 0;
      const auto gray = render(*source, scale, border, &side);
      const auto grid = grid_from_gray(gray.data(), side, side);
      REQUIRE(grid);
      CHECK(grid->width == source->width);
      CHECK(grid->dark == source->dark);
      CHECK(grid->quiet == kQuietModules);
    }
  }
}

TEST_CASE("images without a code or contrast are handled") {
  std::vector<std::uint8_t> flat(100, 200);
  CHECK_FALSE(grid_from_gray(flat.data(), 10, 10));
  CHECK_FALSE(grid_from_png("not a png"));
  CHECK_FALSE(grid_from_gray(flat.data(), 0, 10));
  std::vector<std::uint8_t> blob(100, 255);
  blob[55] = 0;
  const auto raw = grid_from_gray(blob.data(), 10, 10);  // no QR: shown as it is, framed
  REQUIRE(raw);
  CHECK(raw->width == 1);
  CHECK(raw->quiet >= kQuietModules);
}

TEST_CASE("the quiet zone is white and scales are whole numbers") {
  const auto grid = grid_from_url("https://a.example/");
  REQUIRE(grid);
  int w = 0, h = 0;
  const auto pixels = grid_pixels(*grid, &w, &h);
  CHECK(w == grid->width + 8);
  for (int i = 0; i < w * 4; ++i) CHECK(pixels[static_cast<std::size_t>(i)] == 255);
  CHECK(pixels[static_cast<std::size_t>(4 * w + 4)] == 0);  // finder corner
  CHECK(grid_scale(*grid, w * 5 + 4) == 5);
}
