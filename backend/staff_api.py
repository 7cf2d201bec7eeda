"""The staff panel's API (`/api/staff/...`): PIN login, overview with names, unpair."""
from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
import time
from typing import Any

from aiohttp import web

from . import queries
from .bein_client import UpstreamError
from .bodies import read_json_object
from .clock import iso_ms, now_ms
from .errors import ApiError, json_response
from .limits import SlidingWindow
from .pairing import Kiosk, Pairing
from .services import Services
from .staff_pin import DEMO_PIN, check_pin

log = logging.getLogger("kiosk.staff")
WRONG_PINS = 5
LOCK_SECONDS = 300
SESSION_SECONDS = 300
SESSION_HEADER = "X-Staff-Session"


class StaffApi:
    def __init__(self, services: Services, pairing: Pairing) -> None:
        self.services = services
        self.pairing = pairing
        # One PIN for the whole server, so one lock for the whole server. Shortcoming: the lock
        # is in memory and a restart lifts it; keeping wrong tries in the store would not.
        self.wrong_pins = SlidingWindow(WRONG_PINS, LOCK_SECONDS)
        self._sessions: dict[str, tuple[int, float]] = {}
        self._pin_lock = asyncio.Lock()

    async def _stored_pin(self) -> str | None:
        return await self.services.store.read(lambda c: queries.get_meta(c, "staff_pin"))

    async def login(self, request: web.Request) -> web.Response:
        kiosk = await self.pairing.authenticate(request)
        body = await read_json_object(request)
        pin = body.get("pin")
        if not isinstance(pin, str) or not 0 < len(pin) <= 32:
            raise ApiError("invalid_input", "pin must be text", field="pin")
        # Tries are checked one at a time so that parallel guesses cannot pass the lock.
        async with self._pin_lock:
            wait = self.wrong_pins.retry_after("pin")
            if wait:
                raise ApiError("staff_locked", "too many wrong PINs; the panel is locked",
                               retry_after=wait)
            stored = await self._stored_pin()
            if stored is None:
                ok = self.services.settings.demo and pin == DEMO_PIN
            else:
                ok = await asyncio.get_running_loop().run_in_executor(
                    None, check_pin, pin, stored)
            if not ok:
                self.wrong_pins.add("pin")
        await self.services.store.write(lambda c: queries.audit(
            c, now_ms(), "staff_login" if ok else "staff_login_refused", kiosk=kiosk.name))
        if not ok:
            log.warning("staff login refused at kiosk %d", kiosk.id)
            message = "wrong PIN" if stored else "no staff PIN set (serve.py staff-pin)"
            raise ApiError("staff_pin_invalid", message)
        self.wrong_pins.clear("pin")
        token = secrets.token_hex(32)
        self._forget_old_sessions()
        self._sessions[hashlib.sha256(token.encode()).hexdigest()] = (
            kiosk.id, time.monotonic() + SESSION_SECONDS)
        log.info("staff login at kiosk %d", kiosk.id)
        return json_response({"session": token, "expires_in_seconds": SESSION_SECONDS,
                              "server_time_ms": now_ms()}, status=201)

    def _forget_old_sessions(self) -> None:
        now = time.monotonic()
        for key in [k for k, (_, until) in self._sessions.items() if until <= now]:
            del self._sessions[key]

    async def _staff_kiosk(self, request: web.Request) -> Kiosk:
        """The kiosk, if the request also carries a live staff session opened on it."""
        kiosk = await self.pairing.authenticate(request)
        token = request.headers.get(SESSION_HEADER, "")
        session = self._sessions.get(hashlib.sha256(token.encode()).hexdigest())
        if session is None or session[0] != kiosk.id or session[1] <= time.monotonic():
            raise ApiError("staff_session_invalid", "no valid staff session; log in again")
        return kiosk

    async def overview(self, request: web.Request) -> web.Response:
        kiosk = await self._staff_kiosk(request)
        services = self.services
        health = dict(await services.health())
        last = health.get("last_delivery_ms")
        health["last_delivery"] = iso_ms(last) if last else None
        rows = await services.store.read(lambda c: queries.recent_entries(c, 20))
        entries = [{"scanned_at": r["scanned_at"], "scanned_at_ms": r["scanned_at_ms"],
                    "pod_id": r["pod_id"], "door": r["pod_name"], "guest_name": r["guest_name"],
                    "purpose": r["purpose"], "late": bool(r["late"]),
                    "request_id": r["request_id"]} for r in rows]
        try:
            doors: list[dict[str, Any]] = [d.as_json() for d in await services.doors()]
        except UpstreamError:
            doors = []
        settings = services.settings
        return json_response({
            "health": health, "entries": entries,
            "kiosk": {"name": kiosk.name, "default_language": settings.languages[0],
                      "languages": list(settings.languages), "doors": doors},
            "server_time_ms": now_ms()})

    async def unpair(self, request: web.Request) -> web.Response:
        kiosk = await self._staff_kiosk(request)
        await self.services.store.write(lambda c: queries.revoke_kiosks(
            c, kiosk_id=kiosk.id, now_ms=now_ms(), by="staff panel"))
        for key in [k for k, (kid, _) in self._sessions.items() if kid == kiosk.id]:
            del self._sessions[key]
        log.info("kiosk %d unpaired from its staff panel", kiosk.id)
        return json_response({"unpaired": True, "server_time_ms": now_ms()})


def add_staff_routes(app: web.Application, api: StaffApi) -> None:
    app.router.add_post("/api/staff/login", api.login)
    app.router.add_get("/api/staff/overview", api.overview)
    app.router.add_post("/api/staff/unpair", api.unpair)
