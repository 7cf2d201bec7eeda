// The on-screen keyboard's layouts and the name field it types into.
#pragma once

#include <string>
#include <vector>

#include "core/i18n.hpp"

namespace kiosk {

struct KeyCap {
  std::string lower;  ///< what the key types without shift; also its id ("key.<lower>")
  std::string upper;  ///< what it types with shift
};

using KeyRow = std::vector<KeyCap>;

/// Character rows of the language's layout (QWERTY, QWERTZ, AZERTY), accented letters last.
/// Shift, Space, Backspace and Done are drawn by the keyboard widget below these rows.
const std::vector<KeyRow>& keyboard_rows(Lang lang);

/// The accented letters of Latin names that the language's layout lacks, in rows: the panel
/// the keyboard's accent key shows in place of the layout's rows.
const std::vector<KeyRow>& accent_panel(Lang lang);

/// The text a name field holds, with a one-shot shift that capitalises words automatically.
class NameEditor {
 public:
  const std::string& text() const { return text_; }
  bool shift() const { return shift_; }
  /// Whether the accent panel stands in for the letter rows (until the next letter typed).
  bool accents() const { return accents_; }

  /// Types a key; false when the name is full or the text is not allowed in names.
  bool type(const KeyCap& key);
  /// Types one code point from a physical keyboard, if names allow it.
  bool type_char(char32_t cp);
  void backspace();
  void toggle_shift() { shift_ = !shift_; }
  void toggle_accents() { accents_ = !accents_; }
  void clear();

 private:
  void update_auto_shift();

  std::string text_;
  bool shift_ = true;  // a name starts with a capital
  bool accents_ = false;
};

}  // namespace kiosk
