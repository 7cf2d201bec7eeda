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

ImFont* add(const unsigned char* data, unsigned size, float pixels) {
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
                                                    kGlyphs);
}

}  // namespace

Fonts build_fonts(float scale) {
  ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  atlas->Clear();
  atlas->Flags |= ImFontAtlasFlags_NoMouseCursors;
  Fonts fonts;
  fonts.scale = scale;
  fonts.small = add(assets::noto_regular, assets::noto_regular_size, std::floor(17 * scale));
  fonts.body = add(assets::noto_regular, assets::noto_regular_size, std::floor(22 * scale));
  fonts.button = add(assets::noto_bold, assets::noto_bold_size, std::floor(26 * scale));
  fonts.title = add(assets::noto_bold, assets::noto_bold_size, std::floor(40 * scale));
  atlas->Build();
  return fonts;
}

}  // namespace kiosk::ui
