"""`GET /p/{token}`: the guest's own copy of the pass, as a plain page for a phone."""
from __future__ import annotations

import base64
import html

from aiohttp import web

from . import queries
from .clock import now_ms
from .services import Services

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{refresh}<title>Your pass</title></head>
<body style="font-family: sans-serif; text-align: center; margin: 1.5em">
<h1>{title}</h1>{body}</body></html>"""


def _page(title: str, body: str, refresh: bool = False, status: int = 200) -> web.Response:
    text = PAGE.format(title=html.escape(title), body=body,
                       refresh='<meta http-equiv="refresh" content="10">' if refresh else "")
    return web.Response(text=text, content_type="text/html", status=status,
                        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})


def add_pass_page_routes(app: web.Application, services: Services) -> None:
    async def pass_page(request: web.Request) -> web.Response:
        token = request.match_info["token"]
        row = None
        if 20 <= len(token) <= 64:
            row = await services.store.read(lambda c: queries.pass_by_page_token(c, token))
        if row is None:
            return _page("Pass not found", "<p>This link is not valid.</p>", status=404)
        if row["status"] == queries.ENTERED:
            return _page("Pass used", "<p>This pass has been used. Welcome!</p>")
        left = (row["expires_at_ms"] - now_ms()) // 1000
        if left <= 0 or not row["qr_png"]:
            return _page("Pass expired", "<p>Please ask at the desk or the kiosk for a new one."
                                         "</p>")
        image = base64.b64encode(row["qr_png"]).decode("ascii")
        door = html.escape(row["pod_name"])
        body = (f'<p>Show this code at <b>{door}</b>.</p>'
                f'<img alt="QR code" src="data:image/png;base64,{image}" '
                f'style="width: min(80vw, 360px); image-rendering: pixelated">'
                f"<p>Valid for about {left // 60} min {left % 60:02d} s.</p>")
        return _page("Your pass", body, refresh=True)

    app.router.add_get("/p/{token}", pass_page)
