// One drawn frame: where the screens draw, with the test hook's record of what they drew.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/i18n.hpp"
#include "imgui.h"
#include "imgui_internal.h"
#include "ui/fonts.hpp"

namespace kiosk::ui {

enum class ButtonStyle { Primary, Secondary, Selected, Key, Quiet };

class Frame {
 public:
  Frame(ImDrawList* draw, ImVec2 size, float pixel_ratio, float text_scale, const Fonts& fonts,
        Lang lang);

  ImDrawList* draw() const { return draw_; }
  ImVec2 size() const { return size_; }
  /// CSS pixels to physical pixels.
  float px(float css) const { return css * pixel_ratio_; }
  /// CSS pixels to physical pixels, grown with the larger-text choice.
  float tx(float css) const { return css * pixel_ratio_ * text_scale_; }
  float pixel_ratio() const { return pixel_ratio_; }
  const Fonts& fonts() const { return fonts_; }
  Lang lang() const { return lang_; }
  const char* t(Text key) const { return tr(lang_, key); }
  bool portrait() const { return size_.y >= size_.x; }

  /// While an overlay covers the screen, what lies under it is drawn but cannot be tapped.
  void set_interactive(bool interactive) { interactive_ = interactive; }

  /// A tappable target: draws it, records it for the hook, true when tapped.
  bool button(const std::string& id, const ImRect& rect, std::string_view label,
              ButtonStyle style, ImFont* font = nullptr);
  /// A tappable area drawn by the caller (true when tapped); `held` says if pressed now.
  bool hit(const std::string& id, const ImRect& rect, bool* held = nullptr);

  /// Draws text wrapped to `width` (0 = no wrap), aligned 0 left / 0.5 centre; returns height.
  float text(ImFont* font, ImVec2 pos, float width, ImU32 colour, std::string_view text,
             float align = 0.0f);
  float text_height(ImFont* font, float width, std::string_view text) const;
  float text_width(ImFont* font, std::string_view text) const;

  /// The test hook of this frame as JSON (screen fields are added by the caller).
  const std::map<std::string, ImRect>& rects() const { return rects_; }
  const std::vector<std::string>& texts() const { return texts_; }

 private:
  ImDrawList* draw_;
  ImVec2 size_;
  float pixel_ratio_, text_scale_;
  const Fonts& fonts_;
  Lang lang_;
  bool interactive_ = true;
  std::map<std::string, ImRect> rects_;
  std::vector<std::string> texts_;
};

}  // namespace kiosk::ui
