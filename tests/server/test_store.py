"""The store's writer on its own: a failing job loses only itself, whatever its batch."""
from __future__ import annotations

import asyncio
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from backend.store import Store  # noqa: E402


def test_failing_job_loses_only_itself(tmp_path: Path) -> None:
    store = Store(tmp_path / "kiosk.db")
    store.open()

    def hold(conn: sqlite3.Connection) -> None:
        # Keeps the writer busy, so that the jobs below queue up and share one batch.
        time.sleep(0.2)

    def note(value: str, fail: bool = False):
        def job(conn: sqlite3.Connection) -> str:
            conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (value, value))
            if fail:
                raise ValueError("a bug in one job")
            return value
        return job

    async def run() -> list:
        first = asyncio.ensure_future(store.write(hold))
        await asyncio.sleep(0.05)
        jobs = [store.write(note("a")), store.write(note("b", fail=True)),
                store.write(note("c"))]
        results = await asyncio.gather(first, *jobs, return_exceptions=True)
        return results[1:]

    try:
        results = asyncio.run(run())
    finally:
        store.close()
    assert results[0] == "a" and results[2] == "c"
    assert isinstance(results[1], ValueError)
    conn = sqlite3.connect(tmp_path / "kiosk.db")
    keys = {row[0] for row in conn.execute("SELECT key FROM meta WHERE key IN ('a','b','c')")}
    conn.close()
    assert keys == {"a", "c"}
