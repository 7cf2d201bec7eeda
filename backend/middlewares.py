"""What every answer passes through: JSON errors, the Origin check with exact CORS, headers."""
from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from .config import Settings
from .errors import ApiError, new_reference, safe_path

log = logging.getLogger("kiosk.http")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
JSON_PREFIXES = ("/api/", "/bein-webhooks", "/sim/")
ALLOWED_HEADERS = "Authorization, Content-Type, X-Staff-Session"
HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large",
              415: "unsupported_media_type"}
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' "
       "'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def _wants_json(request: web.Request) -> bool:
    return request.path.startswith(JSON_PREFIXES)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """ApiError and HTTP errors become JSON on the API; anything unexpected is a logged 500."""
    try:
        return await handler(request)
    except ApiError as error:
        return error.response(request)
    except web.HTTPException as error:
        if error.status >= 400 and _wants_json(request):
            code = HTTP_CODES.get(error.status, "invalid_input" if error.status < 500
                                  else "internal")
            return ApiError(code, error.reason).response(request)
        raise
    except asyncio.CancelledError:
        raise
    except Exception:
        reference = new_reference()
        log.exception("unexpected error ref=%s %s %s", reference, request.method,
                      safe_path(request.path))
        if _wants_json(request):
            return ApiError("internal", f"unexpected server error ({reference})").response(
                request)
        return web.Response(status=500, text=f"Internal error ({reference})")


def origin_middleware(settings: Settings) -> Callable[..., Awaitable[web.StreamResponse]]:
    """Refuse cross-origin browser requests unless the origin is listed; answer CORS exactly."""
    allowed = set(settings.allowed_origins)
    if settings.public_url:
        parts = urlsplit(settings.public_url)
        public_origin = f"{parts.scheme}://{parts.netloc}".lower()
    else:
        public_origin = None

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        # be-in's deliveries are checked by signature, and carry no Origin anyway.
        if origin is None or request.path == "/bein-webhooks":
            return await handler(request)
        origin = origin.lower()
        same = urlsplit(origin).netloc == (request.host or "").lower() or origin == public_origin
        listed = origin in allowed
        if not same and not listed:
            raise ApiError("origin_not_allowed", "cross-origin requests are not allowed here")
        if not listed:
            return await handler(request)
        cors = {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            cors.update({"Access-Control-Allow-Methods": "GET, POST",
                         "Access-Control-Allow-Headers": ALLOWED_HEADERS,
                         "Access-Control-Max-Age": "600"})
            return web.Response(status=204, headers=cors)
        try:
            response = await handler(request)
        except web.HTTPException as error:
            error.headers.update(cors)
            raise
        response.headers.update(cors)
        return response

    return middleware


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Headers for every answer; API answers are never cached."""
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if _wants_json(request) or request.path.startswith("/p/"):
        headers["Cache-Control"] = "no-store"


class AccessLogger(AbstractAccessLogger):
    """One line per request without query strings or pass-page tokens."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        # aiohttp 3.8 calls this for every request even when the level drops the line; return
        # before gathering the facts (off by default: every webhook would pay for them).
        if not self.logger.isEnabledFor(logging.INFO):
            return
        self.logger.info("%s %s %s %d %.1f ms", request.remote, request.method,
                         safe_path(request.path), response.status, time * 1000)
