// Every sentence the kiosk shows, in English, German, French and Spanish.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace kiosk {

enum class Lang { En, De, Fr, Es };
constexpr int kLangCount = 4;

/// The two-letter code ("en") of a language.
const char* lang_code(Lang lang);
/// The language's own name ("Deutsch"), as shown on its button.
const char* lang_endonym(Lang lang);
/// The language of a two-letter code, if the kiosk speaks it.
std::optional<Lang> lang_from_code(std::string_view code);

enum class Text {
  Loading, GetPass, TapToStart, LargerText,
  DetailsTitle, YourName, NamePlaceholder, Purpose, Door, StorageNote, Confirm, Cancel,
  NameEmpty, NameBadChar, NameTooLong, ChoosePurpose, ChooseDoor, KeySpace, KeyDone, KeyDelete,
  PurposeVisit, PurposeMeeting, PurposeDelivery, PurposeInterview, PurposeTrial,
  Issuing,
  PassTitle, PassShowAtDoor, PassValidFor, PassTakeAlong, PassLostContact,
  EnteredTitle, EnteredAt, Done,
  ExpiredTitle, ExpiredBody, NewPass, Finish,
  ProblemTitle, ProblemUnreachable, ProblemDoor, ProblemRateLimited, ProblemNotAuthorized,
  ProblemUnexpected, ProblemHelp, ProblemAskDesk, RetryingIn, Retry, StaffReference,
  StillThere, StillThereBody, Continue,
  PairTitle, PairBody, Pair, PairWrong, PairLocked,
  StaffPin, StaffPinWrong, StaffLocked, StaffTitle, StaffHealth, StaffEntries, StaffSettings,
  StaffReload, StaffUnpair, StaffClose, StaffNoEntries, StaffLanguage, StaffDoors,
  StaffSignIn, StaffBein, StaffWebhooks, StaffStoreOk, StaffStoreFailing, Yes, No,
  StaffUnreachable,
  Count
};

/// The sentence for a key in a language; never null, never empty.
const char* tr(Lang lang, Text key);

/// The key of the table's row at an index (for the completeness test).
Text text_row_key(std::size_t index);

/// Replaces each "{name}" in a template with its value; unknown placeholders stay as they are.
std::string fill(std::string_view tmpl,
                 std::initializer_list<std::pair<std::string_view, std::string>> values);

}  // namespace kiosk
