"""The kiosk's files: types, caching, compression, and no way out of the folder."""
from __future__ import annotations

import gzip
import http.client
import os

import pytest

from server_harness import Backend


@pytest.fixture
def site(start_backend) -> Backend:
    backend = start_backend()
    web = backend.db_path.parent / "web"
    (web / "assets").mkdir(parents=True)
    (web / "index.html").write_text("<!doctype html><title>kiosk</title>")
    (web / "kiosk.3f9a1c2b.wasm").write_bytes(b"\x00asm\x01\x00\x00\x00")
    (web / "kiosk.3f9a1c2b.js").write_text("console.log('hello')")
    (web / "kiosk.3f9a1c2b.js.gz").write_bytes(gzip.compress(b"console.log('hello')"))
    (web / "assets" / "font.ttf").write_bytes(b"font")
    (web / ".secret").write_text("hidden")
    (backend.db_path.parent / "outside.txt").write_text("outside")
    os.symlink(backend.db_path.parent / "outside.txt", web / "link.txt")
    return backend


def raw_get(backend: Backend, path: str) -> int:
    """A GET whose path is sent exactly as written (no client-side normalisation)."""
    conn = http.client.HTTPConnection("127.0.0.1", backend.port, timeout=10)
    conn.request("GET", path)
    status = conn.getresponse().status
    conn.close()
    return status


def test_index_and_types(site: Backend) -> None:
    index = site.request("GET", "/")
    assert index.status == 200 and index.headers["Content-Type"].startswith("text/html")
    assert index.headers["Cache-Control"] == "no-cache"
    csp = index.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "'wasm-unsafe-eval'" in csp
    assert "frame-ancestors 'none'" in csp
    assert index.headers["X-Content-Type-Options"] == "nosniff"
    assert index.headers["Referrer-Policy"] == "no-referrer"
    wasm = site.request("GET", "/kiosk.3f9a1c2b.wasm")
    assert wasm.headers["Content-Type"] == "application/wasm"
    assert "immutable" in wasm.headers["Cache-Control"]


def test_precompressed_file_is_served_when_accepted(site: Backend) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=10)
    conn.request("GET", "/kiosk.3f9a1c2b.js", headers={"Accept-Encoding": "gzip"})
    answer = conn.getresponse()
    assert answer.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(answer.read()) == b"console.log('hello')"
    conn.close()


def test_etag_gives_304(site: Backend) -> None:
    etag = site.request("GET", "/kiosk.3f9a1c2b.wasm").headers["ETag"]
    assert site.request("GET", "/kiosk.3f9a1c2b.wasm",
                        headers={"If-None-Match": etag}).status == 304


@pytest.mark.parametrize("path", [
    "/../outside.txt", "/assets/../../outside.txt", "/%2e%2e/outside.txt",
    "/%2E%2E/%2e%2e/etc/passwd", "/assets/..%2f..%2foutside.txt", "/..\\outside.txt",
    "/assets%5c..%5c..%5coutside.txt", "/.secret", "/link.txt", "/assets", "/assets/",
    "/nothing-here.js", "//etc/passwd", "/%00index.html",
])
def test_no_way_out_and_no_listings(site: Backend, path: str) -> None:
    assert raw_get(site, path) in (400, 404)


def test_not_built_page(start_backend) -> None:
    backend = start_backend()
    page = backend.request("GET", "/")
    assert page.status == 200 and b"./kiosk run" in page.raw
    assert backend.request("GET", "/kiosk.wasm").status == 404


def test_unknown_api_path_is_json(site: Backend) -> None:
    answer = site.request("GET", "/api/nothing")
    assert (answer.status, answer.code) == (404, "not_found")
    answer = site.request("DELETE", "/api/passes")
    assert answer.status == 405 and answer.code == "method_not_allowed"
