"""Fixtures for the backend tests: real serve.py processes on loopback, fresh stores."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable, Iterator

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from server_harness import Backend, Simulator  # noqa: E402


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    """`serve.py simulate` on its own port, shared by a module's tests."""
    sim = Simulator(tmp_path_factory.mktemp("sim")).start()
    yield sim
    sim.stop()


@pytest.fixture
def sim(simulator: Simulator) -> Simulator:
    """The shared simulator with its switches cleared."""
    simulator.reset()
    return simulator


@pytest.fixture
def start_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Backend]]:
    """Start serve.py with a fresh store; stopped after the test."""
    started: list[Backend] = []

    def start(simulator: Simulator | None = None, **env: str) -> Backend:
        backend = Backend(tmp_path_factory.mktemp("backend"), simulator, **env)
        started.append(backend)
        return backend.start()

    yield start
    for backend in started:
        backend.stop()


@pytest.fixture
def real(start_backend: Callable[..., Backend], sim: Simulator) -> Backend:
    """The backend in real mode against the simulator, with a paired kiosk."""
    backend = start_backend(sim, KIOSK_UPSTREAM_TIMEOUT_SECONDS="1")
    backend.pair()
    return backend


@pytest.fixture
def demo(start_backend: Callable[..., Backend]) -> Backend:
    """The backend in demo mode with a paired kiosk."""
    backend = start_backend()
    backend.pair()
    return backend
