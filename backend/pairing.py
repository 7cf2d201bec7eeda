"""Kiosk pairing and device tokens: only paired tablets may use the kiosk API.

Codes and tokens are stored only as SHA-256 hashes. A token is 256 random bits, so a plain
hash is enough; an 8-digit code is guessable offline from its hash, which is why it is valid
for 10 minutes only and why wrong codes are limited per address.
"""
from __future__ import annotations

import hashlib
import logging
import secrets
import sqlite3
import time
from dataclasses import dataclass

from aiohttp import web

from . import queries
from .bodies import read_json_object
from .clock import now_ms
from .errors import ApiError, json_response
from .limits import SlidingWindow
from .services import Services

log = logging.getLogger("kiosk.pairing")
CODE_MINUTES = 10
WRONG_CODES_PER_ADDRESS = 5
WRONG_CODE_LOCK_SECONDS = 300
TOUCH_EVERY_SECONDS = 60.0


@dataclass(frozen=True)
class Kiosk:
    id: int
    name: str


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_code() -> str:
    return f"{secrets.randbelow(10**8):08d}"


def create_code(conn: sqlite3.Connection, kiosk_name: str) -> str:
    """A fresh one-time code for kiosk_name, stored as a hash (used by `serve.py pair`)."""
    code = new_code()
    now = now_ms()
    queries.add_pairing_code(conn, sha256_hex(code), kiosk_name, now,
                             now + CODE_MINUTES * 60_000)
    return code


class Pairing:
    """Pairs kiosks and recognises their bearer tokens."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.wrong_codes = SlidingWindow(WRONG_CODES_PER_ADDRESS, WRONG_CODE_LOCK_SECONDS)
        self._touched: dict[int, float] = {}

    async def authenticate(self, request: web.Request) -> Kiosk:
        """The kiosk behind the request's bearer token, or 401 kiosk_not_paired."""
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or len(token) > 200:
            raise ApiError("kiosk_not_paired", "this kiosk is not paired (no device token)")
        digest = sha256_hex(token)
        row = await self.services.store.read(lambda c: queries.kiosk_by_token(c, digest))
        if row is None:
            raise ApiError("kiosk_not_paired", "unknown or revoked device token")
        kiosk = Kiosk(int(row["id"]), str(row["name"]))
        await self._touch(kiosk)
        return kiosk

    async def _touch(self, kiosk: Kiosk) -> None:
        # Record the last contact at most once a minute: no write per poll.
        last = self._touched.get(kiosk.id, 0.0)
        if time.monotonic() - last < TOUCH_EVERY_SECONDS:
            return
        self._touched[kiosk.id] = time.monotonic()
        try:
            await self.services.store.write(lambda c: queries.touch_kiosk(c, kiosk.id, now_ms()),
                                            budget=1.0)
        except Exception as error:  # last contact is a nicety, never a reason to refuse
            log.warning("could not record last contact of kiosk %d: %s", kiosk.id, error)

    async def pair(self, request: web.Request) -> web.Response:
        """POST /api/pair {"code"} -> 201 {"token", "kiosk_name"}."""
        # Shortcoming: behind a reverse proxy every kiosk has the proxy's address, so one
        # guesser locks pairing for all; trusting a configured proxy's X-Forwarded-For fixes it.
        address = request.remote or "unknown"
        wait = self.wrong_codes.retry_after(address)
        if wait:
            raise ApiError("pairing_locked", "too many wrong pairing codes from this address",
                           retry_after=wait)
        body = await read_json_object(request, allow_empty=True)
        code = body.get("code", "")
        if code is None:
            code = ""
        if not isinstance(code, str) or len(code) > 32:
            raise ApiError("invalid_input", "code must be a string of 8 digits", field="code")
        code = code.strip().replace(" ", "").replace("-", "")

        settings = self.services.settings
        if not code and settings.demo:
            # Demo mode opens no real door, so the README's run command shows the whole flow.
            name = settings.kiosk_name
        elif not code.isdigit() or len(code) != 8:
            raise ApiError("invalid_input", "code must be 8 digits", field="code")
        else:
            digest = sha256_hex(code)
            name = await self.services.store.write(
                lambda c: queries.redeem_pairing_code(c, digest, now_ms()))
            if name is None:
                await self._wrong_code(address)

        token = secrets.token_hex(32)
        digest = sha256_hex(token)
        kiosk_id = await self.services.store.write(
            lambda c: queries.add_kiosk(c, name, digest, now_ms()))
        log.info("kiosk %d paired (%s mode)", kiosk_id, "demo" if settings.demo else "code")
        return json_response({"token": token, "kiosk_name": name,
                              "server_time_ms": now_ms()}, status=201)

    async def _wrong_code(self, address: str) -> None:
        self.wrong_codes.add(address)
        await self.services.store.write(
            lambda c: queries.audit(c, now_ms(), "pairing_refused", subject=address))
        log.warning("pairing refused: wrong or expired code from %s", address)
        raise ApiError("pairing_code_invalid", "wrong or expired pairing code")
