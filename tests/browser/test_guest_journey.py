"""The guest's journey end to end: the kiosk in Chromium, serve.py in demo mode, and zbarimg
reading the code off the screen as the door's scanner would."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from backend_process import Backend
from kiosk_browser import KioskBrowser

GUEST = "Jörg Müller-Lüdenscheidt"
MAIN_ENTRANCE = "11111111-1111-1111-1111-111111111111"


def open_welcome(kiosk: KioskBrowser, backend: Backend) -> None:
    """Open the kiosk served by backend and wait for its Welcome screen."""
    kiosk.open(backend.url + "/")
    kiosk.wait_screen("welcome")


def ask_for_pass(kiosk: KioskBrowser, name: str = GUEST) -> None:
    """From Welcome to the Pass screen, as a guest: name, purpose, door, confirm."""
    kiosk.tap("get_pass")
    kiosk.wait_screen("details")
    kiosk.type_name(name)
    rects = kiosk.hook()["rects"]
    purposes = sorted(r for r in rects if r.startswith("purpose."))
    if purposes:
        kiosk.tap(purposes[0])
    if f"door.{MAIN_ENTRANCE}" in rects:
        kiosk.tap(f"door.{MAIN_ENTRANCE}")
    kiosk.tap("confirm")


def read_pass_code(kiosk: KioskBrowser, shot: Path) -> str:
    """The be-in code on screen, as the scanner reads it (the pass-page link is a URL)."""
    codes = [c for c in kiosk.read_qr_codes(shot) if not c.startswith(("http://", "https://"))]
    assert len(codes) == 1, f"expected one be-in code on screen, read {codes} from {shot}"
    return codes[0]


def scan_and_time_welcome(kiosk: KioskBrowser, payload: str, timeout: float = 5.0) -> float:
    """Scan at the simulated pod from inside the page and return seconds to the welcome frame.

    Both instants are taken on the page's own clock: the scan request starts, and the first
    drawn frame whose screen is "entered"."""
    kiosk.run_js("""
        window.__scan = {started: performance.now(), entered: null, answer: null};
        const watch = setInterval(() => {
          if (window.kioskTest && window.kioskTest.screen === 'entered') {
            window.__scan.entered = performance.now();
            clearInterval(watch);
          }
        }, 2);
        setTimeout(() => clearInterval(watch), 30000);
        fetch('/sim/scan', {method: 'POST', headers: {'Content-Type': 'application/json'},
                            body: JSON.stringify({payload: arguments[0]})})
          .then(r => r.json()).then(j => { window.__scan.answer = j; });
    """, payload)
    deadline = time.monotonic() + timeout
    scan = None
    while time.monotonic() < deadline:
        scan = kiosk.run_js("return window.__scan")
        if scan["entered"] is not None:
            return (scan["entered"] - scan["started"]) / 1000
        time.sleep(0.02)
    raise AssertionError(f"no welcome within {timeout} s of the scan; the pod said {scan}")


def test_guest_gets_in(any_tablet: KioskBrowser, backend_factory, output_dir: Path,
                       figure) -> None:
    backend: Backend = backend_factory()
    kiosk = any_tablet
    open_welcome(kiosk, backend)
    kiosk.screenshot(output_dir / "1-welcome.png")

    ask_for_pass(kiosk)
    kiosk.wait_screen("pass", 15)
    payload = read_pass_code(kiosk, output_dir / "2-pass.png")

    seconds = scan_and_time_welcome(kiosk, payload)
    figure(f"{kiosk.tablet.name}: scan to welcome {seconds * 1000:.0f} ms")
    hook = kiosk.hook()
    kiosk.screenshot(output_dir / "3-entered.png")
    assert any(GUEST in text for text in hook["texts"]), hook["texts"]
    assert seconds <= 2.0

    hook = kiosk.wait_screen("welcome", 30)
    assert not any("Jörg" in text for text in hook["texts"])
    assert hook["fields"].get("guest_name", "") == ""


def test_unused_pass_expires(tablet: KioskBrowser, backend_factory, output_dir: Path) -> None:
    backend = backend_factory(KIOSK_PASS_VALIDITY_MINUTES="0.2")
    kiosk = tablet
    open_welcome(kiosk, backend)
    ask_for_pass(kiosk)
    kiosk.wait_screen("pass", 15)
    old = read_pass_code(kiosk, output_dir / "1-pass.png")

    kiosk.wait_screen("expired", 30)
    kiosk.screenshot(output_dir / "2-expired.png")
    refused = backend.scan(old)
    assert refused["granted"] is False, refused

    kiosk.tap("new_pass")
    kiosk.wait_screen("pass", 15)
    fresh = read_pass_code(kiosk, output_dir / "3-new-pass.png")
    assert fresh != old
    assert scan_and_time_welcome(kiosk, fresh) <= 2.0


def test_upstream_failure_then_retry(landscape: KioskBrowser, backend_factory,
                                     output_dir: Path) -> None:
    backend = backend_factory()
    kiosk = landscape
    open_welcome(kiosk, backend)
    backend.switches(qr_failure="500")
    ask_for_pass(kiosk)
    kiosk.wait_screen("problem", 60)
    hook = kiosk.wait_target("retry")
    kiosk.screenshot(output_dir / "1-problem.png")
    assert not any("500" in text or "upstream" in text.lower() for text in hook["texts"])

    backend.switches(qr_failure=None)
    kiosk.tap("retry")
    kiosk.wait_screen("pass", 30)
    payload = read_pass_code(kiosk, output_dir / "2-pass.png")
    assert scan_and_time_welcome(kiosk, payload) <= 2.0


def test_backend_restart_while_pass_shows(tablet: KioskBrowser, backend_factory,
                                          output_dir: Path) -> None:
    backend = backend_factory()
    kiosk = tablet
    open_welcome(kiosk, backend)
    ask_for_pass(kiosk)
    kiosk.wait_screen("pass", 15)
    payload = read_pass_code(kiosk, output_dir / "1-pass.png")

    backend.stop()
    frame = kiosk.hook()["frame"]
    hook = kiosk.wait_for(lambda h: h.get("connection") == "lost", 40, "a lost-contact notice")
    kiosk.screenshot(output_dir / "2-lost-contact.png")
    assert hook["screen"] == "pass"
    # Not frozen: the countdown keeps drawing while the backend is away.
    kiosk.wait_for(lambda h: h["frame"] > frame + 2, 5, "the countdown to keep drawing")

    backend.start()
    kiosk.wait_for(lambda h: h.get("connection") != "lost", 40, "contact again")
    assert backend.scan(payload)["granted"] is True
    kiosk.wait_screen("entered", 10)
    kiosk.screenshot(output_dir / "3-entered.png")


def test_idle_guest_is_forgotten(tablet: KioskBrowser, backend_factory,
                                 output_dir: Path) -> None:
    backend = backend_factory(KIOSK_IDLE_SECONDS="5")
    kiosk = tablet
    open_welcome(kiosk, backend)
    kiosk.tap("get_pass")
    kiosk.wait_screen("details")
    kiosk.type_name("Jörg Mü")

    kiosk.wait_for(lambda h: h.get("overlay") == "still_there", 15, "the Still there? prompt")
    kiosk.screenshot(output_dir / "1-still-there.png")
    hook = kiosk.wait_screen("welcome", 20)
    kiosk.screenshot(output_dir / "2-welcome-again.png")
    assert hook["fields"].get("guest_name", "") == ""
    assert not any("Jör" in text or "Mü" in text for text in hook["texts"])

    kiosk.tap("get_pass")
    hook = kiosk.wait_screen("details")
    assert hook["fields"].get("guest_name", "") == ""
    assert not any("Jör" in text for text in hook["texts"])


ENGLISH_ONLY = ["Get a guest pass", "Cancel", "Your name", "Welcome", "Door", "Purpose"]


def test_german_kiosk(landscape: KioskBrowser, backend_factory, output_dir: Path) -> None:
    backend = backend_factory()
    kiosk = landscape
    open_welcome(kiosk, backend)
    kiosk.tap("lang.de")
    seen: list[list[str]] = []
    seen.append(kiosk.wait_for(lambda h: h["language"] == "de", 5, "German")["texts"])
    kiosk.screenshot(output_dir / "1-welcome-de.png")

    kiosk.tap("get_pass")
    hook = kiosk.wait_screen("details")
    seen.append(hook["texts"])
    rects = hook["rects"]
    # QWERTZ: Z sits between T and U on the top row, Y down by the shift key.
    assert rects["key.t"][0] < rects["key.z"][0] < rects["key.u"][0]
    assert rects["key.y"][1] > rects["key.z"][1]
    kiosk.screenshot(output_dir / "2-details-de.png")

    kiosk.type_name(GUEST)
    seen.append(kiosk.hook()["texts"])
    ask_rest = kiosk.hook()["rects"]
    purposes = sorted(r for r in ask_rest if r.startswith("purpose."))
    if purposes:
        kiosk.tap(purposes[0])
    kiosk.tap("confirm")
    seen.append(kiosk.wait_screen("pass", 15)["texts"])
    payload = read_pass_code(kiosk, output_dir / "3-pass-de.png")
    scan_and_time_welcome(kiosk, payload)
    seen.append(kiosk.hook()["texts"])
    kiosk.screenshot(output_dir / "4-entered-de.png")

    for texts in seen:
        for english in ENGLISH_ONLY:
            assert english not in texts, f"{english!r} is still English on {texts}"


def test_context_loss_on_pass(tablet: KioskBrowser, backend_factory, output_dir: Path,
                              figure) -> None:
    backend = backend_factory()
    kiosk = tablet
    open_welcome(kiosk, backend)
    ask_for_pass(kiosk)
    kiosk.wait_screen("pass", 15)
    before = read_pass_code(kiosk, output_dir / "1-pass.png")

    frame = kiosk.hook()["frame"]
    kiosk.run_js("""
        const gl = document.querySelector('canvas').getContext('webgl2');
        const lose = gl.getExtension('WEBGL_lose_context');
        window.__restored = null;
        lose.loseContext();
        setTimeout(() => { lose.restoreContext(); window.__restored = performance.now(); }, 300);
    """)
    lost_at = time.monotonic()
    # The kiosk draws again once the context is back; then the scanner must read the same code.
    kiosk.wait_for(lambda h: h["frame"] > frame and kiosk.run_js("return window.__restored"),
                   3.0, "a frame drawn after the context came back")
    kiosk.wait_for(lambda h: h["frame"] > frame + 1 and h["screen"] == "pass", 3.0,
                   "the pass to be drawn again")
    redrawn = time.monotonic() - lost_at
    codes = kiosk.read_qr_codes(output_dir / "2-after-restore.png")
    readable = time.monotonic() - lost_at
    assert before in codes, f"after a context loss the scanner read {codes}, not {before!r}"
    figure(f"{kiosk.tablet.name}: after a context loss, pass drawn again in"
           f" {redrawn * 1000:.0f} ms, code read off a screenshot at {readable * 1000:.0f} ms")
    assert readable <= 3.0
