"""The SQL of the store: small functions on a connection, run by the writer or a reader."""
from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from .webhooks import Parsed, Verified

ENTERED, PENDING = "entered", "pending"


@dataclass(frozen=True)
class NewPass:
    id: str
    request_id: str
    page_token: str
    kiosk_id: int | None
    pod_id: str
    pod_name: str
    pod_location: str
    guest_name: str
    purpose: str
    language: str
    issued_at_ms: int
    expires_at_ms: int
    qr_png: bytes


@dataclass(frozen=True)
class DeliveryOutcome:
    delivery_id: int | None
    duplicate_delivery: bool
    duplicate_entry: bool
    pass_id: str | None
    request_id: str | None
    pass_changed: bool


# Audit --------------------------------------------------------------------------------------

def audit(conn: sqlite3.Connection, at_ms: int, kind: str, *, kiosk: str | None = None,
          subject: str | None = None, **detail: Any) -> None:
    """One audit row; detail never holds a guest's name, a key, a secret or a token."""
    conn.execute("INSERT INTO audit (at_ms, kind, kiosk, subject, detail) VALUES (?,?,?,?,?)",
                 (at_ms, kind, kiosk, subject,
                  json.dumps(detail, separators=(",", ":")) if detail else None))


def audit_since(conn: sqlite3.Connection, since_ms: int, limit: int = 100_000) -> list[sqlite3.Row]:
    return conn.execute("SELECT at_ms, kind, kiosk, subject, detail FROM audit "
                        "WHERE at_ms >= ? ORDER BY id LIMIT ?", (since_ms, limit)).fetchall()


# Passes -------------------------------------------------------------------------------------

def insert_pass(conn: sqlite3.Connection, new: NewPass, kiosk_name: str | None) -> None:
    conn.execute(
        "INSERT INTO passes (id, request_id, page_token, kiosk_id, pod_id, pod_name, "
        "pod_location, guest_name, purpose, language, issued_at_ms, expires_at_ms, qr_png) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (new.id, new.request_id, new.page_token, new.kiosk_id, new.pod_id, new.pod_name,
         new.pod_location, new.guest_name, new.purpose, new.language, new.issued_at_ms,
         new.expires_at_ms, new.qr_png))
    audit(conn, new.issued_at_ms, "pass_issued", kiosk=kiosk_name, subject=new.request_id,
          pass_id=new.id, pod_id=new.pod_id, purpose=new.purpose,
          expires_at_ms=new.expires_at_ms)


_PASS_COLUMNS = ("p.id, p.request_id, p.kiosk_id, p.pod_id, p.pod_name, p.pod_location, "
                 "p.issued_at_ms, p.expires_at_ms, p.status, p.qr_png, "
                 "e.scanned_at, e.scanned_at_ms, e.pod_id AS entry_pod_id")


def pass_by_request(conn: sqlite3.Connection, request_id: str) -> sqlite3.Row | None:
    return conn.execute(f"SELECT {_PASS_COLUMNS} FROM passes p LEFT JOIN entries e "
                        "ON e.id = p.entry_id WHERE p.request_id = ?", (request_id,)).fetchone()


def pass_by_page_token(conn: sqlite3.Connection, token: str) -> sqlite3.Row | None:
    return conn.execute(f"SELECT {_PASS_COLUMNS} FROM passes p LEFT JOIN entries e "
                        "ON e.id = p.entry_id WHERE p.page_token = ?", (token,)).fetchone()


def remove_old_names(conn: sqlite3.Connection, cutoff_ms: int, now_ms: int) -> int:
    """Clear guest names of passes issued before cutoff; the rows (and counts) stay."""
    cursor = conn.execute("UPDATE passes SET guest_name = NULL, name_removed_at_ms = ? "
                          "WHERE issued_at_ms < ? AND guest_name IS NOT NULL",
                          (now_ms, cutoff_ms))
    return cursor.rowcount


def passes_since(conn: sqlite3.Connection, since_ms: int, kiosk_id: int | None = None) -> int:
    if kiosk_id is None:
        row = conn.execute("SELECT count(*) FROM passes WHERE issued_at_ms >= ?", (since_ms,))
    else:
        row = conn.execute("SELECT count(*) FROM passes WHERE issued_at_ms >= ? AND kiosk_id = ?",
                           (since_ms, kiosk_id))
    return row.fetchone()[0]


def recent_entries(conn: sqlite3.Connection, limit: int = 20) -> list[sqlite3.Row]:
    """The last entries with the guest's name where we still hold it (for staff only)."""
    return conn.execute(
        "SELECT e.scanned_at, e.scanned_at_ms, e.pod_id, e.late, e.request_id, "
        "p.guest_name, p.purpose, p.pod_name FROM entries e LEFT JOIN passes p "
        "ON p.id = e.pass_id ORDER BY e.id DESC LIMIT ?", (limit,)).fetchall()


# Deliveries ---------------------------------------------------------------------------------

def record_delivery(conn: sqlite3.Connection, raw: bytes, parsed: Parsed, verified: Verified,
                    received_ms: int) -> DeliveryOutcome:
    """Store a signed delivery and its entry once; mark the pass entered at most once."""
    # Without an envelope id the raw bytes are the identity of the delivery.
    dedupe = parsed.envelope_id or "sha256:" + hashlib.sha256(raw).hexdigest()
    cursor = conn.execute(
        "INSERT OR IGNORE INTO deliveries (dedupe_key, envelope_id, event_type, received_at_ms, "
        "signed_at_ms, late, parse, raw) VALUES (?,?,?,?,?,?,?,?)",
        (dedupe, parsed.envelope_id, parsed.event_type, received_ms, verified.signed_at_ms,
         int(verified.late), parsed.parse, raw))
    entry = parsed.entry
    request_id = entry.request_id if entry else None
    if cursor.rowcount == 0:
        return DeliveryOutcome(None, True, False, None, request_id, False)
    delivery_id = cursor.lastrowid
    if entry is None:
        return DeliveryOutcome(delivery_id, False, False, None, None, False)

    row = conn.execute("SELECT id, status FROM passes WHERE request_id = ?",
                       (entry.request_id,)).fetchone()
    pass_id = row["id"] if row else None
    cursor = conn.execute(
        "INSERT OR IGNORE INTO entries (request_id, pod_id, scanned_at, scanned_at_ms, "
        "delivery_id, pass_id, late, recorded_at_ms) VALUES (?,?,?,?,?,?,?,?)",
        (entry.request_id, entry.pod_id, entry.scanned_at, entry.scanned_at_ms, delivery_id,
         pass_id, int(verified.late), received_ms))
    if cursor.rowcount == 0:
        return DeliveryOutcome(delivery_id, False, True, pass_id, request_id, False)
    entry_id = cursor.lastrowid

    changed = False
    if row is not None and row["status"] == PENDING:
        conn.execute("UPDATE passes SET status = ?, entry_id = ? WHERE id = ?",
                     (ENTERED, entry_id, pass_id))
        changed = True
    audit(conn, received_ms, "entry", subject=entry.request_id, pass_id=pass_id,
          pod_id=entry.pod_id, scanned_at=entry.scanned_at, late=verified.late,
          known_pass=row is not None)
    return DeliveryOutcome(delivery_id, False, False, pass_id, request_id, changed)


def delivery_facts(conn: sqlite3.Connection, hour_ago_ms: int) -> dict[str, Any]:
    last = conn.execute("SELECT max(received_at_ms) FROM deliveries").fetchone()[0]
    rejected = conn.execute("SELECT count(*) FROM audit WHERE kind = 'webhook_rejected' "
                            "AND at_ms >= ?", (hour_ago_ms,)).fetchone()[0]
    return {"last_delivery_ms": last, "rejected_last_hour": rejected}


# Settings kept in the store -----------------------------------------------------------------

def get_meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))


# Kiosks and pairing -------------------------------------------------------------------------

def add_kiosk(conn: sqlite3.Connection, name: str, token_sha256: str, now_ms: int) -> int:
    cursor = conn.execute("INSERT INTO kiosks (name, token_sha256, created_at_ms, "
                          "last_seen_at_ms) VALUES (?,?,?,?)", (name, token_sha256, now_ms, now_ms))
    audit(conn, now_ms, "kiosk_paired", kiosk=name)
    return int(cursor.lastrowid)


def kiosk_by_token(conn: sqlite3.Connection, token_sha256: str) -> sqlite3.Row | None:
    return conn.execute("SELECT id, name FROM kiosks WHERE token_sha256 = ? "
                        "AND revoked_at_ms IS NULL", (token_sha256,)).fetchone()


def touch_kiosk(conn: sqlite3.Connection, kiosk_id: int, now_ms: int) -> None:
    conn.execute("UPDATE kiosks SET last_seen_at_ms = ? WHERE id = ?", (now_ms, kiosk_id))


def list_kiosks(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT id, name, created_at_ms, last_seen_at_ms, revoked_at_ms "
                        "FROM kiosks ORDER BY id").fetchall()


def revoke_kiosks(conn: sqlite3.Connection, *, name: str | None = None,
                  kiosk_id: int | None = None, now_ms: int, by: str) -> int:
    """Revoke by name (every kiosk of that name) or by id; the token hash is dropped."""
    where, value = ("name = ?", name) if kiosk_id is None else ("id = ?", kiosk_id)
    rows = conn.execute(f"SELECT id, name FROM kiosks WHERE {where} "
                        "AND revoked_at_ms IS NULL", (value,)).fetchall()
    for row in rows:
        conn.execute("UPDATE kiosks SET revoked_at_ms = ?, token_sha256 = NULL WHERE id = ?",
                     (now_ms, row["id"]))
        audit(conn, now_ms, "kiosk_revoked", kiosk=row["name"], by=by)
    return len(rows)


def add_pairing_code(conn: sqlite3.Connection, code_sha256: str, kiosk_name: str, now_ms: int,
                     expires_at_ms: int) -> None:
    conn.execute("INSERT INTO pairing_codes (code_sha256, kiosk_name, created_at_ms, "
                 "expires_at_ms) VALUES (?,?,?,?)", (code_sha256, kiosk_name, now_ms,
                                                     expires_at_ms))
    audit(conn, now_ms, "pairing_code_created", kiosk=kiosk_name)


def redeem_pairing_code(conn: sqlite3.Connection, code_sha256: str, now_ms: int) -> str | None:
    """The kiosk name of a valid unused code, which is used up; None otherwise."""
    row = conn.execute("SELECT kiosk_name FROM pairing_codes WHERE code_sha256 = ? "
                       "AND used_at_ms IS NULL AND expires_at_ms > ?",
                       (code_sha256, now_ms)).fetchone()
    if row is None:
        return None
    conn.execute("UPDATE pairing_codes SET used_at_ms = ? WHERE code_sha256 = ?",
                 (now_ms, code_sha256))
    return str(row[0])
