"""Run serve.py (and `serve.py simulate`) as real processes on free loopback ports."""
from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
PYTHON = "/usr/bin/python3"
SIM_KEY = "cb2e8c89-b2b4-4d3b-8d7b-97f4753c8f8e"
WEBHOOK_SECRET = "whsec_test_0123456789abcdef0123456789abcdef"
MAIN_ENTRANCE = "11111111-1111-1111-1111-111111111111"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BEIN_", "KIOSK_"))}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: Any
    raw: bytes

    @property
    def code(self) -> str | None:
        if isinstance(self.body, dict) and isinstance(self.body.get("error"), dict):
            return self.body["error"].get("code")
        return None


def http(url: str, method: str = "GET", body: Any = None, headers: dict[str, str] | None = None,
         raw: bytes | None = None, timeout: float = 30.0) -> Answer:
    """One request; never raises for an HTTP status."""
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    all_headers = {"Content-Type": "application/json"} if data is not None else {}
    all_headers.update(headers or {})
    request = urllib.request.Request(url, data=data, method=method, headers=all_headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            status, got, content = answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        status, got, content = error.code, dict(error.headers), error.read()
    try:
        parsed: Any = json.loads(content)
    except ValueError:
        parsed = None
    return Answer(status, got, parsed, content)


class Process:
    """A serve.py process whose output goes to a log file."""

    def __init__(self, args: list[str], env: dict[str, str], log_path: Path) -> None:
        self.args, self.env, self.log_path = args, env, log_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def spawn(self, ready_path: str, timeout: float = 20.0) -> None:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [PYTHON, str(REPO / "serve.py"), *self.args, "--port", str(self.port)],
                cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve.py exited with {self.process.returncode}:\n"
                                   + self.log())
            try:
                urllib.request.urlopen(self.url + ready_path, timeout=2).read()
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("serve.py did not answer in time:\n" + self.log())

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def request(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Answer:
        return http(self.url + path, method, body, **kwargs)


class Simulator(Process):
    def __init__(self, workdir: Path, key: str = SIM_KEY) -> None:
        super().__init__(["simulate", "--key", key], clean_env({}), workdir / "simulator.log")
        self.key = key

    def start(self) -> "Simulator":
        self.spawn("/sim/switches")
        return self

    def switches(self, **values: Any) -> dict[str, Any]:
        answer = self.request("POST", "/sim/switches", values)
        assert answer.status == 200, answer.body
        return answer.body

    def reset(self) -> None:
        self.switches(qr_failure=None, trailing_commas=False, clock_offset_seconds=0)


class Backend(Process):
    """serve.py in demo mode, or in real mode against a Simulator process."""

    def __init__(self, workdir: Path, simulator: Simulator | None = None, **env: str) -> None:
        settings = {"KIOSK_DB": str(workdir / "kiosk.db")}
        if simulator is not None:
            settings.update({"BEIN_API_KEY": simulator.key, "BEIN_API_BASE": simulator.url,
                             "BEIN_WEBHOOK_SECRET": WEBHOOK_SECRET})
        settings.update(env)
        settings = {k: v for k, v in settings.items() if v is not None}
        super().__init__(["--host", "127.0.0.1", "--web", str(workdir / "web")],
                         clean_env(settings), workdir / "serve.log")
        self.db_path = Path(settings["KIOSK_DB"])
        self.token: str | None = None

    def start(self) -> "Backend":
        self.spawn("/api/health")
        return self

    def command(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        """Another serve.py command with this backend's settings."""
        return subprocess.run([PYTHON, str(REPO / "serve.py"), *args], cwd=REPO, env=self.env,
                              input=stdin, capture_output=True, text=True, timeout=30)

    def pair(self, name: str = "Test kiosk") -> str:
        """A device token: automatic in demo mode, else through `serve.py pair`."""
        code = ""
        if "BEIN_API_KEY" in self.env:
            out = self.command("pair", "--name", name)
            assert out.returncode == 0, out.stderr
            code = out.stdout.split(":")[1].split("(")[0].replace(" ", "")
        answer = self.request("POST", "/api/pair", {"code": code})
        assert answer.status == 201, answer.body
        self.token = answer.body["token"]
        return self.token

    def api(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Answer:
        """A kiosk API call with this backend's device token."""
        headers = dict(kwargs.pop("headers", {}) or {})
        headers.setdefault("Authorization", f"Bearer {self.token or self.pair()}")
        return self.request(method, path, body, headers=headers, **kwargs)

    def new_pass(self, name: str = "Jörg Müller-Lüdenscheidt", pod_id: str = MAIN_ENTRANCE,
                 **extra: Any) -> Answer:
        body = {"pod_id": pod_id, "guest_name": name, "purpose": "visit", "language": "de"}
        body.update(extra)
        return self.api("POST", "/api/passes", body)

    def db(self) -> sqlite3.Connection:
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=5)
        conn.row_factory = sqlite3.Row
        return conn

    def count(self, sql: str, *params: Any) -> int:
        conn = self.db()
        try:
            return conn.execute(sql, params).fetchone()[0]
        finally:
            conn.close()


# Signed deliveries, as be-in sends them -------------------------------------------------------

def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """Written out again here on purpose: the tests must not trust the code under test."""
    import hashlib
    import hmac
    return hmac.new(secret.encode(), str(timestamp).encode() + b"." + body,
                    hashlib.sha256).hexdigest()


def envelope(request_id: str, envelope_id: str | None = None, pod_id: str = MAIN_ENTRANCE,
             scanned_at: str = "2026-12-04T12:35:02.789Z", event: str = "entry.recorded") -> bytes:
    import uuid
    return json.dumps({
        "id": envelope_id or str(uuid.uuid4()), "type": event,
        "created_at": "2026-12-04T12:34:56.789Z",
        "data": {"request_id": request_id, "pod_id": pod_id, "scanned_at": scanned_at,
                 "metadata": {"external_user_id": "abc-123", "purpose": "visit"}}}).encode()


def deliver(backend: Process, body: bytes, secret: str = WEBHOOK_SECRET,
            timestamp: int | str | None = None, headers: dict[str, str] | None = None) -> Answer:
    """POST a delivery signed with secret (headers may override or drop the signed ones)."""
    timestamp = int(time.time() * 1000) if timestamp is None else timestamp
    signed = {"content-type": "application/json", "x-platform-timestamp": str(timestamp),
              "x-platform-signature": sign(secret, timestamp, body)}
    signed.update(headers or {})
    signed = {k: v for k, v in signed.items() if v is not None}
    return http(backend.url + "/bein-webhooks", "POST", raw=body, headers=signed)
