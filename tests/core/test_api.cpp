#include <catch2/catch.hpp>

#include "core/api.hpp"

using namespace kiosk;

namespace {
const char* kConfig = R"({"site_name": "be-in Demo Gym", "kiosk_name": "Lobby tablet",
 "languages": ["en", "de", 7], "default_language": "de",
 "doors": [{"id": "11111111-1111-1111-1111-111111111111", "name": "Main Entrance",
            "location": "Gym Alpha"}, {"id": 5}, "junk"],
 "purposes": [{"id": "visit", "label": "Visit"}, {"id": "x"}, {"label": "no id"}],
 "pass_validity_seconds": 300, "idle_timeout_seconds": "60", "retention_days": 30,
 "pass_page": true, "demo": true, "server_time_ms": 1796398020123})";
}  // namespace

TEST_CASE("config keeps good entries, skips bad ones, defaults wrong types") {
  const auto config = decode_config(kConfig);
  REQUIRE(config);
  CHECK(config->site_name == "be-in Demo Gym");
  CHECK(config->languages == std::vector<std::string>{"en", "de"});
  REQUIRE(config->doors.size() == 1);
  CHECK(config->doors[0].location == "Gym Alpha");
  REQUIRE(config->purposes.size() == 2);
  CHECK(config->purposes[1].label == "x");
  CHECK(config->idle_timeout_seconds == 60);  // a string is not a number: default
  CHECK(config->pass_page);
  CHECK(decode_server_time(kConfig) == 1796398020123LL);
}

TEST_CASE("malformed answers are refused without throwing") {
  for (const char* body : {"", "null", "[]", "{", "{\"doors\": []}", "{\"doors\": {}}",
                           "\xff\xfe", "{\"doors\": [{\"id\": \"\", \"name\": \"x\"}]}"}) {
    INFO(body);
    CHECK_FALSE(decode_config(body));
    CHECK_FALSE(decode_issued_pass(body));
    CHECK_FALSE(decode_pass_status(body));
    CHECK_FALSE(decode_pair(body));
  }
  CHECK_FALSE(decode_server_time(R"({"server_time_ms": "1796398020123"})"));
  CHECK_FALSE(decode_server_time(R"({"server_time_ms": 12})"));
  CHECK_FALSE(decode_server_time(R"({"server_time_ms": 1.7e12})"));
}

TEST_CASE("an issued pass is decoded and its request id must be path-safe") {
  std::string body = R"({"request_id": "bein_8N1r6W2XK", "pass_id": "p1",
    "pod": {"id": "11111111-1111-1111-1111-111111111111", "name": "Main Entrance"},
    "issued_at_ms": 1796398020123, "expires_at_ms": 1796398320123,
    "qr_png": "iVBORw0KGgo=", "pass_url": null, "server_time_ms": 1796398020123})";
  auto pass = decode_issued_pass(body);
  REQUIRE(pass);
  CHECK(pass->request_id == "bein_8N1r6W2XK");
  CHECK(pass->qr_png == std::string("\x89PNG\r\n\x1a\n"));
  CHECK(pass->pass_url.empty());
  CHECK(pass->pod.location.empty());

  auto with_url = body;
  with_url.replace(with_url.find("null"), 4, R"("https://kiosk.example/p/abc")");
  CHECK(decode_issued_pass(with_url)->pass_url == "https://kiosk.example/p/abc");
  auto bad_url = body;
  bad_url.replace(bad_url.find("null"), 4, R"x("javascript:alert(1)")x");
  CHECK(decode_issued_pass(bad_url)->pass_url.empty());

  auto traversal = body;
  traversal.replace(traversal.find("bein_8N1r6W2XK"), 14, "../../admin");
  CHECK_FALSE(decode_issued_pass(traversal));
  auto bad_png = body;
  bad_png.replace(bad_png.find("iVBORw0KGgo="), 12, "not base64!");
  CHECK_FALSE(decode_issued_pass(bad_png));
}

TEST_CASE("pass status, pairing and errors") {
  auto entered = decode_pass_status(R"({"status": "entered", "entry": {"scanned_at_ms":
    1796398030123, "pod_id": "p"}, "expires_at_ms": 1796398320123})");
  REQUIRE(entered);
  CHECK(entered->state == PassState::Entered);
  CHECK(entered->scanned_at_ms == 1796398030123LL);
  CHECK(decode_pass_status(R"({"status": "expired", "entry": null})")->state ==
        PassState::Expired);
  CHECK_FALSE(decode_pass_status(R"({"status": "opened"})"));

  CHECK(decode_pair(R"({"token": "0123456789abcdef0123", "kiosk_name": "Lobby"})"));
  CHECK_FALSE(decode_pair(R"({"token": "short"})"));
  CHECK_FALSE(decode_pair(R"({"token": "0123456789abcdef\r\nX-Evil: 1"})"));

  auto error = decode_error(429, R"({"error": {"code": "rate_limited", "message": "m",
    "retry_after": 42, "reference": "K-7F3A2C"}})");
  CHECK(error.code == "rate_limited");
  CHECK(error.retry_after_s == 42);
  CHECK(error.reference == "K-7F3A2C");
  CHECK(classify(error) == ProblemKind::RateLimited);
  CHECK(is_transient(error));
  CHECK(decode_error(500, "<html>oops</html>").code.empty());
}

TEST_CASE("every documented error code maps to a guest sentence") {
  struct Case {
    const char* code;
    int status;
    ProblemKind kind;
    bool transient;
  };
  const Case cases[] = {
      {"invalid_input", 400, ProblemKind::Unexpected, false},
      {"kiosk_not_paired", 401, ProblemKind::NotAuthorized, false},
      {"pairing_code_invalid", 401, ProblemKind::NotAuthorized, false},
      {"pairing_locked", 429, ProblemKind::Unexpected, false},
      {"not_found", 404, ProblemKind::Unexpected, false},
      {"payload_too_large", 413, ProblemKind::Unexpected, false},
      {"pod_not_allowed", 403, ProblemKind::DoorUnavailable, false},
      {"rate_limited", 429, ProblemKind::RateLimited, true},
      {"upstream_unauthorized", 502, ProblemKind::NotAuthorized, false},
      {"upstream_rate_limited", 503, ProblemKind::RateLimited, true},
      {"upstream_unavailable", 503, ProblemKind::Unreachable, true},
      {"upstream_bad_response", 502, ProblemKind::Unreachable, false},
      {"internal", 500, ProblemKind::Unexpected, true},
      {"", 0, ProblemKind::Unreachable, true},
      {"", 504, ProblemKind::Unreachable, true},
  };
  for (const auto& c : cases) {
    INFO(c.code << " " << c.status);
    ApiError error;
    error.code = c.code;
    error.status = c.status;
    CHECK(classify(error) == c.kind);
    CHECK(is_transient(error) == c.transient);
  }
  ApiError unpaired;
  unpaired.code = "kiosk_not_paired";
  CHECK(is_unpaired(unpaired));
}

TEST_CASE("requests are encoded as JSON the backend reads") {
  CHECK(encode_pair_request("") == "{}");
  CHECK(encode_pair_request("12345678") == R"({"code":"12345678"})");
  CHECK(encode_pass_request("d", "Jörg \"J\"", "visit", "de") ==
        R"({"guest_name":"Jörg \"J\"","language":"de","pod_id":"d","purpose":"visit"})");
  CHECK(pass_status_path("bein_1", 20) == "/api/passes/bein_1?wait=20");
  CHECK(base64_decode("TWFu") == std::string("Man"));
  CHECK(base64_decode("TWE") == std::string("Ma"));
  CHECK_FALSE(base64_decode("TW=u"));
}
