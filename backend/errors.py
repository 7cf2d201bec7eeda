"""API errors as explicit JSON answers with a stable code and a reference for the log."""
from __future__ import annotations

import json
import logging
import secrets
from typing import Any

from aiohttp import web

log = logging.getLogger("kiosk.errors")

# The HTTP status of every stable error code (docs/kiosk-api.md lists them).
STATUS = {
    "invalid_input": 400,
    "kiosk_not_paired": 401,
    "pairing_code_invalid": 401,
    "staff_pin_invalid": 401,
    "staff_session_invalid": 401,
    "invalid_signature": 401,
    "origin_not_allowed": 403,
    "pod_not_allowed": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "payload_too_large": 413,
    "unsupported_media_type": 415,
    "pairing_locked": 429,
    "staff_locked": 429,
    "rate_limited": 429,
    "upstream_unauthorized": 502,
    "upstream_bad_response": 502,
    "upstream_rate_limited": 503,
    "upstream_unavailable": 503,
    "store_unavailable": 503,
    "request_timeout": 408,
    "internal": 500,
}


def new_reference() -> str:
    """A short id that ties an error answer to its log line."""
    return "K-" + secrets.token_hex(3).upper()


class ApiError(Exception):
    """An error answered as {"error": {"code", "message", ...}} with the code's status."""

    def __init__(self, code: str, message: str, *, field: str | None = None,
                 retry_after: int | None = None, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.retry_after = retry_after
        self.extra = extra or {}

    @property
    def status(self) -> int:
        return STATUS.get(self.code, 500)

    def response(self, request: web.Request | None = None) -> web.Response:
        """The JSON answer; logs one line with the reference (never the request body)."""
        reference = new_reference()
        body: dict[str, Any] = {"code": self.code, "message": self.message,
                                "reference": reference}
        if self.field is not None:
            body["field"] = self.field
        if self.retry_after is not None:
            body["retry_after"] = self.retry_after
        body.update(self.extra)
        where = f"{request.method} {safe_path(request.path)}" if request is not None else "-"
        level = logging.ERROR if self.status >= 500 else logging.INFO
        log.log(level, "answered %s %s ref=%s %s: %s", self.status, self.code, reference,
                where, self.message)
        headers = {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}
        return json_response({"error": body}, status=self.status, headers=headers)


def json_response(data: Any, status: int = 200,
                  headers: dict[str, str] | None = None) -> web.Response:
    """Compact UTF-8 JSON (names such as Jörg stay readable)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return web.Response(text=text, status=status, content_type="application/json",
                        headers=headers)


def safe_path(path: str) -> str:
    """A request path fit for a log line: pass-page tokens are cut off."""
    if path.startswith("/p/"):
        return "/p/…"
    return path[:200]
