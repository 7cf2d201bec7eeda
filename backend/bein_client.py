"""The client for be-in's partner API: pods, QR codes and webhook endpoints.

Every upstream failure becomes an UpstreamError with one of the kiosk API's stable codes. The
API key goes only into the Authorization header and never into a message or a log line.
"""
from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import re
import time
from dataclasses import dataclass
from typing import Any

import aiohttp

log = logging.getLogger("kiosk.bein")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_PNG = 512 * 1024
MAX_JSON = 256 * 1024
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")  # the kiosk keeps 64 at most


class UpstreamError(Exception):
    """be-in failed; `code` is the kiosk API error code to answer with."""

    def __init__(self, code: str, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retry_after = retry_after


@dataclass(frozen=True)
class Pod:
    id: str
    name: str
    location: str

    def as_json(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "location": self.location}


@dataclass(frozen=True)
class QrCode:
    request_id: str
    png: bytes


@dataclass(frozen=True)
class WebhookEndpoint:
    id: str
    secret: str
    url: str


def retry_after_seconds(value: str | None, default: int = 30) -> int:
    """Seconds from a Retry-After header (seconds or an HTTP date), kept within 1 s to 1 h."""
    seconds: float = default
    if value:
        value = value.strip()
        if value.isdigit():
            seconds = int(value)
        else:
            moment = email.utils.parsedate_to_datetime(value) if value else None
            if moment is not None and moment.tzinfo is not None:
                seconds = moment.timestamp() - time.time()
    return int(min(max(seconds, 1), 3600))


async def _read_limited(response: aiohttp.ClientResponse, limit: int) -> bytes:
    if response.content_length is not None and response.content_length > limit:
        raise UpstreamError("upstream_bad_response", "be-in's answer is too large")
    body = await response.content.read(limit + 1)
    while len(body) <= limit and not response.content.at_eof():
        more = await response.content.read(limit + 1 - len(body))
        if not more:
            break
        body += more
    if len(body) > limit:
        raise UpstreamError("upstream_bad_response", "be-in's answer is too large")
    return body


class BeinClient:
    """One aiohttp session towards be-in (or the simulator, which speaks the same API)."""

    def __init__(self, base: str, key: str, timeout: float = 10.0,
                 verify_tls: bool = True) -> None:
        self.base = base.rstrip("/")
        self._key = key
        self.timeout = timeout
        # Off only for the demo simulator on loopback behind this server's own certificate.
        self._ssl: bool | None = None if verify_tls else False
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _session_now(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                trust_env=False, headers={"User-Agent": "be-in-guest-kiosk/1"})
        return self._session

    async def _call(self, method: str, path: str, *, body: Any = None, accept: str,
                    limit: int, what: str) -> tuple[aiohttp.ClientResponse, bytes]:
        """One call; HTTP failures and transport errors become UpstreamError."""
        headers = {"Authorization": f"Bearer {self._key}", "Accept": accept}
        session = self._session_now()
        try:
            async with session.request(method, self.base + path, json=body, headers=headers,
                                       timeout=aiohttp.ClientTimeout(total=self.timeout),
                                       allow_redirects=False, ssl=self._ssl) as response:
                if response.status >= 300:
                    self._raise_for(response, what)
                return response, await _read_limited(response, limit)
        except asyncio.TimeoutError:
            raise UpstreamError("upstream_unavailable",
                                f"be-in did not answer {what} within {self.timeout:g} s") from None
        except aiohttp.ClientError as error:
            raise UpstreamError("upstream_unavailable",
                                f"be-in could not be reached for {what} "
                                f"({type(error).__name__})") from None

    @staticmethod
    def _raise_for(response: aiohttp.ClientResponse, what: str) -> None:
        status = response.status
        if status == 401:
            raise UpstreamError("upstream_unauthorized", f"be-in refused our API key ({what})")
        if status in (403, 404):
            raise UpstreamError("pod_not_allowed", f"be-in answered {status} to {what}")
        if status == 429:
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            raise UpstreamError("upstream_rate_limited", f"be-in is rate limiting {what}", wait)
        if status >= 500:
            raise UpstreamError("upstream_unavailable", f"be-in answered {status} to {what}")
        raise UpstreamError("upstream_bad_response", f"be-in answered {status} to {what}")

    async def _json(self, method: str, path: str, what: str, body: Any = None) -> Any:
        _, raw = await self._call(method, path, body=body, accept="application/json",
                                  limit=MAX_JSON, what=what)
        try:
            return json.loads(raw)
        except ValueError:
            raise UpstreamError("upstream_bad_response", f"be-in's {what} is not JSON") from None

    async def list_pods(self) -> list[Pod]:
        """The pods this key may use; malformed items are skipped with a log line."""
        data = await self._json("GET", "/v1/pods", "the pod list")
        if not isinstance(data, list):
            raise UpstreamError("upstream_bad_response", "be-in's pod list is not a list")
        pods = []
        for item in data[:500]:
            fields = [item.get(k) if isinstance(item, dict) else None
                      for k in ("id", "name", "location")]
            if not all(isinstance(f, str) and 0 < len(f) <= 120 for f in fields[:2]):
                log.warning("be-in pod list: skipped a malformed pod")
                continue
            location = fields[2] if isinstance(fields[2], str) else ""
            pods.append(Pod(fields[0], fields[1], location[:120]))
        return pods

    async def create_qr(self, pod_id: str, validity_minutes: float, metadata: dict[str, str],
                        pod_fields: tuple[str, ...] = ("pod_id", "location_id")) -> QrCode:
        """A PNG code for one pod; checks the request id and that the body is a sane PNG."""
        body: dict[str, Any] = {name: pod_id for name in pod_fields}
        body.update({"validity_minutes": validity_minutes, "metadata": metadata})
        response, png = await self._call("POST", "/v1/qr-code", body=body, accept="image/png",
                                         limit=MAX_PNG, what="the QR code request")
        request_id = (response.headers.get("X-Request-Id") or "").strip()
        if not REQUEST_ID_RE.match(request_id):
            raise UpstreamError("upstream_bad_response", "be-in's QR answer has no request id")
        if not png.startswith(PNG_SIGNATURE) or len(png) < 67:
            raise UpstreamError("upstream_bad_response", "be-in's QR answer is not a PNG")
        return QrCode(request_id, png)

    async def register_webhook(self, url: str) -> WebhookEndpoint:
        data = await self._json("POST", "/v1/webhooks/endpoints", "the webhook registration",
                                {"url": url, "events": ["entry.recorded"]})
        if not isinstance(data, dict) or not all(
                isinstance(data.get(k), str) and data.get(k) for k in ("id", "secret")):
            raise UpstreamError("upstream_bad_response", "be-in's endpoint answer lacks id/secret")
        return WebhookEndpoint(data["id"], data["secret"], str(data.get("url", url)))
