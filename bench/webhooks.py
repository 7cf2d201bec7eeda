#!/usr/bin/python3
"""Measure the webhook receiver and the waiting kiosks against serve.py on loopback.

Starts `serve.py simulate` and serve.py in real mode against it (temporary store), then prints:
  1. time to 200 (p50, p99) for N signed deliveries sent 50 at a time, and whether every
     acknowledged delivery is in the store afterwards (goal: p99 <= 25 ms);
  2. latency from a webhook to the answer of a waiting GET /api/passes/{id}?wait=25 (p50, p95;
     goal p95 <= 20 ms) beside what a kiosk polling once a second sees, in the same run;
  3. K waiting kiosks and 20 deliveries a second for S seconds: errors, and the server's peak
     resident memory (VmHWM, what `/usr/bin/time -v` calls maximum resident set size; goal
     no errors and <= 100 MB).

Usage: bench/webhooks.py [--quick] [--deliveries 2000] [--kiosks 200] [--seconds 60]
                         [--parts 123] [--repeat 1] [--loops auto|asyncio,uvloop]
With several --loops, one server per event loop runs and part 1 alternates between them (an A/B
in the same run, medians printed); parts 2 and 3 use the first.
The bench process competes with the server for the same 2 cores; figures include that, so part 1
signs every body before the clock starts and posts them through a lean keep-alive HTTP/1.1
client (RawPoster) whose own CPU time is printed beside the server's.
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "server"))

from server_harness import (MAIN_ENTRANCE, WEBHOOK_SECRET, Backend, Simulator,  # noqa: E402
                            envelope, sign)

# One bench kiosk token stands for all the waiting kiosks, so the per-kiosk limits are lifted.
BENCH_LIMITS = {"KIOSK_PASSES_PER_MINUTE": "10000", "KIOSK_PASSES_PER_DAY": "100000",
                "KIOSK_SERVER_PASSES_PER_MINUTE": "10000",
                "KIOSK_SERVER_PASSES_PER_DAY": "1000000"}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def signed(body: bytes) -> dict[str, str]:
    stamp = int(time.time() * 1000)
    return {"content-type": "application/json", "x-platform-timestamp": str(stamp),
            "x-platform-signature": sign(WEBHOOK_SECRET, stamp, body)}


def signed_request(host: str, body: bytes) -> bytes:
    """A complete HTTP/1.1 POST of a signed delivery, ready to write to a socket."""
    head = "".join(f"{name}: {value}\r\n" for name, value in signed(body).items())
    return (f"POST /bein-webhooks HTTP/1.1\r\nHost: {host}\r\n{head}"
            f"Content-Length: {len(body)}\r\n\r\n").encode("ascii") + body


class RawPoster:
    """One keep-alive connection that writes pre-built requests and reads each answer.

    It understands only answers with a Content-Length, which is all serve.py sends; anything
    else is an error rather than a guess."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, host: str, port: int) -> "RawPoster":
        return cls(*await asyncio.open_connection(host, port))

    async def post(self, request: bytes) -> int:
        """Send one request; the answer's status."""
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length = None
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        if length is None:
            raise RuntimeError(f"answer without Content-Length: {lines[0]}")
        await self.reader.readexactly(length)
        return status

    async def close(self) -> None:
        self.writer.close()
        await self.writer.wait_closed()


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Bench:
    def __init__(self, backend: Backend, session: aiohttp.ClientSession) -> None:
        self.backend = backend
        self.session = session
        self.auth = {"Authorization": f"Bearer {backend.token}"}

    async def deliver(self, body: bytes) -> int:
        async with self.session.post(self.backend.url + "/bein-webhooks", data=body,
                                     headers=signed(body)) as answer:
            await answer.read()
            return answer.status

    async def new_pass(self) -> str:
        body = {"pod_id": MAIN_ENTRANCE, "guest_name": "Bench Guest", "purpose": "visit",
                "language": "en"}
        async with self.session.post(self.backend.url + "/api/passes", json=body,
                                     headers=self.auth) as answer:
            data = await answer.json()
            if answer.status != 201:
                raise RuntimeError(f"POST /api/passes answered {answer.status}: {data}")
            return data["request_id"]

    async def status(self, request_id: str, wait: float) -> str:
        async with self.session.get(f"{self.backend.url}/api/passes/{request_id}?wait={wait:g}",
                                    headers=self.auth) as answer:
            data = await answer.json()
            if answer.status != 200:
                raise RuntimeError(f"GET /api/passes answered {answer.status}: {data}")
            return data["status"]

    # 1. Acknowledgement time --------------------------------------------------------------
    async def acknowledgements(self, count: int, concurrency: int = 50,
                               label: str = "") -> tuple[float, float]:
        """Part 1 once; returns p50 and p99 in milliseconds."""
        host, port = "127.0.0.1", self.backend.port
        bodies = [envelope(f"bein_ack{i}", envelope_id=str(uuid.uuid4())) for i in range(count)]
        # Signed before the clock starts, so that the bench's own HMACs do not take CPU from
        # the server; a second or two is far inside the 5-minute live window.
        requests = [signed_request(f"{host}:{port}", body) for body in bodies]
        pending = list(enumerate(requests))
        times: list[float] = []
        acknowledged: list[int] = []
        failures: list[int] = []
        posters = [await RawPoster.open(host, port) for _ in range(concurrency)]

        async def worker(poster: RawPoster) -> None:
            while pending:
                index, request = pending.pop()
                started = time.perf_counter()
                status = await poster.post(request)
                times.append((time.perf_counter() - started) * 1000)
                (acknowledged if status == 200 else failures).append(index)

        # Warm up each connection (be-in keeps its own alive), untimed but checked.
        warm_up = [signed_request(f"{host}:{port}", envelope(f"bein_warm{i}"))
                   for i in range(concurrency)]
        statuses = await asyncio.gather(*(p.post(r) for p, r in zip(posters, warm_up)))
        assert statuses == [200] * concurrency, statuses
        started, cpu_before = time.perf_counter(), cpu_seconds(self.backend.process.pid)
        bench_cpu_before = time.process_time()
        await asyncio.gather(*(worker(poster) for poster in posters))
        elapsed = time.perf_counter() - started
        cpu_each = (cpu_seconds(self.backend.process.pid) - cpu_before) / count * 1e6
        bench_cpu_each = (time.process_time() - bench_cpu_before) / count * 1e6
        await asyncio.gather(*(poster.close() for poster in posters))
        ids = {json.loads(bodies[i])["id"] for i in acknowledged}
        conn = sqlite3.connect(f"file:{self.backend.db_path}?mode=ro", uri=True)
        stored = {row[0] for row in conn.execute("SELECT envelope_id FROM deliveries")}
        conn.close()
        missing = len(ids - stored)
        p50, p99 = percentile(times, 0.5), percentile(times, 0.99)
        print(f"1. {label}{count} signed deliveries, {concurrency} concurrent: time to 200 "
              f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
              f"max {max(times):.1f} ms ({count / elapsed:.0f}/s, server CPU "
              f"{cpu_each:.0f} us each, bench client {bench_cpu_each:.0f} us); "
              f"{len(acknowledged)} acknowledged, {len(failures)} refused, {missing} "
              "acknowledged but missing from the store", flush=True)
        return p50, p99

    # 2. Webhook to waiting kiosk ----------------------------------------------------------
    async def wake_latency(self, trials: int) -> None:
        waiting_ms: list[float] = []
        polling_ms: list[float] = []
        for _ in range(trials):
            waited, polled = await self.new_pass(), await self.new_pass()
            answered: dict[str, float] = {}

            async def long_poll() -> None:
                await self.status(waited, 25)
                answered["wait"] = time.perf_counter()

            async def poll_every_second() -> None:
                # A kiosk that polls once a second, at a phase unrelated to the scan.
                await asyncio.sleep(random.random())
                while await self.status(polled, 0) == "pending":
                    await asyncio.sleep(1.0)
                answered["poll"] = time.perf_counter()

            tasks = [asyncio.create_task(long_poll()), asyncio.create_task(poll_every_second())]
            await asyncio.sleep(0.3 + random.random() * 0.5)
            sent = time.perf_counter()
            statuses = await asyncio.gather(self.deliver(envelope(waited)),
                                            self.deliver(envelope(polled)))
            assert statuses == [200, 200], statuses
            await asyncio.gather(*tasks)
            waiting_ms.append((answered["wait"] - sent) * 1000)
            polling_ms.append((answered["poll"] - sent) * 1000)
        print(f"2. webhook sent -> waiting GET answered ({trials} trials): "
              f"p50 {percentile(waiting_ms, 0.5):.1f} ms, p95 {percentile(waiting_ms, 0.95):.1f}"
              f" ms; a kiosk polling once a second: p50 {percentile(polling_ms, 0.5):.0f} ms, "
              f"p95 {percentile(polling_ms, 0.95):.0f} ms")

    # 3. Many waiting kiosks under steady deliveries ---------------------------------------
    async def soak(self, kiosks: int, seconds: float, rate: float = 20.0) -> None:
        errors: list[str] = []
        waiting: set[str] = set()
        entries = 0
        stop = time.monotonic() + seconds

        async def kiosk() -> None:
            request_id = await self.new_pass()
            while time.monotonic() < stop:
                waiting.add(request_id)
                try:
                    state = await self.status(request_id, 25)
                except Exception as error:  # counted, the kiosk carries on
                    errors.append(f"GET: {error}")
                    await asyncio.sleep(1)
                    continue
                if state == "entered" and time.monotonic() < stop:
                    waiting.discard(request_id)
                    try:
                        request_id = await self.new_pass()
                    except Exception as error:
                        errors.append(f"POST: {error}")
                        await asyncio.sleep(1)

        async def door() -> None:
            nonlocal entries
            tick = time.monotonic()
            while time.monotonic() < stop:
                # Mostly guests of waiting kiosks; some entries for other partners' passes.
                chosen = random.choice(sorted(waiting)) if waiting and random.random() < 0.8 \
                    else f"bein_other{random.random()}"
                waiting.discard(chosen)
                try:
                    status = await self.deliver(envelope(chosen))
                    entries += status == 200
                    if status != 200:
                        errors.append(f"webhook {status}")
                except Exception as error:
                    errors.append(f"webhook: {error}")
                tick += 1 / rate
                await asyncio.sleep(max(0.0, tick - time.monotonic()))

        before = peak_rss_mb(self.backend.process.pid)
        ramp = [asyncio.create_task(kiosk()) for _ in range(kiosks)]
        await asyncio.sleep(1.0)
        await asyncio.gather(door(), *ramp)
        print(f"3. {kiosks} waiting kiosks, {rate:.0f} deliveries/s for {seconds:.0f} s: "
              f"{entries} deliveries acknowledged, {len(errors)} errors"
              f"{' (' + '; '.join(errors[:3]) + ')' if errors else ''}; server peak RSS "
              f"{peak_rss_mb(self.backend.process.pid):.1f} MB (at start {before:.1f} MB)")


async def run(args: argparse.Namespace, backends: dict[str, Backend]) -> None:
    # The bench's own full garbage collections would show up as the server's latency.
    gc.collect()
    gc.freeze()
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=40)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        benches = {loop: Bench(backend, session) for loop, backend in backends.items()}
        if "1" in args.parts:
            await compare_acknowledgements(args, benches)
        bench = next(iter(benches.values()))
        if "2" in args.parts:
            await bench.wake_latency(args.trials)
        if "3" in args.parts:
            await bench.soak(args.kiosks, args.seconds)


async def compare_acknowledgements(args: argparse.Namespace, benches: dict[str, Bench]) -> None:
    """Part 1, args.repeat times per server, the servers taking turns; medians at the end."""
    results: dict[str, list[tuple[float, float]]] = {loop: [] for loop in benches}
    labelled = len(benches) > 1
    for _ in range(args.repeat):
        for loop, bench in benches.items():
            label = f"[{loop}] " if labelled else ""
            results[loop].append(await bench.acknowledgements(args.deliveries, label=label))
    if args.repeat > 1:
        for loop, runs in results.items():
            label = f"[{loop}] " if labelled else ""
            print(f"1. {label}median of {len(runs)} runs: p50 "
                  f"{statistics.median(r[0] for r in runs):.1f} ms, p99 "
                  f"{statistics.median(r[1] for r in runs):.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--deliveries", type=int, default=2000)
    parser.add_argument("--trials", type=int, default=40)
    parser.add_argument("--kiosks", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--parts", default="123", help="which parts to run, e.g. 1 or 23")
    parser.add_argument("--repeat", type=int, default=1, help="runs of part 1 in a row")
    parser.add_argument("--loops", default="auto",
                        help="KIOSK_EVENT_LOOP of each server, e.g. asyncio,uvloop")
    args = parser.parse_args()
    if args.quick:
        args.deliveries, args.trials, args.kiosks, args.seconds = 200, 5, 20, 5.0
    # Other work on the same 2 cores changes every figure below, so say how busy they were.
    print(f"load average before the run: {os.getloadavg()[0]:.2f} (2 cores)")
    with tempfile.TemporaryDirectory(prefix="bench-webhooks-") as folder:
        work = Path(folder)
        simulator = Simulator(work).start()
        backends: dict[str, Backend] = {}
        try:
            for loop in args.loops.split(","):
                (work / loop).mkdir()
                backends[loop] = Backend(work / loop, simulator, KIOSK_EVENT_LOOP=loop,
                                         **BENCH_LIMITS).start()
                backends[loop].pair("Bench kiosk")
            asyncio.run(run(args, backends))
            print(f"load average after the run: {os.getloadavg()[0]:.2f}")
        finally:
            for backend in backends.values():
                backend.stop()
            simulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
