#include "ui/fonts.hpp"

#include <cmath>

#include "embedded_assets.hpp"

namespace kiosk::ui {
namespace {

// The glyphs the UI's strings need: Latin-1, Latin Extended-A, the typographic punctuation of
// the four languages, € and the narrow no-break space (French puts it before ! and ?).
const ImWchar kGlyphs[] = {
    0x0020, 0x007E, 0x00A0, 0x017F, 0x2013, 0x2014, 0x2018, 0x201A, 0x201C, 0x201E,
    0x2022, 0x2022, 0x2026, 0x2026, 0x202F, 0x202F, 0x20AC, 0x20AC, 0,
};

ImFont* add(const unsigned char* data, unsigned size, float pixels,
            const ImWchar* glyphs = kGlyphs) {
  ImFontConfig config;
  // The data is static: the atlas must not free it.
  config.FontDataOwnedByAtlas = false;
  // Baked at the exact pixel size drawn and placed on whole pixels: no oversampling needed,
  // which keeps the atlas small on high-density screens.
  config.OversampleH = 1;
  config.OversampleV = 1;
  config.PixelSnapH = true;
  return ImGui::GetIO().Fonts->AddFontFromMemoryTTF(const_cast<unsigned char*>(data),
                                                    static_cast<int>(size), pixels, &config,
                                                    glyphs);
}

ImFontAtlas* cleared_atlas() {
  ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  atlas->Clear();
  atlas->Flags |= ImFontAtlasFlags_NoMouseCursors;
  return atlas;
}

float body_pixels(float scale) { return std::floor(22 * scale); }

}  // namespace

Fonts build_fonts(float scale) {
  ImFontAtlas* atlas = cleared_atlas();
  Fonts fonts;
  fonts.scale = scale;
  fonts.complete = true;
  fonts.small = add(assets::noto_regular, assets::noto_regular_size, std::floor(17 * scale));
  fonts.body = add(assets::noto_regular, assets::noto_regular_size, body_pixels(scale));
  fonts.button = add(assets::noto_bold, assets::noto_bold_size, std::floor(26 * scale));
  fonts.title = add(assets::noto_bold, assets::noto_bold_size, std::floor(40 * scale));
  atlas->Build();
  return fonts;
}

Fonts build_first_fonts(float scale, std::string_view text) {
  ImFontAtlas* atlas = cleared_atlas();
  ImFontGlyphRangesBuilder builder;
  builder.AddText(text.data(), text.data() + text.size());
  builder.AddText(" ?");  // the space and ImGui's fallback glyph
  // Static: the atlas keeps a pointer to the ranges and reads them again when it is rebuilt
  // after a lost WebGL context.
  static ImVector<ImWchar> glyphs;
  glyphs.clear();
  builder.BuildRanges(&glyphs);
  Fonts fonts;
  fonts.scale = scale;
  fonts.body = add(assets::noto_regular, assets::noto_regular_size, body_pixels(scale),
                   glyphs.Data);
  fonts.small = fonts.button = fonts.title = fonts.body;
  atlas->Build();
  return fonts;
}

}  // namespace kiosk::ui
