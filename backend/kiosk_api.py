"""The kiosk API (`/api/...`): configuration, passes, waiting for entries, health."""
from __future__ import annotations

import asyncio
import base64
import logging
import secrets
import time
import unicodedata
from typing import Any

from aiohttp import web

from . import queries
from .bein_client import UpstreamError
from .bodies import read_json_object
from .clock import iso_ms, now_ms
from .errors import ApiError, json_response
from .pairing import Kiosk, Pairing
from .services import Services
from .store import StoreUnavailable

log = logging.getLogger("kiosk.api")
NAME_LIMIT = 80
MAX_WAIT_SECONDS = 25.0


def clean_guest_name(value: Any) -> str:
    """A guest's name as typed: 1 to 80 printable characters, spaces collapsed."""
    if not isinstance(value, str):
        raise ApiError("invalid_input", "guest_name must be text", field="guest_name")
    name = " ".join(unicodedata.normalize("NFC", value).split())
    if not name:
        raise ApiError("invalid_input", "guest_name is empty", field="guest_name")
    if len(name) > NAME_LIMIT:
        raise ApiError("invalid_input", f"guest_name is over {NAME_LIMIT} characters",
                       field="guest_name")
    if any(unicodedata.category(c)[0] == "C" for c in name):
        raise ApiError("invalid_input", "guest_name has control characters", field="guest_name")
    return name


def _choice(body: dict[str, Any], field: str, allowed: list[str]) -> str:
    value = body.get(field)
    if not isinstance(value, str) or value not in allowed:
        raise ApiError("invalid_input", f"{field} must be one of the offered values", field=field)
    return value


def upstream_to_api(error: UpstreamError) -> ApiError:
    return ApiError(error.code, error.message, retry_after=error.retry_after)


def pass_status(row: Any, now: int) -> dict[str, Any]:
    """The answer of GET /api/passes/{id} for a pass row."""
    entered = row["status"] == queries.ENTERED
    status = "entered" if entered else ("expired" if now >= row["expires_at_ms"] else "pending")
    entry = None
    if entered:
        entry = {"scanned_at": row["scanned_at"], "scanned_at_ms": row["scanned_at_ms"],
                 "pod_id": row["entry_pod_id"]}
    return {"status": status, "entry": entry, "expires_at": iso_ms(row["expires_at_ms"]),
            "expires_at_ms": row["expires_at_ms"], "server_time_ms": now}


class KioskApi:
    def __init__(self, services: Services, pairing: Pairing) -> None:
        self.services = services
        self.pairing = pairing

    async def config(self, request: web.Request) -> web.Response:
        kiosk = await self.pairing.authenticate(request)
        s = self.services.settings
        try:
            doors = await self.services.doors()
        except UpstreamError as error:
            raise upstream_to_api(error) from None
        return json_response({
            "site_name": s.site_name, "kiosk_name": kiosk.name,
            "languages": list(s.languages), "default_language": s.languages[0],
            "doors": [d.as_json() for d in doors],
            "purposes": [{"id": p.id, "label": p.label} for p in s.purposes],
            "pass_validity_seconds": round(s.pass_validity_minutes * 60),
            "idle_timeout_seconds": s.idle_seconds, "retention_days": s.retention_days,
            "pass_page": s.public_url is not None, "demo": s.demo,
            "server_time_ms": now_ms()})

    def _check_limits(self, kiosk: Kiosk) -> None:
        """429 rate_limited if this kiosk or the whole server has issued too many passes."""
        limits = self.services.limits
        keys = [("kiosk_minute", str(kiosk.id)), ("kiosk_day", str(kiosk.id)),
                ("server_minute", "*"), ("server_day", "*")]
        now = time.monotonic()
        wait = max(limits[name].retry_after(key, now) for name, key in keys)
        if wait:
            raise ApiError("rate_limited", "too many passes issued; try again later",
                           retry_after=wait)
        # Counted before be-in answers, so that concurrent requests cannot all slip through.
        for name, key in keys:
            limits[name].add(key, now)

    async def create_pass(self, request: web.Request) -> web.Response:
        kiosk = await self.pairing.authenticate(request)
        body = await read_json_object(request)
        s = self.services.settings

        # Validate the input; the door, purpose and validity come only from the settings.
        guest_name = clean_guest_name(body.get("guest_name"))
        purpose = _choice(body, "purpose", [p.id for p in s.purposes])
        language = _choice(body, "language", list(s.languages))
        pod_id = body.get("pod_id")
        if not isinstance(pod_id, str) or not 0 < len(pod_id) <= 64:
            raise ApiError("invalid_input", "pod_id must be a door id", field="pod_id")
        try:
            doors = await self.services.doors()
        except UpstreamError as error:
            raise upstream_to_api(error) from None
        pod = next((d for d in doors if d.id == pod_id), None)
        if pod is None:
            raise ApiError("pod_not_allowed", "this door is not offered here")
        self._check_limits(kiosk)

        # Ask be-in; the guest's name never leaves this server.
        pass_id = secrets.token_hex(12)
        try:
            qr = await self.services.client.create_qr(
                pod.id, s.pass_validity_minutes,
                {"external_user_id": pass_id, "purpose": purpose}, s.pod_fields)
        except UpstreamError as error:
            log.warning("pass refused by be-in: kiosk=%d pod=%s code=%s", kiosk.id, pod.id,
                        error.code)
            raise upstream_to_api(error) from None

        # Store the pass before the kiosk may show it.
        issued = now_ms()
        new = queries.NewPass(
            id=pass_id, request_id=qr.request_id, page_token=secrets.token_urlsafe(24),
            kiosk_id=kiosk.id, pod_id=pod.id, pod_name=pod.name, pod_location=pod.location,
            guest_name=guest_name, purpose=purpose, language=language, issued_at_ms=issued,
            expires_at_ms=issued + round(s.pass_validity_minutes * 60_000), qr_png=qr.png)
        try:
            await self.services.store.write(lambda c: queries.insert_pass(c, new, kiosk.name))
        except StoreUnavailable as error:
            raise ApiError("internal", f"the pass could not be stored: {error}") from None
        log.info("pass issued: pass=%s request=%s pod=%s kiosk=%d", pass_id, qr.request_id,
                 pod.id, kiosk.id)
        pass_url = f"{s.public_url}/p/{new.page_token}" if s.public_url else None
        return json_response({
            "request_id": qr.request_id, "pass_id": pass_id, "pod": pod.as_json(),
            "issued_at": iso_ms(issued), "issued_at_ms": issued,
            "expires_at": iso_ms(new.expires_at_ms), "expires_at_ms": new.expires_at_ms,
            "qr_png": base64.b64encode(qr.png).decode("ascii"), "pass_url": pass_url,
            "server_time_ms": now_ms()}, status=201)

    async def get_pass(self, request: web.Request) -> web.Response:
        kiosk = await self.pairing.authenticate(request)
        request_id = request.match_info["request_id"]
        wait = _wait_seconds(request.query.get("wait", "0"))
        store, waiters = self.services.store, self.services.waiters

        # Register before reading, so that a webhook between the two still wakes this request.
        woken = waiters.register(request_id)
        try:
            row = await store.read(lambda c: queries.pass_by_request(c, request_id))
            if row is None or row["kiosk_id"] != kiosk.id:
                raise ApiError("not_found", "no such pass for this kiosk")
            answer = pass_status(row, now_ms())
            if answer["status"] == "pending" and wait > 0:
                until_expiry = (row["expires_at_ms"] - now_ms()) / 1000
                try:
                    await asyncio.wait_for(woken, max(0.0, min(wait, until_expiry + 0.05)))
                except asyncio.TimeoutError:
                    pass
                row = await store.read(lambda c: queries.pass_by_request(c, request_id))
                answer = pass_status(row, now_ms())
        finally:
            waiters.discard(request_id, woken)
        return json_response(answer)

    async def health(self, request: web.Request) -> web.Response:
        facts = dict(await self.services.health())
        last = facts.pop("last_delivery_ms")
        facts["last_delivery"] = iso_ms(last) if last else None
        facts["last_delivery_ms"] = last
        facts["server_time_ms"] = now_ms()
        return json_response(facts)


def _wait_seconds(raw: str) -> float:
    try:
        wait = float(raw)
    except ValueError:
        wait = -1.0
    if not 0 <= wait <= MAX_WAIT_SECONDS:
        raise ApiError("invalid_input", "wait must be a number of seconds from 0 to 25",
                       field="wait")
    return wait


def add_kiosk_routes(app: web.Application, api: KioskApi) -> None:
    app.router.add_post("/api/pair", api.pairing.pair)
    app.router.add_get("/api/config", api.config)
    app.router.add_post("/api/passes", api.create_pass)
    app.router.add_get("/api/passes/{request_id}", api.get_pass)
    app.router.add_get("/api/health", api.health)
