// The browser around the kiosk: network, storage, wake lock, time, the test hook, reloads.
// Everything here is a thin call into JavaScript; the logic lives in src/core.
#pragma once

#include <cstdint>
#include <string>

namespace kiosk::platform {

/// Starts a fetch to the backend; the answer arrives through kiosk_on_answer(ticket, ...).
/// A cancelled ticket never calls back. Empty token or staff session: no such header.
void fetch_start(int ticket, const std::string& method, const std::string& path,
                 const std::string& body, const std::string& token,
                 const std::string& staff_session, int timeout_ms);
void fetch_cancel(int ticket);

/// The device token kept in localStorage ("" when none).
std::string storage_get_token();
void storage_set_token(const std::string& token);

/// Asks the browser to keep the screen on (again: the lock ends whenever the page is hidden).
void request_wake_lock();

/// Milliseconds since the epoch on the tablet's clock, and the local time zone's offset.
double wall_clock_ms();
int utc_offset_minutes();

double device_pixel_ratio();
/// The canvas's size in CSS pixels.
void canvas_css_size(double* width, double* height);

/// Publishes window.kioskTest (a JSON text) after a drawn frame.
void publish_hook(const std::string& json);

/// Reloads the page, after `delay_ms`, with a short note on the loader's screen.
void reload_page(int delay_ms);
void cancel_reload();

/// A user-timing mark ("kiosk:<name>") for tools/first_frame_marks.py; costs microseconds.
void mark(const char* name);

}  // namespace kiosk::platform
