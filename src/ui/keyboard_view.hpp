// The on-screen keyboard: the language's layout, accented letters, Shift, Space, Backspace, Done.
#pragma once

#include "core/keyboard.hpp"
#include "ui/frame.hpp"

namespace kiosk::ui {

/// The height the keyboard wants for a width, in physical pixels.
float keyboard_height(const Frame& frame, float width);

/// Draws the keyboard into `area` and types into the editor; true when Done was tapped.
bool keyboard_view(Frame& frame, const ImRect& area, NameEditor& editor);

/// The keypad of the pairing and PIN screens: digits, Backspace and an action key.
/// Appends to `digits` (at most `max_digits`); true when the action key was tapped.
bool digit_pad(Frame& frame, const ImRect& area, std::string& digits, std::size_t max_digits,
               const std::string& action_id, const char* action_label);

}  // namespace kiosk::ui
