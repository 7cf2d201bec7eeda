// UTF-8 helpers for the guest's name and the keyboard; invalid bytes never pass as text.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace kiosk {

/// Decodes UTF-8 into code points; nullopt for any malformed or overlong sequence.
std::optional<std::vector<char32_t>> utf8_decode(const std::string& text);

/// Appends one code point as UTF-8 (code points above U+10FFFF are dropped).
void utf8_append(std::string& out, char32_t cp);

/// Encodes code points as UTF-8.
std::string utf8_encode(const std::vector<char32_t>& cps);

/// Number of code points in valid UTF-8 (malformed text counts as 0).
std::size_t utf8_length(const std::string& text);

/// Removes the last code point of valid UTF-8 text.
void utf8_pop_back(std::string& text);

/// The upper-case form of a Latin letter the keyboard offers (others are returned unchanged).
char32_t latin_upper(char32_t cp);

}  // namespace kiosk
