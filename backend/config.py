"""Settings from the environment, checked once at start; a bad value stops the server."""
from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

REPO = Path(__file__).resolve().parent.parent
DEFAULT_API_BASE = "https://api-v3.be-in.app"
DEFAULT_PURPOSES = "visit:Visit,meeting:Meeting,delivery:Delivery,interview:Interview"
LANGUAGE_RE = re.compile(r"^[a-z]{2}(-[A-Z]{2})?$")
POD_ID_RE = re.compile(r"^[0-9A-Za-z-]{1,64}$")
PURPOSE_ID_RE = re.compile(r"^[a-z0-9_-]{1,32}$")
EVENT_LOOPS = ("auto", "uvloop", "asyncio")


class ConfigError(Exception):
    """A setting is missing or wrong; the message names it in one line."""


@dataclass(frozen=True)
class Purpose:
    id: str
    label: str


@dataclass(frozen=True)
class Settings:
    api_key: str | None
    api_base: str
    webhook_secrets: tuple[str, ...]
    db_path: Path
    public_url: str | None = None
    site_name: str = "be-in Demo Gym"
    kiosk_name: str = "Lobby tablet"
    pass_validity_minutes: float = 5.0
    doors: tuple[str, ...] = ()
    purposes: tuple[Purpose, ...] = ()
    languages: tuple[str, ...] = ("en", "de", "fr", "es")
    idle_seconds: int = 60
    retention_days: int = 30
    allowed_origins: tuple[str, ...] = ()
    upstream_timeout_seconds: float = 10.0
    passes_per_kiosk_minute: int = 10
    passes_per_kiosk_day: int = 200
    passes_per_server_minute: int = 60
    passes_per_server_day: int = 2000
    pod_fields: tuple[str, ...] = ("pod_id", "location_id")
    event_loop: str = "auto"

    @property
    def demo(self) -> bool:
        """No be-in key: the built-in simulator stands in for be-in."""
        return self.api_key is None


def _number(env: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low:g} and {high:g}, got {raw}")
    return value


def _integer(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    value = _number(env, name, default, low, high)
    if value != int(value):
        raise ConfigError(f"{name} must be a whole number, got {env.get(name)}")
    return int(value)


def _text(env: Mapping[str, str], name: str, default: str, limit: int = 80) -> str:
    value = env.get(name, "").strip() or default
    if len(value) > limit or any(ord(c) < 32 for c in value):
        raise ConfigError(f"{name} must be at most {limit} printable characters")
    return value


def _list(env: Mapping[str, str], name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env.get(name) or default).split(",") if item.strip()]


def read_secret_file(path: str, name: str) -> str:
    """A secret from a file that only the server's user may read (mode 0600 or stricter)."""
    try:
        info = os.stat(path)
        if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise ConfigError(f"{name}: {path} must be readable by its owner only (chmod 600)")
        if info.st_uid != os.getuid():
            raise ConfigError(f"{name}: {path} must belong to the user running the server")
        with open(path, encoding="utf-8") as handle:
            return handle.read().strip()
    except OSError as error:
        raise ConfigError(f"{name}: cannot read {path} ({error.strerror})") from None


def _secret(env: Mapping[str, str], name: str) -> str:
    """The value of NAME, or the content of the file named by NAME_FILE."""
    value = env.get(name, "").strip()
    file_name = env.get(name + "_FILE", "").strip()
    if value and file_name:
        raise ConfigError(f"set either {name} or {name}_FILE, not both")
    return read_secret_file(file_name, name + "_FILE") if file_name else value


def _purposes(env: Mapping[str, str]) -> tuple[Purpose, ...]:
    purposes = []
    for item in _list(env, "KIOSK_PURPOSES", DEFAULT_PURPOSES):
        ident, _, label = item.partition(":")
        ident, label = ident.strip(), label.strip() or ident.strip().capitalize()
        if not PURPOSE_ID_RE.match(ident) or len(label) > 40:
            raise ConfigError(f"KIOSK_PURPOSES: {item!r} is not id:Label (id a-z, 0-9, _ or -)")
        purposes.append(Purpose(ident, label))
    if len({p.id for p in purposes}) != len(purposes):
        raise ConfigError("KIOSK_PURPOSES lists an id twice")
    return tuple(purposes)


def _origins(env: Mapping[str, str]) -> tuple[str, ...]:
    origins = []
    for origin in _list(env, "KIOSK_ALLOWED_ORIGINS"):
        if not re.fullmatch(r"https?://[A-Za-z0-9.\-\[\]:]+", origin):
            raise ConfigError(f"KIOSK_ALLOWED_ORIGINS: {origin!r} is not scheme://host[:port]")
        origins.append(origin.lower())
    return tuple(origins)


def _url(env: Mapping[str, str], name: str, default: str | None) -> str | None:
    value = env.get(name, "").strip() or default
    if value is not None and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
        raise ConfigError(f"{name} must be an http(s) URL, got {value!r}")
    return value.rstrip("/") if value else value


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read and check every setting; raises ConfigError with a one-line message."""
    env = os.environ if env is None else env
    api_key = _secret(env, "BEIN_API_KEY") or None
    demo = api_key is None
    secrets = tuple(_list({"s": _secret(env, "BEIN_WEBHOOK_SECRET")}, "s"))

    languages = tuple(_list(env, "KIOSK_LANGUAGES", "en,de,fr,es"))
    for language in languages:
        if not LANGUAGE_RE.match(language):
            raise ConfigError(f"KIOSK_LANGUAGES: {language!r} is not a language code like en")
    doors = tuple(_list(env, "KIOSK_DOORS"))
    for door in doors:
        if not POD_ID_RE.match(door):
            raise ConfigError(f"KIOSK_DOORS: {door!r} is not a pod id")

    db = env.get("KIOSK_DB", "").strip()
    return Settings(
        api_key=api_key,
        api_base=_url(env, "BEIN_API_BASE", DEFAULT_API_BASE) or DEFAULT_API_BASE,
        webhook_secrets=secrets,
        db_path=Path(db) if db else REPO / "data" / "kiosk.db",
        public_url=_url(env, "KIOSK_PUBLIC_URL", None),
        site_name=_text(env, "KIOSK_SITE_NAME", "be-in Demo Gym"),
        kiosk_name=_text(env, "KIOSK_NAME", "Lobby tablet"),
        # Demo mode goes down to be-in's own minimum (0.01 min, 0.6 s), so that tests and
        # bench/kiosk_budgets.py can watch many passes expire.
        pass_validity_minutes=_number(env, "KIOSK_PASS_VALIDITY_MINUTES", 5.0,
                                      0.01 if demo else 1.0, 60.0),
        doors=doors,
        purposes=_purposes(env),
        languages=languages or ("en",),
        idle_seconds=_integer(env, "KIOSK_IDLE_SECONDS", 60, 5, 3600),
        retention_days=_integer(env, "KIOSK_RETENTION_DAYS", 30, 1, 3650),
        allowed_origins=_origins(env),
        upstream_timeout_seconds=_number(env, "KIOSK_UPSTREAM_TIMEOUT_SECONDS", 10.0, 0.5, 30.0),
        passes_per_kiosk_minute=_integer(env, "KIOSK_PASSES_PER_MINUTE", 10, 1, 100_000),
        passes_per_kiosk_day=_integer(env, "KIOSK_PASSES_PER_DAY", 200, 1, 100_000),
        passes_per_server_minute=_integer(env, "KIOSK_SERVER_PASSES_PER_MINUTE", 60, 1, 10_000),
        passes_per_server_day=_integer(env, "KIOSK_SERVER_PASSES_PER_DAY", 2000, 1, 1_000_000),
        pod_fields=_pod_fields(env),
        event_loop=_event_loop(env),
    )


def _event_loop(env: Mapping[str, str]) -> str:
    """auto: uvloop when Debian's python3-uvloop is installed, else asyncio's own loop."""
    choice = env.get("KIOSK_EVENT_LOOP", "").strip() or "auto"
    if choice not in EVENT_LOOPS:
        raise ConfigError(f"KIOSK_EVENT_LOOP must be one of {', '.join(EVENT_LOOPS)}, "
                          f"got {choice!r}")
    return choice


def _pod_fields(env: Mapping[str, str]) -> tuple[str, ...]:
    fields = tuple(_list(env, "BEIN_POD_FIELDS", "pod_id,location_id"))
    if not fields or not set(fields) <= {"pod_id", "location_id"}:
        raise ConfigError("BEIN_POD_FIELDS must list pod_id and/or location_id")
    return fields
