// Countdown and clock text, computed from milliseconds so that the server's clock can drive them.
#pragma once

#include <cstdint>
#include <string>

namespace kiosk {

using Millis = std::int64_t;

/// Whole seconds left until a moment, rounded up so that "0" appears only when time is up.
std::int64_t seconds_left(Millis now, Millis until);

/// "mm:ss" of the time left (rounded up; never negative; minutes may exceed 59).
std::string format_countdown(Millis remaining_ms);

/// "HH:MM" of a UTC instant shifted into local time by an offset in minutes (east positive).
std::string format_clock(Millis utc_ms, int utc_offset_minutes);

}  // namespace kiosk
