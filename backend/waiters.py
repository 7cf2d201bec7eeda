"""Kiosk requests waiting for their pass to change; a webhook wakes them, nothing polls."""
from __future__ import annotations

import asyncio


class PassWaiters:
    """Futures per request id, resolved when the pass's state changes."""

    def __init__(self) -> None:
        self._waiting: dict[str, set[asyncio.Future[None]]] = {}

    def register(self, request_id: str) -> asyncio.Future[None]:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(request_id, set()).add(future)
        return future

    def discard(self, request_id: str, future: asyncio.Future[None]) -> None:
        waiting = self._waiting.get(request_id)
        if waiting is not None:
            waiting.discard(future)
            if not waiting:
                del self._waiting[request_id]

    def wake(self, request_id: str) -> int:
        """Resolve every waiter of request_id; returns how many were woken."""
        woken = 0
        for future in self._waiting.pop(request_id, set()):
            if not future.done():
                future.set_result(None)
                woken += 1
        return woken

    def count(self) -> int:
        return sum(len(w) for w in self._waiting.values())
