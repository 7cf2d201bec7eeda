"""One place for the server's notion of time, so that formats agree everywhere."""
from __future__ import annotations

import datetime as _dt
import re
import time

_ISO_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?"
    r"(Z|[+-]\d{2}:?\d{2})?$")


def now_ms() -> int:
    """Unix time in milliseconds."""
    return time.time_ns() // 1_000_000


def iso_ms(ms: int) -> str:
    """ISO 8601 UTC with milliseconds, e.g. 2026-12-04T15:27:00.123Z."""
    moment = _dt.datetime.fromtimestamp(ms / 1000, tz=_dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def parse_iso_ms(text: str) -> int | None:
    """Unix milliseconds of an ISO 8601 time (no zone means UTC), or None if it is not one."""
    match = _ISO_RE.match(text.strip()) if isinstance(text, str) else None
    if not match:
        return None
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    fraction = (match.group(7) or "0")[:3].ljust(3, "0")
    zone = match.group(8) or "Z"
    try:
        moment = _dt.datetime(year, month, day, hour, minute, second, tzinfo=_dt.timezone.utc)
    except ValueError:
        return None
    if zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        moment -= sign * _dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return int(moment.timestamp()) * 1000 + int(fraction)


def parse_day_ms(text: str) -> int | None:
    """Unix milliseconds of a date (YYYY-MM-DD, UTC midnight) or a full ISO time."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        return parse_iso_ms(text.strip() + "T00:00:00Z")
    return parse_iso_ms(text)
