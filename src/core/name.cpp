#include "core/name.hpp"

#include "core/utf8.hpp"

namespace kiosk {

bool is_latin_letter(char32_t cp) {
  if ((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z')) return true;
  if (cp >= 0xC0 && cp <= 0xFF) return cp != 0xD7 && cp != 0xF7;  // × and ÷ are not letters
  if (cp >= 0x100 && cp <= 0x24F) return true;
  return cp >= 0x1E00 && cp <= 0x1EFF;
}

bool name_char_allowed(char32_t cp) {
  // U+2019 is the typographic apostrophe that phones insert for '.
  return is_latin_letter(cp) || cp == ' ' || cp == '-' || cp == '\'' || cp == 0x2019;
}

NameCheck check_name(const std::string& typed) {
  NameCheck result;
  const auto cps = utf8_decode(typed);
  if (!cps) {
    result.error = NameError::BadCharacter;
    return result;
  }

  // Trim and collapse spaces so that "  Ana   Lima " is stored as "Ana Lima".
  std::vector<char32_t> cleaned;
  bool has_letter = false;
  for (char32_t cp : *cps) {
    if (!name_char_allowed(cp)) {
      result.error = NameError::BadCharacter;
      return result;
    }
    if (cp == ' ' && (cleaned.empty() || cleaned.back() == ' ')) continue;
    has_letter = has_letter || is_latin_letter(cp);
    cleaned.push_back(cp);
  }
  if (!cleaned.empty() && cleaned.back() == ' ') cleaned.pop_back();

  if (cleaned.empty()) {
    result.error = NameError::Empty;
  } else if (cleaned.size() > kNameMaxChars) {
    result.error = NameError::TooLong;
  } else if (!has_letter) {
    result.error = NameError::BadCharacter;
  } else {
    result.cleaned = utf8_encode(cleaned);
  }
  return result;
}

}  // namespace kiosk
