#!/usr/bin/env python3
"""Packages the built kiosk into a folder of static files any web server can serve.

Names of the app's JS, wasm, loader and style carry a content hash, so that a cached old
script never meets a new wasm; compressible files get .gz and .br siblings. kiosk-config.json
is written only when missing, so that a deployment's own setting survives a rebuild.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import re
import shutil
import sys
from pathlib import Path

try:
    import brotli
except ImportError:  # .br is an extra; .gz alone is enough for every browser
    brotli = None

COMPRESS = (".html", ".js", ".wasm", ".css", ".json", ".webmanifest", ".svg")
HASHED = re.compile(r"^(kiosk|loader|style)\.[0-9a-f]{8,}\.(js|wasm|css)(\.gz|\.br)?$")


def hashed_name(stem: str, data: bytes, suffix: str) -> str:
    """`stem.<first 12 hex digits of the SHA-256>.suffix`."""
    return f"{stem}.{hashlib.sha256(data).hexdigest()[:12]}{suffix}"


def write_compressed(path: Path) -> None:
    """Writes path.gz (and path.br when brotli is available) beside path."""
    data = path.read_bytes()
    # mtime=0: the same input gives the same bytes, build after build.
    path.with_name(path.name + ".gz").write_bytes(gzip.compress(data, 9, mtime=0))
    if brotli is not None:
        path.with_name(path.name + ".br").write_bytes(brotli.compress(data, quality=11))


def package(js: Path, wasm: Path, web: Path, out: Path) -> None:
    """Writes the kiosk's static files into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.iterdir():
        if HASHED.match(old.name) or old.name.endswith((".gz", ".br")):
            old.unlink()

    # Content-addressed assets.
    names: dict[str, str] = {}
    for key, stem, source in (("APP", "kiosk", js), ("WASM", "kiosk", wasm),
                              ("LOADER", "loader", web / "loader.js"),
                              ("STYLE", "style", web / "style.css")):
        data = source.read_bytes()
        names[key] = hashed_name(stem, data, source.suffix)
        (out / names[key]).write_bytes(data)
    names["WASM_BYTES"] = str(wasm.stat().st_size)

    # The page that names them, and the files with fixed names.
    page = (web / "index.html").read_text()
    for key, value in names.items():
        page = page.replace(f"@{key}@", value)
    if "@" in re.sub(r"[\w.+-]+@[\w.-]+", "", page):
        raise SystemExit("index.html still holds a placeholder")
    (out / "index.html").write_text(page)
    for fixed in ("manifest.webmanifest", "icon.svg"):
        shutil.copyfile(web / fixed, out / fixed)
    if not (out / "kiosk-config.json").exists():
        shutil.copyfile(web / "kiosk-config.json", out / "kiosk-config.json")

    for path in sorted(out.iterdir()):
        if path.suffix in COMPRESS:
            write_compressed(path)


def main() -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--js", type=Path, required=True)
    parser.add_argument("--wasm", type=Path, required=True)
    parser.add_argument("--web", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    package(args.js, args.wasm, args.web, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
