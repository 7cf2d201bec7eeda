"""POST /bein-webhooks: signatures, replays, idempotency, odd bodies, limits."""
from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from server_harness import Backend, deliver, envelope, http

DELIVERIES = "SELECT count(*) FROM deliveries"
ENTRIES = "SELECT count(*) FROM entries"


def issued_request_id(backend: Backend) -> str:
    answer = backend.new_pass()
    assert answer.status == 201, answer.body
    return answer.body["request_id"]


def status_of(backend: Backend, request_id: str) -> dict:
    answer = backend.api("GET", f"/api/passes/{request_id}")
    assert answer.status == 200, answer.body
    return answer.body


def test_valid_delivery_marks_the_pass_entered(real: Backend) -> None:
    request_id = issued_request_id(real)
    answer = deliver(real, envelope(request_id))
    assert answer.status == 200, answer.body
    state = status_of(real, request_id)
    assert state["status"] == "entered"
    assert state["entry"]["pod_id"] == "11111111-1111-1111-1111-111111111111"
    assert real.count(DELIVERIES) == 1 and real.count(ENTRIES) == 1


@pytest.mark.parametrize("headers, reason", [
    ({"x-platform-signature": "0" * 64}, "signature_mismatch"),
    ({"x-platform-signature": None}, "missing_signature"),
    ({"x-platform-timestamp": None}, "missing_timestamp"),
    ({"x-platform-signature": ""}, "missing_signature"),
    ({"x-platform-timestamp": ""}, "missing_timestamp"),
    ({"x-platform-signature": "zz" * 32}, "malformed_signature"),
    ({"x-platform-signature": "abc"}, "malformed_signature"),
    ({"x-platform-timestamp": "17170896x0123"}, "malformed_timestamp"),
    # Thirteen Arabic-Indic digits in UTF-8: digits to Unicode, but not a Unix time.
    ({"x-platform-timestamp": ("\u0661" * 13).encode()}, "malformed_timestamp"),
])
def test_bad_headers_are_refused_and_not_stored(real: Backend, headers: dict,
                                                reason: str) -> None:
    request_id = issued_request_id(real)
    answer = deliver(real, envelope(request_id), headers=headers)
    assert answer.status == 401
    assert answer.code == "invalid_signature" and answer.body["error"]["reason"] == reason
    assert real.count(DELIVERIES) == 0
    assert status_of(real, request_id)["status"] == "pending"
    assert f"reason={reason}" in real.log()


def test_wrong_secret_is_refused(real: Backend) -> None:
    answer = deliver(real, envelope("bein_x"), secret="whsec_wrong")
    assert answer.status == 401 and answer.body["error"]["reason"] == "signature_mismatch"
    assert real.count(DELIVERIES) == 0


def test_headers_are_found_in_any_case(real: Backend) -> None:
    body = envelope(issued_request_id(real))
    from server_harness import WEBHOOK_SECRET, sign
    stamp = int(time.time() * 1000)
    answer = http(real.url + "/bein-webhooks", "POST", raw=body, headers={
        "X-Platform-Timestamp": str(stamp),
        "X-PLATFORM-SIGNATURE": sign(WEBHOOK_SECRET, stamp, body).upper()})
    assert answer.status == 200, answer.body


def test_timestamp_in_seconds_is_refused(real: Backend) -> None:
    answer = deliver(real, envelope("bein_x"), timestamp=int(time.time()))
    assert answer.status == 401 and answer.body["error"]["reason"] == "timestamp_in_seconds"
    assert real.count(DELIVERIES) == 0


def test_timestamp_ten_minutes_ahead_is_kept_but_marked_late(real: Backend) -> None:
    request_id = issued_request_id(real)
    answer = deliver(real, envelope(request_id), timestamp=int(time.time() * 1000) + 600_000)
    assert answer.status == 200
    assert real.count("SELECT count(*) FROM deliveries WHERE late = 1") == 1


def test_late_replay_is_stored_once_and_changes_nothing_twice(real: Backend) -> None:
    request_id = issued_request_id(real)
    scanned = "2026-12-04T12:35:02.789Z"
    assert deliver(real, envelope(request_id, scanned_at=scanned)).status == 200
    entered = status_of(real, request_id)

    # A replay from be-in's dashboard an hour later: a new envelope id, an old timestamp.
    old = int(time.time() * 1000) - 3_600_000
    body = envelope(request_id, scanned_at=scanned)
    for _ in range(2):
        assert deliver(real, body, timestamp=old).status == 200
    assert real.count(DELIVERIES) == 2
    assert real.count("SELECT count(*) FROM deliveries WHERE late = 1") == 1
    assert real.count(ENTRIES) == 1
    assert status_of(real, request_id)["entry"] == entered["entry"]


def test_late_replay_of_a_lost_delivery_still_admits_once(real: Backend) -> None:
    request_id = issued_request_id(real)
    old = int(time.time() * 1000) - 3_600_000
    assert deliver(real, envelope(request_id), timestamp=old).status == 200
    assert status_of(real, request_id)["status"] == "entered"


def test_same_envelope_five_times_four_in_parallel(real: Backend) -> None:
    request_id = issued_request_id(real)
    body = envelope(request_id, envelope_id=str(uuid.uuid4()))
    assert deliver(real, body).status == 200
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: deliver(real, body), range(4)))
    assert [a.status for a in answers] == [200] * 4
    assert all(a.body["duplicate"] for a in answers)
    assert real.count(DELIVERIES) == 1 and real.count(ENTRIES) == 1


def test_same_entry_under_a_new_envelope_id(real: Backend) -> None:
    request_id = issued_request_id(real)
    assert deliver(real, envelope(request_id)).status == 200
    again = deliver(real, envelope(request_id))
    assert again.status == 200 and again.body["duplicate"] is True
    assert real.count(DELIVERIES) == 2 and real.count(ENTRIES) == 1
    assert real.count("SELECT count(*) FROM audit WHERE kind = 'entry'") == 1


def test_trailing_comma_body_is_parsed_leniently(real: Backend) -> None:
    request_id = issued_request_id(real)
    body = (b'{"id": "' + str(uuid.uuid4()).encode() + b'", "type": "entry.recorded", // one\n'
            b'"data": {"request_id": "' + request_id.encode() + b'", "pod_id": '
            b'"11111111-1111-1111-1111-111111111111", "scanned_at": '
            b'"2026-12-04T12:35:02.789Z", "metadata": {"purpose": "visit",},},}')
    assert deliver(real, body).status == 200
    assert real.count("SELECT count(*) FROM deliveries WHERE parse = 'lenient'") == 1
    assert status_of(real, request_id)["status"] == "entered"


def test_unknown_event_type_is_stored(real: Backend) -> None:
    answer = deliver(real, envelope("bein_x", event="door.opened"))
    assert answer.status == 200
    assert real.count("SELECT count(*) FROM deliveries WHERE event_type = 'door.opened'") == 1
    assert real.count(ENTRIES) == 0


def test_entry_for_a_pass_we_did_not_issue_is_stored_and_logged(real: Backend) -> None:
    assert deliver(real, envelope("bein_notours")).status == 200
    assert real.count("SELECT count(*) FROM entries WHERE pass_id IS NULL") == 1
    assert "did not issue" in real.log()


def test_body_that_is_not_utf8_is_kept_raw(real: Backend) -> None:
    body = b'{"id": "\xff\xfe\xfd", "type": "entry.recorded"}'
    answer = deliver(real, body)
    assert answer.status == 200
    conn = real.db()
    row = conn.execute("SELECT parse, raw FROM deliveries").fetchone()
    conn.close()
    assert row["parse"] == "unparsed" and row["raw"] == body
    assert "kept raw" in real.log()
    assert deliver(real, body).body["duplicate"] is True


def test_70_kib_body_is_refused_with_413(real: Backend) -> None:
    body = b'{"id": "x", "pad": "' + b"a" * (70 * 1024) + b'"}'
    answer = deliver(real, body)
    assert answer.status == 413 and answer.code == "payload_too_large"
    assert real.count(DELIVERIES) == 0


def test_chunked_body_over_the_limit_is_refused(real: Backend) -> None:
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", real.port, timeout=10)
    chunks = (b"a" * 8192 for _ in range(10))
    conn.request("POST", "/bein-webhooks", body=chunks, encode_chunked=True,
                 headers={"x-platform-timestamp": "1", "x-platform-signature": "0"})
    assert conn.getresponse().status == 413
    conn.close()


def test_waiting_kiosk_is_woken_by_the_webhook(real: Backend) -> None:
    request_id = issued_request_id(real)
    with ThreadPoolExecutor(1) as pool:
        started = time.monotonic()
        waiting = pool.submit(real.api, "GET", f"/api/passes/{request_id}?wait=10")
        time.sleep(0.5)
        assert deliver(real, envelope(request_id)).status == 200
        answer = waiting.result()
    assert answer.body["status"] == "entered"
    assert time.monotonic() - started < 2.0


def test_health_counts_rejected_deliveries(real: Backend) -> None:
    deliver(real, envelope("bein_x"), secret="whsec_wrong")
    assert deliver(real, envelope(issued_request_id(real))).status == 200
    time.sleep(0.2)
    health = http(real.url + "/api/health").body
    assert health["rejected_deliveries_last_hour"] >= 1 or health["last_delivery"] is None


def test_every_secret_is_accepted_while_rotating(start_backend, sim) -> None:
    backend = start_backend(sim, BEIN_WEBHOOK_SECRET="whsec_old, whsec_new")
    assert deliver(backend, envelope("bein_a"), secret="whsec_old").status == 200
    assert deliver(backend, envelope("bein_b"), secret="whsec_new").status == 200
    assert deliver(backend, envelope("bein_c"), secret="whsec_other").status == 401
