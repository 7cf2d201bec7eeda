// The guest flow as a state machine: screens, timers and backend calls, with an injected clock.
// The browser layer feeds it time, taps and answers, and carries out the requests it emits.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/api.hpp"
#include "core/i18n.hpp"
#include "core/keyboard.hpp"
#include "core/timefmt.hpp"

namespace kiosk {

enum class Screen { Loading, Pair, Welcome, Details, Issuing, Pass, Entered, Expired, Problem };
enum class Overlay { None, StillThere, Staff };

/// The test hook's name of a screen ("welcome").
const char* screen_name(Screen screen);

/// A call the browser layer must make; `ticket` identifies its answer.
struct HttpRequest {
  int ticket = 0;
  std::string method, path, body;
  bool authorized = true;  ///< carries the device token
  std::string staff_session;  ///< sent as X-Staff-Session when not empty
  Millis timeout_ms = 10000;
};

/// What came back: an HTTP status and body, or status 0 when nothing did.
struct HttpAnswer {
  int status = 0;
  bool timed_out = false;
  std::string body;
};

/// What the guest still has to fix on the Details screen.
enum class FormIssue { None, NameEmpty, NameBadChar, NameTooLong, ChoosePurpose, ChooseDoor };

/// Timings of the flow, in milliseconds; tests shorten nothing, they move the clock.
struct FlowTimings {
  Millis still_there_ms = 10000;     ///< the "Still there?" countdown
  Millis entered_return_ms = 10000;  ///< Entered goes back to Welcome after this
  Millis issue_timeout_ms = 10000;   ///< Issuing never takes longer
  Millis poll_timeout_ms = 30000;    ///< a long poll's own limit (wait is 20 s)
  Millis expiry_grace_ms = 15000;    ///< past expiry without word from the server: Expired
  Millis config_refresh_ms = 300000;
  Millis staff_idle_ms = 60000;      ///< the staff panel closes itself after this
  int poll_wait_s = 20;
};

class Flow {
 public:
  explicit Flow(FlowTimings timings = {}) : timings_(timings) {}

  // --- Driven by the browser layer ---
  /// Starts with the token kept in the browser's storage ("" when there is none).
  void start(const std::string& stored_token, Millis now);
  void on_answer(int ticket, const HttpAnswer& answer, Millis now);
  /// Fires timers that are due.
  void tick(Millis now);
  /// Any touch or key: the guest is still there.
  void on_input(Millis now);

  // --- The guest's actions ---
  void choose_language(Lang lang) { language_ = lang; }
  void toggle_large_text() { large_text_ = !large_text_; }
  void get_pass(Millis now);
  /// The guest changed the name: a complaint about the old one no longer applies.
  void name_edited();
  void choose_purpose(const std::string& id);
  void choose_door(const std::string& id);
  /// Done on the keyboard or the confirm button: issues the pass when the form is complete.
  void confirm(Millis now);
  void cancel(Millis now);
  void new_pass(Millis now);
  void finish(Millis now);
  void retry(Millis now);
  void keep_going(Millis now);
  void pair_with(const std::string& code, Millis now);

  // --- Staff: a corner held for 3 s opens a PIN pad, then the panel ---
  /// True on screens where no guest is busy, so that the staff corner may open the panel.
  bool staff_allowed() const;
  void open_staff(Millis now);
  void staff_login(const std::string& pin, Millis now);
  void staff_refresh(Millis now);
  void staff_unpair(Millis now);
  void staff_reload() { reload_requested_ = true; }
  void close_staff();
  /// True once after staff asked to reload the app.
  bool take_reload_request();

  // --- Outputs ---
  std::vector<HttpRequest> take_requests();
  std::vector<int> take_cancelled();
  /// The new token to store ("" = forget it), once per change.
  std::optional<std::string> take_token_change();
  /// The next moment something changes on its own (timer, countdown tick); 0 = none.
  Millis next_wakeup(Millis now) const;
  /// Seeds the clock offset from the tablet's own clock until the first answer corrects it.
  void assume_clock_offset(Millis offset_ms) { clock_offset_ms_ = offset_ms; }
  /// The server's clock, estimated from the last answer.
  Millis server_now(Millis now) const { return now + clock_offset_ms_; }

  // --- State for the screens ---
  Screen screen() const { return screen_; }
  Overlay overlay() const { return overlay_; }
  Lang language() const { return language_; }
  bool large_text() const { return large_text_; }
  const std::string& token() const { return token_; }
  const KioskConfig& config() const { return config_; }
  bool has_config() const { return has_config_; }
  NameEditor& name() { return name_; }
  const NameEditor& name() const { return name_; }
  const std::string& purpose() const { return purpose_; }
  const std::string& door_id() const { return door_id_; }
  FormIssue form_issue() const { return form_issue_; }
  const IssuedPass& pass() const { return pass_; }
  /// Bumped for every new pass so that the screen re-decodes its image.
  int pass_serial() const { return pass_serial_; }
  bool lost_contact() const { return lost_contact_; }
  Millis entered_at_ms() const { return entered_at_ms_; }
  const std::string& guest_name() const { return issued_name_; }
  ProblemKind problem() const { return problem_; }
  const std::string& problem_reference() const { return problem_reference_; }
  /// When the Problem screen retries by itself (local clock); 0 = it does not.
  Millis retry_at() const { return retry_at_; }
  Millis rate_limit_until() const { return rate_limit_until_; }
  Millis overlay_until() const { return overlay_until_; }
  enum class PairIssue { None, Wrong, Locked };
  PairIssue pair_issue() const { return pair_issue_; }
  Millis pair_locked_until() const { return pair_locked_until_; }
  enum class StaffIssue { None, Wrong, Locked, Unreachable };
  bool staff_signed_in() const { return !staff_session_.empty(); }
  StaffIssue staff_issue() const { return staff_issue_; }
  Millis staff_locked_until() const { return staff_locked_until_; }
  const std::optional<StaffOverview>& staff_overview() const { return staff_overview_; }

 private:
  enum class Call { Pair, Config, Issue, Poll, StaffLogin, StaffOverview, StaffUnpair };
  enum class Action { Pair, Config, Issue };

  int send(Call call, std::string method, std::string path, std::string body, Millis timeout);
  void cancel_calls(Call call);
  void go(Screen screen, Millis now);
  void retry_now(Millis now);
  void wipe(Millis now);
  void request_pair(Millis now);
  void request_config();
  void request_issue();
  void request_poll(Millis now);
  void fail(Action action, const ApiError& error, Millis now);
  void unpaired(Millis now);
  void note_server_time(const std::string& body, Millis now);
  void on_pair_answer(const HttpAnswer& answer, Millis now);
  void on_config_answer(const HttpAnswer& answer, Millis now);
  void on_issue_answer(const HttpAnswer& answer, Millis now);
  void on_poll_answer(const HttpAnswer& answer, Millis now);
  bool idle_applies() const;
  void on_staff_answer(Call call, const HttpAnswer& answer, Millis now);

  FlowTimings timings_;
  Screen screen_ = Screen::Loading;
  Overlay overlay_ = Overlay::None;
  Lang language_ = Lang::En;
  bool large_text_ = false;

  std::string token_;
  std::optional<std::string> token_change_;
  KioskConfig config_;
  bool has_config_ = false;
  Millis config_loaded_at_ = 0;
  Millis clock_offset_ms_ = 0;

  NameEditor name_;
  std::string purpose_, door_id_, issued_name_, pair_code_;
  FormIssue form_issue_ = FormIssue::None;

  IssuedPass pass_;
  int pass_serial_ = 0;
  bool lost_contact_ = false;
  int poll_failures_ = 0;
  Millis poll_at_ = 0;  // when the next poll starts (0 = one is running or none is needed)
  Millis last_poll_started_ = 0;
  Millis entered_at_ms_ = 0;
  Millis return_at_ = 0;

  ProblemKind problem_ = ProblemKind::Unexpected;
  std::string problem_reference_;
  Action problem_action_ = Action::Config;
  int attempts_ = 0;
  Millis retry_at_ = 0;
  Millis rate_limit_until_ = 0;

  PairIssue pair_issue_ = PairIssue::None;
  Millis pair_locked_until_ = 0;

  std::string staff_session_;
  StaffIssue staff_issue_ = StaffIssue::None;
  Millis staff_locked_until_ = 0;
  std::optional<StaffOverview> staff_overview_;
  bool reload_requested_ = false;

  Millis last_input_ = 0;
  Millis overlay_until_ = 0;

  int next_ticket_ = 1;
  std::map<int, Call> pending_;
  std::vector<HttpRequest> requests_;
  std::vector<int> cancelled_;
};

}  // namespace kiosk
