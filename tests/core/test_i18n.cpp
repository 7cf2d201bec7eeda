#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <string>

#include "core/i18n.hpp"
#include "core/utf8.hpp"

using namespace kiosk;

namespace {
std::set<std::string> placeholders(const std::string& text) {
  std::set<std::string> out;
  static const std::regex pattern("\\{([a-z]+)\\}");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), pattern);
       it != std::sregex_iterator(); ++it) {
    out.insert((*it)[1]);
  }
  return out;
}
}  // namespace

TEST_CASE("every key has a sentence in every language with the same placeholders") {
  for (std::size_t i = 0; i < static_cast<std::size_t>(Text::Count); ++i) {
    const auto key = static_cast<Text>(i);
    INFO("key index " << i);
    CHECK(text_row_key(i) == key);
    const std::string english = tr(Lang::En, key);
    for (int l = 0; l < kLangCount; ++l) {
      const std::string text = tr(static_cast<Lang>(l), key);
      INFO("language " << lang_code(static_cast<Lang>(l)) << ": " << text);
      CHECK_FALSE(text.empty());
      CHECK(utf8_decode(text));
      CHECK(placeholders(text) == placeholders(english));
    }
  }
}

TEST_CASE("languages are named and found by code") {
  CHECK(lang_from_code("de") == Lang::De);
  CHECK_FALSE(lang_from_code("xx"));
  CHECK(std::string(lang_endonym(Lang::Fr)) == "Français");
}

TEST_CASE("fill replaces known placeholders only") {
  CHECK(fill("Welcome, {name}!", {{"name", "Ana"}}) == "Welcome, Ana!");
  CHECK(fill("{a}{b}{c", {{"a", "1"}, {"b", "{a}"}}) == "1{a}{c");
}
