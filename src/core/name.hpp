// The guest's name: what may be typed and what may be sent.
#pragma once

#include <string>

namespace kiosk {

constexpr std::size_t kNameMaxChars = 60;

enum class NameError { None, Empty, BadCharacter, TooLong };

struct NameCheck {
  NameError error = NameError::None;
  std::string cleaned;  ///< trimmed, inner runs of spaces collapsed; valid only without error
};

/// True for a code point a name may contain: a Latin letter, a space, a hyphen or an apostrophe.
bool name_char_allowed(char32_t cp);

/// True for a Latin letter of any Latin script (Latin-1, Extended-A/B, Extended Additional).
bool is_latin_letter(char32_t cp);

/// Checks a typed name: 1 to 60 characters after trimming, at least one letter.
NameCheck check_name(const std::string& typed);

}  // namespace kiosk
