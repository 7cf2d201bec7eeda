"""A 200 means stored on disk: under a held write lock, and across SIGKILL."""
from __future__ import annotations

import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

from server_harness import PYTHON, Backend, deliver, envelope

HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


def hold_write_lock(backend: Backend, seconds: float) -> subprocess.Popen[str]:
    holder = subprocess.Popen([PYTHON, "-c", HOLD_LOCK, str(backend.db_path), str(seconds)],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


def timed_delivery(backend: Backend, request_id: str) -> tuple[int, float]:
    started = time.monotonic()
    answer = deliver(backend, envelope(request_id))
    return answer.status, time.monotonic() - started


def test_50_deliveries_while_another_process_holds_the_lock_2s(real: Backend) -> None:
    request_ids = [f"bein_lock{i}" for i in range(50)]
    holder = hold_write_lock(real, 2.0)
    with ThreadPoolExecutor(50) as pool:
        results = list(pool.map(lambda r: timed_delivery(real, r), request_ids))
    holder.wait(10)
    assert all(status == 200 for status, _ in results), results
    assert max(seconds for _, seconds in results) < 3.0
    assert real.count("SELECT count(*) FROM deliveries") == 50


def test_lock_held_too_long_gives_503_within_3s_and_a_log_line(real: Backend) -> None:
    holder = hold_write_lock(real, 4.0)
    status, seconds = timed_delivery(real, "bein_toolong")
    holder.wait(10)
    assert status == 503 and seconds < 3.0
    assert "NOT stored" in real.log()
    # be-in's replay, once the lock is gone, is stored.
    assert deliver(real, envelope("bein_toolong")).status == 200


def test_sigkill_right_after_200_loses_nothing(start_backend, sim) -> None:
    backend = start_backend(sim)
    body = envelope("bein_killed")
    assert deliver(backend, body).status == 200
    backend.process.send_signal(signal.SIGKILL)
    backend.process.wait(5)
    backend.process = None
    backend.start()
    assert backend.count("SELECT count(*) FROM deliveries WHERE raw = ?", body) == 1
    assert deliver(backend, body).body["duplicate"] is True
