// Requests to and answers from serve.py (docs/kiosk-api.md), decoded without trusting anything.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/timefmt.hpp"

namespace kiosk {

struct Door {
  std::string id, name, location;
};

struct PurposeOption {
  std::string id, label;
};

struct KioskConfig {
  std::string site_name, kiosk_name;
  std::vector<std::string> languages;
  std::string default_language = "en";
  std::vector<Door> doors;
  std::vector<PurposeOption> purposes;
  int pass_validity_seconds = 300;
  int idle_timeout_seconds = 60;
  int retention_days = 30;
  bool pass_page = false;
  bool demo = false;
};

struct IssuedPass {
  std::string request_id, pass_id;
  Door pod;
  Millis issued_at_ms = 0, expires_at_ms = 0;
  std::string qr_png;    ///< be-in's PNG, decoded from base64
  std::string pass_url;  ///< empty when the backend offers no pass page
};

enum class PassState { Pending, Entered, Expired };

struct PassStatus {
  PassState state = PassState::Pending;
  Millis scanned_at_ms = 0;
  std::string entry_pod_id;
  Millis expires_at_ms = 0;
};

struct PairResult {
  std::string token, kiosk_name;
};

/// The error an answer carried, or the transport failure that left no answer.
struct ApiError {
  int status = 0;          ///< HTTP status; 0 when no answer arrived
  bool timed_out = false;  ///< no answer within the request's time limit
  std::string code;        ///< the backend's stable code, or "" when it sent none
  std::string reference;   ///< the short reference staff can look up in the server log
  int retry_after_s = 0;   ///< from `retry_after` for the 429/503 codes
};

/// The kinds of failure a guest is told about; each has its own sentence.
enum class ProblemKind { Unreachable, DoorUnavailable, RateLimited, NotAuthorized, Unexpected };

/// What the staff panel shows (GET /api/staff/overview); names are for staff eyes only.
struct StaffEntry {
  Millis scanned_at_ms = 0;
  std::string door, guest_name, purpose;
  bool late = false;
};

struct StaffOverview {
  std::string bein;  ///< "reachable", "unauthorized", "unreachable" or "demo"
  bool webhook_secret = false;
  bool store_writable = false;
  Millis last_delivery_ms = 0;  ///< 0 = none yet
  int rejected_last_hour = 0;
  std::vector<StaffEntry> entries;
  std::string kiosk_name, default_language;
  std::vector<Door> doors;
};

std::optional<KioskConfig> decode_config(const std::string& body);
std::optional<IssuedPass> decode_issued_pass(const std::string& body);
std::optional<PassStatus> decode_pass_status(const std::string& body);
std::optional<PairResult> decode_pair(const std::string& body);
/// The session of a staff login (64 hex digits).
std::optional<std::string> decode_staff_session(const std::string& body);
std::optional<StaffOverview> decode_staff_overview(const std::string& body);
/// `server_time_ms` of any answer, when present and plausible.
std::optional<Millis> decode_server_time(const std::string& body);
/// Reads an error answer; a body that is not the documented shape still yields the status.
ApiError decode_error(int status, const std::string& body);

std::string encode_pair_request(const std::string& code);
std::string encode_staff_login(const std::string& pin);
std::string encode_pass_request(const std::string& pod_id, const std::string& guest_name,
                                const std::string& purpose, const std::string& language);
/// The path to wait for a pass; request ids are checked when decoded, so they are path-safe.
std::string pass_status_path(const std::string& request_id, int wait_seconds);

ProblemKind classify(const ApiError& error);
/// True when trying again later may work (network, upstream outages, limits).
bool is_transient(const ApiError& error);
/// True when the backend no longer knows this kiosk's token.
bool is_unpaired(const ApiError& error);

/// Strict base64 (standard alphabet, padding optional); nullopt on any other character.
std::optional<std::string> base64_decode(const std::string& text);

/// True for a URL that may be shown as a QR code: http(s), printable ASCII, at most 512 bytes.
bool is_shareable_url(const std::string& url);

}  // namespace kiosk
