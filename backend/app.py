"""Assemble and run the server: routes, middlewares, demo-mode simulator, start and stop."""
from __future__ import annotations

import asyncio
import logging
import sqlite3
import ssl
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from . import queries
from .bein_client import BeinClient, UpstreamError
from .config import Settings
from .kiosk_api import KioskApi, add_kiosk_routes
from .middlewares import AccessLogger, add_security_headers, error_middleware, origin_middleware
from .pairing import Pairing
from .pass_page import add_pass_page_routes
from .receiver import WebhookReceiver, add_webhook_routes
from .services import Services
from .staff_api import StaffApi, add_staff_routes
from .static_files import add_static_routes
from .store import Store, StoreUnavailable

log = logging.getLogger("kiosk.app")
BODY_LIMIT = 64 * 1024
SIM_API_PREFIX = "/sim/bein"


@dataclass
class RunningServer:
    runner: web.AppRunner
    services: Services
    url: str
    retention: asyncio.Task[None]

    async def stop(self) -> None:
        self.retention.cancel()
        await self.runner.cleanup()
        await self.services.client.close()
        if self.services.simulator is not None:
            await self.services.simulator.close()
        self.services.store.close()


def build_app(services: Services, web_dir: Path) -> web.Application:
    app = web.Application(client_max_size=BODY_LIMIT,
                          middlewares=[error_middleware, origin_middleware(services.settings)])
    app.on_response_prepare.append(add_security_headers)
    # aiohttp 3.8 tries the routes in order: be-in's deliveries, the busiest path, go first.
    add_webhook_routes(app, WebhookReceiver(services))
    pairing = Pairing(services)
    add_kiosk_routes(app, KioskApi(services, pairing))
    add_staff_routes(app, StaffApi(services, pairing))
    add_pass_page_routes(app, services)
    if services.simulator is not None:
        # Imported here: production mode never loads the simulator.
        from .simulator import add_bein_routes, add_demo_routes
        add_bein_routes(app, services.simulator, SIM_API_PREFIX)
        add_demo_routes(app, services.simulator, "/sim")
    add_static_routes(app, web_dir)
    return app


def _loopback_base(host: str, port: int, tls: bool) -> str:
    """How this server reaches itself: the listening address, or loopback for a wildcard."""
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    shown = f"[{host}]" if ":" in host else host
    return f"{'https' if tls else 'http'}://{shown}:{port}"


async def start_server(settings: Settings, host: str, port: int, web_dir: Path,
                       ssl_context: ssl.SSLContext | None = None) -> RunningServer:
    """Open the store, listen, and in demo mode register our webhook with the simulator."""
    store = Store(settings.db_path)
    try:
        store.open()
    except (OSError, sqlite3.Error) as error:
        raise StoreUnavailable(f"cannot open the store {settings.db_path}: {error}") from None
    simulator = None
    if settings.demo:
        from .simulator import Simulator
        # Kept beside the store, so that codes shown before a restart still open the door.
        simulator = Simulator.load_or_new(
            settings.db_path.with_name(settings.db_path.name + ".simulator.json"))
        simulator.save()
        client = BeinClient("http://unbound", simulator.key, settings.upstream_timeout_seconds,
                            verify_tls=False)
    else:
        client = BeinClient(settings.api_base, settings.api_key or "",
                            settings.upstream_timeout_seconds)
    services = Services(settings, store, client, simulator=simulator)
    services.webhook_secrets = list(settings.webhook_secrets)
    if not services.webhook_secrets and not settings.demo:
        stored = await store.read(lambda c: queries.get_meta(c, "webhook_secret"))
        services.webhook_secrets = [stored] if stored else []

    runner = web.AppRunner(build_app(services, web_dir), access_log_class=AccessLogger,
                           handle_signals=False)
    await runner.setup()
    # Shortcoming: aiohttp 3.8 has no time limit for reading request headers, so a client that
    # sends headers very slowly holds a connection; a reverse proxy's header timeout fixes that.
    site = web.TCPSite(runner, host, port, ssl_context=ssl_context, backlog=1024,
                       shutdown_timeout=2.0)
    await site.start()
    bound_port = runner.addresses[0][1]
    base = _loopback_base(host, bound_port, ssl_context is not None)

    retention = asyncio.get_running_loop().create_task(services.retention_loop())
    server = RunningServer(runner, services, base + "/", retention)
    if simulator is not None:
        client.base = base + SIM_API_PREFIX
        try:
            endpoint = await client.register_webhook(base + "/bein-webhooks")
        except UpstreamError:
            await server.stop()
            raise
        services.webhook_secrets = [endpoint.secret]
        log.info("demo mode: webhook endpoint %s registered with the simulator", endpoint.id)
    else:
        try:
            doors = await services.doors()
            log.info("be-in reachable: %d doors offered", len(doors))
        except UpstreamError as error:
            log.error("be-in not usable at start (%s): %s", error.code, error.message)
        if not services.webhook_secrets:
            log.error("no webhook secret: every delivery will be refused "
                      "(set BEIN_WEBHOOK_SECRET or run serve.py register-webhook)")
    return server
