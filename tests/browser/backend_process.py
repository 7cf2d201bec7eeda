"""Run serve.py as a separate process on a free loopback port, as a person would run it."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
PYTHON = "/usr/bin/python3"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Backend:
    """serve.py with its own store (demo mode unless env says otherwise); can be stopped and
    started again in place."""

    log_name = "serve.log"
    ready_path = "/api/health"

    def __init__(self, workdir: Path, env: dict[str, str] | None = None) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("BEIN_", "KIOSK_"))}
        self.env.update({"KIOSK_DB": str(workdir / "kiosk.db"), "PYTHONUNBUFFERED": "1"})
        self.env.update(env or {})
        self.log_path = workdir / self.log_name
        self.process: subprocess.Popen[bytes] | None = None

    def arguments(self) -> list[str]:
        return ["--host", "127.0.0.1", "--port", str(self.port),
                "--web", str(REPO / "build" / "web")]

    def start(self, timeout: float = 20.0) -> None:
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [PYTHON, str(REPO / "serve.py"), *self.arguments()],
            cwd=self.workdir, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve.py exited with {self.process.returncode}; "
                                   f"see {self.log_path}")
            try:
                self.request("GET", self.ready_path)
                return
            except (OSError, urllib.error.URLError):
                time.sleep(0.1)
        raise RuntimeError(f"serve.py did not answer within {timeout} s; see {self.log_path}")

    def command(self, *args: str, stdin: str = "") -> str:
        """Another serve.py command (pair, revoke, staff-pin...) with this server's settings."""
        done = subprocess.run([PYTHON, str(REPO / "serve.py"), *args], cwd=self.workdir,
                              env=self.env, input=stdin, capture_output=True, text=True,
                              timeout=30)
        assert done.returncode == 0, f"serve.py {args[0]} failed: {done.stderr}"
        return done.stdout

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None

    def request(self, method: str, path: str, body: Any = None,
                timeout: float = 10.0) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as answer:
                status, raw = answer.status, answer.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw

    def switches(self, **values: Any) -> None:
        status, answer = self.request("POST", "/sim/switches", values)
        assert status == 200, f"/sim/switches answered {status}: {answer}"

    def scan(self, payload: str, pod_id: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"payload": payload}
        if pod_id:
            body["pod_id"] = pod_id
        status, answer = self.request("POST", "/sim/scan", body)
        assert status == 200, f"/sim/scan answered {status}: {answer}"
        return answer


class Simulator(Backend):
    """The be-in simulator on its own (`serve.py simulate`), for a backend in real mode."""

    log_name = "simulator.log"
    ready_path = "/sim/switches"

    def __init__(self, workdir: Path, key: str) -> None:
        super().__init__(workdir)
        self.key = key

    def arguments(self) -> list[str]:
        return ["simulate", "--port", str(self.port), "--key", self.key]
