#include "core/timefmt.hpp"

#include <cstdio>

namespace kiosk {

std::int64_t seconds_left(Millis now, Millis until) {
  const Millis remaining = until - now;
  if (remaining <= 0) return 0;
  return (remaining + 999) / 1000;
}

std::string format_countdown(Millis remaining_ms) {
  const std::int64_t total = seconds_left(0, remaining_ms);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld", static_cast<long long>(total / 60),
                static_cast<long long>(total % 60));
  return buf;
}

std::string format_clock(Millis utc_ms, int utc_offset_minutes) {
  constexpr Millis kDay = 24LL * 60 * 60 * 1000;
  Millis local = (utc_ms + static_cast<Millis>(utc_offset_minutes) * 60000) % kDay;
  if (local < 0) local += kDay;  // instants before 1970 or large westward offsets
  const long long minutes = local / 60000;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld", minutes / 60, minutes % 60);
  return buf;
}

}  // namespace kiosk
