#include "core/api.hpp"

#include <nlohmann/json.hpp>

namespace kiosk {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxLabel = 200;
constexpr std::size_t kMaxId = 100;
constexpr std::size_t kMaxPngBytes = 512 * 1024;
// Times before 2001 or after 2286 are not plausible server times.
constexpr Millis kMinPlausibleMs = 1000000000000LL;
constexpr Millis kMaxPlausibleMs = 9999999999999LL;

// Parses without exceptions: nullopt for malformed text or anything but an object.
std::optional<json> parse_object(const std::string& body) {
  json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
  return doc;
}

// Reads a string field of at most max_len bytes; nullopt when missing or of another type.
std::optional<std::string> get_string(const json& obj, const char* key, std::size_t max_len) {
  const auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return std::nullopt;
  const auto& value = it->get_ref<const std::string&>();
  if (value.size() > max_len) return std::nullopt;
  return value;
}

std::optional<Millis> get_millis(const json& obj, const char* key) {
  const auto it = obj.find(key);
  if (it == obj.end() || !it->is_number_integer()) return std::nullopt;
  const auto value = it->get<std::int64_t>();
  if (value < kMinPlausibleMs || value > kMaxPlausibleMs) return std::nullopt;
  return value;
}

std::optional<int> get_int(const json& obj, const char* key, int min, int max) {
  const auto it = obj.find(key);
  if (it == obj.end() || !it->is_number_integer()) return std::nullopt;
  const auto value = it->get<std::int64_t>();
  if (value < min || value > max) return std::nullopt;
  return static_cast<int>(value);
}

std::optional<bool> get_bool(const json& obj, const char* key) {
  const auto it = obj.find(key);
  if (it == obj.end() || !it->is_boolean()) return std::nullopt;
  return it->get<bool>();
}

std::optional<Door> get_door(const json& value) {
  if (!value.is_object()) return std::nullopt;
  auto id = get_string(value, "id", kMaxId);
  auto name = get_string(value, "name", kMaxLabel);
  if (!id || id->empty() || !name) return std::nullopt;
  Door door{*id, *name, get_string(value, "location", kMaxLabel).value_or("")};
  return door;
}

// Request ids go into a URL path: letters, digits, '_' and '-' only.
bool is_safe_request_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::optional<KioskConfig> decode_config(const std::string& body) {
  const auto doc = parse_object(body);
  if (!doc) return std::nullopt;
  KioskConfig config;
  config.site_name = get_string(*doc, "site_name", kMaxLabel).value_or("");
  config.kiosk_name = get_string(*doc, "kiosk_name", kMaxLabel).value_or("");
  config.default_language = get_string(*doc, "default_language", 8).value_or("en");

  // Languages, doors and purposes: skip malformed entries, keep the good ones.
  if (const auto it = doc->find("languages"); it != doc->end() && it->is_array()) {
    for (const auto& lang : *it) {
      if (lang.is_string() && lang.get_ref<const std::string&>().size() <= 8) {
        config.languages.push_back(lang.get<std::string>());
      }
    }
  }
  const auto doors = doc->find("doors");
  if (doors == doc->end() || !doors->is_array()) return std::nullopt;
  for (const auto& entry : *doors) {
    if (auto door = get_door(entry)) config.doors.push_back(*door);
  }
  if (const auto it = doc->find("purposes"); it != doc->end() && it->is_array()) {
    for (const auto& entry : *it) {
      if (!entry.is_object()) continue;
      auto id = get_string(entry, "id", kMaxId);
      if (!id || id->empty()) continue;
      config.purposes.push_back({*id, get_string(entry, "label", kMaxLabel).value_or(*id)});
    }
  }
  if (config.doors.empty()) return std::nullopt;  // a kiosk without a door cannot work

  config.pass_validity_seconds = get_int(*doc, "pass_validity_seconds", 1, 3600).value_or(300);
  config.idle_timeout_seconds = get_int(*doc, "idle_timeout_seconds", 5, 3600).value_or(60);
  config.retention_days = get_int(*doc, "retention_days", 1, 3650).value_or(30);
  config.pass_page = get_bool(*doc, "pass_page").value_or(false);
  config.demo = get_bool(*doc, "demo").value_or(false);
  return config;
}

std::optional<IssuedPass> decode_issued_pass(const std::string& body) {
  const auto doc = parse_object(body);
  if (!doc) return std::nullopt;
  IssuedPass pass;
  auto request_id = get_string(*doc, "request_id", 64);
  auto pod = doc->find("pod");
  auto expires = get_millis(*doc, "expires_at_ms");
  auto png_b64 = get_string(*doc, "qr_png", kMaxPngBytes * 4 / 3 + 4);
  if (!request_id || !is_safe_request_id(*request_id) || pod == doc->end() || !expires ||
      !png_b64) {
    return std::nullopt;
  }
  auto door = get_door(*pod);
  auto png = base64_decode(*png_b64);
  if (!door || !png || png->empty()) return std::nullopt;

  pass.request_id = *request_id;
  pass.pass_id = get_string(*doc, "pass_id", kMaxId).value_or("");
  pass.pod = *door;
  pass.issued_at_ms = get_millis(*doc, "issued_at_ms").value_or(0);
  pass.expires_at_ms = *expires;
  pass.qr_png = std::move(*png);
  // pass_url is optional (null without a pass page); an unusable one is dropped, not fatal.
  const auto url = get_string(*doc, "pass_url", 512);
  if (url && is_shareable_url(*url)) pass.pass_url = *url;
  return pass;
}

std::optional<PassStatus> decode_pass_status(const std::string& body) {
  const auto doc = parse_object(body);
  if (!doc) return std::nullopt;
  const auto status = get_string(*doc, "status", 16);
  if (!status) return std::nullopt;
  PassStatus result;
  if (*status == "pending") {
    result.state = PassState::Pending;
  } else if (*status == "entered") {
    result.state = PassState::Entered;
  } else if (*status == "expired") {
    result.state = PassState::Expired;
  } else {
    return std::nullopt;
  }
  result.expires_at_ms = get_millis(*doc, "expires_at_ms").value_or(0);
  if (const auto entry = doc->find("entry"); entry != doc->end() && entry->is_object()) {
    result.scanned_at_ms = get_millis(*entry, "scanned_at_ms").value_or(0);
    result.entry_pod_id = get_string(*entry, "pod_id", kMaxId).value_or("");
  }
  return result;
}

std::optional<PairResult> decode_pair(const std::string& body) {
  const auto doc = parse_object(body);
  if (!doc) return std::nullopt;
  const auto token = get_string(*doc, "token", 256);
  if (!token || token->size() < 16) return std::nullopt;
  // The token goes into a header: printable ASCII only.
  for (char c : *token) {
    if (c <= 0x20 || c >= 0x7F) return std::nullopt;
  }
  return PairResult{*token, get_string(*doc, "kiosk_name", kMaxLabel).value_or("")};
}

std::optional<std::string> decode_staff_session(const std::string& body) {
  const auto doc = parse_object(body);
  if (!doc) return std::nullopt;
  const auto session = get_string(*doc, "session", 128);
  if (!session || session->size() < 16) return std::nullopt;
  for (char c : *session) {
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return std::nullopt;  // it goes into a header
  }
  return session;
}

std::optional<StaffOverview> decode_staff_overview(const std::string& body) {
  const auto doc = parse_object(body);
  if (!doc) return std::nullopt;
  StaffOverview overview;
  if (const auto health = doc->find("health"); health != doc->end() && health->is_object()) {
    overview.bein = get_string(*health, "bein", 32).value_or("");
    overview.webhook_secret = get_bool(*health, "webhook_secret").value_or(false);
    overview.store_writable = get_bool(*health, "store_writable").value_or(false);
    overview.last_delivery_ms = get_millis(*health, "last_delivery_ms").value_or(0);
    overview.rejected_last_hour =
        get_int(*health, "rejected_deliveries_last_hour", 0, 1000000).value_or(0);
  }
  if (const auto entries = doc->find("entries"); entries != doc->end() && entries->is_array()) {
    for (const auto& item : *entries) {
      if (!item.is_object() || overview.entries.size() >= 20) continue;
      StaffEntry entry;
      entry.scanned_at_ms = get_millis(item, "scanned_at_ms").value_or(0);
      entry.door = get_string(item, "door", kMaxLabel).value_or("");
      entry.guest_name = get_string(item, "guest_name", kMaxLabel).value_or("");
      entry.purpose = get_string(item, "purpose", kMaxId).value_or("");
      entry.late = get_bool(item, "late").value_or(false);
      overview.entries.push_back(entry);
    }
  }
  if (const auto kiosk = doc->find("kiosk"); kiosk != doc->end() && kiosk->is_object()) {
    overview.kiosk_name = get_string(*kiosk, "name", kMaxLabel).value_or("");
    overview.default_language = get_string(*kiosk, "default_language", 8).value_or("");
    if (const auto doors = kiosk->find("doors"); doors != kiosk->end() && doors->is_array()) {
      for (const auto& entry : *doors) {
        if (auto door = get_door(entry)) overview.doors.push_back(*door);
      }
    }
  }
  return overview;
}

std::optional<Millis> decode_server_time(const std::string& body) {
  const auto doc = parse_object(body);
  if (!doc) return std::nullopt;
  return get_millis(*doc, "server_time_ms");
}

ApiError decode_error(int status, const std::string& body) {
  ApiError error;
  error.status = status;
  const auto doc = parse_object(body);
  if (!doc) return error;
  const auto inner = doc->find("error");
  if (inner == doc->end() || !inner->is_object()) return error;
  error.code = get_string(*inner, "code", 64).value_or("");
  // The reference is shown on screen: keep it short and printable.
  auto reference = get_string(*inner, "reference", 32).value_or("");
  if (reference.empty()) reference = get_string(*doc, "reference", 32).value_or("");
  for (char c : reference) {
    if (c < 0x21 || c > 0x7E) {
      reference.clear();
      break;
    }
  }
  error.reference = reference;
  error.retry_after_s = get_int(*inner, "retry_after", 1, 86400).value_or(0);
  return error;
}

std::string encode_pair_request(const std::string& code) {
  json body = json::object();
  if (!code.empty()) body["code"] = code;
  return body.dump();
}

std::string encode_staff_login(const std::string& pin) { return json{{"pin", pin}}.dump(); }

std::string encode_pass_request(const std::string& pod_id, const std::string& guest_name,
                                const std::string& purpose, const std::string& language) {
  json body = {{"pod_id", pod_id},
               {"guest_name", guest_name},
               {"purpose", purpose},
               {"language", language}};
  // Names are validated UTF-8 already; replace anything else instead of aborting on it.
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string pass_status_path(const std::string& request_id, int wait_seconds) {
  return "/api/passes/" + request_id + "?wait=" + std::to_string(wait_seconds);
}

ProblemKind classify(const ApiError& error) {
  if (error.code == "pod_not_allowed") return ProblemKind::DoorUnavailable;
  if (error.code == "rate_limited" || error.code == "upstream_rate_limited") {
    return ProblemKind::RateLimited;
  }
  if (error.code == "kiosk_not_paired" || error.code == "upstream_unauthorized" ||
      error.status == 401) {
    return ProblemKind::NotAuthorized;
  }
  if (error.status == 0 || error.code == "upstream_unavailable" || error.status == 502 ||
      error.status == 503 || error.status == 504) {
    return ProblemKind::Unreachable;
  }
  return ProblemKind::Unexpected;
}

bool is_transient(const ApiError& error) {
  if (error.status == 0) return true;  // no answer: the network or the server is down
  if (error.code == "rate_limited" || error.code == "upstream_rate_limited" ||
      error.code == "upstream_unavailable" || error.code == "internal") {
    return true;
  }
  // A proxy in front of serve.py may answer 502/503/504 without our error body.
  return error.code.empty() && (error.status == 502 || error.status == 503 || error.status == 504);
}

bool is_unpaired(const ApiError& error) { return error.code == "kiosk_not_paired"; }

std::optional<std::string> base64_decode(const std::string& text) {
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t buffer = 0;
  int bits = 0;
  std::size_t padding = 0;
  for (char c : text) {
    int value;
    if (c >= 'A' && c <= 'Z') {
      value = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      value = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      value = c - '0' + 52;
    } else if (c == '+') {
      value = 62;
    } else if (c == '/') {
      value = 63;
    } else if (c == '=') {
      ++padding;
      continue;
    } else {
      return std::nullopt;
    }
    if (padding > 0) return std::nullopt;  // data after padding
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  if (padding > 2 || bits >= 6) return std::nullopt;
  return out;
}

bool is_shareable_url(const std::string& url) {
  if (url.size() > 512) return false;
  if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) return false;
  for (char c : url) {
    if (c < 0x21 || c > 0x7E) return false;
  }
  return true;
}

}  // namespace kiosk
