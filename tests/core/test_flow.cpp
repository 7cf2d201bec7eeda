#include <catch2/catch.hpp>

#include "core/flow.hpp"

using namespace kiosk;

namespace {

const Millis kServerStart = 1796398020000LL;
const char* kDoorA = "11111111-1111-1111-1111-111111111111";

std::string config_json(int doors) {
  std::string list = R"({"id": "11111111-1111-1111-1111-111111111111", "name": "Main Entrance",
                         "location": "Gym Alpha"})";
  if (doors > 1) list += R"(, {"id": "22222222-2222-2222-2222-222222222222", "name": "Side"})";
  return R"({"site_name": "Gym", "languages": ["en", "de"], "default_language": "de",
    "doors": [)" + list + R"(], "purposes": [{"id": "visit", "label": "Visit"},
    {"id": "meeting", "label": "Meeting"}], "idle_timeout_seconds": 60,
    "server_time_ms": )" + std::to_string(kServerStart) + "}";
}

std::string pass_json(Millis expires) {
  return R"({"request_id": "bein_1", "pass_id": "p", "pod": {"id": ")" + std::string(kDoorA) +
         R"(", "name": "Main Entrance"}, "expires_at_ms": )" + std::to_string(expires) +
         R"(, "qr_png": "iVBORw0KGgo=", "pass_url": null, "server_time_ms": )" +
         std::to_string(kServerStart) + "}";
}

std::string status_json(const char* status) {
  return std::string(R"({"status": ")") + status +
         R"(", "entry": {"scanned_at_ms": 1796398030000, "pod_id": "x"}, "server_time_ms": )" +
         std::to_string(kServerStart + 10000) + "}";
}

std::string error_json(const char* code, int retry_after = 0) {
  return std::string(R"({"error": {"code": ")") + code + R"(", "message": "m", "reference":
    "K-1", "retry_after": )" + std::to_string(retry_after) + "}}";
}

// A kiosk with a clock the test moves, answering the flow's requests by hand.
struct Harness {
  Flow flow;
  Millis now = 1000;

  HttpRequest only_request() {
    auto requests = flow.take_requests();
    REQUIRE(requests.size() == 1);
    return requests[0];
  }
  void answer(const HttpRequest& request, int status, const std::string& body) {
    flow.on_answer(request.ticket, HttpAnswer{status, false, body}, now);
  }
  void advance(Millis ms) {
    // Move the clock through every wake-up the flow asked for, as the browser would.
    const Millis end = now + ms;
    for (int guard = 0; guard < 100000; ++guard) {
      const Millis wake = flow.next_wakeup(now);
      if (wake == 0 || wake > end) break;
      now = std::max(wake, now + 1);
      flow.tick(now);
    }
    now = end;
    flow.tick(now);
  }
  void reach_welcome(int doors = 1) {
    flow.start("token-0123456789abcdef", now);
    auto request = only_request();
    CHECK(request.path == "/api/config");
    answer(request, 200, config_json(doors));
    REQUIRE(flow.screen() == Screen::Welcome);
  }
  void fill_form() {
    flow.get_pass(now);
    for (char32_t c : std::u32string(U"Ana Lima")) flow.name().type_char(c);
    flow.choose_purpose("visit");
  }
  HttpRequest reach_pass(Millis expires_in_ms) {
    fill_form();
    flow.confirm(now);
    auto issue = only_request();
    answer(issue, 201, pass_json(kServerStart + expires_in_ms));
    REQUIRE(flow.screen() == Screen::Pass);
    return only_request();
  }
};

}  // namespace

TEST_CASE("without a token the kiosk pairs itself in demo mode, else shows the pair screen") {
  Harness h;
  h.flow.start("", h.now);
  auto pair = h.only_request();
  CHECK(pair.path == "/api/pair");
  CHECK_FALSE(pair.authorized);
  CHECK(pair.body == "{}");
  h.answer(pair, 201, R"({"token": "0123456789abcdef0123456789abcdef"})");
  CHECK(h.flow.take_token_change() == std::string("0123456789abcdef0123456789abcdef"));
  CHECK(h.only_request().path == "/api/config");

  Harness real;
  real.flow.start("", real.now);
  real.answer(real.only_request(), 401, error_json("pairing_code_invalid"));
  CHECK(real.flow.screen() == Screen::Pair);
  CHECK(real.flow.pair_issue() == Flow::PairIssue::None);
  real.flow.pair_with("", real.now);
  real.answer(real.only_request(), 400, error_json("invalid_input"));
  CHECK(real.flow.screen() == Screen::Pair);
  real.flow.pair_with("12345678", real.now);
  auto with_code = real.only_request();
  CHECK(with_code.body == R"({"code":"12345678"})");
  real.answer(with_code, 401, error_json("pairing_code_invalid"));
  CHECK(real.flow.pair_issue() == Flow::PairIssue::Wrong);
  real.flow.pair_with("12345679", real.now);
  real.answer(real.only_request(), 429, error_json("pairing_locked", 300));
  CHECK(real.flow.pair_issue() == Flow::PairIssue::Locked);
  real.flow.pair_with("12345670", real.now);
  CHECK(real.flow.take_requests().empty());  // locked: nothing is sent
}

TEST_CASE("the whole guest flow: welcome, details, issuing, pass, entered, welcome") {
  Harness h;
  h.reach_welcome();
  CHECK(h.flow.language() == Lang::De);
  h.flow.choose_language(Lang::Fr);
  h.flow.get_pass(h.now);
  CHECK(h.flow.screen() == Screen::Details);
  CHECK(h.flow.door_id() == kDoorA);  // one door: chosen for the guest
  h.flow.confirm(h.now);
  CHECK(h.flow.form_issue() == FormIssue::NameEmpty);
  for (char32_t c : std::u32string(U"Ana Lima")) h.flow.name().type_char(c);
  h.flow.name_edited();
  CHECK(h.flow.form_issue() == FormIssue::None);
  h.flow.confirm(h.now);
  CHECK(h.flow.form_issue() == FormIssue::ChoosePurpose);
  h.flow.choose_purpose("nope");
  CHECK(h.flow.purpose().empty());
  h.flow.choose_purpose("visit");
  h.flow.confirm(h.now);
  CHECK(h.flow.screen() == Screen::Issuing);
  auto issue = h.only_request();
  CHECK(issue.method == "POST");
  CHECK(issue.body.find(R"("guest_name":"Ana Lima")") != std::string::npos);
  CHECK(issue.body.find(R"("language":"fr")") != std::string::npos);
  CHECK(issue.timeout_ms <= 10000);

  h.answer(issue, 201, pass_json(kServerStart + 300000));
  CHECK(h.flow.screen() == Screen::Pass);
  auto poll = h.only_request();
  CHECK(poll.path == "/api/passes/bein_1?wait=20");
  h.answer(poll, 200, status_json("pending"));
  h.advance(1000);
  poll = h.only_request();
  h.answer(poll, 200, status_json("entered"));
  CHECK(h.flow.screen() == Screen::Entered);
  CHECK(h.flow.guest_name() == "Ana Lima");
  CHECK(h.flow.entered_at_ms() == 1796398030000LL);
  h.advance(10000);
  CHECK(h.flow.screen() == Screen::Welcome);
  CHECK(h.flow.name().text().empty());
  CHECK(h.flow.guest_name().empty());
  CHECK(h.flow.language() == Lang::De);  // back to the site's language
}

TEST_CASE("with several doors the first is chosen until the guest picks another") {
  Harness h;
  h.reach_welcome(2);
  h.fill_form();
  CHECK(h.flow.door_id() == kDoorA);
  h.flow.choose_door("not-offered");
  CHECK(h.flow.door_id() == kDoorA);
  h.flow.choose_door("22222222-2222-2222-2222-222222222222");
  h.flow.confirm(h.now);
  CHECK(h.flow.screen() == Screen::Issuing);
  CHECK(h.only_request().body.find("22222222") != std::string::npos);
}

TEST_CASE("a cancelled issue never reaches the screen that moved on") {
  Harness h;
  h.reach_welcome();
  h.fill_form();
  h.flow.confirm(h.now);
  auto issue = h.only_request();
  h.flow.cancel(h.now);
  CHECK(h.flow.screen() == Screen::Details);
  CHECK(h.flow.take_cancelled() == std::vector<int>{issue.ticket});
  h.answer(issue, 201, pass_json(kServerStart + 300000));
  CHECK(h.flow.screen() == Screen::Details);
  CHECK(h.flow.name().text() == "Ana Lima");  // the guest's typing is kept
}

TEST_CASE("countdown and expiry run on the server's clock") {
  Harness h;
  h.reach_welcome();
  CHECK(h.flow.server_now(h.now) == kServerStart);
  auto poll = h.reach_pass(60000);
  h.answer(poll, 200, status_json("expired"));
  CHECK(h.flow.screen() == Screen::Expired);
  h.flow.new_pass(h.now);
  CHECK(h.flow.screen() == Screen::Issuing);
  CHECK(h.only_request().body.find("Ana Lima") != std::string::npos);
}

TEST_CASE("lost contact keeps the pass on screen and polls with back-off") {
  Harness h;
  h.reach_welcome();
  auto poll = h.reach_pass(300000);
  h.flow.on_answer(poll.ticket, HttpAnswer{0, true, ""}, h.now);
  CHECK(h.flow.screen() == Screen::Pass);
  CHECK(h.flow.lost_contact());
  h.advance(900);
  CHECK(h.flow.take_requests().empty());
  h.advance(200);
  poll = h.only_request();
  h.flow.on_answer(poll.ticket, HttpAnswer{503, false, error_json("upstream_unavailable")}, h.now);
  h.advance(1500);
  CHECK(h.flow.take_requests().empty());  // second failure waits 2 s
  h.advance(600);
  poll = h.only_request();
  h.answer(poll, 200, status_json("pending"));
  CHECK_FALSE(h.flow.lost_contact());

  // Silence past expiry: the kiosk gives up on its own.
  h.flow.take_requests();
  h.advance(300000 + 16000);
  CHECK(h.flow.screen() == Screen::Expired);
}

TEST_CASE("transient problems retry with back-off; limits wait as long as told") {
  Harness h;
  h.reach_welcome();
  h.fill_form();
  h.flow.confirm(h.now);
  h.answer(h.only_request(), 503, error_json("upstream_unavailable"));
  CHECK(h.flow.screen() == Screen::Problem);
  CHECK(h.flow.problem() == ProblemKind::Unreachable);
  CHECK(h.flow.problem_reference() == "K-1");
  h.advance(1900);
  CHECK(h.flow.screen() == Screen::Problem);
  h.advance(200);
  CHECK(h.flow.screen() == Screen::Issuing);
  h.answer(h.only_request(), 429, error_json("rate_limited", 30));
  CHECK(h.flow.problem() == ProblemKind::RateLimited);
  h.flow.retry(h.now);  // too early: the backend said 30 s
  CHECK(h.flow.screen() == Screen::Problem);
  h.advance(29000);
  CHECK(h.flow.screen() == Screen::Problem);
  h.advance(1100);
  CHECK(h.flow.screen() == Screen::Issuing);
  h.answer(h.only_request(), 403, error_json("pod_not_allowed"));
  CHECK(h.flow.problem() == ProblemKind::DoorUnavailable);
  CHECK(h.flow.retry_at() == 0);  // not transient: only the guest retries
}

TEST_CASE("a revoked kiosk forgets its token and pairs again") {
  Harness h;
  h.reach_welcome();
  h.fill_form();
  h.flow.confirm(h.now);
  h.answer(h.only_request(), 401, error_json("kiosk_not_paired"));
  CHECK(h.flow.take_token_change() == std::string());
  CHECK(h.flow.token().empty());
  CHECK(h.flow.screen() == Screen::Loading);
  CHECK(h.only_request().path == "/api/pair");
  CHECK(h.flow.name().text().empty());
}

TEST_CASE("idle guests are asked, then everything is wiped") {
  Harness h;
  h.reach_welcome();
  h.fill_form();
  h.advance(59000);
  CHECK(h.flow.overlay() == Overlay::None);
  h.advance(1000);
  CHECK(h.flow.overlay() == Overlay::StillThere);
  h.flow.keep_going(h.now);
  CHECK(h.flow.overlay() == Overlay::None);
  CHECK(h.flow.name().text() == "Ana Lima");
  h.advance(60000);
  CHECK(h.flow.overlay() == Overlay::StillThere);
  h.advance(10000);
  CHECK(h.flow.screen() == Screen::Welcome);
  CHECK(h.flow.overlay() == Overlay::None);
  CHECK(h.flow.name().text().empty());
  CHECK(h.flow.purpose().empty());
}

TEST_CASE("the pass screen is never interrupted by the idle prompt") {
  Harness h;
  h.reach_welcome();
  h.reach_pass(300000);
  h.advance(120000);
  CHECK(h.flow.overlay() == Overlay::None);
  CHECK(h.flow.screen() == Screen::Pass);
}

TEST_CASE("an idle welcome screen wakes once a minute for its clock") {
  Harness h;
  h.reach_welcome();
  const Millis wake = h.flow.next_wakeup(h.now);
  CHECK(wake > h.now);
  CHECK(wake - h.now <= 60000);
  CHECK(h.flow.server_now(wake) % 60000 == 0);
}

TEST_CASE("the staff panel: PIN, overview, unpair, and it closes itself") {
  Harness h;
  h.reach_welcome();
  h.flow.open_staff(h.now);
  REQUIRE(h.flow.overlay() == Overlay::Staff);
  h.flow.staff_login("1234", h.now);
  auto login = h.only_request();
  CHECK(login.body == R"({"pin":"1234"})");
  h.answer(login, 401, error_json("staff_pin_invalid"));
  CHECK(h.flow.staff_issue() == Flow::StaffIssue::Wrong);
  h.flow.staff_login("0000", h.now);
  h.answer(h.only_request(), 201, R"({"session": "0123456789abcdef0123456789abcdef"})");
  CHECK(h.flow.staff_signed_in());
  auto overview = h.only_request();
  CHECK(overview.path == "/api/staff/overview");
  CHECK(overview.staff_session == "0123456789abcdef0123456789abcdef");
  h.answer(overview, 200, R"({"health": {"bein": "demo", "store_writable": true},
    "entries": [{"scanned_at_ms": 1796398030000, "door": "Main", "guest_name": "Ana"}],
    "kiosk": {"name": "Lobby", "doors": []}})");
  REQUIRE(h.flow.staff_overview());
  CHECK(h.flow.staff_overview()->entries[0].guest_name == "Ana");

  // A minute without a touch closes it, and the names go with it.
  h.advance(59000);
  CHECK(h.flow.overlay() == Overlay::Staff);
  h.advance(1500);
  CHECK(h.flow.overlay() == Overlay::None);
  CHECK_FALSE(h.flow.staff_overview());

  h.flow.open_staff(h.now);
  h.flow.staff_login("0000", h.now);
  h.answer(h.only_request(), 429, error_json("staff_locked", 300));
  CHECK(h.flow.staff_issue() == Flow::StaffIssue::Locked);
  h.flow.staff_login("0000", h.now);
  CHECK(h.flow.take_requests().empty());
  h.flow.close_staff();

  h.advance(301000);
  h.flow.take_requests();  // the five-minute config refresh
  h.flow.open_staff(h.now);
  h.flow.staff_login("0000", h.now);
  h.answer(h.only_request(), 201, R"({"session": "0123456789abcdef0123456789abcdef"})");
  h.flow.take_requests();
  h.flow.staff_unpair(h.now);
  h.answer(h.only_request(), 200, R"({"unpaired": true})");
  CHECK(h.flow.overlay() == Overlay::None);
  CHECK(h.flow.take_token_change() == std::string());
  CHECK(h.only_request().path == "/api/pair");
}

TEST_CASE("the staff corner does nothing while a guest is busy") {
  Harness h;
  h.reach_welcome();
  h.fill_form();
  CHECK_FALSE(h.flow.staff_allowed());
  h.flow.open_staff(h.now);
  CHECK(h.flow.overlay() == Overlay::None);
}

TEST_CASE("automatic retries do not keep an absent guest's name on screen") {
  Harness h;
  h.reach_welcome();
  h.fill_form();
  h.flow.confirm(h.now);
  for (int i = 0; i < 100 && h.flow.screen() != Screen::Welcome; ++i) {
    for (const auto& request : h.flow.take_requests()) {
      h.answer(request, 503, error_json("upstream_unavailable"));
    }
    h.advance(1000);
  }
  CHECK(h.flow.screen() == Screen::Welcome);
  CHECK(h.flow.name().text().empty());
}
