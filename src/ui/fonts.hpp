// The fonts the kiosk draws with: Noto Sans, subset at build time, baked at the pixel sizes
// drawn on this screen (CSS size × device pixel ratio × the larger-text factor).
#pragma once

#include <string_view>

#include "imgui.h"

namespace kiosk::ui {

struct Fonts {
  ImFont* small = nullptr;   ///< notes and references
  ImFont* body = nullptr;    ///< sentences
  ImFont* button = nullptr;  ///< buttons, keys, headings of sections
  ImFont* title = nullptr;   ///< screen titles, the clock, the countdown
  float scale = 0;           ///< the physical pixels per CSS pixel they were baked for
  bool complete = false;     ///< false: only the glyphs of one text, in the body size
};

/// Rebuilds the atlas for a scale (device pixel ratio × text factor); the GL texture must be
/// re-created by the caller afterwards.
Fonts build_fonts(float scale);

/// A tiny atlas for the first frame (the loading screen): the body size only, with only the
/// glyphs of `text`, every role pointing at it; it takes well under a millisecond where the
/// full atlas takes about a hundred on a slow tablet. Replace it before drawing anything else.
Fonts build_first_fonts(float scale, std::string_view text);

}  // namespace kiosk::ui
