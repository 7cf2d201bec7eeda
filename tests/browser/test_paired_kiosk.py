"""With a real be-in key (the simulator running on its own stands in for be-in), a kiosk must
be paired by staff before it issues a pass, staff reach their panel with the PIN, and a revoked
kiosk is back at pairing at once."""
from __future__ import annotations

import re
from pathlib import Path

from backend_process import Backend
from kiosk_browser import KioskBrowser
from test_guest_journey import ask_for_pass, read_pass_code

STAFF_PIN = "2468"


def type_digits(kiosk: KioskBrowser, digits: str) -> None:
    for digit in digits:
        kiosk.tap(f"key.{digit}")


def test_pairing_staff_panel_and_revocation(landscape: KioskBrowser, real_backend: Backend,
                                            output_dir: Path) -> None:
    backend = real_backend
    backend.command("staff-pin", stdin=f"{STAFF_PIN}\n{STAFF_PIN}\n")
    backend.start()
    kiosk = landscape
    kiosk.open(backend.url + "/")

    # Not paired: no pass can be had, only the pairing screen.
    kiosk.wait_screen("pair", 15)
    kiosk.screenshot(output_dir / "1-pair.png")
    type_digits(kiosk, "12345678")
    kiosk.tap("pair")
    kiosk.wait_for(lambda h: h["screen"] == "pair" and "pair" in h["rects"], 10,
                   "the wrong code to be refused")

    printed = backend.command("pair", "--name", "Lobby tablet")
    code = re.search(r"\b(\d{4} ?\d{4})\b", printed).group(1).replace(" ", "")
    hook = kiosk.hook()
    for _ in range(12):  # clear whatever the pad still holds
        if "key.backspace" in hook["rects"]:
            kiosk.tap("key.backspace")
    type_digits(kiosk, code)
    kiosk.tap("pair")
    kiosk.wait_screen("welcome", 15)

    ask_for_pass(kiosk, "Ana Núñez")
    kiosk.wait_screen("pass", 15)
    payload = read_pass_code(kiosk, output_dir / "2-pass.png")
    status, scan = backend.simulator.request("POST", "/sim/scan", {"payload": payload})
    assert status == 200 and scan["granted"] is True, scan
    kiosk.wait_screen("entered", 10)
    kiosk.tap("done")
    kiosk.wait_screen("welcome", 10)

    # Staff: hold the top-left corner for 3 s, then the PIN; the panel shows today's entries.
    kiosk.touch(20, 20, hold=3.5)
    kiosk.wait_for(lambda h: h.get("overlay") == "staff", 5, "the staff PIN pad")
    type_digits(kiosk, STAFF_PIN)
    kiosk.tap("staff_login")
    hook = kiosk.wait_for(lambda h: any("Ana Núñez" in t for t in h["texts"]), 10,
                          "the staff panel with the last entries")
    kiosk.screenshot(output_dir / "3-staff-panel.png")
    assert "staff_unpair" in hook["rects"]
    kiosk.tap("staff_close")
    kiosk.wait_for(lambda h: h.get("overlay") is None, 5, "the staff panel to close")

    # Revoked: the next call sends the kiosk back to pairing.
    backend.command("revoke", "Lobby tablet")
    ask_for_pass(kiosk, "Ana")
    kiosk.wait_screen("pair", 15)
    kiosk.screenshot(output_dir / "4-pair-again.png")
