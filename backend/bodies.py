"""Reading request bodies with a size limit and a time limit, before anything parses them."""
from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import web

from .errors import ApiError

API_BODY_LIMIT = 8 * 1024
BODY_SECONDS = 10.0


async def read_limited(request: web.Request, limit: int, seconds: float = BODY_SECONDS) -> bytes:
    """The body, at most limit bytes (413 beyond, checked on the declared length first)."""
    if request.content_length is not None and request.content_length > limit:
        raise ApiError("payload_too_large", f"the body is over {limit} bytes")

    async def read() -> bytes:
        chunks, size = [], 0
        while True:
            chunk = await request.content.read(min(65536, limit + 1 - size))
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise ApiError("payload_too_large", f"the body is over {limit} bytes")

    if request.content.is_eof():
        # The whole body came with the headers (as small deliveries do): no wait, no timer.
        return await read()
    try:
        # asyncio.timeout, not wait_for: no extra task per request on the webhook's hot path.
        async with asyncio.timeout(seconds):
            return await read()
    except TimeoutError:
        raise ApiError("request_timeout", "the body did not arrive in time") from None


async def read_json_object(request: web.Request, limit: int = API_BODY_LIMIT,
                           allow_empty: bool = False) -> dict[str, Any]:
    """The body as a JSON object, or invalid_input."""
    raw = await read_limited(request, limit)
    if not raw.strip() and allow_empty:
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ApiError("invalid_input", "the body is not valid JSON", field="body") from None
    if not isinstance(body, dict):
        raise ApiError("invalid_input", "the body must be a JSON object", field="body")
    return body
