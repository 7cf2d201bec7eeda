#include "ui/keyboard_view.hpp"

#include <algorithm>

#include "ui/theme.hpp"

namespace kiosk::ui {
namespace {

constexpr float kKeyHeight = 66;  // CSS pixels: at least the minimum touch target
constexpr float kGap = 6;

std::size_t widest_row(Lang lang) {
  std::size_t widest = 10;
  for (const auto& row : keyboard_rows(lang)) widest = std::max(widest, row.size());
  return widest;
}

// Shift: an upward arrow, filled while shift is on.
void draw_shift_icon(Frame& frame, const ImRect& key, bool on) {
  const ImVec2 c = key.GetCenter();
  const float s = frame.px(12);
  const ImVec2 points[] = {{c.x, c.y - s * 1.3f},     {c.x + s * 1.2f, c.y},
                           {c.x + s * 0.5f, c.y},     {c.x + s * 0.5f, c.y + s},
                           {c.x - s * 0.5f, c.y + s}, {c.x - s * 0.5f, c.y},
                           {c.x - s * 1.2f, c.y}};
  if (on) {
    // The arrow is concave: fill its head and its stem separately.
    frame.draw()->AddTriangleFilled(points[0], points[1], points[6], theme::kText);
    frame.draw()->AddRectFilled(ImVec2(c.x - s * 0.5f, c.y - 1), ImVec2(c.x + s * 0.5f, c.y + s),
                                theme::kText);
  }
  frame.draw()->AddPolyline(points, 7, theme::kText, ImDrawFlags_Closed, frame.px(2.5f));
}

// Backspace: a tag pointing left with a cross in it.
void draw_backspace_icon(Frame& frame, const ImRect& key) {
  const ImVec2 c = key.GetCenter();
  const float s = frame.px(12);
  const ImVec2 points[] = {{c.x - s * 1.8f, c.y},
                           {c.x - s * 0.8f, c.y - s},
                           {c.x + s * 1.6f, c.y - s},
                           {c.x + s * 1.6f, c.y + s},
                           {c.x - s * 0.8f, c.y + s}};
  frame.draw()->AddPolyline(points, 5, theme::kText, ImDrawFlags_Closed, frame.px(2.5f));
  const float x = c.x + s * 0.4f, d = s * 0.45f;
  frame.draw()->AddLine({x - d, c.y - d}, {x + d, c.y + d}, theme::kText, frame.px(2.5f));
  frame.draw()->AddLine({x - d, c.y + d}, {x + d, c.y - d}, theme::kText, frame.px(2.5f));
}

}  // namespace

float keyboard_height(const Frame& frame, float) {
  // The layout's rows of characters, then one of Shift, Space, Backspace and Done.
  const auto rows = static_cast<float>(keyboard_rows(frame.lang()).size() + 1);
  return rows * frame.px(kKeyHeight) + (rows - 1) * frame.px(kGap);
}

bool keyboard_view(Frame& frame, const ImRect& area, NameEditor& editor) {
  // The accent panel stands in for the letter rows; the keyboard keeps its size.
  const auto& rows = editor.accents() ? accent_panel(frame.lang()) : keyboard_rows(frame.lang());
  const float cell = std::min(area.GetWidth() / static_cast<float>(widest_row(frame.lang())),
                              frame.px(100));
  const float key_h = frame.px(kKeyHeight), gap = frame.px(kGap);
  float y = area.Min.y;

  // Character rows, each centred.
  for (const auto& row : rows) {
    float x = area.GetCenter().x - cell * static_cast<float>(row.size()) * 0.5f;
    for (const auto& key : row) {
      const ImRect rect(x + gap * 0.5f, y, x + cell - gap * 0.5f, y + key_h);
      const std::string& label = editor.shift() ? key.upper : key.lower;
      if (frame.button("key." + key.lower, rect, label, ButtonStyle::Key)) editor.type(key);
      x += cell;
    }
    y += key_h + gap;
  }

  y = area.Min.y + static_cast<float>(keyboard_rows(frame.lang()).size()) * (key_h + gap);

  // The bottom row, in cells: Shift 1.5, Accents 1.5, Space 3, Backspace 1.5, Done 2.5.
  const float widths[] = {1.5f, 1.5f, 3.0f, 1.5f, 2.5f};
  float x = area.GetCenter().x - cell * 10.0f * 0.5f;
  bool done = false;
  for (int i = 0; i < 5; ++i) {
    const ImRect rect(x + gap * 0.5f, y, x + cell * widths[i] - gap * 0.5f, y + key_h);
    x += cell * widths[i];
    switch (i) {
      case 0:
        if (frame.button("key.shift", rect, "", ButtonStyle::Key)) editor.toggle_shift();
        draw_shift_icon(frame, rect, editor.shift());
        break;
      case 1:
        if (frame.button("key.accents", rect, editor.accents() ? "abc" : "áé…",
                         editor.accents() ? ButtonStyle::Selected : ButtonStyle::Key,
                         frame.fonts().body)) {
          editor.toggle_accents();
        }
        break;
      case 2:
        if (frame.button("key.space", rect, frame.t(Text::KeySpace), ButtonStyle::Key,
                         frame.fonts().body)) {
          editor.type(KeyCap{" ", " "});
        }
        break;
      case 3:
        if (frame.button("key.backspace", rect, "", ButtonStyle::Key)) editor.backspace();
        draw_backspace_icon(frame, rect);
        break;
      default:
        done = frame.button("key.done", rect, frame.t(Text::KeyDone), ButtonStyle::Primary);
        break;
    }
  }
  return done;
}

bool digit_pad(Frame& frame, const ImRect& area, std::string& digits, std::size_t max_digits,
               const std::string& action_id, const char* action_label) {
  const float gap = frame.px(10);
  const float w = (area.GetWidth() - 2 * gap) / 3, h = (area.GetHeight() - 3 * gap) / 4;
  bool action = false;
  // 1 2 3 / 4 5 6 / 7 8 9 / ⌫ 0 action, like a phone.
  for (int i = 0; i < 12; ++i) {
    const float x = area.Min.x + static_cast<float>(i % 3) * (w + gap);
    const float y = area.Min.y + static_cast<float>(i / 3) * (h + gap);
    const ImRect rect(x, y, x + w, y + h);
    if (i < 9 || i == 10) {
      const std::string digit(1, static_cast<char>(i == 10 ? '0' : '1' + i));
      if (frame.button("key." + digit, rect, digit, ButtonStyle::Key, frame.fonts().title) &&
          digits.size() < max_digits) {
        digits += digit;
      }
    } else if (i == 9) {
      if (frame.button("key.backspace", rect, "", ButtonStyle::Key) && !digits.empty()) {
        digits.pop_back();
      }
      draw_backspace_icon(frame, rect);
    } else {
      action = frame.button(action_id, rect, action_label, ButtonStyle::Primary);
    }
  }
  return action;
}

}  // namespace kiosk::ui
