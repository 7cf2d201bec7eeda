"""The simulator's memory: pods, live codes, webhook endpoints, deliveries and test switches."""
from __future__ import annotations

import asyncio
import base64
import dataclasses
import json
import logging
import os
import secrets
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from ..bein_client import Pod
from ..clock import iso_ms, now_ms
from ..webhooks import sign

log = logging.getLogger("kiosk.simulator")
MAIN_ENTRANCE = Pod("11111111-1111-1111-1111-111111111111", "Main Entrance", "Gym Alpha")
PODS = (
    MAIN_ENTRANCE,
    Pod("22222222-2222-2222-2222-222222222222", "Side Door", "Gym Alpha"),
    Pod("33333333-3333-3333-3333-333333333333", "Office Turnstile", "Office Beta"),
)
QR_FAILURES = ("401", "403", "404", "429", "500", "timeout", "not_png", "no_request_id")
DELIVERY_TIMEOUT = 3.0
MAX_CODES = 10_000
# Used and expired codes are kept this long in the state file, so a late scan is still "expired".
KEEP_OLD_CODES_MS = 3_600_000


@dataclass
class Code:
    token: str
    request_id: str
    pod_id: str
    issued_at_ms: int
    expires_at_ms: int
    metadata: dict[str, Any]
    used: bool = False

    @property
    def payload(self) -> str:
        return "BEIN1:" + self.token


@dataclass
class Endpoint:
    id: str
    url: str
    secret: str
    events: list[str]


@dataclass
class Switches:
    qr_failure: str | None = None
    qr_failure_count: int | None = None
    trailing_commas: bool = False
    clock_offset_seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {"qr_failure": self.qr_failure, "qr_failure_count": self.qr_failure_count,
                "trailing_commas": self.trailing_commas,
                "clock_offset_seconds": self.clock_offset_seconds}


@dataclass
class Delivery:
    envelope_id: str
    endpoint_id: str
    data: dict[str, Any]
    at_ms: int
    outcome: str

    def as_json(self) -> dict[str, Any]:
        return {"id": self.envelope_id, "endpoint_id": self.endpoint_id, "at": iso_ms(self.at_ms),
                "request_id": self.data.get("request_id"), "pod_id": self.data.get("pod_id"),
                "outcome": self.outcome}


@dataclass
class Simulator:
    """Everything the simulated be-in knows; lives in memory for one run."""

    key: str = field(default_factory=lambda: str(uuid.uuid4()))
    pods: tuple[Pod, ...] = PODS
    codes: dict[str, Code] = field(default_factory=dict)
    endpoints: list[Endpoint] = field(default_factory=list)
    deliveries: deque[Delivery] = field(default_factory=lambda: deque(maxlen=200))
    switches: Switches = field(default_factory=Switches)
    state_path: Path | None = None
    _session: aiohttp.ClientSession | None = None

    @classmethod
    def load_or_new(cls, state_path: Path) -> "Simulator":
        """The simulated be-in as it was before a restart of this server (be-in would not
        forget the codes it issued), or a new one; the file holds its key, so mode 0600."""
        try:
            state = json.loads(state_path.read_text(encoding="utf-8"))
            sim = cls(key=state["key"], state_path=state_path)
            for item in state["codes"]:
                code = Code(**item)
                sim.codes[code.token] = code
            return sim
        except FileNotFoundError:
            pass
        except (OSError, ValueError, KeyError, TypeError) as error:
            log.warning("simulator state %s unreadable (%s); starting afresh", state_path,
                        type(error).__name__)
        return cls(state_path=state_path)

    def save(self) -> None:
        """Write the key and the recent codes atomically; nothing to do without a state file."""
        if self.state_path is None:
            return
        cutoff = now_ms() - KEEP_OLD_CODES_MS
        codes = [dataclasses.asdict(c) for c in self.codes.values() if c.expires_at_ms > cutoff]
        temporary = self.state_path.with_name(self.state_path.name + ".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"key": self.key, "codes": codes}, handle)
        os.replace(temporary, self.state_path)

    def pod(self, pod_id: str) -> Pod | None:
        return next((p for p in self.pods if p.id == pod_id), None)

    def clock_ms(self) -> int:
        """The simulated be-in's clock, which a test may set off from the real one."""
        return now_ms() + int(self.switches.clock_offset_seconds * 1000)

    def take_qr_failure(self) -> str | None:
        """The failure the next QR call must show, counting it down."""
        failure = self.switches.qr_failure
        if failure is None:
            return None
        count = self.switches.qr_failure_count
        if count is not None:
            count -= 1
            self.switches.qr_failure_count = count
            if count <= 0:
                self.switches.qr_failure, self.switches.qr_failure_count = None, None
        return failure

    def issue(self, pod_id: str, validity_minutes: float, metadata: dict[str, Any]) -> Code:
        self._forget_old_codes()
        token = base64.b32encode(secrets.token_bytes(20)).decode("ascii").rstrip("=")
        request_id = "bein_" + secrets.token_urlsafe(9).replace("-", "x").replace("_", "y")
        issued = now_ms()
        code = Code(token, request_id, pod_id, issued,
                    issued + int(validity_minutes * 60_000), metadata)
        self.codes[token] = code
        self.save()
        return code

    def _forget_old_codes(self) -> None:
        if len(self.codes) < MAX_CODES:
            return
        oldest = sorted(self.codes.values(), key=lambda c: c.issued_at_ms)[:MAX_CODES // 10]
        for code in oldest:
            del self.codes[code.token]

    def live_codes(self) -> list[Code]:
        now = now_ms()
        return [c for c in self.codes.values() if not c.used and c.expires_at_ms > now]

    def check_scan(self, payload: str, pod_id: str | None) -> tuple[Code | None, str]:
        """What a pod would decide: the code and the reason it grants or refuses."""
        text = payload.strip()
        code = self.codes.get(text[len("BEIN1:"):]) if text.startswith("BEIN1:") else None
        if code is None:
            return None, "unknown_code"
        if pod_id is not None and pod_id != code.pod_id:
            return code, "wrong_door"
        if code.used:
            return code, "already_used"
        if now_ms() >= code.expires_at_ms:
            return code, "expired"
        return code, "granted"

    def add_endpoint(self, url: str, events: list[str]) -> Endpoint:
        endpoint = Endpoint("we_" + secrets.token_hex(8), url, "whsec_" + secrets.token_hex(24),
                            events)
        self.endpoints.append(endpoint)
        return endpoint

    def entry_data(self, code: Code, pod_id: str) -> dict[str, Any]:
        return {"request_id": code.request_id, "pod_id": pod_id,
                "scanned_at": iso_ms(self.clock_ms()), "metadata": code.metadata}

    def envelope_bytes(self, envelope_id: str, data: dict[str, Any]) -> bytes:
        envelope = {"id": envelope_id, "type": "entry.recorded",
                    "created_at": iso_ms(self.clock_ms()), "data": data}
        text = json.dumps(envelope, indent=2, ensure_ascii=False)
        if self.switches.trailing_commas:
            # As be-in's own documentation prints its examples.
            text = text.replace('"\n', '",\n').replace("}\n", "},\n")
        return text.encode("utf-8")

    async def deliver(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        """Post one signed entry.recorded to every endpoint, one after the other, no retry."""
        results = []
        for endpoint in list(self.endpoints):
            if "entry.recorded" not in endpoint.events:
                continue
            envelope_id = str(uuid.uuid4())
            outcome = await self._post(endpoint, self.envelope_bytes(envelope_id, data))
            delivery = Delivery(envelope_id, endpoint.id, data, now_ms(), outcome)
            self.deliveries.append(delivery)
            log.info("simulator delivery %s to endpoint %s for %s: %s", envelope_id,
                     endpoint.id, data.get("request_id"), outcome)
            results.append(delivery.as_json())
        return results

    async def _post(self, endpoint: Endpoint, body: bytes) -> str:
        timestamp = self.clock_ms()
        headers = {"content-type": "application/json",
                   "x-platform-timestamp": str(timestamp),
                   "x-platform-signature": sign(endpoint.secret, timestamp, body)}
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(trust_env=False)
        started = time.monotonic()
        try:
            async with self._session.post(
                    endpoint.url, data=body, headers=headers, allow_redirects=False,
                    timeout=aiohttp.ClientTimeout(total=DELIVERY_TIMEOUT)) as response:
                await response.read()
                elapsed = (time.monotonic() - started) * 1000
                ok = 200 <= response.status < 300
                return f"{'delivered' if ok else 'failed'}: {response.status} in {elapsed:.0f} ms"
        except asyncio.TimeoutError:
            return f"failed: no answer within {DELIVERY_TIMEOUT:g} s"
        except aiohttp.ClientError as error:
            return f"failed: {type(error).__name__}"

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
