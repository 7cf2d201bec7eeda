// Colours and sizes of the kiosk; every text colour keeps at least 4.5:1 on its background.
#pragma once

#include "imgui.h"

namespace kiosk::ui::theme {

constexpr ImU32 rgb(unsigned hex) {
  return IM_COL32((hex >> 16) & 0xFF, (hex >> 8) & 0xFF, hex & 0xFF, 0xFF);
}

inline constexpr ImU32 kBackground = rgb(0x0F1B2D);   // deep navy
inline constexpr ImU32 kPanel = rgb(0x1B2A42);
inline constexpr ImU32 kText = rgb(0xFFFFFF);         // 17:1 on the background
inline constexpr ImU32 kMuted = rgb(0xC3CEDD);        // 11:1
inline constexpr ImU32 kAccent = rgb(0xFFD34D);       // primary buttons, dark text on it
inline constexpr ImU32 kAccentPressed = rgb(0xE6B829);
inline constexpr ImU32 kOnAccent = rgb(0x10151F);     // 12:1 on the accent
inline constexpr ImU32 kSecondary = rgb(0x2F4468);    // secondary buttons, white text: 9:1
inline constexpr ImU32 kSecondaryPressed = rgb(0x445D88);
inline constexpr ImU32 kSelected = rgb(0x2E7D5B);     // chosen tile, white text: 5.2:1
inline constexpr ImU32 kOutline = rgb(0x8FA3C0);
inline constexpr ImU32 kError = rgb(0xFFB0A8);        // 9:1
inline constexpr ImU32 kKey = rgb(0x2A3B58);
inline constexpr ImU32 kKeyPressed = rgb(0x4A6390);
inline constexpr ImU32 kWhite = rgb(0xFFFFFF);
inline constexpr ImU32 kBlack = rgb(0x000000);
inline constexpr ImU32 kScrim = IM_COL32(5, 10, 20, 215);

/// Smallest touch target, in CSS pixels (about 12 mm on a tablet).
inline constexpr float kMinTarget = 64.0f;

}  // namespace kiosk::ui::theme
