// The fonts the kiosk draws with: Noto Sans, subset at build time, baked at the pixel sizes
// drawn on this screen (CSS size × device pixel ratio × the larger-text factor).
#pragma once

#include "imgui.h"

namespace kiosk::ui {

struct Fonts {
  ImFont* small = nullptr;   ///< notes and references
  ImFont* body = nullptr;    ///< sentences
  ImFont* button = nullptr;  ///< buttons, keys, headings of sections
  ImFont* title = nullptr;   ///< screen titles, the clock, the countdown
  float scale = 0;           ///< the physical pixels per CSS pixel they were baked for
};

/// Rebuilds the atlas for a scale (device pixel ratio × text factor); the GL texture must be
/// re-created by the caller afterwards.
Fonts build_fonts(float scale);

}  // namespace kiosk::ui
