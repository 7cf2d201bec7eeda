"""The long-lived parts of a running server, shared by its handlers."""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from . import queries
from .bein_client import BeinClient, Pod, UpstreamError
from .clock import now_ms
from .config import Settings
from .limits import SlidingWindow
from .store import Store, StoreUnavailable
from .waiters import PassWaiters

log = logging.getLogger("kiosk.services")
PODS_FRESH_SECONDS = 60.0
HEALTH_FRESH_SECONDS = 10.0
RETENTION_EVERY_SECONDS = 3600.0


@dataclass
class Services:
    settings: Settings
    store: Store
    client: BeinClient
    webhook_secrets: list[str] = field(default_factory=list)
    waiters: PassWaiters = field(default_factory=PassWaiters)
    simulator: Any = None
    _pods: list[Pod] | None = None
    _pods_at: float = 0.0
    _pods_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _health: dict[str, Any] | None = None
    _health_at: float = 0.0
    limits: dict[str, SlidingWindow] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Shortcoming: the counters live in memory, so a restart forgets them; counting the
        # passes table at start would carry the day's count over.
        s = self.settings
        self.limits = {
            "kiosk_minute": SlidingWindow(s.passes_per_kiosk_minute, 60),
            "kiosk_day": SlidingWindow(s.passes_per_kiosk_day, 86_400),
            "server_minute": SlidingWindow(s.passes_per_server_minute, 60),
            "server_day": SlidingWindow(s.passes_per_server_day, 86_400),
        }

    async def doors(self) -> list[Pod]:
        """The pods offered here: be-in's list (cached a minute), narrowed by KIOSK_DOORS."""
        async with self._pods_lock:
            if self._pods is None or time.monotonic() - self._pods_at > PODS_FRESH_SECONDS:
                try:
                    self._pods = await self.client.list_pods()
                    self._pods_at = time.monotonic()
                except UpstreamError as error:
                    if self._pods is None:
                        raise
                    # A stale list beats no list while be-in is briefly away.
                    log.warning("be-in pod list refresh failed (%s); using the cached list",
                                error.code)
            pods = self._pods
        wanted = self.settings.doors
        return [p for p in pods if p.id in wanted] if wanted else list(pods)

    async def health(self) -> dict[str, Any]:
        """be-in, webhook and store facts; cached a few seconds so probing stays cheap."""
        if self._health is not None and time.monotonic() - self._health_at < HEALTH_FRESH_SECONDS:
            return self._health
        bein = "demo" if self.settings.demo else "reachable"
        try:
            await self.client.list_pods()
        except UpstreamError as error:
            bein = "unauthorized" if error.code == "upstream_unauthorized" else "unreachable"
        if self.settings.demo and bein != "demo":
            bein = f"demo ({bein})"
        try:
            await self.store.write(lambda c: queries.set_meta(c, "health_probe", str(now_ms())),
                                   budget=1.0)
            writable = True
        except StoreUnavailable:
            writable = False
        facts = await self.store.read(
            lambda c: queries.delivery_facts(c, now_ms() - 3_600_000))
        self._health = {"bein": bein, "webhook_secret": bool(self.webhook_secrets),
                        "last_delivery_ms": facts["last_delivery_ms"],
                        "rejected_deliveries_last_hour": facts["rejected_last_hour"],
                        "store_writable": writable, "demo": self.settings.demo}
        self._health_at = time.monotonic()
        return self._health

    async def remove_old_names(self) -> int:
        cutoff = now_ms() - self.settings.retention_days * 86_400_000
        removed = await self.store.write(lambda c: queries.remove_old_names(c, cutoff, now_ms()))
        if removed:
            log.info("retention: removed guest names from %d passes", removed)
        return removed

    async def retention_loop(self) -> None:
        """Clear old guest names now and then every hour, for as long as the server runs."""
        while True:
            try:
                await self.remove_old_names()
            except StoreUnavailable as error:
                log.error("retention: %s", error)
            await asyncio.sleep(RETENTION_EVERY_SECONDS)
