#include <catch2/catch.hpp>

#include "core/timefmt.hpp"

using namespace kiosk;

TEST_CASE("countdowns round up and never go negative") {
  CHECK(format_countdown(300000) == "05:00");
  CHECK(format_countdown(299001) == "05:00");
  CHECK(format_countdown(299000) == "04:59");
  CHECK(format_countdown(1) == "00:01");
  CHECK(format_countdown(0) == "00:00");
  CHECK(format_countdown(-5000) == "00:00");
  CHECK(format_countdown(3600000) == "60:00");
  CHECK(seconds_left(1000, 1500) == 1);
}

TEST_CASE("the clock shows local hours and minutes") {
  const Millis noon_utc = 1796385600000LL;  // 2026-12-04T12:00:00Z
  CHECK(format_clock(noon_utc, 0) == "12:00");
  CHECK(format_clock(noon_utc, 60) == "13:00");
  CHECK(format_clock(noon_utc + 59999, -330) == "06:30");
  CHECK(format_clock(noon_utc, 12 * 60) == "00:00");
}
