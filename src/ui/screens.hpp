// The kiosk's screens, drawn from the flow's state; taps become the flow's actions.
#pragma once

#include <string>
#include <vector>

#include "core/flow.hpp"
#include "ui/frame.hpp"
#include "ui/qr_view.hpp"

namespace kiosk::ui {

/// What the screens need from the world besides the flow.
struct Clock {
  Millis now = 0;            ///< the local monotonic clock the flow runs on
  int utc_offset_minutes = 0;
};

/// A key from a physical keyboard, already split into character or named key.
struct TypedKey {
  char32_t character = 0;  ///< 0 for a named key
  std::string name;
};

class Screens {
 public:
  /// Draws the current screen and its overlay, acting on taps and typed keys.
  void draw(Frame& frame, Flow& flow, const Clock& clock, const std::vector<TypedKey>& keys);
  /// True while something moves on its own (a spinner), so frames keep coming.
  bool animating(const Flow& flow) const;
  /// After a WebGL context loss: upload the codes again.
  void forget_gl();

 private:
  void draw_screen(Frame& frame, Flow& flow, const Clock& clock,
                   const std::vector<TypedKey>& keys);
  void welcome(Frame& frame, Flow& flow, const Clock& clock);
  void details(Frame& frame, Flow& flow, const Clock& clock, const std::vector<TypedKey>& keys);
  void details_choices(Frame& frame, Flow& flow, const Clock& clock, ImRect area);
  void issuing(Frame& frame, Flow& flow, const Clock& clock);
  void pass(Frame& frame, Flow& flow, const Clock& clock);
  void pass_info(Frame& frame, Flow& flow, const Clock& clock, ImRect area);
  void entered(Frame& frame, Flow& flow, const Clock& clock);
  void expired(Frame& frame, Flow& flow, const Clock& clock);
  void problem(Frame& frame, Flow& flow, const Clock& clock);
  void pair(Frame& frame, Flow& flow, const Clock& clock, const std::vector<TypedKey>& keys);
  void loading(Frame& frame);
  void still_there(Frame& frame, Flow& flow, const Clock& clock);
  void staff(Frame& frame, Flow& flow, const Clock& clock);
  void staff_pin(Frame& frame, Flow& flow, const Clock& clock, const ImRect& area);
  void staff_panel(Frame& frame, Flow& flow, const Clock& clock, const ImRect& area);
  void refresh_codes(const Flow& flow);

  QrView pass_code_, url_code_;
  int pass_serial_ = -1;
  std::string pair_digits_, staff_digits_;
  Screen last_screen_ = Screen::Loading;
};

}  // namespace kiosk::ui
