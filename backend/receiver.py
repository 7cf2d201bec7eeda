"""`POST /bein-webhooks`: verify, store durably, then wake the waiting kiosk."""
from __future__ import annotations

import asyncio
import json
import logging
import time

from aiohttp import web

from . import queries, webhooks
from .bodies import read_limited
from .clock import now_ms
from .errors import ApiError
from .services import Services
from .store import StoreUnavailable

log = logging.getLogger("kiosk.webhooks")
# be-in waits 3 s; the store gets what is left of 2.5 s after the body has arrived.
ANSWER_BUDGET = 2.5
# The two answers of an accepted delivery, encoded once rather than per request.
ANSWERS = {duplicate: json.dumps({"ok": True, "duplicate": duplicate},
                                 separators=(",", ":")).encode() for duplicate in (False, True)}


class WebhookReceiver:
    def __init__(self, services: Services) -> None:
        self.services = services
        self._audit_tasks: set[asyncio.Task[None]] = set()

    async def receive(self, request: web.Request) -> web.Response:
        started = time.monotonic()
        received = now_ms()
        body = await read_limited(request, webhooks.MAX_BODY, seconds=ANSWER_BUDGET)

        # The signature first: nothing unsigned is parsed or stored.
        try:
            verified = webhooks.verify(request.headers, body, self.services.webhook_secrets,
                                       received)
        except webhooks.Rejected as rejected:
            self._audit_rejection(rejected.reason, request.remote)
            log.warning("webhook rejected: reason=%s from=%s bytes=%d", rejected.reason,
                        request.remote, len(body))
            raise ApiError("invalid_signature", "the delivery's signature is not valid",
                           extra={"reason": rejected.reason}) from None

        parsed = webhooks.parse(body)
        budget = ANSWER_BUDGET - (time.monotonic() - started)
        try:
            outcome = await self.services.store.write(
                lambda c: queries.record_delivery(c, body, parsed, verified, received),
                budget=max(budget, 0.1))
        except StoreUnavailable as error:
            # If the commit lands after the deadline the delivery is kept anyway, and be-in's
            # replay of it is then a harmless duplicate.
            log.error("webhook NOT stored in time, answered 503 (replay it from be-in): "
                      "envelope=%s "
                      "request=%s: %s", parsed.envelope_id,
                      parsed.entry.request_id if parsed.entry else None, error)
            raise ApiError("store_unavailable", "the delivery could not be stored") from None

        self._log_outcome(parsed, verified, outcome)
        if outcome.pass_changed and outcome.request_id:
            self.services.waiters.wake(outcome.request_id)
        duplicate = outcome.duplicate_delivery or outcome.duplicate_entry
        return web.Response(body=ANSWERS[duplicate], content_type="application/json",
                            charset="utf-8")

    @staticmethod
    def _log_outcome(parsed: webhooks.Parsed, verified: webhooks.Verified,
                     outcome: queries.DeliveryOutcome) -> None:
        facts = (f"envelope={parsed.envelope_id} type={parsed.event_type} "
                 f"request={outcome.request_id} late={verified.late} parse={parsed.parse}")
        if outcome.duplicate_delivery:
            log.info("webhook duplicate delivery ignored: %s", facts)
        elif parsed.parse in ("unparsed", "incomplete"):
            log.error("webhook stored but not understood, kept raw for reprocessing: "
                      "delivery=%s %s", outcome.delivery_id, facts)
        elif parsed.entry is None:
            log.info("webhook stored, event type not handled: delivery=%s %s",
                     outcome.delivery_id, facts)
        elif outcome.duplicate_entry:
            log.info("webhook entry already recorded: delivery=%s %s", outcome.delivery_id,
                     facts)
        elif outcome.pass_id is None:
            log.warning("webhook entry for a request id this server did not issue: "
                        "delivery=%s %s", outcome.delivery_id, facts)
        else:
            log.info("webhook entry recorded: delivery=%s pass=%s changed=%s %s",
                     outcome.delivery_id, outcome.pass_id, outcome.pass_changed, facts)

    def _audit_rejection(self, reason: str, address: str | None) -> None:
        # Written in the background: a flood of bad deliveries must not delay the 401s.
        # Shortcoming: nothing caps these rows, so a long flood grows the store; a per-minute
        # cap with one summary row would bound it.
        async def write() -> None:
            try:
                await self.services.store.write(lambda c: queries.audit(
                    c, now_ms(), "webhook_rejected", subject=address, reason=reason))
            except StoreUnavailable:
                log.error("could not audit a rejected webhook (reason=%s)", reason)

        task = asyncio.get_running_loop().create_task(write())
        self._audit_tasks.add(task)
        task.add_done_callback(self._audit_tasks.discard)


def add_webhook_routes(app: web.Application, receiver: WebhookReceiver) -> None:
    app.router.add_post("/bein-webhooks", receiver.receive)
