#!/usr/bin/python3
"""Where the kiosk's time to its first frame goes: several cold loads, one line of marks each.

Starts serve.py (demo mode) on loopback, loads build/web in a fresh headless Chromium per load
(cache disabled, the first tablet of the browser test) and prints, in ms after navigation
start, the user-timing marks the loader and the app set ("kiosk:*"), when the app's JS and
wasm finished arriving, and the first drawn frame (the first assignment of window.kioskTest,
as bench/kiosk_budgets.py records it) and the first frame of a screen other than "loading"
("ready"); then the median of each column.

With several --web folders (builds to compare), the loads alternate between them, so that a
machine busy with other work weighs on each build alike.

Usage: tools/first_frame_marks.py [--loads 7] [--tablet 0] [--web DIR ...]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))

from backend_process import PYTHON, free_port  # noqa: E402

sys.path.insert(0, str(REPO / "bench"))
from kiosk_budgets import FIRST_FRAME_PROBE  # noqa: E402
from kiosk_browser import TABLETS, KioskBrowser  # noqa: E402

# The bench's probe records the first frame; this one, run after it, adds the first frame of a
# screen other than "loading".
READY_PROBE = """
(() => {
  const first = Object.getOwnPropertyDescriptor(window, 'kioskTest');
  Object.defineProperty(window, 'kioskTest', {
    configurable: true,
    get: first.get,
    set(value) {
      first.set(value);
      const ready = value && value.screen !== 'loading';
      if (ready && window.__readyMs === undefined) window.__readyMs = performance.now();
    },
  });
})();
"""

TIMINGS = """
const out = {};
for (const mark of performance.getEntriesByType('mark')) {
  if (mark.name.startsWith('kiosk:')) out[mark.name.slice(6)] = mark.startTime;
}
for (const r of performance.getEntriesByType('resource')) {
  const name = r.name.split('/').pop().split('?')[0];
  if (/\\.wasm$/.test(name)) out['wasm-end'] = r.responseEnd;
  else if (/^kiosk\\..*\\.js$/.test(name)) out['js-end'] = r.responseEnd;
}
const nav = performance.getEntriesByType('navigation')[0];
if (nav) out['html-end'] = nav.responseEnd;
out['first-frame'] = window.__firstFrameMs;
out['ready'] = window.__readyMs;
return out;
"""


def cold_load(url: str, tablet: int) -> dict[str, float]:
    """One load in a fresh profile with the cache disabled: its timings in ms."""
    browser = KioskBrowser(TABLETS[tablet])
    try:
        browser.driver.execute_cdp_cmd("Network.enable", {})
        browser.driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
        for probe in (FIRST_FRAME_PROBE, READY_PROBE):
            browser.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                                           {"source": probe})
        browser.open(url)
        browser.wait_for(lambda hook: hook["screen"] != "loading", 30, "a screen")
        return browser.run_js(TIMINGS)
    finally:
        browser.close()


def start_server(web: Path, work: Path) -> tuple[subprocess.Popen[bytes], str]:
    """serve.py in demo mode on a free loopback port, serving `web`; waits for its health."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BEIN_", "KIOSK_"))}
    env["KIOSK_DB"] = str(work / f"kiosk-{port}.db")
    process = subprocess.Popen(
        [PYTHON, str(REPO / "serve.py"), "--host", "127.0.0.1", "--port", str(port),
         "--web", str(web)], cwd=work, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(200):  # 20 s at most
        try:
            urllib.request.urlopen(url + "api/health", timeout=1).close()
            return process, url
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
    process.terminate()
    raise SystemExit(f"serve.py for {web} did not start")


def print_table(title: str, loads: list[dict[str, float]]) -> None:
    """One row per load and a row of medians; columns in the order of their medians."""
    names = sorted({name for load in loads for name in load if load[name] is not None},
                   key=lambda name: statistics.median(
                       load[name] for load in loads if load.get(name) is not None))
    print(title)
    print(" ".join(f"{name:>13}" for name in names))
    for load in loads:
        print(" ".join(f"{load.get(name) or 0:13.0f}" for name in names))
    medians = [statistics.median(load.get(name) or 0 for load in loads) for name in names]
    print(" ".join(f"{value:13.0f}" for value in medians), " <- median")


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=7, help="cold loads per build")
    parser.add_argument("--tablet", type=int, default=0, choices=range(len(TABLETS)))
    parser.add_argument("--web", type=Path, action="append",
                        help="a built kiosk folder (default: build/web); repeat to compare")
    args = parser.parse_args()
    webs = args.web or [REPO / "build" / "web"]

    with tempfile.TemporaryDirectory(prefix="kiosk-marks-") as work:
        servers = []
        try:
            for web in webs:
                servers.append(start_server(web.resolve(), Path(work)))
            loads: list[list[dict[str, float]]] = [[] for _ in webs]
            for _ in range(args.loads):
                for index, (_, url) in enumerate(servers):
                    loads[index].append(cold_load(url, args.tablet))
        finally:
            for process, _ in servers:
                process.terminate()
                process.wait(10)
    for web, rows in zip(webs, loads):
        print_table(f"== {web} ({TABLETS[args.tablet].name})", rows)


if __name__ == "__main__":
    main()
