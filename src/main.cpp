// The kiosk in the browser: owns the WebGL2 context, the ImGui frame, and the loop that draws
// only when something changed (input, an answer, a timer, an animation).
#include <GLES3/gl3.h>
#include <emscripten.h>
#include <emscripten/emmalloc.h>
#include <emscripten/eventloop.h>
#include <emscripten/html5.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/flow.hpp"
#include "core/utf8.hpp"
#include "imgui.h"
#include "imgui_impl_opengl3.h"
#include "platform/browser.hpp"
#include "platform/input.hpp"
#include "ui/fonts.hpp"
#include "ui/frame.hpp"
#include "ui/screens.hpp"

namespace kiosk {
namespace {

constexpr const char* kCanvas = "#canvas";
constexpr const char* kGlslVersion = "#version 300 es";
constexpr int kSettleFrames = 3;            // frames after input so ImGui's states settle
constexpr int kContextReturnMs = 5000;      // reload when a lost context stays lost
constexpr float kLargeTextFactor = 1.3f;

struct App {
  Flow flow;
  platform::Input input;
  ui::Screens screens;
  ui::Fonts fonts;
  EMSCRIPTEN_WEBGL_CONTEXT_HANDLE gl = 0;

  int width = 0, height = 0;  // the canvas's backing store, in physical pixels
  float pixel_ratio = 1;
  bool frame_requested = false;
  bool hidden = false;
  bool context_lost = false;
  int settle = kSettleFrames;
  int frames_drawn = 0;
  double last_frame_ms = 0;
  long timer = 0;
  Millis timer_at = 0;
  Millis corner_since = 0;  // when a finger came down in the staff corner (0 = none)
  Screen drawn_screen = Screen::Loading;
  Overlay drawn_overlay = Overlay::None;
};

App* g_app = nullptr;

Millis now_ms() { return static_cast<Millis>(emscripten_get_now()); }

void request_frame();

// --- The flow's requests go out through fetch ---

void pump_flow() {
  App& app = *g_app;
  for (int ticket : app.flow.take_cancelled()) platform::fetch_cancel(ticket);
  if (const auto token = app.flow.take_token_change()) platform::storage_set_token(*token);
  for (const auto& request : app.flow.take_requests()) {
    platform::fetch_start(request.ticket, request.method, request.path, request.body,
                          request.authorized ? app.flow.token() : std::string(),
                          request.staff_session, static_cast<int>(request.timeout_ms));
  }
}

// --- Timers: wake up when the flow says something changes on its own ---

void on_timer(void*) {
  g_app->timer = 0;
  g_app->timer_at = 0;
  request_frame();
}

void schedule_wakeup(Millis now) {
  App& app = *g_app;
  const Millis wake = app.flow.next_wakeup(now);
  if (wake == app.timer_at) return;
  if (app.timer) emscripten_clear_timeout(app.timer);
  app.timer = 0;
  app.timer_at = wake;
  if (wake != 0) {
    const auto delay = static_cast<double>(std::max<Millis>(wake - now, 0));
    app.timer = emscripten_set_timeout(on_timer, delay, nullptr);
  }
}

// --- Canvas size and fonts ---

void fit_canvas() {
  App& app = *g_app;
  double css_w = 0, css_h = 0;
  platform::canvas_css_size(&css_w, &css_h);
  const float ratio = static_cast<float>(platform::device_pixel_ratio());
  // The backing store is CSS size × devicePixelRatio, rounded: one texel per device pixel.
  const int w = std::max(1, static_cast<int>(std::lround(css_w * ratio)));
  const int h = std::max(1, static_cast<int>(std::lround(css_h * ratio)));
  if (w != app.width || h != app.height) {
    emscripten_set_canvas_element_size(kCanvas, w, h);
    app.width = w;
    app.height = h;
  }
  app.pixel_ratio = ratio;
}

// True when the atlas was rebuilt: upload_fonts() must follow ImGui_ImplOpenGL3_NewFrame().
bool fit_fonts() {
  App& app = *g_app;
  const float scale = app.pixel_ratio * (app.flow.large_text() ? kLargeTextFactor : 1.0f);
  // The first frame shows the loading screen with a tiny atlas of its own text; every later
  // frame, whatever it shows, has all fonts (see ui::build_first_fonts).
  const bool first = app.frames_drawn == 0 && app.flow.screen() == Screen::Loading;
  if (scale == app.fonts.scale && (app.fonts.complete || first)) return false;
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  app.fonts = first ? ui::build_first_fonts(scale, tr(app.flow.language(), Text::Loading))
                    : ui::build_fonts(scale);
  return true;
}

void upload_fonts() {
  ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  // On the first frame ImGui_ImplOpenGL3_NewFrame has just uploaded the atlas with its device
  // objects; a cleared atlas there would be rasterized a second time.
  if (!atlas->TexID) ImGui_ImplOpenGL3_CreateFontsTexture();
  // The GPU has the atlas; the CPU copy is rebuilt from the fonts if the context is lost.
  atlas->ClearTexData();
}

// --- The test hook ---

void publish_hook(const ui::Frame& frame) {
  App& app = *g_app;
  using nlohmann::json;
  static const char* overlays[] = {nullptr, "still_there", "staff"};
  json hook;
  hook["screen"] = screen_name(app.flow.screen());
  const char* overlay = overlays[static_cast<int>(app.flow.overlay())];
  hook["overlay"] = overlay ? json(overlay) : json(nullptr);
  hook["language"] = lang_code(app.flow.language());
  hook["frame"] = app.frames_drawn;
  hook["shift"] = app.flow.name().shift();
  json rects = json::object();
  const float to_css = 1.0f / app.pixel_ratio;
  for (const auto& [id, rect] : frame.rects()) {
    rects[id] = {rect.Min.x * to_css, rect.Min.y * to_css, rect.GetWidth() * to_css,
                 rect.GetHeight() * to_css};
  }
  hook["rects"] = std::move(rects);
  hook["texts"] = frame.texts();
  hook["fields"] = {{"guest_name", app.flow.name().text()}};
  hook["connection"] = app.flow.lost_contact() ? "lost" : "ok";
  hook["large_text"] = app.flow.large_text();
  hook["heap_bytes"] = emmalloc_dynamic_heap_size() - emmalloc_free_dynamic_memory();
  platform::publish_hook(hook.dump(-1, ' ', false, json::error_handler_t::replace));
}

// --- The staff corner: a finger held 3 s in the top-left corner opens the PIN pad ---

constexpr float kCornerCss = 96;
constexpr Millis kCornerHoldMs = 3000;

// True while a hold is under way, so that frames keep coming to notice its end.
bool watch_staff_corner(Millis now) {
  App& app = *g_app;
  float x = 0, y = 0;
  const bool in_corner = app.input.pressed(&x, &y) && x < kCornerCss && y < kCornerCss;
  if (!in_corner || !app.flow.staff_allowed() || app.flow.overlay() != Overlay::None) {
    app.corner_since = 0;
    return false;
  }
  if (app.corner_since == 0) app.corner_since = now;
  if (now - app.corner_since < kCornerHoldMs) return true;
  app.corner_since = 0;
  app.flow.open_staff(now);
  return false;
}

// --- One frame ---

std::vector<ui::TypedKey> typed_keys() {
  std::vector<ui::TypedKey> out;
  for (const auto& key : g_app->input.take_keys()) {
    ui::TypedKey typed;
    typed.name = key.name;
    if (!key.text.empty()) {
      const auto cps = utf8_decode(key.text);
      if (cps && cps->size() == 1) typed.character = (*cps)[0];
    }
    out.push_back(typed);
  }
  return out;
}

void draw_frame(double time_ms) {
  App& app = *g_app;
  const Millis now = now_ms();
  if (app.input.take_activity()) {
    app.flow.on_input(now);
    app.settle = kSettleFrames;
  }
  app.flow.tick(now);
  const bool holding_corner = watch_staff_corner(now);
  if (app.flow.take_reload_request()) platform::reload_page(0);
  const bool first = app.frames_drawn == 0;
  fit_canvas();
  const bool new_fonts = fit_fonts();
  if (first) platform::mark("fonts");

  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(static_cast<float>(app.width), static_cast<float>(app.height));
  io.DisplayFramebufferScale = ImVec2(1, 1);
  // Hidden tabs get no frames; ImGui asserts on a zero step: clamp the frame time.
  const double step = app.last_frame_ms > 0 ? (time_ms - app.last_frame_ms) / 1000.0 : 1 / 60.0;
  io.DeltaTime = static_cast<float>(std::clamp(step, 1e-4, 0.1));
  app.last_frame_ms = time_ms;
  const bool more_input = app.input.feed_imgui(app.pixel_ratio);

  ImGui_ImplOpenGL3_NewFrame();
  if (new_fonts) upload_fonts();
  if (first) platform::mark("upload");
  ImGui::NewFrame();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::Begin("kiosk", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus |
                   ImGuiWindowFlags_NoBackground | ImGuiWindowFlags_NoScrollWithMouse);
  ui::Frame frame(ImGui::GetWindowDrawList(), io.DisplaySize, app.pixel_ratio,
                  app.fonts.scale / app.pixel_ratio, app.fonts, app.flow.language());
  const ui::Clock clock{now, platform::utc_offset_minutes()};
  app.screens.draw(frame, app.flow, clock, typed_keys());
  ImGui::End();
  ImGui::Render();
  if (first) platform::mark("ui");

  glViewport(0, 0, app.width, app.height);
  glClearColor(0.06f, 0.106f, 0.176f, 1);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  if (first) platform::mark("gl-draw");
  ++app.frames_drawn;
  publish_hook(frame);
  pump_flow();

  // Keep drawing while input is queued, states settle, something animates or just changed.
  const bool changed = app.flow.screen() != app.drawn_screen ||
                       app.flow.overlay() != app.drawn_overlay;
  app.drawn_screen = app.flow.screen();
  app.drawn_overlay = app.flow.overlay();
  if (changed) app.settle = std::max(app.settle, 2);
  if (more_input || app.settle-- > 0 || app.screens.animating(app.flow)) {
    request_frame();
  } else if (holding_corner) {
    // A held finger sends no events: look again when the hold would be long enough.
    emscripten_set_timeout([](void*) { request_frame(); }, 250, nullptr);
  }
  schedule_wakeup(now);
}

EM_BOOL on_animation_frame(double time_ms, void*) {
  g_app->frame_requested = false;
  if (!g_app->hidden && !g_app->context_lost) draw_frame(time_ms);
  return EM_FALSE;
}

void request_frame() {
  App& app = *g_app;
  if (app.frame_requested || app.hidden || app.context_lost) return;
  app.frame_requested = true;
  emscripten_request_animation_frame(on_animation_frame, nullptr);
}

// --- Browser events ---

EM_BOOL on_resize(int, const EmscriptenUiEvent*, void*) {
  request_frame();  // the size is read at the start of the frame
  return EM_FALSE;
}

EM_BOOL on_visibility(int, const EmscriptenVisibilityChangeEvent* event, void*) {
  g_app->hidden = event->hidden;
  if (!event->hidden) {
    // The wake lock ended when the page was hidden; the frame time restarts clamped.
    platform::request_wake_lock();
    g_app->last_frame_ms = 0;
    g_app->settle = kSettleFrames;
    request_frame();
  }
  return EM_FALSE;
}

EM_BOOL on_context_lost(int, const void*, void*) {
  g_app->context_lost = true;
  platform::reload_page(kContextReturnMs);
  return EM_TRUE;  // cancelling the event is what lets the browser restore the context
}

EM_BOOL on_context_restored(int, const void*, void*) {
  App& app = *g_app;
  platform::cancel_reload();
  app.context_lost = false;
  emscripten_webgl_make_context_current(app.gl);
  // Every GL object died with the context: rebuild ImGui's and ours from CPU copies. A full
  // shutdown and init, since DestroyDeviceObjects keeps 1.86's remembered buffer sizes.
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplOpenGL3_Init(kGlslVersion);
  ImGui_ImplOpenGL3_CreateDeviceObjects();
  ImGui::GetIO().Fonts->ClearTexData();
  app.screens.forget_gl();
  app.settle = kSettleFrames;
  request_frame();
  return EM_TRUE;
}

// Known shortcoming: on software GL (headless Chromium's SwiftShader) creating this context
// waits 50 to 350 ms for the GPU process, the largest part of the first frame on a busy
// machine; an OffscreenCanvas context in a worker, made while the wasm downloads, would fix it.
bool create_context() {
  EmscriptenWebGLContextAttributes attrs;
  emscripten_webgl_init_context_attributes(&attrs);
  attrs.majorVersion = 2;
  attrs.minorVersion = 0;
  attrs.alpha = EM_FALSE;
  attrs.depth = EM_FALSE;
  attrs.stencil = EM_FALSE;
  attrs.antialias = EM_FALSE;  // ImGui antialiases its own shapes; QR modules must stay sharp
  attrs.powerPreference = EM_WEBGL_POWER_PREFERENCE_LOW_POWER;
  // WebGL2's core is all ImGui's ES3 path and our shader need; enabling every extension
  // costs tens of milliseconds before the first frame on software GL.
  attrs.enableExtensionsByDefault = EM_FALSE;
  g_app->gl = emscripten_webgl_create_context(kCanvas, &attrs);
  if (g_app->gl <= 0) return false;
  emscripten_webgl_make_context_current(g_app->gl);
  return true;
}

}  // namespace
}  // namespace kiosk

using kiosk::g_app;

extern "C" EMSCRIPTEN_KEEPALIVE void kiosk_on_answer(int ticket, int status, int timed_out,
                                                     const char* body) {
  if (!g_app) return;
  kiosk::HttpAnswer answer{status, timed_out != 0, body ? body : ""};
  g_app->flow.on_answer(ticket, answer, kiosk::now_ms());
  kiosk::pump_flow();
  g_app->settle = std::max(g_app->settle, 1);
  kiosk::request_frame();
}

EM_JS(void, js_report_no_webgl2, (), {
  if (Module.kioskFatal) Module.kioskFatal('webgl2');
});

int main() {
  kiosk::platform::mark("main");
  g_app = new kiosk::App();
  // Sized first: resizing a canvas whose context exists reallocates its drawing buffer, with
  // synchronous round trips to the GPU process.
  kiosk::fit_canvas();
  if (!kiosk::create_context()) {
    js_report_no_webgl2();
    return 1;
  }
  kiosk::platform::mark("context");

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // nothing of a session is kept
  io.LogFilename = nullptr;
  io.ConfigInputTextCursorBlink = false;
  io.MouseDoubleClickTime = 0;  // two quick taps are two taps, never a double-click
  ImGui::StyleColorsDark();
  ImGui_ImplOpenGL3_Init(kiosk::kGlslVersion);
  kiosk::platform::mark("imgui");

  g_app->input.install(kiosk::kCanvas, kiosk::request_frame);
  emscripten_set_resize_callback(EMSCRIPTEN_EVENT_TARGET_WINDOW, nullptr, EM_FALSE,
                                 kiosk::on_resize);
  emscripten_set_visibilitychange_callback(nullptr, EM_FALSE, kiosk::on_visibility);
  emscripten_set_webglcontextlost_callback(kiosk::kCanvas, nullptr, EM_FALSE,
                                           kiosk::on_context_lost);
  emscripten_set_webglcontextrestored_callback(kiosk::kCanvas, nullptr, EM_FALSE,
                                               kiosk::on_context_restored);
  kiosk::platform::request_wake_lock();

  // Until the server answers, the tablet's own clock is the best guess of the server's.
  const kiosk::Millis now = kiosk::now_ms();
  g_app->flow.assume_clock_offset(
      static_cast<kiosk::Millis>(kiosk::platform::wall_clock_ms()) - now);
  g_app->flow.start(kiosk::platform::storage_get_token(), now);
  kiosk::pump_flow();
  kiosk::request_frame();
  return 0;
}
