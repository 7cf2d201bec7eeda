"""Fixtures for the browser tests: a fresh serve.py per test and a tablet-sized Chromium."""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Iterator

import pytest

from backend_process import REPO, Backend, Simulator
from kiosk_browser import KioskBrowser, TABLETS, Tablet

OUTPUT = REPO / "test-output" / "browser"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if (REPO / "build" / "web" / "index.html").exists():
        return
    if os.environ.get("KIOSK_REQUIRE_BUILD"):
        raise pytest.UsageError("the kiosk is not built: build/web/index.html is missing")
    skip = pytest.mark.skip(reason="the kiosk is not built (run ./kiosk build)")
    for item in items:
        item.add_marker(skip)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.stash[FAILED] = report.failed


FAILED = pytest.StashKey[bool]()
FIGURES: list[str] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if FIGURES:
        terminalreporter.section("kiosk timings")
        for line in FIGURES:
            terminalreporter.write_line(line)


@pytest.fixture
def figure() -> callable:
    """Record a measured figure; the session prints them all after the tests."""
    return FIGURES.append


def artifact_dir(node: pytest.Item) -> Path:
    name = node.name.replace("/", "_").replace("[", "-").replace("]", "")
    return OUTPUT / name


@pytest.fixture
def output_dir(request: pytest.FixtureRequest) -> Path:
    path = artifact_dir(request.node)
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


@pytest.fixture
def backend_factory(tmp_path: Path, output_dir: Path) -> Iterator[callable]:
    started: list[Backend] = []

    def start(**env: str) -> Backend:
        backend = Backend(tmp_path, env)
        started.append(backend)
        backend.start()
        return backend

    yield start
    for backend in started:
        backend.stop()
        if backend.log_path.exists():
            shutil.copy(backend.log_path, output_dir / "serve.log")


@pytest.fixture
def real_backend(tmp_path: Path, output_dir: Path) -> Iterator[Backend]:
    """serve.py in real mode against the be-in simulator running on its own, not yet started:
    its webhook endpoint is registered with the simulator, as staff would do it."""
    simulator = Simulator(tmp_path, key="cb2e8c89-b2b4-4d3b-8d7b-97f4753c8f8e")
    simulator.start()
    backend = Backend(tmp_path, {"BEIN_API_KEY": simulator.key, "BEIN_API_BASE": simulator.url})
    backend.simulator = simulator
    backend.command("register-webhook", "--url", backend.url + "/bein-webhooks")
    try:
        yield backend
    finally:
        backend.stop()
        simulator.stop()
        for process in (backend, simulator):
            if process.log_path.exists():
                shutil.copy(process.log_path, output_dir / process.log_path.name)


def open_tablet(request: pytest.FixtureRequest, tablet: Tablet,
                output_dir: Path) -> Iterator[KioskBrowser]:
    browser = KioskBrowser(tablet)
    try:
        yield browser
    finally:
        if request.node.stash.get(FAILED, True):
            try:
                browser.screenshot(output_dir / "failure.png")
            except Exception as error:  # the browser may be what failed
                (output_dir / "failure.txt").write_text(f"no screenshot: {error}\n")
            (output_dir / "console.log").write_text("\n".join(browser.browser_log()) + "\n")
            hook = None
            try:
                hook = browser.hook()
            except Exception:
                pass
            (output_dir / "hook.json").write_text(f"{hook}\n")
        browser.close()


@pytest.fixture(params=TABLETS, ids=[t.name for t in TABLETS])
def any_tablet(request: pytest.FixtureRequest, output_dir: Path) -> Iterator[KioskBrowser]:
    yield from open_tablet(request, request.param, output_dir)


@pytest.fixture
def tablet(request: pytest.FixtureRequest, output_dir: Path) -> Iterator[KioskBrowser]:
    """The first profile (768x1024 at pixel ratio 2, portrait) for single-profile tests."""
    yield from open_tablet(request, TABLETS[0], output_dir)


@pytest.fixture
def landscape(request: pytest.FixtureRequest, output_dir: Path) -> Iterator[KioskBrowser]:
    yield from open_tablet(request, TABLETS[1], output_dir)
