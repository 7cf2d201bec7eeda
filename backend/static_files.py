"""The built kiosk's files at `/`: right types, no listings, no way out of the folder."""
from __future__ import annotations

import re
from pathlib import Path

from aiohttp import web

TYPES = {
    ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8", ".wasm": "application/wasm",
    ".css": "text/css; charset=utf-8", ".json": "application/json",
    ".webmanifest": "application/manifest+json", ".png": "image/png", ".svg": "image/svg+xml",
    ".ico": "image/x-icon", ".woff2": "font/woff2", ".ttf": "font/ttf",
    ".txt": "text/plain; charset=utf-8", ".data": "application/octet-stream",
}
# A name such as kiosk.3f9a1c2b.wasm never changes content, so browsers may keep it a year.
HASHED_NAME = re.compile(r"[.-][0-9a-f]{8,}\.[a-z0-9]+$")
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))
NOT_BUILT = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>be-in kiosk</title></head><body style="font-family: sans-serif; margin: 2em">
<h1>The kiosk is not built yet</h1><p>Run <code>./kiosk run</code> in the repository: it builds
the kiosk and starts this server.</p></body></html>"""


def _safe_relative(path: str) -> str | None:
    """The path if it stays inside the folder: no dot segments, backslashes or hidden names."""
    if "\\" in path or "\x00" in path or len(path) > 512:
        return None
    parts = [p for p in path.split("/") if p]
    if any(p.startswith(".") for p in parts):
        return None
    return "/".join(parts)


class StaticFiles:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _find(self, relative: str) -> Path | None:
        candidate = (self.root / (relative or "index.html")).resolve()
        # resolve() follows links, so a link pointing outside the folder is refused here.
        if not candidate.is_relative_to(self.root) or not candidate.is_file():
            return None
        return candidate

    async def serve(self, request: web.Request) -> web.StreamResponse:
        if not (self.root / "index.html").is_file():
            if request.match_info["path"] in ("", "index.html"):
                return web.Response(text=NOT_BUILT, content_type="text/html",
                                    headers={"Cache-Control": "no-cache"})
            raise web.HTTPNotFound()
        relative = _safe_relative(request.match_info["path"])
        path = self._find(relative) if relative is not None else None
        if path is None:
            raise web.HTTPNotFound()

        content_type = TYPES.get(path.suffix, "application/octet-stream")
        cache = "public, max-age=31536000, immutable" if HASHED_NAME.search(path.name) \
            else "no-cache"
        headers = {"Content-Type": content_type, "Cache-Control": cache,
                   "Vary": "Accept-Encoding"}
        served = path
        accepted = request.headers.get("Accept-Encoding", "")
        for encoding, suffix in ENCODINGS:
            compressed = path.with_name(path.name + suffix)
            if encoding in accepted and compressed.is_file() and \
                    compressed.resolve().is_relative_to(self.root):
                served, headers["Content-Encoding"] = compressed, encoding
                break

        stat = served.stat()
        etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
        headers["ETag"] = etag
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers=headers)
        body = b"" if request.method == "HEAD" else served.read_bytes()
        response = web.Response(body=body, headers=headers)
        if request.method == "HEAD":
            response.content_length = stat.st_size
        return response


def add_static_routes(app: web.Application, root: Path) -> None:
    files = StaticFiles(root)
    app.router.add_route("GET", "/{path:.*}", files.serve)
