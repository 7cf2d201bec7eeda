"""QR codes as PNG images, written by hand with zlib (no imaging library needed)."""
from __future__ import annotations

import struct
import zlib

import qrcodegen


def _chunk(kind: bytes, data: bytes) -> bytes:
    checksum = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)


def qr_png(text: str, scale: int = 8, border: int = 4) -> bytes:
    """A black-on-white 8-bit grayscale PNG of text's QR code, quiet zone included."""
    code = qrcodegen.QrCode.encode_text(text, qrcodegen.QrCode.Ecc.MEDIUM)
    modules = code.get_size()
    side = (modules + 2 * border) * scale
    rows = []
    for y in range(side):
        module_y = y // scale - border
        line = bytearray(b"\x00")  # filter type: none
        for x in range(side):
            module_x = x // scale - border
            dark = 0 <= module_x < modules and 0 <= module_y < modules and \
                code.get_module(module_x, module_y)
            line.append(0 if dark else 255)
        rows.append(bytes(line))
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + _chunk(b"IEND", b""))
