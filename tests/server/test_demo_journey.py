"""The issue's "done when", through serve.py in demo mode and zbarimg as the door scanner."""
from __future__ import annotations

import base64
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from server_harness import MAIN_ENTRANCE, Backend, deliver, envelope


def decode_qr(png: bytes, tmp_path) -> str:
    path = tmp_path / "pass.png"
    path.write_bytes(png)
    out = subprocess.run(["zbarimg", "-q", "--raw", str(path)], capture_output=True, text=True,
                         timeout=30)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbar-tools is not installed")
def test_demo_journey_with_zbarimg(demo: Backend, tmp_path) -> None:
    config = demo.api("GET", "/api/config").body
    assert config["demo"] is True and MAIN_ENTRANCE in [d["id"] for d in config["doors"]]

    created = demo.new_pass().body
    payload = decode_qr(base64.b64decode(created["qr_png"]), tmp_path)
    assert payload.startswith("BEIN1:")

    with ThreadPoolExecutor(1) as pool:
        waiting = pool.submit(demo.api, "GET", f"/api/passes/{created['request_id']}?wait=10")
        time.sleep(0.3)
        scan = demo.request("POST", "/sim/scan", {"payload": payload}).body
        answer = waiting.result()
    assert scan["granted"] is True and scan["reason"] == "granted"
    assert scan["deliveries"][0]["outcome"].startswith("delivered: 200")
    assert answer.body["status"] == "entered"

    again = demo.request("POST", "/sim/scan", {"payload": payload}).body
    assert again["granted"] is False
    assert deliver(demo, envelope(created["request_id"]), secret="whsec_guess").status == 401


def test_wrong_door_and_expired_code_are_refused(start_backend) -> None:
    backend = start_backend(KIOSK_PASS_VALIDITY_MINUTES="0.1")
    backend.pair()
    created = backend.new_pass().body
    page = backend.request("GET", "/sim/").raw.decode()
    assert created["request_id"] in page
    payload = page.split('name="payload" value="')[1].split('"')[0]
    wrong = backend.request("POST", "/sim/scan", {"payload": payload,
                                                  "pod_id": "22222222-2222-2222-2222-222222222222"})
    assert wrong.body["reason"] == "wrong_door"
    time.sleep(6.2)
    expired = backend.request("POST", "/sim/scan", {"payload": payload}).body
    assert expired == {"granted": False, "reason": "expired", "deliveries": []}


def test_trailing_commas_and_clock_offset_from_the_simulator(demo: Backend, tmp_path) -> None:
    demo.request("POST", "/sim/switches", {"trailing_commas": True,
                                           "clock_offset_seconds": -3600})
    created = demo.new_pass().body
    payload = decode_qr(base64.b64decode(created["qr_png"]), tmp_path)
    assert demo.request("POST", "/sim/scan", {"payload": payload}).body["granted"] is True
    state = demo.api("GET", f"/api/passes/{created['request_id']}").body
    assert state["status"] == "entered"
    assert demo.count("SELECT count(*) FROM deliveries WHERE parse = 'lenient' "
                      "AND late = 1") == 1


def test_replay_button_makes_a_new_delivery_of_the_same_entry(demo: Backend, tmp_path) -> None:
    created = demo.new_pass().body
    payload = decode_qr(base64.b64decode(created["qr_png"]), tmp_path)
    demo.request("POST", "/sim/scan", {"payload": payload})
    answer = demo.request("POST", "/sim/ui/replay", raw=b"index=0",
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status == 200  # followed the redirect to the page
    assert demo.count("SELECT count(*) FROM deliveries") == 2
    assert demo.count("SELECT count(*) FROM entries") == 1


def test_qr_failure_switch_then_cleared(demo: Backend) -> None:
    demo.request("POST", "/sim/switches", {"qr_failure": "500"})
    assert demo.new_pass().code == "upstream_unavailable"
    assert demo.new_pass().code == "upstream_unavailable"
    demo.request("POST", "/sim/switches", {"qr_failure": None})
    assert demo.new_pass().status == 201


def test_code_shown_before_a_restart_still_opens_the_door(demo: Backend, tmp_path) -> None:
    created = demo.new_pass().body
    payload = decode_qr(base64.b64decode(created["qr_png"]), tmp_path)
    demo.stop()
    demo.start()
    scan = demo.request("POST", "/sim/scan", {"payload": payload}).body
    assert scan["granted"] is True, scan
    assert demo.api("GET", f"/api/passes/{created['request_id']}").body["status"] == "entered"
    state = demo.db_path.with_name(demo.db_path.name + ".simulator.json")
    assert oct(state.stat().st_mode & 0o777) == "0o600"
