#include <catch2/catch.hpp>

#include "core/name.hpp"
#include "core/utf8.hpp"

using namespace kiosk;

TEST_CASE("names of Latin scripts pass, trimmed and with single spaces") {
  CHECK(check_name("  Jörg   Müller-Lüdenscheidt ").cleaned == "Jörg Müller-Lüdenscheidt");
  CHECK(check_name("O'Brien").error == NameError::None);
  CHECK(check_name("D’Artagnan").error == NameError::None);
  CHECK(check_name("Łukasz Żółć").error == NameError::None);
  CHECK(check_name("Nguyễn").error == NameError::None);
  CHECK(check_name("A").cleaned == "A");
}

TEST_CASE("names are refused for the right reason") {
  CHECK(check_name("").error == NameError::Empty);
  CHECK(check_name("   ").error == NameError::Empty);
  CHECK(check_name("R2D2").error == NameError::BadCharacter);
  CHECK(check_name("Ann <b>").error == NameError::BadCharacter);
  CHECK(check_name("Иван").error == NameError::BadCharacter);
  CHECK(check_name("- '").error == NameError::BadCharacter);
  CHECK(check_name("a×b").error == NameError::BadCharacter);
  CHECK(check_name("\xC3").error == NameError::BadCharacter);      // truncated UTF-8
  CHECK(check_name("\xC0\xAF").error == NameError::BadCharacter);  // overlong '/'
  CHECK(check_name(std::string(60, 'a')).error == NameError::None);
  CHECK(check_name(std::string(61, 'a')).error == NameError::TooLong);
  std::string sixty_umlauts;
  for (int i = 0; i < 60; ++i) sixty_umlauts += "ü";
  CHECK(check_name(sixty_umlauts).error == NameError::None);  // characters, not bytes
}

TEST_CASE("UTF-8 helpers round-trip and pop whole characters") {
  std::string text = "aßé€";
  CHECK(utf8_length(text) == 4);
  utf8_pop_back(text);
  CHECK(text == "aßé");
  CHECK(utf8_encode(*utf8_decode("Ærø")) == "Ærø");
  CHECK_FALSE(utf8_decode("\xED\xA0\x80"));  // a surrogate
  CHECK(latin_upper(U'ä') == U'Ä');
  CHECK(latin_upper(U'ł') == U'Ł');
  CHECK(latin_upper(U'ß') == U'ß');
  CHECK(latin_upper(U'-') == U'-');
}
