#include "platform/browser.hpp"

#include <emscripten.h>

#include <cstdlib>

// JavaScript side of the browser layer. `Module.kioskBackend` is the loader's promise of the
// backend's origin from kiosk-config.json ("" = the page's own origin).

EM_JS(void, js_fetch_start, (int ticket, const char* method, const char* url, const char* body,
                             const char* token, const char* staff, int timeout_ms), {
  const fetches = Module.kioskFetches || (Module.kioskFetches = new Map());
  const controller = new AbortController();
  const entry = {controller: controller, timedOut: false};
  fetches.set(ticket, entry);
  const timer = setTimeout(() => { entry.timedOut = true; controller.abort(); }, timeout_ms);
  const headers = {"Accept": "application/json"};
  const text = UTF8ToString(body);
  const auth = UTF8ToString(token);
  if (text.length) headers["Content-Type"] = "application/json";
  if (auth.length) headers["Authorization"] = "Bearer " + auth;
  const session = UTF8ToString(staff);
  if (session.length) headers["X-Staff-Session"] = session;
  const deliver = (status, answer) => {
    clearTimeout(timer);
    // Cancelled: the screen moved on and must never see this answer.
    if (fetches.get(ticket) !== entry) return;
    fetches.delete(ticket);
    const size = lengthBytesUTF8(answer) + 1;
    const ptr = _malloc(size);
    stringToUTF8(answer, ptr, size);
    _kiosk_on_answer(ticket, status, entry.timedOut ? 1 : 0, ptr);
    _free(ptr);
  };
  const path = UTF8ToString(url);
  const init = {
    method: UTF8ToString(method), headers: headers, body: text.length ? text : undefined,
    signal: controller.signal, cache: "no-store", credentials: "omit", redirect: "error",
  };
  Promise.resolve(Module.kioskBackend)
    .then((origin) => fetch((origin || "") + path, init))
    .then((response) => response.text().then((answer) => {
      // Answers beyond 2 MB are not ours (a QR PNG is a few KB): treat them as garbage.
      deliver(response.status, answer.length > 2097152 ? "" : answer);
    }))
    .catch(() => deliver(0, ""));
});

EM_JS(void, js_fetch_cancel, (int ticket), {
  const fetches = Module.kioskFetches;
  const entry = fetches && fetches.get(ticket);
  if (!entry) return;
  fetches.delete(ticket);
  entry.controller.abort();
});

EM_JS(char*, js_storage_get, (const char* key), {
  let value = "";
  try { value = localStorage.getItem(UTF8ToString(key)) || ""; } catch (e) {}
  const size = lengthBytesUTF8(value) + 1;
  const ptr = _malloc(size);
  stringToUTF8(value, ptr, size);
  return ptr;
});

EM_JS(void, js_storage_set, (const char* key, const char* value), {
  try {
    const text = UTF8ToString(value);
    if (text.length) localStorage.setItem(UTF8ToString(key), text);
    else localStorage.removeItem(UTF8ToString(key));
  } catch (e) {}
});

EM_JS(void, js_request_wake_lock, (), {
  if (!navigator.wakeLock || document.visibilityState !== "visible") return;
  navigator.wakeLock.request("screen").catch(() => {});
});

EM_JS(double, js_wall_clock_ms, (), { return Date.now(); });
EM_JS(int, js_utc_offset_minutes, (), { return -new Date().getTimezoneOffset(); });
EM_JS(double, js_device_pixel_ratio, (), { return window.devicePixelRatio || 1; });

EM_JS(void, js_canvas_css_size, (double* width, double* height), {
  const rect = Module.canvas.getBoundingClientRect();
  HEAPF64[width >> 3] = rect.width;
  HEAPF64[height >> 3] = rect.height;
});

EM_JS(void, js_publish_hook, (const char* json), {
  window.kioskTest = JSON.parse(UTF8ToString(json));
});

EM_JS(void, js_reload_page, (int delay_ms), {
  clearTimeout(Module.kioskReload);
  Module.kioskReload = setTimeout(() => location.reload(), delay_ms);
});

EM_JS(void, js_cancel_reload, (), { clearTimeout(Module.kioskReload); });

EM_JS(void, js_mark, (const char* name), { performance.mark("kiosk:" + UTF8ToString(name)); });

namespace kiosk::platform {

namespace {
constexpr const char* kTokenKey = "kiosk.device_token";
}

void fetch_start(int ticket, const std::string& method, const std::string& path,
                 const std::string& body, const std::string& token,
                 const std::string& staff_session, int timeout_ms) {
  js_fetch_start(ticket, method.c_str(), path.c_str(), body.c_str(), token.c_str(),
                 staff_session.c_str(), timeout_ms);
}

void fetch_cancel(int ticket) { js_fetch_cancel(ticket); }

std::string storage_get_token() {
  char* raw = js_storage_get(kTokenKey);
  std::string value(raw);
  std::free(raw);
  return value;
}

void storage_set_token(const std::string& token) { js_storage_set(kTokenKey, token.c_str()); }
void request_wake_lock() { js_request_wake_lock(); }
double wall_clock_ms() { return js_wall_clock_ms(); }
int utc_offset_minutes() { return js_utc_offset_minutes(); }
double device_pixel_ratio() { return js_device_pixel_ratio(); }
void canvas_css_size(double* width, double* height) { js_canvas_css_size(width, height); }
void publish_hook(const std::string& json) { js_publish_hook(json.c_str()); }
void reload_page(int delay_ms) { js_reload_page(delay_ms); }
void cancel_reload() { js_cancel_reload(); }
void mark(const char* name) { js_mark(name); }

}  // namespace kiosk::platform
