"""The store's schema as numbered migrations; a version only ever gets added, never edited."""
from __future__ import annotations

MIGRATIONS: list[tuple[int, list[str]]] = [
    (1, [
        """CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
        # One row per pass issued by be-in. guest_name is the only personal datum and is
        # cleared after the retention period; the row itself stays so that counts stay.
        """CREATE TABLE passes (
            id TEXT PRIMARY KEY,
            request_id TEXT NOT NULL UNIQUE,
            page_token TEXT NOT NULL UNIQUE,
            kiosk_id INTEGER,
            pod_id TEXT NOT NULL,
            pod_name TEXT NOT NULL,
            pod_location TEXT NOT NULL,
            guest_name TEXT,
            purpose TEXT NOT NULL,
            language TEXT NOT NULL,
            issued_at_ms INTEGER NOT NULL,
            expires_at_ms INTEGER NOT NULL,
            qr_png BLOB,
            status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'entered')),
            entry_id INTEGER,
            name_removed_at_ms INTEGER)""",
        """CREATE INDEX passes_issued ON passes (issued_at_ms)""",
        # Every correctly signed delivery, raw, exactly as received.
        """CREATE TABLE deliveries (
            id INTEGER PRIMARY KEY,
            dedupe_key TEXT NOT NULL UNIQUE,
            envelope_id TEXT,
            event_type TEXT,
            received_at_ms INTEGER NOT NULL,
            signed_at_ms INTEGER NOT NULL,
            late INTEGER NOT NULL,
            parse TEXT NOT NULL CHECK (parse IN ('strict', 'lenient', 'unparsed', 'incomplete')),
            raw BLOB NOT NULL)""",
        """CREATE INDEX deliveries_received ON deliveries (received_at_ms)""",
        # One row per door entry, whatever number of deliveries reported it.
        """CREATE TABLE entries (
            id INTEGER PRIMARY KEY,
            request_id TEXT NOT NULL,
            pod_id TEXT NOT NULL,
            scanned_at TEXT NOT NULL,
            scanned_at_ms INTEGER,
            delivery_id INTEGER NOT NULL REFERENCES deliveries (id),
            pass_id TEXT REFERENCES passes (id),
            late INTEGER NOT NULL,
            recorded_at_ms INTEGER NOT NULL,
            UNIQUE (request_id, pod_id, scanned_at))""",
        """CREATE INDEX entries_recorded ON entries (recorded_at_ms)""",
        """CREATE TABLE kiosks (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            token_sha256 TEXT UNIQUE,
            created_at_ms INTEGER NOT NULL,
            last_seen_at_ms INTEGER,
            revoked_at_ms INTEGER)""",
        """CREATE TABLE pairing_codes (
            code_sha256 TEXT PRIMARY KEY,
            kiosk_name TEXT NOT NULL,
            created_at_ms INTEGER NOT NULL,
            expires_at_ms INTEGER NOT NULL,
            used_at_ms INTEGER)""",
        """CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at_ms INTEGER NOT NULL,
            kind TEXT NOT NULL,
            kiosk TEXT,
            subject TEXT,
            detail TEXT)""",
        """CREATE INDEX audit_kind_time ON audit (kind, at_ms)""",
        """CREATE INDEX audit_time ON audit (at_ms)""",
    ]),
]
