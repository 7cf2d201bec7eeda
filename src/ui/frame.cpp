#include "ui/frame.hpp"

#include <cstring>

#include "ui/theme.hpp"

namespace kiosk::ui {

Frame::Frame(ImDrawList* draw, ImVec2 size, float pixel_ratio, float text_scale,
             const Fonts& fonts, Lang lang)
    : draw_(draw), size_(size), pixel_ratio_(pixel_ratio), text_scale_(text_scale),
      fonts_(fonts), lang_(lang) {}

bool Frame::hit(const std::string& id, const ImRect& rect, bool* held) {
  if (!interactive_) {
    if (held) *held = false;
    return false;
  }
  rects_[id] = rect;
  ImGui::SetCursorScreenPos(rect.Min);
  const bool clicked = ImGui::InvisibleButton(id.c_str(), rect.GetSize());
  if (held) *held = ImGui::IsItemActive();
  return clicked;
}

bool Frame::button(const std::string& id, const ImRect& rect, std::string_view label,
                   ButtonStyle style, ImFont* font) {
  bool held = false;
  const bool clicked = hit(id, rect, &held);

  // Fill: the style's colour, a little lighter while the finger is on it.
  ImU32 fill = theme::kSecondary, ink = theme::kText;
  switch (style) {
    case ButtonStyle::Primary:
      fill = held ? theme::kAccentPressed : theme::kAccent;
      ink = theme::kOnAccent;
      break;
    case ButtonStyle::Secondary:
      fill = held ? theme::kSecondaryPressed : theme::kSecondary;
      break;
    case ButtonStyle::Selected:
      fill = theme::kSelected;
      break;
    case ButtonStyle::Key:
      fill = held ? theme::kKeyPressed : theme::kKey;
      break;
    case ButtonStyle::Quiet:
      fill = held ? theme::kSecondary : theme::kBackground;
      break;
  }
  const float rounding = px(10);
  draw_->AddRectFilled(rect.Min, rect.Max, fill, rounding);
  if (style == ButtonStyle::Quiet || style == ButtonStyle::Selected) {
    draw_->AddRect(rect.Min, rect.Max, theme::kOutline, rounding, 0, px(2));
  }

  // Label: centred, wrapped when it does not fit on one line.
  if (!label.empty()) {
    ImFont* f = font ? font : fonts_.button;
    const float wrap = rect.GetWidth() - px(16);
    const float h = text_height(f, wrap, label);
    text(f, ImVec2(rect.Min.x + px(8), rect.GetCenter().y - h * 0.5f), wrap, ink, label, 0.5f);
  }
  return clicked;
}

float Frame::text_height(ImFont* font, float width, std::string_view text) const {
  const char* begin = text.data();
  return font->CalcTextSizeA(font->FontSize, FLT_MAX, width, begin, begin + text.size()).y;
}

float Frame::text_width(ImFont* font, std::string_view text) const {
  const char* begin = text.data();
  return font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, begin, begin + text.size()).x;
}

float Frame::text(ImFont* font, ImVec2 pos, float width, ImU32 colour, std::string_view text,
                  float align) {
  if (text.empty()) return 0;
  texts_.emplace_back(text);
  const char* cursor = text.data();
  const char* end = cursor + text.size();
  float y = pos.y;
  // Line by line, so that each line can be centred on its own.
  while (cursor < end) {
    const char* line_end =
        width > 0 ? font->CalcWordWrapPositionA(1.0f, cursor, end, width) : end;
    if (line_end == cursor) line_end = cursor + 1;  // a word wider than the line
    const char* newline = static_cast<const char*>(std::memchr(cursor, '\n', line_end - cursor));
    if (newline) line_end = newline;
    const float line_w =
        font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, cursor, line_end).x;
    const float x = pos.x + (width > 0 ? (width - line_w) * align : 0);
    draw_->AddText(font, font->FontSize, ImVec2(IM_FLOOR(x), IM_FLOOR(y)), colour, cursor,
                   line_end);
    y += font->FontSize;
    cursor = line_end;
    // Skip the blanks and the newline where the line broke.
    while (cursor < end && (*cursor == ' ' || *cursor == '\n')) ++cursor;
  }
  return y - pos.y;
}

}  // namespace kiosk::ui
