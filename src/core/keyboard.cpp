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

// The accented letters common in Latin names; each layout shows those it lacks on its panel.
constexpr const char* kNameAccents =
    "áàâäãåæçéèêëíìîï"
    "ñóòôöõøœúùûüýÿß";
constexpr std::size_t kPanelRowKeys = 10;

std::vector<std::vector<KeyRow>> build_panels() {
  std::vector<std::vector<KeyRow>> panels;
  const std::vector<char32_t> accents = utf8_decode(kNameAccents).value_or(
      std::vector<char32_t>{});
  for (int l = 0; l < kLangCount; ++l) {
    std::string on_layout;
    for (const auto& layout_row : keyboard_rows(static_cast<Lang>(l))) {
      for (const auto& key : layout_row) on_layout += key.lower;
    }
    // One row of up to ten keys at a time, in the order of kNameAccents.
    std::vector<std::string> texts(1);
    for (char32_t cp : accents) {
      std::string letter;
      utf8_append(letter, cp);
      if (on_layout.find(letter) != std::string::npos) continue;
      if (utf8_length(texts.back()) == kPanelRowKeys) texts.emplace_back();
      texts.back() += letter;
    }
    std::vector<KeyRow> panel;
    for (const auto& text : texts) panel.push_back(row(text));
    panels.push_back(panel);
  }
  return panels;
}

}  // namespace

const std::vector<KeyRow>& keyboard_rows(Lang lang) {
  static const auto layouts = build_layouts();
  return layouts[static_cast<int>(lang)];
}

const std::vector<KeyRow>& accent_panel(Lang lang) {
  static const auto panels = build_panels();
  return panels[static_cast<int>(lang)];
}

bool NameEditor::type(const KeyCap& key) {
  const auto cps = utf8_decode(shift_ ? key.upper : key.lower);
  if (!cps || cps->size() != 1) return false;
  // The accent panel is one-shot, like shift: names have few accented letters.
  accents_ = false;
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
  accents_ = false;
  update_auto_shift();
}

void NameEditor::update_auto_shift() {
  // Capitalise the start of the name and of every part after a space or a hyphen.
  shift_ = text_.empty() || text_.back() == ' ' || text_.back() == '-';
}

}  // namespace kiosk
