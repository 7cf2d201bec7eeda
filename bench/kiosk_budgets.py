#!/usr/bin/python3
"""Measure the kiosk's budgets in headless Chromium against serve.py (demo mode) on loopback.

Prints, for the built kiosk in build/web:
  - bytes transferred before the first frame (compressed, cold cache), median of 5 loads;
  - time from navigation start to the first drawn frame (the loading screen), median of 5
    loads, and beside it the time to the first frame of a usable screen;
  - frames drawn in 10 s on an idle Welcome screen, beside the frames a plain
    requestAnimationFrame loop (what a plain ImGui main loop draws) gets in the same page;
  - the WebAssembly heap after N issue-and-expire cycles against its size after the first 10.

Usage: bench/kiosk_budgets.py [--loads 5] [--idle-seconds 10] [--cycles 500]
Budgets (issue 3): <= 300 KB, <= 500 ms, <= 25 frames, heap growth <= 2 MB.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))

from backend_process import Backend  # noqa: E402
from kiosk_browser import TABLETS, KioskBrowser  # noqa: E402

# Records, on the page's clock, the first drawn frame (the kiosk assigns window.kioskTest after
# every drawn frame) and the first frame of a screen a guest can use (past the loading screen).
FIRST_FRAME_PROBE = """
(() => {
  let hook;
  Object.defineProperty(window, 'kioskTest', {
    configurable: true,
    get() { return hook; },
    set(value) {
      if (window.__firstFrameMs === undefined) window.__firstFrameMs = performance.now();
      if (window.__firstScreenMs === undefined && value && value.screen !== 'loading') {
        window.__firstScreenMs = performance.now();
      }
      hook = value;
    },
  });
})();
"""

TRANSFER_BEFORE = """
const until = arguments[0];
const nav = performance.getEntriesByType('navigation')[0];
let bytes = nav ? nav.transferSize : 0;
for (const r of performance.getEntriesByType('resource')) {
  if (r.responseEnd <= until) bytes += r.transferSize;
}
return bytes;
"""


def cold_load(url: str) -> tuple[float, int, float]:
    """One load in a fresh profile: (ms to the first frame, bytes transferred before it,
    ms to the first frame of a usable screen)."""
    browser = KioskBrowser(TABLETS[0])
    try:
        browser.driver.execute_cdp_cmd("Network.enable", {})
        browser.driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
        browser.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                                       {"source": FIRST_FRAME_PROBE})
        browser.open(url)
        first = browser.run_js("return window.__firstFrameMs")
        usable = browser.run_js("return window.__firstScreenMs")
        return first, browser.run_js(TRANSFER_BEFORE, first), usable
    finally:
        browser.close()


def idle_frames(url: str, seconds: float) -> tuple[int, int]:
    """Frames the kiosk draws on an idle Welcome screen, and animation frames in the same span."""
    browser = KioskBrowser(TABLETS[0])
    try:
        browser.open(url)
        browser.wait_screen("welcome")
        time.sleep(2)  # let the frames after loading settle
        browser.run_js("""
            window.__raf = 0;
            const tick = () => { window.__raf++; requestAnimationFrame(tick); };
            requestAnimationFrame(tick);
        """)
        start = browser.hook()["frame"]
        time.sleep(seconds)
        drawn = browser.hook()["frame"] - start
        return drawn, browser.run_js("return window.__raf")
    finally:
        browser.close()


def heap_cycles(url: str, cycles: int) -> tuple[int, int]:
    """Heap bytes after 10 issue-and-expire cycles and after `cycles` of them."""
    browser = KioskBrowser(TABLETS[1])
    try:
        browser.open(url)
        browser.wait_screen("welcome")
        browser.tap("get_pass")
        browser.wait_screen("details")
        browser.type_name("Heap Test")
        rects = browser.hook()["rects"]
        purposes = sorted(r for r in rects if r.startswith("purpose."))
        if purposes:
            browser.tap(purposes[0])
        browser.tap("confirm")
        after_ten = 0
        for cycle in range(1, cycles + 1):
            browser.wait_screen("pass", 20)
            hook = browser.wait_screen("expired", 60)
            if cycle == 10:
                after_ten = hook["heap_bytes"]
            if cycle < cycles:
                browser.tap("new_pass")
        return after_ten, browser.hook()["heap_bytes"]
    finally:
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--idle-seconds", type=float, default=10.0)
    parser.add_argument("--cycles", type=int, default=500, help="0 skips the heap cycles")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as work:
        # The shortest validity the demo allows, and no pass limits: the cycles issue hundreds.
        backend = Backend(Path(work), {
            "KIOSK_PASS_VALIDITY_MINUTES": "0.01", "KIOSK_PASSES_PER_MINUTE": "100000",
            "KIOSK_PASSES_PER_DAY": "100000", "KIOSK_SERVER_PASSES_PER_MINUTE": "10000",
            "KIOSK_SERVER_PASSES_PER_DAY": "1000000"})
        backend.start()
        try:
            url = backend.url + "/"
            loads = [cold_load(url) for _ in range(args.loads)]
            times = sorted(ms for ms, _, _ in loads)
            sizes = sorted(size for _, size, _ in loads)
            usable = sorted(ms for _, _, ms in loads)
            print(f"first frame after navigation start: median {statistics.median(times):.0f} ms"
                  f" (min {times[0]:.0f}, max {times[-1]:.0f}; {args.loads} cold loads;"
                  f" budget 500 ms)")
            print(f"first frame of a usable screen (welcome or pair): median"
                  f" {statistics.median(usable):.0f} ms"
                  f" (min {usable[0]:.0f}, max {usable[-1]:.0f})")
            print(f"bytes before the first frame, compressed: median"
                  f" {statistics.median(sizes) / 1000:.1f} KB (budget 300 KB)")

            drawn, plain = idle_frames(url, args.idle_seconds)
            print(f"frames drawn in {args.idle_seconds:.0f} s on idle Welcome: {drawn}"
                  f" (budget 25); a plain animation-frame loop in the same page: {plain};"
                  f" ratio {drawn / max(plain, 1):.3f}")

            if args.cycles >= 10:
                first, last = heap_cycles(url, args.cycles)
                print(f"wasm heap after 10 issue-and-expire cycles: {first / 1e6:.2f} MB;"
                      f" after {args.cycles}: {last / 1e6:.2f} MB;"
                      f" growth {(last - first) / 1e6:+.3f} MB (budget 2 MB)")
        finally:
            backend.stop()


if __name__ == "__main__":
    main()
