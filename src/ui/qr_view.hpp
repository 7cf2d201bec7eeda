// A QR code on screen: its modules in a texture of one texel each, drawn through our own
// shader at a whole number of physical pixels per module, with nearest sampling.
#pragma once

#include <cstdint>
#include <vector>

#include "core/qr_grid.hpp"
#include "imgui.h"

namespace kiosk::ui {

class QrView {
 public:
  /// Takes a new grid (quiet zone included) and uploads it; a CPU copy survives context loss.
  void set(const ModuleGrid& grid);
  void clear();
  bool empty() const { return side_ == 0; }
  /// Side in modules, quiet zone included.
  int side() const { return side_; }

  /// Draws the code with its top-left corner at `pos` (physical pixels), `scale` pixels per
  /// module; the position is rounded so that every module covers whole pixels.
  void draw(ImDrawList* draw, ImVec2 pos, int scale);

  /// After a WebGL context loss every GL object is gone: forget them, upload again.
  void forget_gl();

 private:
  void upload();

  std::vector<std::uint8_t> pixels_;
  int side_ = 0, width_ = 0, height_ = 0;
  unsigned texture_ = 0;
};

/// Forgets the shader program after a context loss (it is rebuilt on its next use).
void forget_qr_program();

}  // namespace kiosk::ui
