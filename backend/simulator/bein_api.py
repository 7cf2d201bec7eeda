"""The simulated be-in partner API (`/v1/...`), with be-in's documented rules."""
from __future__ import annotations

import asyncio
import base64
import hmac
import json
import re
from typing import Any

from aiohttp import web

from ..clock import iso_ms
from .qr_png import qr_png
from .state import Simulator

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                     r"[0-9a-fA-F]{12}$")
EVENTS = [{"type": "entry.recorded",
           "description": "A pod granted entry to a code issued by this partner.",
           "schema": {"request_id": "string", "pod_id": "uuid", "scanned_at": "date-time",
                      "metadata": "object"}}]
TIMEOUT_SLEEP = 60.0


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def _authorized(sim: Simulator, request: web.Request) -> bool:
    given = request.headers.get("Authorization", "")
    return hmac.compare_digest(given.encode(), f"Bearer {sim.key}".encode())


async def _json_body(request: web.Request) -> Any:
    try:
        return json.loads(await request.read())
    except ValueError:
        return None


def _qr_request_error(body: Any) -> str | None:
    """What is wrong with a POST /v1/qr-code body, or None."""
    if not isinstance(body, dict):
        return "body must be a JSON object"
    pod_ids = {body[k] for k in ("pod_id", "location_id") if k in body}
    if not pod_ids:
        return "pod_id or location_id is required"
    if len(pod_ids) > 1:
        return "pod_id and location_id differ"
    pod_id = next(iter(pod_ids))
    if not isinstance(pod_id, str) or not UUID_RE.match(pod_id):
        return "pod_id must be a UUID"
    validity = body.get("validity_minutes", 5)
    if isinstance(validity, bool) or not isinstance(validity, (int, float)) \
            or not 0.01 <= validity <= 60:
        return "validity_minutes must be a number from 0.01 to 60"
    if not isinstance(body.get("metadata", {}), dict):
        return "metadata must be an object"
    if len(json.dumps(body.get("metadata", {}))) > 4096:
        return "metadata is too large"
    return None


async def _failure(kind: str) -> web.Response:
    """The answer a QR call gives while a failure switch is set."""
    if kind == "timeout":
        await asyncio.sleep(TIMEOUT_SLEEP)
        return _error(504, "simulated timeout")
    if kind == "429":
        return web.json_response({"error": "rate limited"}, status=429,
                                 headers={"Retry-After": "7"})
    if kind == "not_png":
        return web.Response(text="<html>maintenance</html>", content_type="text/html",
                            headers={"X-Request-Id": "bein_notapng"})
    if kind == "no_request_id":
        return web.Response(body=qr_png("BEIN1:NOREQUESTID"), content_type="image/png")
    return _error(int(kind), f"simulated {kind}")


def add_bein_routes(app: web.Application, sim: Simulator, prefix: str = "") -> None:
    """Mount the be-in API under prefix (empty when the simulator runs on its own)."""

    async def pods(request: web.Request) -> web.Response:
        if not _authorized(sim, request):
            return _error(401, "invalid API key")
        return web.json_response([p.as_json() for p in sim.pods])

    async def create_qr(request: web.Request) -> web.Response:
        if not _authorized(sim, request):
            return _error(401, "invalid API key")
        failure = sim.take_qr_failure()
        if failure is not None:
            return await _failure(failure)
        body = await _json_body(request)
        problem = _qr_request_error(body)
        if problem:
            return _error(400, problem)
        pod_id = body.get("pod_id") or body.get("location_id")
        if sim.pod(pod_id) is None:
            return _error(403, "pod is not on this partner's allow-list")
        code = sim.issue(pod_id, float(body.get("validity_minutes", 5)), body.get("metadata", {}))
        png = qr_png(code.payload)
        if "application/json" in request.headers.get("Accept", ""):
            return web.json_response({"request_id": code.request_id,
                                      "image": base64.b64encode(png).decode("ascii"),
                                      "expires_at": iso_ms(code.expires_at_ms)},
                                     headers={"X-Request-Id": code.request_id})
        return web.Response(body=png, content_type="image/png",
                            headers={"X-Request-Id": code.request_id})

    async def add_endpoint(request: web.Request) -> web.Response:
        if not _authorized(sim, request):
            return _error(401, "invalid API key")
        body = await _json_body(request)
        url = body.get("url") if isinstance(body, dict) else None
        events = body.get("events", ["entry.recorded"]) if isinstance(body, dict) else None
        if not isinstance(url, str) or not re.match(r"^https?://[^\s]+$", url) \
                or len(url) > 2000:
            return _error(400, "url must be an http(s) URL")
        if not isinstance(events, list) or not events or \
                any(e not in ("entry.recorded",) for e in events):
            return _error(400, "events must list known event types")
        endpoint = sim.add_endpoint(url, events)
        return web.json_response({"id": endpoint.id, "secret": endpoint.secret,
                                  "url": endpoint.url, "events": endpoint.events}, status=201)

    async def events(request: web.Request) -> web.Response:
        if not _authorized(sim, request):
            return _error(401, "invalid API key")
        return web.json_response(EVENTS)

    app.router.add_get(prefix + "/v1/pods", pods)
    app.router.add_post(prefix + "/v1/qr-code", create_qr)
    app.router.add_post(prefix + "/v1/webhooks/endpoints", add_endpoint)
    app.router.add_get(prefix + "/v1/webhooks/events", events)
