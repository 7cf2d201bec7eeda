"""Sliding-window counters for rate limits and lockouts, kept in memory."""
from __future__ import annotations

import math
import time
from collections import deque


class SlidingWindow:
    """At most `limit` events per `seconds` for each key."""

    def __init__(self, limit: int, seconds: float, max_keys: int = 10_000) -> None:
        self.limit = limit
        self.seconds = seconds
        self.max_keys = max_keys
        self._events: dict[str, deque[float]] = {}

    def _trim(self, key: str, now: float) -> deque[float]:
        events = self._events.setdefault(key, deque())
        while events and events[0] <= now - self.seconds:
            events.popleft()
        return events

    def retry_after(self, key: str, now: float | None = None) -> int:
        """0 if another event is allowed now, else whole seconds to wait."""
        now = time.monotonic() if now is None else now
        events = self._trim(key, now)
        if len(events) < self.limit:
            return 0
        return max(1, math.ceil(events[0] + self.seconds - now))

    def add(self, key: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        if len(self._events) >= self.max_keys and key not in self._events:
            # Keep memory bounded under an address-spraying attack: drop the stalest keys.
            for stale in sorted(self._events, key=lambda k: self._events[k][-1]
                                if self._events[k] else 0)[:self.max_keys // 10]:
                del self._events[stale]
        self._trim(key, now).append(now)

    def clear(self, key: str) -> None:
        self._events.pop(key, None)
