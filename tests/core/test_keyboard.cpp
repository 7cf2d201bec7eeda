#include <catch2/catch.hpp>

#include <set>

#include "core/keyboard.hpp"
#include "core/name.hpp"
#include "core/utf8.hpp"

using namespace kiosk;

namespace {
const KeyCap* find_in(const std::vector<KeyRow>& rows, const std::string& lower) {
  for (const auto& row : rows) {
    for (const auto& key : row) {
      if (key.lower == lower) return &key;
    }
  }
  return nullptr;
}

const KeyCap* find_key(Lang lang, const std::string& lower) {
  return find_in(keyboard_rows(lang), lower);
}
}  // namespace

TEST_CASE("each language has its layout and the letters its names need") {
  CHECK(keyboard_rows(Lang::En)[0][5].lower == "y");  // QWERTY
  CHECK(keyboard_rows(Lang::De)[0][5].lower == "z");  // QWERTZ
  CHECK(keyboard_rows(Lang::Fr)[0][0].lower == "a");  // AZERTY
  for (const char* letter : {"ä", "ö", "ü", "ß"}) CHECK(find_key(Lang::De, letter));
  for (const char* letter : {"é", "è", "ê", "à", "ç"}) CHECK(find_key(Lang::Fr, letter));
  CHECK(find_key(Lang::Es, "ñ"));
  // English and German reach every accented letter common in names in and around Germany.
  for (const Lang lang : {Lang::En, Lang::De}) {
    for (const char* letter : {"ä", "ö", "ü", "ß", "é", "è", "ê", "à", "ç", "ñ"}) {
      CHECK(find_key(lang, letter));
    }
  }
}

TEST_CASE("layout and accent panel together reach every accented letter of Latin names") {
  for (int l = 0; l < kLangCount; ++l) {
    const auto lang = static_cast<Lang>(l);
    const auto& panel = accent_panel(lang);
    CHECK(panel.size() <= keyboard_rows(lang).size());  // the panel fits where the rows were
    for (const char* letter : {"á", "à", "â", "ä", "ã", "å", "æ", "ç", "é", "è", "ê",
                               "ë", "í", "ì", "î", "ï", "ñ", "ó", "ò", "ô", "ö", "õ",
                               "ø", "œ", "ú", "ù", "û", "ü", "ý", "ÿ", "ß"}) {
      const bool on_layout = find_key(lang, letter) != nullptr;
      const bool on_panel = find_in(panel, letter) != nullptr;
      CHECK(on_layout != on_panel);  // exactly one place, so key ids stay unique
    }
    for (const auto& row : panel) {
      CHECK(row.size() <= 10);
      for (const auto& key : row) {
        const auto cps = utf8_decode(key.upper);
        REQUIRE(cps);
        CHECK(name_char_allowed((*cps)[0]));
      }
    }
  }
}

TEST_CASE("the accent panel is one-shot and forgotten with the name") {
  NameEditor editor;
  editor.toggle_accents();
  CHECK(editor.accents());
  editor.type(KeyCap{"á", "Á"});
  CHECK(editor.text() == "Á");
  CHECK_FALSE(editor.accents());
  editor.toggle_accents();
  editor.clear();
  CHECK_FALSE(editor.accents());
}

TEST_CASE("every key types a character names allow, and ids are unique") {
  for (int l = 0; l < kLangCount; ++l) {
    std::set<std::string> ids;
    for (const auto& row : keyboard_rows(static_cast<Lang>(l))) {
      for (const auto& key : row) {
        CHECK(ids.insert(key.lower).second);
        for (const auto* text : {&key.lower, &key.upper}) {
          const auto cps = utf8_decode(*text);
          REQUIRE(cps);
          REQUIRE(cps->size() == 1);
          CHECK(name_char_allowed((*cps)[0]));
        }
      }
    }
    // 26 letters at least, so that every name in plain Latin can be typed.
    CHECK(ids.size() >= 28);
  }
}

TEST_CASE("shift capitalises the start of every part and is one-shot") {
  NameEditor editor;
  const KeyCap a{"a", "A"}, space{" ", " "}, dash{"-", "-"}, o{"ö", "Ö"};
  CHECK(editor.shift());
  editor.type(a);
  CHECK(editor.text() == "A");
  CHECK_FALSE(editor.shift());
  editor.type(a);
  editor.type(dash);
  CHECK(editor.shift());
  editor.type(o);
  editor.type(space);
  editor.toggle_shift();  // the guest turns auto-capitals off for this one letter
  editor.type(a);
  CHECK(editor.text() == "Aa-Ö a");
  editor.backspace();
  CHECK(editor.shift());
  editor.backspace();
  CHECK(editor.text() == "Aa-Ö");
  CHECK_FALSE(editor.shift());
}

TEST_CASE("the name field refuses what names cannot hold") {
  NameEditor editor;
  CHECK_FALSE(editor.type_char(U' '));  // no leading space
  CHECK_FALSE(editor.type_char(U'7'));
  CHECK_FALSE(editor.type_char(U'<'));
  for (int i = 0; i < 60; ++i) CHECK(editor.type_char(U'é'));
  CHECK_FALSE(editor.type_char(U'a'));
  CHECK(utf8_length(editor.text()) == 60);
  editor.clear();
  CHECK(editor.text().empty());
  CHECK(editor.shift());
}
