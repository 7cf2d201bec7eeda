#include "core/keyboard.hpp"

#include "core/name.hpp"
#include "core/utf8.hpp"

namespace kiosk {
namespace {

// Builds a row from a string of keys; the capital is derived from the small letter.
KeyRow row(const std::string& keys) {
  KeyRow out;
  const auto cps = utf8_decode(keys);
  if (!cps) return out;
  for (char32_t cp : *cps) {
    KeyCap key;
    utf8_append(key.lower, cp);
    utf8_append(key.upper, latin_upper(cp));
    out.push_back(key);
  }
  return out;
}

// Known shortcoming: one row of accents cannot hold every letter of Latin names
// (English lacks á í ó ú, French lacks ä ö ü ß ñ); a key that swaps the letter rows
// for a panel of accented letters, as phone keyboards do, would fix it without
// making the keyboard taller.
std::vector<std::vector<KeyRow>> build_layouts() {
  return {
      // English: QWERTY with the accents that names from nearby languages need.
      {row("qwertyuiop"), row("asdfghjkl'"), row("zxcvbnm-"), row("éèêàçñäöüß")},
      // German: QWERTZ with umlauts and ß in place.
      {row("qwertzuiopü"), row("asdfghjklöä"), row("yxcvbnmß-'"), row("éèêàçñáíóú")},
      // French: AZERTY.
      {row("azertyuiop"), row("qsdfghjklm"), row("wxcvbn'-"), row("éèêëàâçîïôùœ")},
      // Spanish: QWERTY with ñ.
      {row("qwertyuiop"), row("asdfghjklñ"), row("zxcvbnm'-"), row("áéíóúüçàèê")},
  };
}

}  // namespace

const std::vector<KeyRow>& keyboard_rows(Lang lang) {
  static const auto layouts = build_layouts();
  return layouts[static_cast<int>(lang)];
}

bool NameEditor::type(const KeyCap& key) {
  const auto cps = utf8_decode(shift_ ? key.upper : key.lower);
  if (!cps || cps->size() != 1) return false;
  return type_char((*cps)[0]);
}

bool NameEditor::type_char(char32_t cp) {
  if (!name_char_allowed(cp)) return false;
  if (utf8_length(text_) >= kNameMaxChars) return false;
  // A leading space or a double space would only be trimmed away later.
  if (cp == ' ' && (text_.empty() || text_.back() == ' ')) return false;
  utf8_append(text_, cp);
  update_auto_shift();
  return true;
}

void NameEditor::backspace() {
  utf8_pop_back(text_);
  update_auto_shift();
}

void NameEditor::clear() {
  text_.clear();
  update_auto_shift();
}

void NameEditor::update_auto_shift() {
  // Capitalise the start of the name and of every part after a space or a hyphen.
  shift_ = text_.empty() || text_.back() == ' ' || text_.back() == '-';
}

}  // namespace kiosk
