#include "ui/screens.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>

#include "core/name.hpp"
#include "core/utf8.hpp"
#include "ui/keyboard_view.hpp"
#include "ui/theme.hpp"

namespace kiosk::ui {
namespace {

constexpr float kMargin = 32;  // CSS pixels around every screen

// The content column: the screen minus its margins, at most `max_css` wide, centred.
ImRect column(const Frame& frame, float max_css = 760) {
  const float margin = frame.px(kMargin);
  const float width = std::min(frame.size().x - 2 * margin, frame.px(max_css));
  const float left = (frame.size().x - width) * 0.5f;
  return ImRect(left, margin, left + width, frame.size().y - margin);
}

// Two buttons side by side at the bottom of an area: secondary left, primary right.
struct ButtonPair {
  ImRect left, right;
};

ButtonPair bottom_buttons(const Frame& frame, const ImRect& area, float height_css = 80) {
  const float h = frame.px(height_css), gap = frame.px(16);
  const float w = (area.GetWidth() - gap) * 0.5f;
  const float y = area.Max.y - h;
  return {ImRect(area.Min.x, y, area.Min.x + w, y + h),
          ImRect(area.Max.x - w, y, area.Max.x, y + h)};
}

// One button centred at the bottom of an area.
ImRect bottom_button(const Frame& frame, const ImRect& area, float width_css, float height_css) {
  const float w = std::min(area.GetWidth(), frame.px(width_css));
  return ImRect(area.GetCenter().x - w * 0.5f, area.Max.y - frame.px(height_css),
                area.GetCenter().x + w * 0.5f, area.Max.y);
}

// Text wrapped and centred across an area, starting at y; returns the height it took.
float centred_text(Frame& frame, const ImRect& area, float y, ImFont* font, ImU32 colour,
                   std::string_view text) {
  return frame.text(font, ImVec2(area.Min.x, y), area.GetWidth(), colour, text, 0.5f);
}

const char* purpose_label(const Frame& frame, const PurposeOption& option) {
  static const struct {
    const char* id;
    Text text;
  } known[] = {{"visit", Text::PurposeVisit},
               {"meeting", Text::PurposeMeeting},
               {"delivery", Text::PurposeDelivery},
               {"interview", Text::PurposeInterview},
               {"trial", Text::PurposeTrial}};
  for (const auto& entry : known) {
    if (option.id == entry.id) return frame.t(entry.text);
  }
  return option.label.c_str();
}

// The width of the widest word of `text`: a tile narrower than this would break a word.
float widest_word(const Frame& frame, ImFont* font, std::string_view text) {
  float widest = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find_first_of(" \n", start), text.size());
    widest = std::max(widest, frame.text_width(font, text.substr(start, end - start)));
    start = end + 1;
  }
  return widest;
}

const Door* find_door(const KioskConfig& config, const std::string& id) {
  for (const auto& door : config.doors) {
    if (door.id == id) return &door;
  }
  return nullptr;
}

// A ring that drains clockwise from the top as `fraction` goes from 1 to 0.
void draw_ring(Frame& frame, ImVec2 centre, float radius, float fraction, ImU32 colour) {
  const float thickness = frame.px(10);
  ImDrawList* draw = frame.draw();
  draw->AddCircle(centre, radius, theme::kPanel, 64, thickness);
  if (fraction <= 0) return;
  const float start = -IM_PI * 0.5f;
  draw->PathArcTo(centre, radius, start, start + 2 * IM_PI * std::min(fraction, 1.0f), 64);
  draw->PathStroke(colour, 0, thickness);
}

// A spinner: a quarter arc turning once a second.
void draw_spinner(Frame& frame, ImVec2 centre, float radius, Millis now) {
  const float turn = static_cast<float>(now % 1000) / 1000.0f * 2 * IM_PI;
  frame.draw()->AddCircle(centre, radius, theme::kPanel, 48, frame.px(8));
  frame.draw()->PathArcTo(centre, radius, turn, turn + IM_PI * 0.6f, 24);
  frame.draw()->PathStroke(theme::kAccent, 0, frame.px(8));
}

// One line of at most `width`: cut at a character boundary with "…" when it does not fit.
std::string fit_text(const Frame& frame, ImFont* font, const std::string& text, float width) {
  if (frame.text_width(font, text) <= width) return text;
  std::string cut = text;
  while (!cut.empty() && frame.text_width(font, cut + "…") > width) utf8_pop_back(cut);
  return cut + "…";
}

std::string seconds_text(Millis now, Millis until) {
  return std::to_string(std::max<std::int64_t>(seconds_left(now, until), 1));
}

}  // namespace

// --- Frame-wide ---

void Screens::draw(Frame& frame, Flow& flow, const Clock& clock,
                   const std::vector<TypedKey>& keys) {
  if (flow.screen() != last_screen_) {
    last_screen_ = flow.screen();
    pair_digits_.clear();
  }
  refresh_codes(flow);
  frame.draw()->AddRectFilled(ImVec2(0, 0), frame.size(), theme::kBackground);

  const bool overlay = flow.overlay() != Overlay::None;
  frame.set_interactive(!overlay);
  const std::vector<TypedKey> none;
  const auto& screen_keys = overlay ? none : keys;
  // The staff panel is opaque: what lies under it is not drawn at all.
  if (flow.overlay() != Overlay::Staff) draw_screen(frame, flow, clock, screen_keys);
  frame.set_interactive(true);
  if (flow.overlay() == Overlay::StillThere) still_there(frame, flow, clock);
  if (flow.overlay() == Overlay::Staff) {
    staff(frame, flow, clock);
  } else {
    staff_digits_.clear();
  }
}

void Screens::draw_screen(Frame& frame, Flow& flow, const Clock& clock,
                          const std::vector<TypedKey>& keys) {
  switch (flow.screen()) {
    case Screen::Loading: loading(frame); break;
    case Screen::Pair: pair(frame, flow, clock, keys); break;
    case Screen::Welcome: welcome(frame, flow, clock); break;
    case Screen::Details: details(frame, flow, clock, keys); break;
    case Screen::Issuing: issuing(frame, flow, clock); break;
    case Screen::Pass: pass(frame, flow, clock); break;
    case Screen::Entered: entered(frame, flow, clock); break;
    case Screen::Expired: expired(frame, flow, clock); break;
    case Screen::Problem: problem(frame, flow, clock); break;
  }
}

bool Screens::animating(const Flow& flow) const {
  return flow.screen() == Screen::Issuing || flow.screen() == Screen::Loading;
}

void Screens::forget_gl() {
  forget_qr_program();
  pass_code_.forget_gl();
  url_code_.forget_gl();
}

void Screens::refresh_codes(const Flow& flow) {
  // Decode be-in's image once per pass, not once per frame.
  if (flow.pass_serial() == pass_serial_) return;
  pass_serial_ = flow.pass_serial();
  pass_code_.clear();
  url_code_.clear();
  if (const auto grid = grid_from_png(flow.pass().qr_png)) pass_code_.set(*grid);
  if (const auto grid = grid_from_url(flow.pass().pass_url)) url_code_.set(*grid);
}

// --- Screens ---

void Screens::loading(Frame& frame) {
  const ImRect area = column(frame);
  const ImVec2 centre = area.GetCenter();
  draw_spinner(frame, ImVec2(centre.x, centre.y - frame.px(40)), frame.px(36),
               static_cast<Millis>(ImGui::GetTime() * 1000));
  frame.text(frame.fonts().body, ImVec2(area.Min.x, centre.y + frame.px(20)), area.GetWidth(),
             theme::kMuted, frame.t(Text::Loading), 0.5f);
}

void Screens::welcome(Frame& frame, Flow& flow, const Clock& clock) {
  const ImRect area = column(frame);
  const KioskConfig& config = flow.config();
  const auto& fonts = frame.fonts();

  // The clock, top right, on the server's time.
  const std::string time = format_clock(flow.server_now(clock.now), clock.utc_offset_minutes);
  frame.text(fonts.title, ImVec2(area.Max.x - frame.text_width(fonts.title, time), area.Min.y),
             0, theme::kMuted, time);

  // The site's name and the one big button.
  float y = area.Min.y + frame.size().y * 0.18f;
  y += frame.text(fonts.title, ImVec2(area.Min.x, y), area.GetWidth(), theme::kText,
                  config.site_name, 0.5f);
  y += frame.px(12);
  y += frame.text(fonts.body, ImVec2(area.Min.x, y), area.GetWidth(), theme::kMuted,
                  frame.t(Text::TapToStart), 0.5f);
  y += frame.px(40);
  const float button_w = std::min(area.GetWidth(), frame.px(560));
  const ImRect get(area.GetCenter().x - button_w * 0.5f, y, area.GetCenter().x + button_w * 0.5f,
                   y + frame.tx(120));
  if (frame.button("get_pass", get, frame.t(Text::GetPass), ButtonStyle::Primary,
                   fonts.title)) {
    flow.get_pass(clock.now);
  }

  // Languages the site offers (all four when it does not say), and the larger-text choice.
  std::vector<Lang> langs;
  for (const auto& code : config.languages) {
    if (const auto lang = lang_from_code(code)) langs.push_back(*lang);
  }
  if (langs.empty()) langs = {Lang::En, Lang::De, Lang::Fr, Lang::Es};
  const float gap = frame.px(12), h = frame.px(72);
  const float lang_w = std::min(frame.px(180), (area.GetWidth() - gap * 3) / 4);
  const float row_w = lang_w * static_cast<float>(langs.size()) +
                      gap * static_cast<float>(langs.size() - 1);
  float x = area.GetCenter().x - row_w * 0.5f;
  const float lang_y = area.Max.y - h * 2 - gap * 2;
  for (Lang lang : langs) {
    const ImRect rect(x, lang_y, x + lang_w, lang_y + h);
    const auto style = lang == flow.language() ? ButtonStyle::Selected : ButtonStyle::Quiet;
    if (frame.button(std::string("lang.") + lang_code(lang), rect, lang_endonym(lang), style,
                     fonts.body)) {
      flow.choose_language(lang);
    }
    x += lang_w + gap;
  }
  const float large_w = std::min(area.GetWidth(), frame.px(360));
  const ImRect large(area.GetCenter().x - large_w * 0.5f, area.Max.y - h,
                     area.GetCenter().x + large_w * 0.5f, area.Max.y);
  if (frame.button("large_text", large, frame.t(Text::LargerText),
                   flow.large_text() ? ButtonStyle::Selected : ButtonStyle::Quiet, fonts.body)) {
    flow.toggle_large_text();
  }
}

void Screens::details(Frame& frame, Flow& flow, const Clock& clock,
                      const std::vector<TypedKey>& keys) {
  // A physical keyboard types too. Dead keys (´ then e) are not composed: only keys that
  // produce a whole character arrive; composing them in Input::on_key would fix that.
  // An edit clears a complaint about the name at once, before an Enter in the same frame
  // checks the new name.
  for (const auto& key : keys) {
    if (key.character) {
      flow.name().type_char(key.character);
      flow.name_edited();
    } else if (key.name == "Backspace") {
      flow.name().backspace();
      flow.name_edited();
    } else if (key.name == "Enter") {
      flow.confirm(clock.now);
    } else if (key.name == "Escape") {
      flow.cancel(clock.now);
    }
  }
  if (flow.screen() != Screen::Details) return;

  const auto& fonts = frame.fonts();
  const float margin = frame.px(24);
  // Portrait: one column, the keyboard at the bottom. Landscape: name and keyboard on the
  // left, the choices and the buttons on the right.
  const float kb_w = frame.portrait() ? frame.size().x - 2 * margin
                                      : std::min(frame.px(780), frame.size().x * 0.6f);
  const ImRect left(margin, margin, margin + kb_w, frame.size().y - margin);
  const ImRect right = frame.portrait()
                           ? left
                           : ImRect(left.Max.x + margin * 1.5f, margin,
                                    frame.size().x - margin, frame.size().y - margin);

  float y = left.Min.y;
  y += frame.text(fonts.button, ImVec2(left.Min.x, y), left.GetWidth(), theme::kText,
                  frame.t(Text::YourName));
  y += frame.px(8);

  // The name field: what was typed, a steady caret (no blink: it costs frames).
  const float field_h = std::max(frame.px(72), fonts.title->FontSize + frame.px(16));
  const ImRect field(left.Min.x, y, left.Max.x, y + field_h);
  frame.hit("name_field", field);
  frame.draw()->AddRectFilled(field.Min, field.Max, theme::kWhite, frame.px(8));
  const std::string& typed = flow.name().text();
  const float text_x = field.Min.x + frame.px(16);
  const float text_y = field.GetCenter().y - fonts.title->FontSize * 0.5f;
  if (typed.empty()) {
    frame.text(fonts.body, ImVec2(text_x + frame.px(6), field.GetCenter().y -
                                                        fonts.body->FontSize * 0.5f),
               0, IM_COL32(0x55, 0x5F, 0x70, 0xFF), frame.t(Text::NamePlaceholder));
  } else {
    frame.text(fonts.title, ImVec2(text_x, text_y), 0, theme::kBlack, typed);
  }
  const float caret_x = text_x + frame.text_width(fonts.title, typed) + frame.px(2);
  frame.draw()->AddRectFilled(ImVec2(caret_x, text_y + frame.px(4)),
                              ImVec2(caret_x + frame.px(3), text_y + fonts.title->FontSize),
                              theme::kBlack);
  y = field.Max.y + frame.px(8);

  // What is still missing, in one line.
  static const Text issue_text[] = {Text::NameEmpty,   Text::NameEmpty,     Text::NameBadChar,
                                    Text::NameTooLong, Text::ChoosePurpose, Text::ChooseDoor};
  float issue_h = fonts.body->FontSize;  // one line is kept free, so nothing jumps
  if (flow.form_issue() != FormIssue::None) {
    const std::string message = fill(frame.t(issue_text[static_cast<int>(flow.form_issue())]),
                                     {{"max", std::to_string(kNameMaxChars)}});
    issue_h = std::max(issue_h, frame.text(fonts.body, ImVec2(left.Min.x, y), left.GetWidth(),
                                           theme::kError, message));
  }
  y += issue_h + frame.px(12);

  // The keyboard: under the field in landscape, at the bottom in portrait.
  const float kb_h = keyboard_height(frame, kb_w);
  const float kb_y = frame.portrait() ? left.Max.y - kb_h : y;
  const std::string before = flow.name().text();
  if (keyboard_view(frame, ImRect(left.Min.x, kb_y, left.Max.x, kb_y + kb_h), flow.name())) {
    flow.confirm(clock.now);
    if (flow.screen() != Screen::Details) return;
  }
  if (flow.name().text() != before) flow.name_edited();

  const ImRect choices = frame.portrait()
                             ? ImRect(left.Min.x, y, left.Max.x, kb_y - frame.px(24))
                             : right;
  details_choices(frame, flow, clock, choices);
}

void Screens::details_choices(Frame& frame, Flow& flow, const Clock& clock, ImRect area) {
  const auto& fonts = frame.fonts();
  const KioskConfig& config = flow.config();
  const float gap = frame.px(12), min_h = frame.px(theme::kMinTarget);

  // Measure first. Purpose labels wrap between words, never inside one ("Vorstellungs-
  // gespräch"): fewer columns until the widest word fits, then the smaller font.
  float widest = 0;
  for (const auto& option : config.purposes) {
    widest = std::max(widest, widest_word(frame, fonts.body, purpose_label(frame, option)));
  }
  const float label_pad = frame.px(16);
  const auto tile_width = [&](int cols) {
    return (area.GetWidth() - gap * static_cast<float>(cols - 1)) / static_cast<float>(cols);
  };
  int purpose_cols = frame.portrait() ? 4 : 2;
  while (purpose_cols > 1 && tile_width(purpose_cols) - label_pad < widest) --purpose_cols;
  const float purpose_w = tile_width(purpose_cols);
  // Known shortcoming: a configured label whose one word is wider than a full-width tile even in
  // the small font still breaks inside that word; drawing it at a fitted size would fix it.
  ImFont* const purpose_font = purpose_w - label_pad < widest ? fonts.small : fonts.body;
  // Tiles as tall as their wrapped labels need, never under the touch minimum.
  float purpose_h = min_h;
  for (const auto& option : config.purposes) {
    const float label_h = frame.text_height(purpose_font, purpose_w - label_pad,
                                            purpose_label(frame, option));
    purpose_h = std::max(purpose_h, label_h + label_pad);
  }
  const std::size_t door_count = config.doors.size() > 1 ? config.doors.size() : 0;
  const int door_cols = frame.portrait() ? 3 : 2;
  const float door_w = (area.GetWidth() - gap * static_cast<float>(door_cols - 1)) /
                       static_cast<float>(door_cols);
  const float door_h = std::max(min_h, fonts.button->FontSize + fonts.small->FontSize +
                                           frame.px(20));
  const std::size_t purpose_rows = (config.purposes.size() + purpose_cols - 1) / purpose_cols;
  const std::size_t door_rows = (door_count + door_cols - 1) / door_cols;
  const std::string note = fill(frame.t(Text::StorageNote),
                                {{"days", std::to_string(config.retention_days)}});
  const float note_h = frame.text_height(fonts.small, area.GetWidth(), note);
  const float heading_h = fonts.button->FontSize + frame.px(8);

  // Cancel and Confirm first: ImGui gives a contested touch to the item submitted first, and
  // these two must win if a long list of doors ever reaches them.
  const ButtonPair buttons = bottom_buttons(frame, area);
  if (frame.button("cancel", buttons.left, frame.t(Text::Cancel), ButtonStyle::Secondary)) {
    flow.cancel(clock.now);
    return;
  }
  if (frame.button("confirm", buttons.right, frame.t(Text::Confirm), ButtonStyle::Primary)) {
    flow.confirm(clock.now);
    return;
  }
  const float note_y = buttons.left.Min.y - note_h - frame.px(12);
  frame.text(fonts.small, ImVec2(area.Min.x, note_y), area.GetWidth(), theme::kMuted, note);

  // Squeeze the gaps when the choices would run into the note (large text, many doors).
  const float needed = heading_h + static_cast<float>(purpose_rows) * (purpose_h + gap) +
                       (door_count ? heading_h + static_cast<float>(door_rows) * (door_h + gap)
                                   : 0);
  const float room = note_y - frame.px(8) - area.Min.y;
  const float squeeze = needed > room ? std::max(0.3f, 1 - (needed - room) / needed) : 1.0f;
  const float row_gap = gap * squeeze;
  float y = area.Min.y;

  // Purpose tiles.
  y += frame.text(fonts.button, ImVec2(area.Min.x, y), area.GetWidth(), theme::kText,
                  frame.t(Text::Purpose));
  y += frame.px(8) * squeeze;
  for (std::size_t i = 0; i < config.purposes.size(); ++i) {
    const auto& option = config.purposes[i];
    const float x = area.Min.x + static_cast<float>(i % purpose_cols) * (purpose_w + gap);
    const float row_y = y + static_cast<float>(i / purpose_cols) * (purpose_h + row_gap);
    const auto style = option.id == flow.purpose() ? ButtonStyle::Selected : ButtonStyle::Quiet;
    if (frame.button("purpose." + option.id, ImRect(x, row_y, x + purpose_w, row_y + purpose_h),
                     purpose_label(frame, option), style, purpose_font)) {
      flow.choose_purpose(option.id);
    }
  }
  y += static_cast<float>(purpose_rows) * (purpose_h + row_gap);
  if (!door_count) return;

  // Door tiles with name and location, only when there is a choice.
  y += frame.text(fonts.button, ImVec2(area.Min.x, y), area.GetWidth(), theme::kText,
                  frame.t(Text::Door));
  y += frame.px(8) * squeeze;
  for (std::size_t i = 0; i < door_count; ++i) {
    const Door& door = config.doors[i];
    const float x = area.Min.x + static_cast<float>(i % door_cols) * (door_w + gap);
    const float row_y = y + static_cast<float>(i / door_cols) * (door_h + row_gap);
    const ImRect rect(x, row_y, x + door_w, row_y + door_h);
    const auto style = door.id == flow.door_id() ? ButtonStyle::Selected : ButtonStyle::Quiet;
    if (frame.button("door." + door.id, rect, "", style)) flow.choose_door(door.id);
    const float text_w = rect.GetWidth() - frame.px(12);
    const float text_x = rect.Min.x + frame.px(6);
    const float top = rect.GetCenter().y - (fonts.button->FontSize + fonts.small->FontSize) / 2;
    frame.text(fonts.button, ImVec2(text_x, top), text_w, theme::kText,
               fit_text(frame, fonts.button, door.name, text_w), 0.5f);
    frame.text(fonts.small, ImVec2(text_x, top + fonts.button->FontSize), text_w, theme::kMuted,
               fit_text(frame, fonts.small, door.location, text_w), 0.5f);
  }
}

void Screens::issuing(Frame& frame, Flow& flow, const Clock& clock) {
  const ImRect area = column(frame, 600);
  const ImVec2 centre = area.GetCenter();
  draw_spinner(frame, ImVec2(centre.x, centre.y - frame.px(80)), frame.px(48), clock.now);
  frame.text(frame.fonts().title, ImVec2(area.Min.x, centre.y + frame.px(10)), area.GetWidth(),
             theme::kText, frame.t(Text::Issuing), 0.5f);
  const ImRect cancel = bottom_button(frame, area, 320, 80);
  if (frame.button("cancel", cancel, frame.t(Text::Cancel), ButtonStyle::Secondary)) {
    flow.cancel(clock.now);
  }
}

void Screens::pass(Frame& frame, Flow& flow, const Clock& clock) {
  const float margin = frame.px(kMargin);
  const ImVec2 size = frame.size();
  const float shorter = std::min(size.x, size.y);

  // The code: about 72% of the shorter side (never under 60%), whole pixels per module.
  const int scale = std::max(1, static_cast<int>(shorter * 0.72f) / std::max(1, pass_code_.side()));
  const float code_px = static_cast<float>(scale * pass_code_.side());
  ImVec2 code_pos;
  ImRect info;
  if (frame.portrait()) {
    code_pos = ImVec2((size.x - code_px) * 0.5f, margin + frame.px(8));
    info = ImRect(margin, code_pos.y + code_px + frame.px(16), size.x - margin, size.y - margin);
  } else {
    code_pos = ImVec2(margin, (size.y - code_px) * 0.5f);
    info = ImRect(code_pos.x + code_px + margin * 1.5f, margin, size.x - margin,
                  size.y - margin);
  }
  if (pass_code_.empty()) {
    // be-in's image could not be read: say so instead of showing an empty square. Known
    // shortcoming: in landscape this text can overlap the door's details; a layout of its
    // own for this case would fix it.
    const float w = frame.portrait() ? size.x - 2 * margin : shorter * 0.72f;
    const std::string text = std::string(frame.t(Text::ProblemUnexpected)) + " " +
                             frame.t(Text::ProblemAskDesk);
    frame.text(frame.fonts().title,
               ImVec2(frame.portrait() ? margin : code_pos.x, margin + frame.px(80)), w,
               theme::kError, text, 0.5f);
  }
  pass_code_.draw(frame.draw(), code_pos, scale);
  pass_info(frame, flow, clock, info);
}

void Screens::pass_info(Frame& frame, Flow& flow, const Clock& clock, ImRect area) {
  const auto& fonts = frame.fonts();
  const IssuedPass& pass = flow.pass();
  const Millis server_now = flow.server_now(clock.now);
  float y = area.Min.y;

  // Door, then the countdown as a draining ring with mm:ss in it.
  y += frame.text(fonts.title, ImVec2(area.Min.x, y), area.GetWidth(), theme::kText,
                  pass.pod.name, 0.5f);
  y += frame.text(fonts.body, ImVec2(area.Min.x, y), area.GetWidth(), theme::kMuted,
                  pass.pod.location, 0.5f);
  y += frame.px(12);
  const Millis validity = pass.issued_at_ms > 0 && pass.expires_at_ms > pass.issued_at_ms
                              ? pass.expires_at_ms - pass.issued_at_ms
                              : flow.config().pass_validity_seconds * 1000LL;
  const Millis remaining = std::max<Millis>(0, pass.expires_at_ms - server_now);
  const float radius = frame.portrait() ? frame.px(46) : frame.px(64);
  const bool small_pass_code = !url_code_.empty();
  // With a second code for the phone, the ring sits left of it; otherwise it is centred.
  const float ring_x = small_pass_code ? area.Min.x + radius + frame.px(8) : area.GetCenter().x;
  const ImVec2 ring_centre(ring_x, y + radius + frame.px(6));
  const float fraction =
      static_cast<float>(remaining) / static_cast<float>(std::max<Millis>(1, validity));
  draw_ring(frame, ring_centre, radius, fraction,
            remaining < 30000 ? theme::kError : theme::kAccent);
  const std::string countdown = format_countdown(remaining);
  frame.text(fonts.button,
             ImVec2(ring_centre.x - frame.text_width(fonts.button, countdown) * 0.5f,
                    ring_centre.y - fonts.button->FontSize * 0.5f),
             0, theme::kText, countdown);
  if (small_pass_code) {
    // The pass page's code, smaller, to carry the pass on a phone.
    const int url_scale = std::max(1, static_cast<int>(radius * 2.4f) / url_code_.side());
    const float url_px = static_cast<float>(url_scale * url_code_.side());
    const float text_x = ring_x + radius + frame.px(24);
    const float text_w = area.Max.x - url_px - frame.px(16) - text_x;
    url_code_.draw(frame.draw(), ImVec2(area.Max.x - url_px, y), url_scale);
    frame.text(fonts.small, ImVec2(text_x, y + frame.px(8)), text_w, theme::kMuted,
               frame.t(Text::PassTakeAlong));
    y += std::max(url_px, radius * 2 + frame.px(12)) + frame.px(12);
  } else {
    y += radius * 2 + frame.px(24);
  }

  // What to do, or that contact is lost (the code still works at the door).
  const std::string instruction = fill(frame.t(Text::PassShowAtDoor), {{"door", pass.pod.name}});
  y += frame.text(fonts.body, ImVec2(area.Min.x, y), area.GetWidth(), theme::kText, instruction,
                  0.5f);
  if (flow.lost_contact()) {
    y += frame.px(8);
    frame.text(fonts.body, ImVec2(area.Min.x, y), area.GetWidth(), theme::kError,
               frame.t(Text::PassLostContact), 0.5f);
  }
  const ImRect cancel = bottom_button(frame, area, 320, 72);
  if (frame.button("cancel", cancel, frame.t(Text::Cancel), ButtonStyle::Secondary)) {
    flow.cancel(clock.now);
  }
}

void Screens::entered(Frame& frame, Flow& flow, const Clock& clock) {
  const ImRect area = column(frame, 700);
  const auto& fonts = frame.fonts();
  float y = area.Min.y + frame.size().y * 0.25f;
  const std::string title = fill(frame.t(Text::EnteredTitle), {{"name", flow.guest_name()}});
  y += centred_text(frame, area, y, fonts.title, theme::kText, title);
  y += frame.px(16);
  const Door* door = find_door(flow.config(), flow.pass().pod.id);
  const std::string where = door ? door->name : flow.pass().pod.name;
  const std::string line = fill(frame.t(Text::EnteredAt),
                                {{"door", where},
                                 {"time", format_clock(flow.entered_at_ms(),
                                                       clock.utc_offset_minutes)}});
  centred_text(frame, area, y, fonts.body, theme::kMuted, line);
  const ImRect done = bottom_button(frame, area, 360, 90);
  if (frame.button("done", done, frame.t(Text::Done), ButtonStyle::Primary)) {
    flow.finish(clock.now);
  }
}

void Screens::expired(Frame& frame, Flow& flow, const Clock& clock) {
  const ImRect area = column(frame, 700);
  const auto& fonts = frame.fonts();
  float y = area.Min.y + frame.size().y * 0.22f;
  y += centred_text(frame, area, y, fonts.title, theme::kText, frame.t(Text::ExpiredTitle));
  y += frame.px(16);
  centred_text(frame, area, y, fonts.body, theme::kMuted, frame.t(Text::ExpiredBody));
  const ButtonPair buttons = bottom_buttons(frame, area, 90);
  if (frame.button("finish", buttons.left, frame.t(Text::Finish), ButtonStyle::Secondary)) {
    flow.finish(clock.now);
  } else if (frame.button("new_pass", buttons.right, frame.t(Text::NewPass),
                          ButtonStyle::Primary)) {
    flow.new_pass(clock.now);
  }
}

void Screens::problem(Frame& frame, Flow& flow, const Clock& clock) {
  const ImRect area = column(frame, 700);
  const auto& fonts = frame.fonts();
  float y = area.Min.y + frame.size().y * 0.18f;
  y += centred_text(frame, area, y, fonts.title, theme::kText, frame.t(Text::ProblemTitle));
  y += frame.px(20);

  // One human sentence for the kind of failure, then what the guest can do.
  static const Text what[] = {Text::ProblemUnreachable, Text::ProblemDoor,
                              Text::ProblemRateLimited, Text::ProblemNotAuthorized,
                              Text::ProblemUnexpected};
  const Millis wait_until = std::max(flow.retry_at(), flow.rate_limit_until());
  const std::string sentence = fill(frame.t(what[static_cast<int>(flow.problem())]),
                                    {{"seconds", seconds_text(clock.now, wait_until)}});
  y += centred_text(frame, area, y, fonts.body, theme::kText, sentence);
  y += frame.px(12);
  const bool ask_desk = flow.problem() == ProblemKind::NotAuthorized ||
                        flow.problem() == ProblemKind::DoorUnavailable;
  y += centred_text(frame, area, y, fonts.body, theme::kMuted,
                    frame.t(ask_desk ? Text::ProblemAskDesk : Text::ProblemHelp));
  y += frame.px(12);
  if (flow.retry_at() > clock.now) {
    y += centred_text(frame, area, y, fonts.body, theme::kMuted,
                      fill(frame.t(Text::RetryingIn),
                           {{"seconds", seconds_text(clock.now, flow.retry_at())}}));
  }
  if (!flow.problem_reference().empty()) {
    frame.text(fonts.small, ImVec2(area.Min.x, y + frame.px(12)), area.GetWidth(), theme::kMuted,
               fill(frame.t(Text::StaffReference), {{"ref", flow.problem_reference()}}), 0.5f);
  }

  // Cancel only where there is a Welcome to go back to.
  const ButtonPair buttons = bottom_buttons(frame, area, 90);
  const ImRect retry = flow.has_config() ? buttons.right
                                         : ImRect(buttons.left.Min, buttons.right.Max);
  if (flow.has_config() &&
      frame.button("cancel", buttons.left, frame.t(Text::Cancel), ButtonStyle::Secondary)) {
    flow.cancel(clock.now);
  } else if (frame.button("retry", retry, frame.t(Text::Retry), ButtonStyle::Primary)) {
    flow.retry(clock.now);
  }
}

void Screens::pair(Frame& frame, Flow& flow, const Clock& clock,
                   const std::vector<TypedKey>& keys) {
  for (const auto& key : keys) {
    if (key.character >= '0' && key.character <= '9' && pair_digits_.size() < 8) {
      pair_digits_ += static_cast<char>(key.character);
    } else if (key.name == "Backspace" && !pair_digits_.empty()) {
      pair_digits_.pop_back();
    }
  }
  const ImRect area = column(frame, 520);
  const auto& fonts = frame.fonts();
  float y = area.Min.y + frame.px(16);
  y += frame.text(fonts.title, ImVec2(area.Min.x, y), area.GetWidth(), theme::kText,
                  frame.t(Text::PairTitle), 0.5f);
  y += frame.px(8);
  y += frame.text(fonts.body, ImVec2(area.Min.x, y), area.GetWidth(), theme::kMuted,
                  frame.t(Text::PairBody), 0.5f);
  y += frame.px(16);

  // Eight boxes, one per digit.
  const float box = std::min(frame.px(56), area.GetWidth() / 8 - frame.px(6));
  const float boxes_w = box * 8 + frame.px(6) * 7;
  for (int i = 0; i < 8; ++i) {
    const float x =
        area.GetCenter().x - boxes_w * 0.5f + static_cast<float>(i) * (box + frame.px(6));
    frame.draw()->AddRectFilled(ImVec2(x, y), ImVec2(x + box, y + box * 1.2f), theme::kPanel,
                                frame.px(6));
    if (i < static_cast<int>(pair_digits_.size())) {
      const std::string digit(1, pair_digits_[static_cast<std::size_t>(i)]);
      frame.text(fonts.title, ImVec2(x, y + box * 0.6f - fonts.title->FontSize * 0.5f), box,
                 theme::kText, digit, 0.5f);
    }
  }
  y += box * 1.2f + frame.px(12);

  std::string issue;
  if (flow.pair_issue() == Flow::PairIssue::Wrong) issue = frame.t(Text::PairWrong);
  if (flow.pair_issue() == Flow::PairIssue::Locked && flow.pair_locked_until() > clock.now) {
    issue = fill(frame.t(Text::PairLocked),
                 {{"seconds", seconds_text(clock.now, flow.pair_locked_until())}});
  }
  y += frame.text(fonts.body, ImVec2(area.Min.x, y), area.GetWidth(), theme::kError, issue,
                  0.5f);
  y += frame.px(16);

  const float pad_h = std::min(area.Max.y - y, frame.px(4 * 88));
  const ImRect pad(area.Min.x, area.Max.y - pad_h, area.Max.x, area.Max.y);
  if (digit_pad(frame, pad, pair_digits_, 8, "pair", frame.t(Text::Pair)) &&
      pair_digits_.size() == 8) {
    flow.pair_with(pair_digits_, clock.now);
    pair_digits_.clear();
  }
}

void Screens::still_there(Frame& frame, Flow& flow, const Clock& clock) {
  frame.draw()->AddRectFilled(ImVec2(0, 0), frame.size(), theme::kScrim);
  const float w = std::min(frame.size().x - frame.px(48), frame.px(560));
  const float h = frame.tx(300);
  const ImVec2 c(frame.size().x * 0.5f, frame.size().y * 0.5f);
  const ImRect panel(c.x - w * 0.5f, c.y - h * 0.5f, c.x + w * 0.5f, c.y + h * 0.5f);
  frame.draw()->AddRectFilled(panel.Min, panel.Max, theme::kPanel, frame.px(16));
  const auto& fonts = frame.fonts();
  const float inner = w - frame.px(48);
  float y = panel.Min.y + frame.px(28);
  y += frame.text(fonts.title, ImVec2(panel.Min.x + frame.px(24), y), inner, theme::kText,
                  frame.t(Text::StillThere), 0.5f);
  y += frame.px(12);
  frame.text(fonts.body, ImVec2(panel.Min.x + frame.px(24), y), inner, theme::kMuted,
             fill(frame.t(Text::StillThereBody),
                  {{"seconds", seconds_text(clock.now, flow.overlay_until())}}),
             0.5f);
  const ImRect button(panel.Min.x + frame.px(24), panel.Max.y - frame.px(24 + 80),
                      panel.Max.x - frame.px(24), panel.Max.y - frame.px(24));
  if (frame.button("continue", button, frame.t(Text::Continue), ButtonStyle::Primary)) {
    flow.keep_going(clock.now);
  }
}

}  // namespace kiosk::ui

namespace kiosk::ui {

// --- Staff overlay ---

void Screens::staff(Frame& frame, Flow& flow, const Clock& clock) {
  // Opaque: guests passing by see nothing of what lies under it.
  frame.draw()->AddRectFilled(ImVec2(0, 0), frame.size(), theme::kPanel);
  const ImRect area = column(frame, 900);
  const float close_w = frame.px(160), close_h = frame.px(64);
  const ImRect close(area.Max.x - close_w, area.Min.y, area.Max.x, area.Min.y + close_h);
  if (frame.button("staff_close", close, frame.t(Text::StaffClose), ButtonStyle::Secondary)) {
    flow.close_staff();
    return;
  }
  const Text title = flow.staff_signed_in() ? Text::StaffTitle : Text::StaffPin;
  frame.text(frame.fonts().title, area.Min, area.GetWidth() - close_w, theme::kText,
             frame.t(title));
  const ImRect body(area.Min.x, area.Min.y + close_h + frame.px(16), area.Max.x, area.Max.y);
  if (flow.staff_signed_in()) {
    staff_panel(frame, flow, clock, body);
  } else {
    staff_pin(frame, flow, clock, body);
  }
}

void Screens::staff_pin(Frame& frame, Flow& flow, const Clock& clock, const ImRect& area) {
  const auto& fonts = frame.fonts();
  const float pad_w = std::min(area.GetWidth(), frame.px(420));
  float y = area.Min.y;

  // The PIN as dots, never as digits.
  const std::string dots = staff_digits_.empty() ? " " : std::string(staff_digits_.size(), '*');
  y += frame.text(fonts.title, ImVec2(area.Min.x, y), area.GetWidth(), theme::kText, dots, 0.5f);
  std::string issue;
  switch (flow.staff_issue()) {
    case Flow::StaffIssue::Wrong: issue = frame.t(Text::StaffPinWrong); break;
    case Flow::StaffIssue::Unreachable: issue = frame.t(Text::StaffUnreachable); break;
    case Flow::StaffIssue::Locked:
      if (flow.staff_locked_until() > clock.now) {
        issue = fill(frame.t(Text::StaffLocked),
                     {{"seconds", seconds_text(clock.now, flow.staff_locked_until())}});
      }
      break;
    case Flow::StaffIssue::None: break;
  }
  // One line is kept free for the complaint, so that the pad never moves under a finger.
  y += std::max(fonts.body->FontSize, frame.text(fonts.body, ImVec2(area.Min.x, y + frame.px(8)),
                                                 area.GetWidth(), theme::kError, issue, 0.5f));
  y += frame.px(24);
  const float pad_h = std::min(area.Max.y - y, frame.px(4 * 86));
  const ImRect pad(area.GetCenter().x - pad_w * 0.5f, y, area.GetCenter().x + pad_w * 0.5f,
                   y + pad_h);
  if (digit_pad(frame, pad, staff_digits_, 12, "staff_login", frame.t(Text::StaffSignIn)) &&
      staff_digits_.size() >= 4) {
    flow.staff_login(staff_digits_, clock.now);
    staff_digits_.clear();
  }
}

void Screens::staff_panel(Frame& frame, Flow& flow, const Clock& clock, const ImRect& area) {
  const auto& fonts = frame.fonts();
  const float w = area.GetWidth();
  float y = area.Min.y;
  const auto heading = [&](Text key) {
    y += frame.px(12);
    y += frame.text(fonts.button, ImVec2(area.Min.x, y), w, theme::kText, frame.t(key));
    y += frame.px(4);
  };
  const auto line = [&](const std::string& text, ImU32 colour) {
    y += frame.text(fonts.body, ImVec2(area.Min.x, y), w, colour, text);
  };

  // The buttons at the bottom first, so that a long list can never cover them.
  const float button_h = frame.px(72), gap = frame.px(16);
  const float button_w = (w - gap) * 0.5f;
  const ImRect reload(area.Min.x, area.Max.y - button_h, area.Min.x + button_w, area.Max.y);
  const ImRect unpair(area.Max.x - button_w, area.Max.y - button_h, area.Max.x, area.Max.y);
  if (frame.button("staff_reload", reload, frame.t(Text::StaffReload), ButtonStyle::Secondary)) {
    flow.staff_reload();
  }
  if (frame.button("staff_unpair", unpair, frame.t(Text::StaffUnpair), ButtonStyle::Secondary)) {
    flow.staff_unpair(clock.now);
  }

  const auto& overview = flow.staff_overview();
  if (!overview) {
    if (flow.staff_issue() == Flow::StaffIssue::Unreachable) {
      line(frame.t(Text::StaffUnreachable), theme::kError);
    }
    return;
  }
  const auto time_of = [&](Millis ms) {
    return ms ? format_clock(ms, clock.utc_offset_minutes) : std::string("—");
  };

  heading(Text::StaffHealth);
  line(fill(frame.t(Text::StaffBein), {{"state", overview->bein}}), theme::kMuted);
  line(fill(frame.t(Text::StaffWebhooks),
            {{"secret", frame.t(overview->webhook_secret ? Text::Yes : Text::No)},
             {"time", time_of(overview->last_delivery_ms)},
             {"count", std::to_string(overview->rejected_last_hour)}}),
       overview->rejected_last_hour ? theme::kError : theme::kMuted);
  line(frame.t(overview->store_writable ? Text::StaffStoreOk : Text::StaffStoreFailing),
       overview->store_writable ? theme::kMuted : theme::kError);

  heading(Text::StaffSettings);
  line(overview->kiosk_name + " · " + frame.t(Text::StaffLanguage) + ": " +
           overview->default_language,
       theme::kMuted);
  std::string doors = std::string(frame.t(Text::StaffDoors)) + ":";
  const char* separator = " ";
  for (const auto& door : overview->doors) {
    doors += separator + door.name + " (" + door.location + ")";
    separator = "; ";
  }
  line(doors, theme::kMuted);

  // The last entries, newest first, as many as fit above the buttons.
  heading(Text::StaffEntries);
  if (overview->entries.empty()) line(frame.t(Text::StaffNoEntries), theme::kMuted);
  for (const auto& entry : overview->entries) {
    if (y + fonts.body->FontSize > reload.Min.y - frame.px(12)) break;
    std::string text = time_of(entry.scanned_at_ms) + "  " +
                       (entry.guest_name.empty() ? "—" : entry.guest_name) + " · " +
                       (entry.door.empty() ? "—" : entry.door);
    if (!entry.purpose.empty()) text += " · " + entry.purpose;
    line(fit_text(frame, fonts.body, text, w), theme::kText);
  }
}

}  // namespace kiosk::ui
