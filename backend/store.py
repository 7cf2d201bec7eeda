"""The durable SQLite store: schema migrations, one writer thread with group commit, readers.

Every write goes through one thread that takes all waiting jobs, runs them in one transaction
and commits once (WAL, synchronous=FULL); if a job fails, the batch is run again with a
savepoint per job, so that only that job is lost. One fsync then covers a
whole burst of webhook deliveries, and no job waits for the database lock longer than its own
deadline, so the webhook receiver can always answer within be-in's 3 seconds.
"""
from __future__ import annotations

import asyncio
import logging
import os
import queue
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, TypeVar

from .schema import MIGRATIONS

log = logging.getLogger("kiosk.store")
T = TypeVar("T")
Job = Callable[[sqlite3.Connection], Any]
MAX_BATCH = 64
CHECKPOINT_EVERY_SECONDS = 1.0


class StoreUnavailable(Exception):
    """The store could not write in time (locked, full disk, read-only)."""


@dataclass
class _WriteJob:
    fn: Job
    deadline: float
    loop: asyncio.AbstractEventLoop | None
    future: Any
    result: Any = None
    error: BaseException | None = None
    # Only write_sync waits on an Event; the event loop's jobs skip the cost of making one.
    done: threading.Event | None = None


def connect(path: Path) -> sqlite3.Connection:
    """A connection with the pragmas every user of the store needs."""
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False,
                           timeout=0.5)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def prepare_file(path: Path) -> None:
    """Create the folder (0700) and the file (0600) before SQLite does, with tight modes.

    Call it only before this process connects: closing any descriptor of an open SQLite file
    drops the process's POSIX locks on it, and another process could then delete the WAL."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
    tighten_modes(path)


def tighten_modes(path: Path) -> None:
    """0600 for the database and its WAL and shared-memory files (chmod leaves locks alone)."""
    for suffix in ("", "-wal", "-shm"):
        extra = Path(str(path) + suffix)
        if extra.exists():
            os.chmod(extra, 0o600)


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema to the newest version; returns it."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    for target, script in MIGRATIONS:
        if target <= version:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in script:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version={int(target)}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        log.info("store schema migrated to version %d", target)
        version = target
    return version


def run_transaction(conn: sqlite3.Connection, fn: Callable[[sqlite3.Connection], T]) -> T:
    """Run fn in one immediate transaction (for the command-line tools)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = fn(conn)
        conn.execute("COMMIT")
        return result
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _expire(future: asyncio.Future[Any]) -> None:
    if not future.done():
        future.set_exception(StoreUnavailable("the store did not commit in time"))


class Store:
    """The server's store: `await write(fn)` and `await read(fn)` with fn(conn) -> value."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._jobs: queue.Queue[_WriteJob | None] = queue.Queue()
        self._writer: threading.Thread | None = None
        self._readers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="store-read")
        self._local = threading.local()
        self._write_conn: sqlite3.Connection | None = None
        self._checkpointer: threading.Thread | None = None
        self._closing = threading.Event()

    def open(self) -> None:
        """Create or migrate the database and start the writer thread."""
        prepare_file(self.path)
        self._write_conn = connect(self.path)
        migrate(self._write_conn)
        tighten_modes(self.path)
        # Checkpoints copy the WAL into the database file; done inside a commit they would stall
        # that batch of webhooks for tens of milliseconds, so another thread does them.
        self._write_conn.execute("PRAGMA wal_autocheckpoint=0")
        self._writer = threading.Thread(target=self._write_loop, name="store-write",
                                        daemon=True)
        self._writer.start()
        self._checkpointer = threading.Thread(target=self._checkpoint_loop,
                                              name="store-checkpoint", daemon=True)
        self._checkpointer.start()

    def close(self) -> None:
        self._closing.set()
        if self._checkpointer is not None:
            self._checkpointer.join(10)
            self._checkpointer = None
        if self._writer is not None:
            self._jobs.put(None)
            self._writer.join(10)
            self._writer = None
        self._readers.shutdown(wait=True)
        if self._write_conn is not None:
            self._write_conn.close()

    async def write(self, fn: Callable[[sqlite3.Connection], T], budget: float = 2.5) -> T:
        """Run fn in the next committed batch; StoreUnavailable if not durable within budget.

        fn may run twice (after a rollback, when another job of its batch fails): it must only
        touch the database."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._jobs.put(_WriteJob(fn, time.monotonic() + budget, loop, future))
        # A job that is still queued past its budget fails itself; this timer, with a margin,
        # only matters if the disk itself stalls inside a commit. One plain timer on the future
        # costs the webhook path less than asyncio.timeout with a shield.
        timer = loop.call_later(budget + 0.3, _expire, future)
        try:
            return await future
        finally:
            timer.cancel()

    def write_sync(self, fn: Callable[[sqlite3.Connection], T], budget: float = 2.5) -> T:
        """The same as write, from a thread that has no event loop."""
        job = _WriteJob(fn, time.monotonic() + budget, None, None, done=threading.Event())
        self._jobs.put(job)
        if not job.done.wait(budget + 0.3):
            raise StoreUnavailable("the store did not commit in time")
        if job.error is not None:
            raise job.error
        return job.result

    async def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._readers, self._read, fn)

    def _read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path)
            conn.execute("PRAGMA query_only=ON")
            self._local.conn = conn
        return fn(conn)

    def _checkpoint_loop(self) -> None:
        conn = connect(self.path)
        conn.execute("PRAGMA busy_timeout=1000")
        try:
            while not self._closing.wait(CHECKPOINT_EVERY_SECONDS):
                try:
                    # PASSIVE never waits for or blocks the writer and the readers.
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error as error:
                    log.warning("store checkpoint failed: %s", error)
        finally:
            conn.close()

    def _write_loop(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            batch = [job]
            while len(batch) < MAX_BATCH:
                try:
                    more = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._jobs.put(None)
                    break
                batch.append(more)
            self._run_batch(batch)

    def _run_batch(self, batch: list[_WriteJob]) -> None:
        conn = self._write_conn
        assert conn is not None
        now = time.monotonic()
        live, late = [], []
        for job in batch:
            if job.deadline <= now + 0.02:
                job.error = StoreUnavailable("the store was busy for too long")
                late.append(job)
            else:
                live.append(job)
        _finish(late)
        if not live:
            return
        wait_ms = int((min(job.deadline for job in live) - now) * 1000)
        try:
            conn.execute(f"PRAGMA busy_timeout={max(wait_ms, 10)}")
            conn.execute("BEGIN IMMEDIATE")
            if not self._run_all(conn, live):
                # A job failed: undo the batch and run it again with a savepoint per job, so
                # that only the failing job is lost.
                conn.execute("ROLLBACK")
                conn.execute("BEGIN IMMEDIATE")
                for job in live:
                    self._run_job(conn, job)
            conn.execute("COMMIT")
        except sqlite3.Error as error:
            log.error("store write failed: %s", error)
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            for job in live:
                job.error = StoreUnavailable(f"the store cannot write: {error}")
        _finish(live)

    @staticmethod
    def _run_all(conn: sqlite3.Connection, jobs: list[_WriteJob]) -> bool:
        """Run the jobs with no savepoints; False as soon as one fails.

        Failures are rare, and every statement costs this thread a wait for the GIL held by
        the event loop, so two statements fewer per job shorten each webhook batch."""
        for job in jobs:
            try:
                job.result = job.fn(conn)
            except sqlite3.OperationalError:
                raise
            except Exception:  # replayed by _run_job, which records the error
                return False
        return True

    @staticmethod
    def _run_job(conn: sqlite3.Connection, job: _WriteJob) -> None:
        # A failing job rolls back only its own savepoint; the rest of the batch still commits.
        conn.execute("SAVEPOINT job")
        try:
            job.result = job.fn(conn)
            conn.execute("RELEASE job")
        except sqlite3.OperationalError:
            raise
        except Exception as error:  # a bug or a constraint in one job
            conn.execute("ROLLBACK TO job")
            conn.execute("RELEASE job")
            job.error = error


def _finish(jobs: list[_WriteJob]) -> None:
    """Hand the results back: one wake-up of each event loop per batch, not one per job."""
    by_loop: dict[asyncio.AbstractEventLoop, list[_WriteJob]] = {}
    for job in jobs:
        if job.done is not None:
            job.done.set()
        if job.loop is not None:
            by_loop.setdefault(job.loop, []).append(job)
    for loop, waiting in by_loop.items():
        try:
            loop.call_soon_threadsafe(_resolve, waiting)
        except RuntimeError:  # the loop has closed during shutdown
            pass


def _resolve(jobs: list[_WriteJob]) -> None:
    for job in jobs:
        if job.future.done():  # timed out already
            continue
        if job.error is not None:
            job.future.set_exception(job.error)
        else:
            job.future.set_result(job.result)
