#include "platform/input.hpp"

#include <emscripten/html5.h>

#include <cfloat>
#include <cmath>
#include <cstring>

#include "imgui.h"

namespace kiosk::platform {
namespace {

constexpr int kMove = 0, kDown = 1, kUp = 2;
long g_active_touch = -1;  // the one finger we follow; others are ignored

EM_BOOL on_touch(int type, const EmscriptenTouchEvent* event, void* user) {
  auto* input = static_cast<Input*>(user);
  for (int i = 0; i < event->numTouches; ++i) {
    const EmscriptenTouchPoint& touch = event->touches[i];
    if (!touch.isChanged) continue;
    const auto x = static_cast<float>(touch.targetX), y = static_cast<float>(touch.targetY);
    if (type == EMSCRIPTEN_EVENT_TOUCHSTART) {
      if (g_active_touch != -1) continue;
      g_active_touch = touch.identifier;
      input->on_pointer(kDown, x, y);
    } else if (touch.identifier == g_active_touch) {
      if (type == EMSCRIPTEN_EVENT_TOUCHMOVE) {
        input->on_pointer(kMove, x, y);
      } else {
        g_active_touch = -1;
        input->on_pointer(kUp, x, y);
      }
    }
  }
  // Returning true cancels the event, so the browser sends no emulated mouse events after it.
  return EM_TRUE;
}

EM_BOOL on_mouse(int type, const EmscriptenMouseEvent* event, void* user) {
  if (event->button != 0 && type != EMSCRIPTEN_EVENT_MOUSEMOVE) return EM_FALSE;
  auto* input = static_cast<Input*>(user);
  const auto x = static_cast<float>(event->targetX), y = static_cast<float>(event->targetY);
  const int kind = type == EMSCRIPTEN_EVENT_MOUSEDOWN ? kDown
                   : type == EMSCRIPTEN_EVENT_MOUSEUP ? kUp
                                                      : kMove;
  input->on_pointer(kind, x, y);
  return EM_TRUE;
}

EM_BOOL on_keydown(int, const EmscriptenKeyboardEvent* event, void* user) {
  // Leave shortcuts such as Ctrl+R to the browser.
  if (event->ctrlKey || event->metaKey || event->altKey) return EM_FALSE;
  static_cast<Input*>(user)->on_key(event->key);
  return EM_TRUE;
}

}  // namespace

void Input::install(const char* canvas, void (*wake)()) {
  wake_ = wake;
  emscripten_set_touchstart_callback(canvas, this, EM_TRUE, on_touch);
  emscripten_set_touchend_callback(canvas, this, EM_TRUE, on_touch);
  emscripten_set_touchmove_callback(canvas, this, EM_TRUE, on_touch);
  emscripten_set_touchcancel_callback(canvas, this, EM_TRUE, on_touch);
  emscripten_set_mousedown_callback(canvas, this, EM_TRUE, on_mouse);
  emscripten_set_mouseup_callback(canvas, this, EM_TRUE, on_mouse);
  emscripten_set_mousemove_callback(canvas, this, EM_TRUE, on_mouse);
  emscripten_set_keydown_callback(EMSCRIPTEN_EVENT_TARGET_WINDOW, this, EM_TRUE, on_keydown);
}

void Input::on_pointer(int kind, float x, float y) {
  // Hover without a press is meaningless on a kiosk; a mouse only clicks.
  if (kind == kMove && !down_) return;
  if (kind == kDown) {
    down_ = true;
    activity_ = true;
  } else if (kind == kUp) {
    down_ = false;
  }
  down_x_ = x;
  down_y_ = y;
  // Coalesce moves: only the last position between two button changes matters.
  if (kind == kMove && !queue_.empty() && queue_.back().kind == kMove) {
    queue_.back() = {kind, x, y};
    wake_();
    return;
  }
  if (queue_.size() < 64) queue_.push_back({kind, x, y});
  wake_();
}

void Input::on_key(const char* key) {
  activity_ = true;
  KeyPress press;
  // A printable key's name is the character itself (one code point, up to 4 bytes).
  const std::size_t length = std::strlen(key);
  const auto lead = static_cast<unsigned char>(key[0]);
  const std::size_t cp_bytes = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
  if (length > 0 && length == cp_bytes) {
    press.text = key;
  } else {
    press.name = key;
  }
  if (keys_.size() < 64) keys_.push_back(press);
  wake_();
}

bool Input::feed_imgui(float pixel_ratio) {
  ImGuiIO& io = ImGui::GetIO();
  if (lifted_) {
    // After a finger lifts nothing may stay "hovered" under where it was.
    io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    lifted_ = false;
  }

  // ImGui 1.86 has no input queue: it needs the position one frame before a press, and a
  // press and a release in separate frames. So each frame takes at most one button change.
  while (!queue_.empty()) {
    const PointerEvent event = queue_.front();
    // Whole pixels, as ImGui floors MousePos itself: otherwise the comparison below never
    // matches at fractional pixel ratios and the press waits forever.
    const ImVec2 pos(std::floor(event.x * pixel_ratio), std::floor(event.y * pixel_ratio));
    if (event.kind == kMove) {
      io.MousePos = pos;
      queue_.erase(queue_.begin());
      continue;
    }
    if (event.kind == kDown) {
      if (io.MousePos.x != pos.x || io.MousePos.y != pos.y) {
        io.MousePos = pos;  // press next frame, once ImGui has seen where
        break;
      }
      io.MouseDown[0] = true;
      queue_.erase(queue_.begin());
      break;
    }
    io.MousePos = pos;
    io.MouseDown[0] = false;
    lifted_ = true;
    queue_.erase(queue_.begin());
    break;
  }
  return !queue_.empty() || lifted_;
}

std::vector<KeyPress> Input::take_keys() {
  std::vector<KeyPress> out;
  out.swap(keys_);
  return out;
}

bool Input::take_activity() {
  const bool was = activity_;
  activity_ = false;
  return was;
}

bool Input::pressed(float* x, float* y) const {
  *x = down_x_;
  *y = down_y_;
  return down_;
}

}  // namespace kiosk::platform
