"""Drive the kiosk in headless Chromium the way a guest does: by touch, through the test hook.

The kiosk publishes `window.kioskTest` after every drawn frame (see src/platform): the screen's
name, the rectangles of its tappable targets in CSS pixels, the strings it drew and a frame
counter. Taps are real touch events sent through the DevTools protocol at a target's centre.
"""
from __future__ import annotations

import dataclasses
import json
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

# Chromium on a machine with no network but loopback: without these it keeps trying to reach
# update and sync services. WebGL2 runs on SwiftShader since there is no GPU.
CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--enable-unsafe-swiftshader", "--use-angle=swiftshader",
    "--disable-renderer-backgrounding", "--disable-background-timer-throttling",
]


@dataclasses.dataclass(frozen=True)
class Tablet:
    """One tablet the kiosk must work on: CSS viewport and device pixel ratio."""
    name: str
    width: int
    height: int
    pixel_ratio: float


TABLETS = [
    Tablet("portrait-768x1024@2", 768, 1024, 2.0),
    Tablet("landscape-1280x800@1", 1280, 800, 1.0),
    Tablet("portrait-800x1280@1.5", 800, 1280, 1.5),
]


class KioskTimeout(AssertionError):
    """The kiosk did not reach the expected state in time."""


class KioskBrowser:
    """A headless Chromium showing the kiosk on one emulated touch tablet."""

    def __init__(self, tablet: Tablet, profile_dir: str | None = None) -> None:
        self.tablet = tablet
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in CHROMIUM_FLAGS:
            options.add_argument(flag)
        self._profile = profile_dir or tempfile.mkdtemp(prefix="kiosk-chromium-")
        options.add_argument(f"--user-data-dir={self._profile}")
        options.add_argument(f"--window-size={tablet.width},{tablet.height}")
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        self._cdp("Emulation.setDeviceMetricsOverride", {
            "width": tablet.width, "height": tablet.height,
            "deviceScaleFactor": tablet.pixel_ratio, "mobile": True,
        })
        self._cdp("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 5})
        self.console: list[str] = []

    def _cdp(self, method: str, params: dict[str, Any]) -> Any:
        return self.driver.execute_cdp_cmd(method, params)

    def close(self) -> None:
        self.driver.quit()

    # -- reading the kiosk --------------------------------------------------------------------

    def open(self, url: str, timeout: float = 30.0) -> None:
        self.driver.get(url)
        self.wait_for(lambda h: h["screen"] not in ("loading",), timeout, "the kiosk to start")

    def hook(self) -> dict[str, Any] | None:
        """The kiosk's test hook as it stands after the last drawn frame, or None before one."""
        text = self.driver.execute_script(
            "return window.kioskTest ? JSON.stringify(window.kioskTest) : null")
        return json.loads(text) if text else None

    def wait_for(self, predicate: Callable[[dict[str, Any]], bool], timeout: float,
                 what: str) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            last = self.hook()
            if last is not None and predicate(last):
                return last
            time.sleep(0.05)
        screen = last and (last.get("screen"), last.get("overlay"))
        raise KioskTimeout(f"waited {timeout:.0f} s for {what}; the kiosk shows {screen}")

    def wait_screen(self, screen: str, timeout: float = 10.0) -> dict[str, Any]:
        return self.wait_for(lambda h: h["screen"] == screen, timeout, f"screen {screen!r}")

    def wait_target(self, target: str, timeout: float = 10.0) -> dict[str, Any]:
        return self.wait_for(lambda h: target in h.get("rects", {}), timeout,
                             f"target {target!r}")

    # -- acting as a guest --------------------------------------------------------------------

    def touch(self, x: float, y: float, hold: float = 0.0) -> None:
        """One finger down and up at (x, y) in CSS pixels; hold=0 can fall inside one frame."""
        point = [{"x": x, "y": y, "radiusX": 4, "radiusY": 4, "force": 1, "id": 0}]
        self._cdp("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": point})
        if hold:
            time.sleep(hold)
        self._cdp("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})

    def tap(self, target: str, timeout: float = 10.0, hold: float = 0.0) -> None:
        """Tap the middle of a target the kiosk reports, waiting for it to appear."""
        hook = self.wait_target(target, timeout)
        x, y, w, h = hook["rects"][target]
        self.touch(x + w / 2, y + h / 2, hold)

    def type_name(self, name: str) -> None:
        """Type on the kiosk's own keyboard, using Shift for capitals as a guest would."""
        for ch in name:
            key = "key.space" if ch == " " else f"key.{ch.lower()}"
            # Letters the layout lacks are on the accent panel, and letters on the layout
            # are back behind it: the accents key switches between the two.
            if key not in self.wait_target("key.accents")["rects"]:
                self.tap("key.accents")
            hook = self.wait_target(key)
            if ch.isupper() != bool(hook.get("shift")) and ch.lower() != ch.upper():
                self.tap("key.shift")
                want = ch.isupper()
                self.wait_for(lambda h: bool(h.get("shift")) == want, 5, "shift to toggle")
            before = self.hook()["fields"].get("guest_name", "")
            self.tap(key)
            self.wait_for(lambda h: h["fields"].get("guest_name", "") != before, 5,
                          f"the key {ch!r} to type")

    # -- the screen as a scanner sees it ------------------------------------------------------

    def screenshot(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(path))
        return path

    def read_qr_codes(self, path: Path) -> list[str]:
        """Every QR code zbarimg (the door scanner's stand-in) reads off a screenshot."""
        self.screenshot(path)
        done = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable",
                               str(path)], capture_output=True, text=True, timeout=30)
        return [line for line in done.stdout.splitlines() if line]

    def browser_log(self) -> list[str]:
        try:
            entries = self.driver.get_log("browser")
        except Exception:  # the log is best effort, for failure reports only
            return self.console
        self.console.extend(f"{e.get('level')} {e.get('message')}" for e in entries)
        return self.console

    def run_js(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(script, *args)
