"""The simulated pods and the demo page (`/sim/...`): scan, replay and test switches."""
from __future__ import annotations

import html
import json
import math
from typing import Any

from aiohttp import web

from ..clock import now_ms
from .state import QR_FAILURES, Simulator

MAX_BODY = 8 * 1024


def _bad(message: str) -> web.Response:
    return web.json_response({"error": {"code": "invalid_input", "message": message}},
                             status=400)


async def _json_object(request: web.Request) -> dict[str, Any] | None:
    raw = await request.content.read(MAX_BODY + 1)
    if len(raw) > MAX_BODY:
        return None
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _switch_error(body: dict[str, Any]) -> str | None:
    failure = body.get("qr_failure", None)
    if "qr_failure" in body and failure is not None and failure not in QR_FAILURES:
        return f"qr_failure must be one of {', '.join(QR_FAILURES)} or null"
    count = body.get("qr_failure_count")
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
        return "qr_failure_count must be a positive whole number or null"
    if not isinstance(body.get("trailing_commas", False), bool):
        return "trailing_commas must be true or false"
    offset = body.get("clock_offset_seconds", 0)
    if isinstance(offset, bool) or not isinstance(offset, (int, float)) or \
            not math.isfinite(offset) or abs(offset) > 86_400 * 365:
        return "clock_offset_seconds must be a number of seconds"
    return None


def _page(sim: Simulator) -> str:
    """The demo page: live codes with a scan button per door, and the delivery log."""
    esc = html.escape
    now = now_ms()
    rows = []
    for code in sorted(sim.live_codes(), key=lambda c: -c.issued_at_ms)[:50]:
        door = sim.pod(code.pod_id)
        buttons = "".join(
            f'<form method="post" action="/sim/ui/scan"><input type="hidden" name="payload" '
            f'value="{esc(code.payload)}"><input type="hidden" name="pod_id" value="{esc(p.id)}">'
            f'<button>scan at {esc(p.name)}</button></form>' for p in sim.pods)
        rows.append(f"<tr><td>{esc(code.request_id)}</td><td>{esc(door.name if door else '?')}"
                    f"</td><td>{(code.expires_at_ms - now) // 1000} s</td><td>{buttons}</td></tr>")
    log_rows = []
    for index, delivery in reversed(list(enumerate(sim.deliveries))):
        log_rows.append(
            f"<tr><td>{esc(delivery.as_json()['at'])}</td><td>{esc(delivery.envelope_id)}</td>"
            f"<td>{esc(str(delivery.data.get('request_id')))}</td><td>{esc(delivery.outcome)}"
            f'</td><td><form method="post" action="/sim/ui/replay"><input type="hidden" '
            f'name="index" value="{index}"><button>replay</button></form></td></tr>')
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>be-in simulator</title></head>
<body style="font-family: sans-serif; margin: 1.5em">
<h1>be-in simulator</h1>
<p>Demo mode: this page stands in for the door pods. It refreshes every 5 seconds.</p>
<h2>Live passes</h2>
<table border="1" cellpadding="4"><tr><th>request id</th><th>door</th><th>left</th>
<th>scan</th></tr>{''.join(rows) or '<tr><td colspan="4">none</td></tr>'}</table>
<h2>Webhook deliveries</h2>
<table border="1" cellpadding="4"><tr><th>time</th><th>envelope</th><th>request id</th>
<th>outcome</th><th></th></tr>{''.join(log_rows) or '<tr><td colspan="5">none</td></tr>'}
</table></body></html>"""


def add_demo_routes(app: web.Application, sim: Simulator, prefix: str = "/sim") -> None:
    """Mount the simulated pods, the demo page and the switches under prefix."""

    async def scan(payload: Any, pod_id: Any) -> dict[str, Any]:
        code, reason = sim.check_scan(payload, pod_id)
        deliveries: list[dict[str, Any]] = []
        if code is not None and reason == "granted":
            code.used = True
            sim.save()
            deliveries = await sim.deliver(sim.entry_data(code, pod_id or code.pod_id))
        return {"granted": reason == "granted", "reason": reason, "deliveries": deliveries}

    async def scan_json(request: web.Request) -> web.Response:
        body = await _json_object(request)
        if body is None:
            return _bad("the body must be a JSON object of at most 8 KiB")
        payload, pod_id = body.get("payload"), body.get("pod_id")
        if not isinstance(payload, str) or not 0 < len(payload) <= 1000:
            return _bad("payload must be the text read from the QR code")
        if pod_id is not None and not isinstance(pod_id, str):
            return _bad("pod_id must be a string")
        return web.json_response(await scan(payload, pod_id))

    async def scan_form(request: web.Request) -> web.Response:
        form = await request.post()
        await scan(str(form.get("payload", "")), str(form.get("pod_id", "")) or None)
        raise web.HTTPSeeOther(prefix + "/")

    async def replay_form(request: web.Request) -> web.Response:
        form = await request.post()
        index = str(form.get("index", ""))
        if index.isdigit() and int(index) < len(sim.deliveries):
            # A replay is a new delivery of the same entry, with a new envelope id.
            await sim.deliver(sim.deliveries[int(index)].data)
        raise web.HTTPSeeOther(prefix + "/")

    async def get_switches(request: web.Request) -> web.Response:
        return web.json_response(sim.switches.as_json())

    async def set_switches(request: web.Request) -> web.Response:
        body = await _json_object(request)
        if body is None:
            return _bad("the body must be a JSON object of at most 8 KiB")
        problem = _switch_error(body)
        if problem:
            return _bad(problem)
        switches = sim.switches
        if "qr_failure" in body:
            switches.qr_failure = body["qr_failure"]
            switches.qr_failure_count = body.get("qr_failure_count")
        switches.trailing_commas = body.get("trailing_commas", switches.trailing_commas)
        switches.clock_offset_seconds = float(
            body.get("clock_offset_seconds", switches.clock_offset_seconds))
        return web.json_response(switches.as_json())

    async def page(request: web.Request) -> web.Response:
        return web.Response(text=_page(sim), content_type="text/html",
                            headers={"Cache-Control": "no-store"})

    async def to_page(request: web.Request) -> web.Response:
        raise web.HTTPFound(prefix + "/")

    app.router.add_get(prefix, to_page)
    app.router.add_get(prefix + "/", page)
    app.router.add_post(prefix + "/scan", scan_json)
    app.router.add_post(prefix + "/ui/scan", scan_form)
    app.router.add_post(prefix + "/ui/replay", replay_form)
    app.router.add_get(prefix + "/switches", get_switches)
    app.router.add_post(prefix + "/switches", set_switches)
