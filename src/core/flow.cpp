#include "core/flow.hpp"

#include <algorithm>

#include "core/name.hpp"

namespace kiosk {
namespace {

// Back-off of automatic retries: 2, 4, 8, 16, then every 30 seconds.
Millis backoff_ms(int attempt) {
  const int capped = std::min(attempt, 4);
  return std::min<Millis>(2000LL << capped, 30000);
}

// Back-off of the Pass screen's polling after lost contact: 1, 2, 4, 8, then 15 seconds.
Millis poll_backoff_ms(int failures) {
  const int capped = std::min(std::max(failures - 1, 0), 4);
  return std::min<Millis>(1000LL << capped, 15000);
}

// Earliest of two wake-up times where 0 means "none".
Millis earliest(Millis a, Millis b) {
  if (a == 0) return b;
  if (b == 0) return a;
  return std::min(a, b);
}

// The next whole second of a countdown that ends at `until`, on the local clock.
Millis next_second_boundary(Millis now, Millis until) {
  if (until <= now) return 0;
  const Millis remaining = until - now;
  const Millis into_second = remaining % 1000;
  return now + (into_second == 0 ? 1000 : into_second);
}

}  // namespace

const char* screen_name(Screen screen) {
  static const char* names[] = {"loading", "pair",    "welcome", "details", "issuing",
                                "pass",    "entered", "expired", "problem"};
  return names[static_cast<int>(screen)];
}

// --- Requests ---

int Flow::send(Call call, std::string method, std::string path, std::string body,
               Millis timeout) {
  HttpRequest request;
  request.ticket = next_ticket_++;
  request.method = std::move(method);
  request.path = std::move(path);
  request.body = std::move(body);
  request.authorized = call != Call::Pair;
  request.timeout_ms = timeout;
  pending_[request.ticket] = call;
  requests_.push_back(std::move(request));
  return next_ticket_ - 1;
}

void Flow::cancel_calls(Call call) {
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second == call) {
      cancelled_.push_back(it->first);
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
}

void Flow::request_pair(Millis now) {
  (void)now;
  cancel_calls(Call::Pair);
  send(Call::Pair, "POST", "/api/pair", encode_pair_request(pair_code_), 10000);
}

void Flow::request_config() {
  cancel_calls(Call::Config);
  send(Call::Config, "GET", "/api/config", "", 10000);
}

void Flow::request_issue() {
  cancel_calls(Call::Issue);
  issued_name_ = check_name(name_.text()).cleaned;
  send(Call::Issue, "POST", "/api/passes",
       encode_pass_request(door_id_, issued_name_, purpose_, lang_code(language_)),
       timings_.issue_timeout_ms);
}

void Flow::request_poll(Millis now) {
  cancel_calls(Call::Poll);
  poll_at_ = 0;
  last_poll_started_ = now;
  send(Call::Poll, "GET", pass_status_path(pass_.request_id, timings_.poll_wait_s), "",
       timings_.poll_timeout_ms);
}

std::vector<HttpRequest> Flow::take_requests() {
  std::vector<HttpRequest> out;
  out.swap(requests_);
  return out;
}

std::vector<int> Flow::take_cancelled() {
  std::vector<int> out;
  out.swap(cancelled_);
  return out;
}

std::optional<std::string> Flow::take_token_change() {
  auto out = token_change_;
  token_change_.reset();
  return out;
}

// --- Screens ---

void Flow::go(Screen screen, Millis now) {
  // A screen that moved on never sees the answer of a call made for the one before.
  if (screen != Screen::Issuing) cancel_calls(Call::Issue);
  if (screen != Screen::Pass) cancel_calls(Call::Poll);
  screen_ = screen;
  // The staff panel stays over screen changes (a retry loop must not close it).
  if (overlay_ == Overlay::StillThere) overlay_ = Overlay::None;
  // Screens changed by answers and timers do not count as the guest being there, except an
  // expiry: the guest stood at the Pass screen, where no idle prompt runs, and gets full time.
  if (screen == Screen::Expired) last_input_ = now;
  retry_at_ = 0;
  poll_at_ = 0;
  return_at_ = 0;
}

void Flow::wipe(Millis now) {
  // Nothing of one guest may reach the next: name, choices, pass, language, text size.
  name_.clear();
  purpose_.clear();
  door_id_.clear();
  issued_name_.clear();
  form_issue_ = FormIssue::None;
  pass_ = IssuedPass{};
  lost_contact_ = false;
  poll_failures_ = 0;
  entered_at_ms_ = 0;
  large_text_ = false;
  language_ = lang_from_code(config_.default_language).value_or(Lang::En);
  attempts_ = 0;
  go(has_config_ ? Screen::Welcome : Screen::Loading, now);
  if (!has_config_) request_config();
}

void Flow::start(const std::string& stored_token, Millis now) {
  token_ = stored_token;
  last_input_ = now;
  screen_ = Screen::Loading;
  if (token_.empty()) {
    request_pair(now);
  } else {
    request_config();
  }
}

void Flow::get_pass(Millis now) {
  if (screen_ != Screen::Welcome) return;
  name_.clear();
  purpose_ = config_.purposes.size() == 1 ? config_.purposes[0].id : "";
  // The first door (the site's main one) is chosen until the guest picks another tile.
  door_id_ = config_.doors.empty() ? "" : config_.doors[0].id;
  form_issue_ = FormIssue::None;
  last_input_ = now;
  go(Screen::Details, now);
}

void Flow::name_edited() {
  if (form_issue_ == FormIssue::NameEmpty || form_issue_ == FormIssue::NameBadChar ||
      form_issue_ == FormIssue::NameTooLong) {
    form_issue_ = FormIssue::None;
  }
}

void Flow::choose_purpose(const std::string& id) {
  for (const auto& option : config_.purposes) {
    if (option.id == id) purpose_ = id;
  }
  if (form_issue_ == FormIssue::ChoosePurpose) form_issue_ = FormIssue::None;
}

void Flow::choose_door(const std::string& id) {
  for (const auto& door : config_.doors) {
    if (door.id == id) door_id_ = id;
  }
  if (form_issue_ == FormIssue::ChooseDoor) form_issue_ = FormIssue::None;
}

void Flow::confirm(Millis now) {
  if (screen_ != Screen::Details) return;
  last_input_ = now;
  const NameCheck check = check_name(name_.text());
  static const FormIssue by_error[] = {FormIssue::None, FormIssue::NameEmpty,
                                       FormIssue::NameBadChar, FormIssue::NameTooLong};
  form_issue_ = by_error[static_cast<int>(check.error)];
  if (form_issue_ == FormIssue::None && purpose_.empty()) form_issue_ = FormIssue::ChoosePurpose;
  if (form_issue_ == FormIssue::None && door_id_.empty()) form_issue_ = FormIssue::ChooseDoor;
  if (form_issue_ != FormIssue::None) return;
  go(Screen::Issuing, now);
  request_issue();
}

void Flow::cancel(Millis now) {
  switch (screen_) {
    case Screen::Issuing:
      go(Screen::Details, now);  // keep what the guest typed; the answer is dropped
      break;
    case Screen::Details:
    case Screen::Pass:
    case Screen::Problem:
    case Screen::Expired:
    case Screen::Entered:
      wipe(now);
      break;
    default:
      break;
  }
}

void Flow::new_pass(Millis now) {
  if (screen_ != Screen::Expired) return;
  last_input_ = now;
  go(Screen::Issuing, now);
  request_issue();
}

void Flow::finish(Millis now) {
  if (screen_ == Screen::Expired || screen_ == Screen::Entered) wipe(now);
}

void Flow::retry(Millis now) {
  if (screen_ != Screen::Problem) return;
  last_input_ = now;
  retry_now(now);
}

void Flow::retry_now(Millis now) {
  if (rate_limit_until_ > now) return;  // the backend said when; earlier tries only fail
  switch (problem_action_) {
    case Action::Pair:
      go(Screen::Loading, now);
      request_pair(now);
      break;
    case Action::Config:
      go(Screen::Loading, now);
      request_config();
      break;
    case Action::Issue:
      go(Screen::Issuing, now);
      request_issue();
      break;
  }
}

void Flow::keep_going(Millis now) {
  if (overlay_ == Overlay::StillThere) overlay_ = Overlay::None;
  last_input_ = now;
}

void Flow::on_input(Millis now) {
  // Only "Continue" answers "Still there?": a touch that dismissed the prompt could otherwise
  // land on whatever lies under it.
  last_input_ = now;
}

void Flow::pair_with(const std::string& code, Millis now) {
  if (screen_ != Screen::Pair || pair_locked_until_ > now) return;
  pair_code_ = code;
  pair_issue_ = PairIssue::None;
  request_pair(now);
}

// --- Answers ---

void Flow::note_server_time(const std::string& body, Millis now) {
  // Tablets drift; countdowns and the clock run on the server's time.
  if (const auto server = decode_server_time(body)) clock_offset_ms_ = *server - now;
}

void Flow::on_answer(int ticket, const HttpAnswer& answer, Millis now) {
  const auto it = pending_.find(ticket);
  if (it == pending_.end()) return;  // cancelled or unknown: the screen moved on
  const Call call = it->second;
  pending_.erase(it);
  if (answer.status != 0) note_server_time(answer.body, now);

  switch (call) {
    case Call::Pair:
      on_pair_answer(answer, now);
      break;
    case Call::Config:
      on_config_answer(answer, now);
      break;
    case Call::Issue:
      on_issue_answer(answer, now);
      break;
    case Call::Poll:
      on_poll_answer(answer, now);
      break;
    default:
      on_staff_answer(call, answer, now);
      break;
  }
}

void Flow::on_pair_answer(const HttpAnswer& answer, Millis now) {
  const ApiError error = decode_error(answer.status, answer.body);
  if (answer.status == 200 || answer.status == 201) {
    const auto paired = decode_pair(answer.body);
    if (!paired) {
      fail(Action::Pair, error, now);
      return;
    }
    token_ = paired->token;
    token_change_ = token_;
    pair_code_.clear();
    pair_issue_ = PairIssue::None;
    go(Screen::Loading, now);
    request_config();
    return;
  }
  // A backend with a real key refuses the empty code of automatic pairing; some answer
  // invalid_input (400) rather than pairing_code_invalid (401): both mean "ask for a code".
  const bool refused = error.code == "pairing_code_invalid" || error.code == "invalid_input" ||
                       (error.code.empty() && error.status == 401);
  if (refused || error.code == "pairing_locked") {
    // The "Pair this kiosk" screen: silent the first time, with the reason after a wrong code.
    if (error.code == "pairing_locked") {
      pair_issue_ = PairIssue::Locked;
      pair_locked_until_ = now + static_cast<Millis>(std::max(error.retry_after_s, 1)) * 1000;
    } else {
      pair_issue_ = pair_code_.empty() ? PairIssue::None : PairIssue::Wrong;
    }
    if (screen_ != Screen::Pair) go(Screen::Pair, now);
    return;
  }
  fail(Action::Pair, error, now);
}

void Flow::on_config_answer(const HttpAnswer& answer, Millis now) {
  const ApiError error = decode_error(answer.status, answer.body);
  if (is_unpaired(error)) {
    unpaired(now);
    return;
  }
  const auto config = answer.status == 200 ? decode_config(answer.body) : std::nullopt;
  if (!config) {
    // A background refresh keeps the config it has; only the first load must succeed.
    if (!has_config_) fail(Action::Config, error, now);
    return;
  }
  config_ = *config;
  config_loaded_at_ = now;
  const bool first = !has_config_;
  has_config_ = true;
  attempts_ = 0;
  if (first || screen_ == Screen::Loading) {
    language_ = lang_from_code(config_.default_language).value_or(Lang::En);
    go(Screen::Welcome, now);
  }
}

void Flow::on_issue_answer(const HttpAnswer& answer, Millis now) {
  const ApiError error = decode_error(answer.status, answer.body);
  if (is_unpaired(error)) {
    unpaired(now);
    return;
  }
  const auto pass = answer.status == 201 || answer.status == 200
                        ? decode_issued_pass(answer.body)
                        : std::nullopt;
  if (!pass) {
    fail(Action::Issue, error, now);
    return;
  }
  pass_ = *pass;
  ++pass_serial_;
  lost_contact_ = false;
  poll_failures_ = 0;
  attempts_ = 0;
  go(Screen::Pass, now);
  request_poll(now);
}

void Flow::on_poll_answer(const HttpAnswer& answer, Millis now) {
  const ApiError error = decode_error(answer.status, answer.body);
  if (is_unpaired(error)) {
    unpaired(now);
    return;
  }
  const auto status = answer.status == 200 ? decode_pass_status(answer.body) : std::nullopt;
  if (!status) {
    if (answer.status == 404) {
      // The backend forgot the pass: nothing can arrive for it any more.
      problem_ = ProblemKind::Unexpected;
      problem_reference_ = error.reference;
      problem_action_ = Action::Issue;
      go(Screen::Problem, now);
      return;
    }
    // Keep the pass on screen and keep asking: the door works without us.
    lost_contact_ = true;
    ++poll_failures_;
    poll_at_ = now + poll_backoff_ms(poll_failures_);
    return;
  }
  lost_contact_ = false;
  poll_failures_ = 0;
  if (status->expires_at_ms != 0) pass_.expires_at_ms = status->expires_at_ms;
  switch (status->state) {
    case PassState::Entered:
      entered_at_ms_ = status->scanned_at_ms != 0 ? status->scanned_at_ms : server_now(now);
      go(Screen::Entered, now);
      return_at_ = now + timings_.entered_return_ms;
      break;
    case PassState::Expired:
      go(Screen::Expired, now);
      break;
    case PassState::Pending:
      // A server that answers at once must not make us spin: at most one poll per second.
      poll_at_ = std::max(now, last_poll_started_ + 1000);
      if (poll_at_ <= now) request_poll(now);
      break;
  }
}

void Flow::unpaired(Millis now) {
  // The backend no longer knows this token: forget it and pair again (automatic in demo mode).
  token_.clear();
  token_change_ = std::string();
  wipe(now);
  go(Screen::Loading, now);
  cancel_calls(Call::Config);
  pair_code_.clear();
  request_pair(now);
}

void Flow::fail(Action action, const ApiError& error, Millis now) {
  problem_ = classify(error);
  problem_reference_ = error.reference;
  problem_action_ = action;
  go(Screen::Problem, now);
  rate_limit_until_ = error.retry_after_s > 0 ? now + error.retry_after_s * 1000LL : 0;
  if (is_transient(error)) {
    retry_at_ = std::max(now + backoff_ms(attempts_), rate_limit_until_);
    ++attempts_;
  }
}

// --- Staff ---

bool Flow::staff_allowed() const {
  return screen_ == Screen::Welcome || screen_ == Screen::Pair || screen_ == Screen::Problem ||
         screen_ == Screen::Loading;
}

void Flow::open_staff(Millis now) {
  if (!staff_allowed() || overlay_ != Overlay::None) return;
  overlay_ = Overlay::Staff;
  staff_issue_ = StaffIssue::None;
  staff_session_.clear();
  staff_overview_.reset();
  last_input_ = now;
}

void Flow::staff_login(const std::string& pin, Millis now) {
  if (overlay_ != Overlay::Staff || staff_locked_until_ > now) return;
  staff_issue_ = StaffIssue::None;
  cancel_calls(Call::StaffLogin);
  send(Call::StaffLogin, "POST", "/api/staff/login", encode_staff_login(pin), 10000);
}

void Flow::staff_refresh(Millis now) {
  (void)now;
  if (staff_session_.empty()) return;
  cancel_calls(Call::StaffOverview);
  send(Call::StaffOverview, "GET", "/api/staff/overview", "", 10000);
  requests_.back().staff_session = staff_session_;
}

void Flow::staff_unpair(Millis now) {
  (void)now;
  if (staff_session_.empty()) return;
  cancel_calls(Call::StaffUnpair);
  send(Call::StaffUnpair, "POST", "/api/staff/unpair", "{}", 10000);
  requests_.back().staff_session = staff_session_;
}

void Flow::close_staff() {
  cancel_calls(Call::StaffLogin);
  cancel_calls(Call::StaffOverview);
  cancel_calls(Call::StaffUnpair);
  staff_session_.clear();
  staff_overview_.reset();  // names of guests leave memory with the panel
  if (overlay_ == Overlay::Staff) overlay_ = Overlay::None;
}

bool Flow::take_reload_request() {
  const bool requested = reload_requested_;
  reload_requested_ = false;
  return requested;
}

void Flow::on_staff_answer(Call call, const HttpAnswer& answer, Millis now) {
  if (overlay_ != Overlay::Staff) return;
  const ApiError error = decode_error(answer.status, answer.body);
  if (is_unpaired(error)) {
    close_staff();
    unpaired(now);
    return;
  }
  if (error.code == "staff_session_invalid") {
    staff_session_.clear();  // expired: back to the PIN pad
    staff_overview_.reset();
    return;
  }
  switch (call) {
    case Call::StaffLogin:
      if (const auto session = decode_staff_session(answer.body);
          session && (answer.status == 200 || answer.status == 201)) {
        staff_session_ = *session;
        staff_refresh(now);
      } else if (error.code == "staff_locked") {
        staff_issue_ = StaffIssue::Locked;
        staff_locked_until_ = now + std::max(error.retry_after_s, 1) * 1000LL;
      } else if (error.code == "staff_pin_invalid") {
        staff_issue_ = StaffIssue::Wrong;
      } else {
        staff_issue_ = StaffIssue::Unreachable;
      }
      break;
    case Call::StaffOverview:
      if (answer.status == 200) staff_overview_ = decode_staff_overview(answer.body);
      staff_issue_ = staff_overview_ ? StaffIssue::None : StaffIssue::Unreachable;
      break;
    case Call::StaffUnpair:
      if (answer.status == 200 || answer.status == 201) {
        close_staff();
        unpaired(now);
      } else {
        staff_issue_ = StaffIssue::Unreachable;
      }
      break;
    default:
      break;
  }
}

// --- Timers ---

bool Flow::idle_applies() const {
  return screen_ == Screen::Details || screen_ == Screen::Problem || screen_ == Screen::Expired;
}

void Flow::tick(Millis now) {
  // Automatic retry on the Problem screen.
  if (screen_ == Screen::Problem && retry_at_ != 0 && now >= retry_at_) {
    retry_at_ = 0;
    rate_limit_until_ = 0;
    retry_now(now);
  }

  // The Pass screen: the next poll, and expiry when the server has gone quiet.
  if (screen_ == Screen::Pass) {
    if (poll_at_ != 0 && now >= poll_at_) request_poll(now);
    if (server_now(now) > pass_.expires_at_ms + timings_.expiry_grace_ms) {
      go(Screen::Expired, now);
    }
  }

  if (screen_ == Screen::Entered && return_at_ != 0 && now >= return_at_) wipe(now);

  // Idle: ask "Still there?", then wipe everything when nobody answers.
  if (idle_applies()) {
    const Millis idle_ms = static_cast<Millis>(config_.idle_timeout_seconds) * 1000;
    if (overlay_ == Overlay::None && now - last_input_ >= idle_ms) {
      overlay_ = Overlay::StillThere;
      overlay_until_ = now + timings_.still_there_ms;
    } else if (overlay_ == Overlay::StillThere && now >= overlay_until_) {
      wipe(now);
    }
  }

  if (overlay_ == Overlay::Staff && now - last_input_ >= timings_.staff_idle_ms) close_staff();

  // Pick up configuration changes while nobody is using the kiosk.
  if (screen_ == Screen::Welcome && has_config_ &&
      now - config_loaded_at_ >= timings_.config_refresh_ms) {
    config_loaded_at_ = now;
    request_config();
  }
}

Millis Flow::next_wakeup(Millis now) const {
  Millis wake = 0;
  switch (screen_) {
    case Screen::Problem:
      wake = earliest(wake, retry_at_);
      wake = earliest(wake, next_second_boundary(now, std::max(retry_at_, rate_limit_until_)));
      break;
    case Screen::Pass:
      wake = earliest(wake, poll_at_);
      // The countdown ticks on the server's whole seconds.
      if (const Millis tick = next_second_boundary(server_now(now), pass_.expires_at_ms)) {
        wake = earliest(wake, tick - clock_offset_ms_);
      }
      wake = earliest(wake, pass_.expires_at_ms + timings_.expiry_grace_ms -
                                clock_offset_ms_ + 1);
      break;
    case Screen::Entered:
      wake = earliest(wake, return_at_);
      break;
    case Screen::Welcome: {
      // The clock shows minutes: wake at the next minute of the server's clock.
      const Millis server = server_now(now);
      wake = earliest(wake, now + (60000 - server % 60000));
      wake = earliest(wake, config_loaded_at_ + timings_.config_refresh_ms);
      break;
    }
    case Screen::Pair:
      wake = earliest(wake, next_second_boundary(now, pair_locked_until_));
      break;
    default:
      break;
  }
  if (overlay_ == Overlay::Staff) {
    wake = earliest(wake, last_input_ + timings_.staff_idle_ms);
    wake = earliest(wake, next_second_boundary(now, staff_locked_until_));
  } else if (idle_applies()) {
    if (overlay_ == Overlay::StillThere) {
      wake = earliest(wake, next_second_boundary(now, overlay_until_));
      wake = earliest(wake, overlay_until_);
    } else {
      wake = earliest(wake, last_input_ + config_.idle_timeout_seconds * 1000LL);
    }
  }
  return wake;
}

}  // namespace kiosk
