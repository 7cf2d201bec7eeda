"""POST /api/passes and GET /api/passes/{id}: be-in's failures, bad input, waiting."""
from __future__ import annotations

import base64
import time

import pytest

from server_harness import MAIN_ENTRANCE, Backend, Simulator

ISSUED = "SELECT count(*) FROM passes"


def test_pass_is_issued_stored_and_shaped_as_documented(real: Backend) -> None:
    answer = real.new_pass()
    assert answer.status == 201, answer.body
    body = answer.body
    assert set(body) >= {"request_id", "pass_id", "pod", "issued_at", "issued_at_ms",
                         "expires_at", "expires_at_ms", "qr_png", "pass_url", "server_time_ms"}
    assert body["pod"]["id"] == MAIN_ENTRANCE and body["pod"]["name"] == "Main Entrance"
    assert base64.b64decode(body["qr_png"]).startswith(b"\x89PNG")
    assert body["expires_at_ms"] - body["issued_at_ms"] == 300_000
    assert body["pass_url"] is None
    assert answer.headers["Cache-Control"] == "no-store"
    assert real.count(ISSUED) == 1
    assert "Jörg" not in real.log()


@pytest.mark.parametrize("failure, status, code", [
    ("401", 502, "upstream_unauthorized"),
    ("403", 403, "pod_not_allowed"),
    ("404", 403, "pod_not_allowed"),
    ("429", 503, "upstream_rate_limited"),
    ("500", 503, "upstream_unavailable"),
    ("timeout", 503, "upstream_unavailable"),
    ("not_png", 502, "upstream_bad_response"),
    ("no_request_id", 502, "upstream_bad_response"),
])
def test_be_in_failures_give_a_code_and_store_nothing(real: Backend, sim: Simulator,
                                                      failure: str, status: int,
                                                      code: str) -> None:
    sim.switches(qr_failure=failure, qr_failure_count=1)
    started = time.monotonic()
    answer = real.new_pass()
    assert (answer.status, answer.code) == (status, code), answer.body
    assert time.monotonic() - started < 5
    assert answer.body["error"]["reference"].startswith("K-")
    if failure == "429":
        assert answer.headers["Retry-After"] == "7"
        assert answer.body["error"]["retry_after"] == 7
    assert real.count(ISSUED) == 0
    assert real.new_pass().status == 201  # the switch was for one call only


def test_be_in_unreachable(start_backend) -> None:
    from server_harness import free_port
    backend = start_backend(None, BEIN_API_KEY="k", BEIN_API_BASE=f"http://127.0.0.1:{free_port()}",
                            BEIN_WEBHOOK_SECRET="s")
    backend.pair()
    answer = backend.api("GET", "/api/config")
    assert (answer.status, answer.code) == (503, "upstream_unavailable")
    health = backend.request("GET", "/api/health").body
    assert health["bein"] == "unreachable"


@pytest.mark.parametrize("change, field", [
    ({"guest_name": None}, "guest_name"),
    ({"guest_name": ""}, "guest_name"),
    ({"guest_name": "   "}, "guest_name"),
    ({"guest_name": "x" * 81}, "guest_name"),
    ({"guest_name": "Bob\u0000"}, "guest_name"),
    ({"guest_name": 42}, "guest_name"),
    ({"purpose": "burglary"}, "purpose"),
    ({"purpose": ["visit"]}, "purpose"),
    ({"language": "xx"}, "language"),
    ({"pod_id": 7}, "pod_id"),
    ({"pod_id": None}, "pod_id"),
])
def test_bad_input_names_the_field(real: Backend, change: dict, field: str) -> None:
    body = {"pod_id": MAIN_ENTRANCE, "guest_name": "Ann", "purpose": "visit", "language": "en"}
    body.update(change)
    body = {k: v for k, v in body.items() if v is not None}
    answer = real.api("POST", "/api/passes", body)
    assert (answer.status, answer.code) == (400, "invalid_input"), answer.body
    assert answer.body["error"]["field"] == field
    assert real.count(ISSUED) == 0


def test_unknown_door_is_not_allowed(real: Backend) -> None:
    answer = real.new_pass(pod_id="99999999-9999-9999-9999-999999999999")
    assert (answer.status, answer.code) == (403, "pod_not_allowed")


def test_door_outside_kiosk_doors_is_not_allowed(start_backend, sim: Simulator) -> None:
    backend = start_backend(sim, KIOSK_DOORS="22222222-2222-2222-2222-222222222222")
    backend.pair()
    doors = backend.api("GET", "/api/config").body["doors"]
    assert [d["id"] for d in doors] == ["22222222-2222-2222-2222-222222222222"]
    assert backend.new_pass().code == "pod_not_allowed"


def test_browser_cannot_widen_validity(real: Backend) -> None:
    answer = real.new_pass(validity_minutes=600, expires_at_ms=0)
    assert answer.status == 201
    assert answer.body["expires_at_ms"] - answer.body["issued_at_ms"] == 300_000


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b"\xff\xfe", b"null"])
def test_body_that_is_not_an_object(real: Backend, raw: bytes) -> None:
    answer = real.api("POST", "/api/passes", raw=raw)
    assert (answer.status, answer.code) == (400, "invalid_input")


def test_huge_body_is_refused(real: Backend) -> None:
    answer = real.api("POST", "/api/passes", raw=b'{"guest_name": "' + b"a" * 200_000 + b'"}')
    assert (answer.status, answer.code) == (413, "payload_too_large")


def test_unknown_pass_is_not_found(real: Backend) -> None:
    answer = real.api("GET", "/api/passes/bein_nosuch?wait=0")
    assert (answer.status, answer.code) == (404, "not_found")


@pytest.mark.parametrize("wait", ["-1", "26", "abc", "nan"])
def test_wait_out_of_range(real: Backend, wait: str) -> None:
    request_id = real.new_pass().body["request_id"]
    answer = real.api("GET", f"/api/passes/{request_id}?wait={wait}")
    assert (answer.status, answer.code) == (400, "invalid_input")
    assert answer.body["error"]["field"] == "wait"


def test_waiting_request_answers_pending_after_n_seconds(real: Backend) -> None:
    request_id = real.new_pass().body["request_id"]
    started = time.monotonic()
    answer = real.api("GET", f"/api/passes/{request_id}?wait=1")
    elapsed = time.monotonic() - started
    assert answer.body["status"] == "pending" and answer.body["entry"] is None
    assert 0.9 <= elapsed < 2.5


def test_pass_expires_and_waiting_request_says_so(start_backend) -> None:
    # be-in's own minimum, 0.01 minutes, is allowed in demo mode.
    backend = start_backend(KIOSK_PASS_VALIDITY_MINUTES="0.01")
    backend.pair()
    created = backend.new_pass().body
    started = time.monotonic()
    answer = backend.api("GET", f"/api/passes/{created['request_id']}?wait=20")
    assert answer.body["status"] == "expired"
    assert time.monotonic() - started < 3
    assert created["expires_at_ms"] - created["issued_at_ms"] == 600


def test_pass_page_link_when_public_url_is_set(start_backend) -> None:
    backend = start_backend(KIOSK_PUBLIC_URL="https://kiosk.example.test")
    backend.pair()
    assert backend.api("GET", "/api/config").body["pass_page"] is True
    body = backend.new_pass().body
    assert body["pass_url"].startswith("https://kiosk.example.test/p/")
    token = body["pass_url"].rsplit("/", 1)[1]
    assert token not in body["request_id"] and len(token) >= 30
    page = backend.request("GET", f"/p/{token}")
    assert page.status == 200 and b"data:image/png;base64," in page.raw
    assert b"J\xc3\xb6rg" not in page.raw
    assert backend.request("GET", "/p/" + "A" * 32).status == 404
    assert token not in backend.log()


def test_names_older_than_the_retention_period_are_removed(start_backend, sim) -> None:
    backend = start_backend(sim, KIOSK_RETENTION_DAYS="1")
    backend.pair()
    old = backend.new_pass(name="Old Guest").body
    assert backend.new_pass(name="New").status == 201
    backend.stop()
    import sqlite3
    conn = sqlite3.connect(backend.db_path)
    conn.execute("UPDATE passes SET issued_at_ms = issued_at_ms - 2 * 86400000 "
                 "WHERE request_id = ?", (old["request_id"],))
    conn.commit()
    conn.close()
    backend.start()
    time.sleep(0.5)
    assert backend.count("SELECT count(*) FROM passes WHERE guest_name IS NULL "
                         "AND request_id = ?", old["request_id"]) == 1
    assert backend.count("SELECT count(*) FROM passes WHERE guest_name = 'New'") == 1
    assert backend.count("SELECT count(*) FROM passes") == 2
