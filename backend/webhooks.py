"""Verification and parsing of be-in's signed webhook deliveries (pure functions, no I/O)."""
from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from .clock import parse_iso_ms

MAX_BODY = 64 * 1024
LIVE_WINDOW_MS = 5 * 60 * 1000
# Unix milliseconds have 13 digits from 2001 to 2286; 10 digits are seconds. ASCII digits
# only: other Unicode digits would pass \d and then fail to encode into the signed message.
TIMESTAMP_RE = re.compile(r"^\d{13}$", re.ASCII)
SECONDS_RE = re.compile(r"^\d{9,10}$", re.ASCII)
SIGNATURE_RE = re.compile(r"^[0-9a-fA-F]{64}$")
TEXT_FIELD_LIMIT = 200


class Rejected(Exception):
    """A delivery that is refused with 401; `reason` is a stable code for logs and audit."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Verified:
    signed_at_ms: int
    late: bool


@dataclass(frozen=True)
class Entry:
    request_id: str
    pod_id: str
    scanned_at: str
    scanned_at_ms: int | None
    external_user_id: str | None


@dataclass(frozen=True)
class Parsed:
    parse: str  # strict, lenient, unparsed or incomplete
    envelope_id: str | None
    event_type: str | None
    entry: Entry | None


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A header's value, found case-insensitively even in a plain dict."""
    value = headers.get(name)
    if value is None:
        wanted = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == wanted), None)
    return value


def sign(secret: str, timestamp_ms: int | str, body: bytes) -> str:
    """be-in's signature: lower-case hex HMAC-SHA256 of `timestamp.body`."""
    message = str(timestamp_ms).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def verify(headers: Mapping[str, str], body: bytes, secrets: Sequence[str],
           now_ms: int) -> Verified:
    """Check the timestamp and signature headers against every secret; raise Rejected."""
    if not secrets:
        raise Rejected("no_secret_configured")
    timestamp = header(headers, "x-platform-timestamp")
    signature = header(headers, "x-platform-signature")
    if timestamp is None or not timestamp.strip():
        raise Rejected("missing_timestamp")
    if signature is None or not signature.strip():
        raise Rejected("missing_signature")
    timestamp, signature = timestamp.strip(), signature.strip()
    if SECONDS_RE.match(timestamp):
        raise Rejected("timestamp_in_seconds")
    if not TIMESTAMP_RE.match(timestamp):
        raise Rejected("malformed_timestamp")
    if not SIGNATURE_RE.match(signature):
        raise Rejected("malformed_signature")

    given = bytes.fromhex(signature)
    message = timestamp.encode("ascii") + b"." + body
    # Check every secret, without stopping early, so that timing tells nothing about which.
    matched = False
    for secret in secrets:
        # Not hmac.digest: its one-shot form releases the GIL for every call, and the store's
        # writer thread then holds the event loop up for far longer than the hash takes.
        expected = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()
        matched |= hmac.compare_digest(expected, given)
    if not matched:
        raise Rejected("signature_mismatch")
    signed_at = int(timestamp)
    return Verified(signed_at, late=abs(now_ms - signed_at) > LIVE_WINDOW_MS)


def strip_json_extras(text: str) -> str:
    """Remove comments and trailing commas outside strings (be-in's examples have both)."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == '"':
            end = i + 1
            while end < n and text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            out.append(text[i:end + 1])
            i = end + 1
        elif text.startswith("//", i):
            newline = text.find("\n", i)
            i = n if newline < 0 else newline
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2)
            i = n if close < 0 else close + 2
        elif char == ",":
            rest = i + 1
            while rest < n and text[rest] in " \t\r\n":
                rest += 1
            if rest < n and text[rest] in "}]":
                i += 1
                continue
            out.append(char)
            i += 1
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _decode(body: bytes) -> tuple[Any, str] | None:
    """The JSON value and how it parsed (strict or lenient), or None."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    try:
        return json.loads(text), "strict"
    except ValueError:
        pass
    try:
        return json.loads(strip_json_extras(text)), "lenient"
    except ValueError:
        return None


def _short_text(value: Any) -> str | None:
    if isinstance(value, str) and 0 < len(value) <= TEXT_FIELD_LIMIT:
        return value
    return None


def parse(body: bytes) -> Parsed:
    """The envelope's id and type and, for entry.recorded, the entry; never raises."""
    decoded = _decode(body)
    if decoded is None or not isinstance(decoded[0], dict):
        return Parsed("unparsed", None, None, None)
    envelope, how = decoded
    envelope_id = _short_text(envelope.get("id"))
    event_type = _short_text(envelope.get("type"))
    if event_type != "entry.recorded":
        return Parsed(how if envelope_id else "incomplete", envelope_id, event_type, None)

    data = envelope.get("data")
    data = data if isinstance(data, dict) else {}
    metadata = data.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    request_id = _short_text(data.get("request_id"))
    pod_id = _short_text(data.get("pod_id"))
    scanned_at = _short_text(data.get("scanned_at"))
    if not (envelope_id and request_id and pod_id and scanned_at):
        return Parsed("incomplete", envelope_id, event_type, None)
    entry = Entry(request_id, pod_id, scanned_at, parse_iso_ms(scanned_at),
                  _short_text(metadata.get("external_user_id")))
    return Parsed(how, envelope_id, event_type, entry)
