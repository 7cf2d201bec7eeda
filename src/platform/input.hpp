// The kiosk's own input layer on emscripten/html5.h: touch, mouse and keys, fed to ImGui 1.86
// so that one tap is one click at the right place.
#pragma once

#include <string>
#include <vector>

namespace kiosk::platform {

/// A key from a physical keyboard: a printable character (UTF-8) or a named key.
struct KeyPress {
  std::string text;  ///< the character typed, or "" for a named key
  std::string name;  ///< "Backspace", "Enter", "Escape", "Shift" ...
};

class Input {
 public:
  /// Registers the html5 callbacks on the canvas and the window; `wake` asks for a frame.
  void install(const char* canvas_selector, void (*wake)());

  /// Moves at most one button change into ImGui's IO per frame; true while more are queued.
  bool feed_imgui(float pixel_ratio);

  /// Keys typed since the last call.
  std::vector<KeyPress> take_keys();

  /// True once per burst of input (a touch, a click, a key), for idle timers and redraws.
  bool take_activity();

  /// Where a finger or the mouse is held down right now (for the staff corner), in CSS pixels.
  bool pressed(float* x, float* y) const;

  // Called from the html5 callbacks.
  void on_pointer(int kind, float x, float y);
  void on_key(const char* key);

 private:
  struct PointerEvent {
    int kind;  // 0 move, 1 down, 2 up
    float x, y;
  };
  std::vector<PointerEvent> queue_;
  std::vector<KeyPress> keys_;
  bool activity_ = false;
  bool lifted_ = false;  // a finger lifted last frame: move the pointer away now
  bool down_ = false;
  void (*wake_)() = nullptr;
  float down_x_ = 0, down_y_ = 0;
};

}  // namespace kiosk::platform
