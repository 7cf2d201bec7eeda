"""The simulator follows be-in's quick-start: its key, pod, body, headers and webhooks."""
from __future__ import annotations

import json

from server_harness import MAIN_ENTRANCE, SIM_KEY, Simulator, http

AUTH = {"Authorization": f"Bearer {SIM_KEY}"}


def test_quick_start_pods_and_qr_code(sim: Simulator) -> None:
    pods = http(sim.url + "/v1/pods", headers=AUTH)
    assert pods.status == 200
    assert {"id": MAIN_ENTRANCE, "name": "Main Entrance", "location": "Gym Alpha"} in pods.body
    # The quick-start's call, verbatim: pod_id, validity_minutes, metadata, Accept image/png.
    answer = http(sim.url + "/v1/qr-code", "POST", {
        "pod_id": MAIN_ENTRANCE, "validity_minutes": 5,
        "metadata": {"external_user_id": "abc-123", "purpose": "guest-pass"}},
        headers={**AUTH, "Accept": "image/png"})
    assert answer.status == 200 and answer.headers["Content-Type"] == "image/png"
    assert answer.raw.startswith(b"\x89PNG")
    assert answer.headers["X-Request-Id"].startswith("bein_")


def test_location_id_and_json_answer(sim: Simulator) -> None:
    answer = http(sim.url + "/v1/qr-code", "POST", {"location_id": MAIN_ENTRANCE},
                  headers={**AUTH, "Accept": "application/json"})
    assert answer.status == 200 and answer.body["image"]


def test_rules(sim: Simulator) -> None:
    url = sim.url + "/v1/qr-code"
    assert http(url, "POST", {"pod_id": MAIN_ENTRANCE}).status == 401
    assert http(url, "POST", {"pod_id": MAIN_ENTRANCE},
                headers={"Authorization": "Bearer wrong"}).status == 401
    for body in ({"pod_id": MAIN_ENTRANCE, "validity_minutes": 0.001},
                 {"pod_id": MAIN_ENTRANCE, "validity_minutes": 61},
                 {"pod_id": MAIN_ENTRANCE, "metadata": []},
                 {"pod_id": MAIN_ENTRANCE, "location_id": "22222222-2222-2222-2222-222222222222"},
                 {"validity_minutes": 5}):
        assert http(url, "POST", body, headers=AUTH).status == 400, body
    assert http(url, "POST", {"pod_id": "99999999-9999-9999-9999-999999999999"},
                headers=AUTH).status == 403


def test_webhook_endpoint_and_events(sim: Simulator) -> None:
    answer = http(sim.url + "/v1/webhooks/endpoints", "POST",
                  {"url": "https://example.test/bein-webhooks", "events": ["entry.recorded"]},
                  headers=AUTH)
    assert answer.status == 201 and set(answer.body) == {"id", "secret", "url", "events"}
    events = http(sim.url + "/v1/webhooks/events", headers=AUTH).body
    assert events[0]["type"] == "entry.recorded"


def test_scan_rules(sim: Simulator) -> None:
    assert http(sim.url + "/sim/scan", "POST", {"payload": "BEIN1:NOPE"}).body == {
        "granted": False, "reason": "unknown_code", "deliveries": []}
    assert http(sim.url + "/sim/scan", "POST", {"payload": 3}).status == 400


def test_switches_show_and_refuse_bad_values(sim: Simulator) -> None:
    assert http(sim.url + "/sim/switches", "POST", {"qr_failure": "418"}).status == 400
    shown = sim.switches(trailing_commas=True, clock_offset_seconds=-600)
    assert shown["trailing_commas"] is True and shown["clock_offset_seconds"] == -600
    assert http(sim.url + "/sim/switches").body == shown
    assert json.loads(json.dumps(shown)) == shown
