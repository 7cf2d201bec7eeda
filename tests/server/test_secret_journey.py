"""A whole journey in real mode; no answer, page or log line may hold the key or the secret."""
from __future__ import annotations

import base64
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from server_harness import MAIN_ENTRANCE, Backend, Simulator, http


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbar-tools is not installed")
def test_journey_in_real_mode_leaks_neither_key_nor_secret(start_backend, sim: Simulator,
                                                           tmp_path) -> None:
    seen: list[str] = []

    def keep(answer):
        seen.append(f"{answer.status} {answer.headers} {answer.raw!r}")
        return answer

    # The endpoint is registered through the CLI, so the secret is be-in's, kept in the store.
    backend = Backend(tmp_path, sim, BEIN_WEBHOOK_SECRET=None, KIOSK_PUBLIC_URL=None)
    registered = backend.command("register-webhook", "--url", backend.url + "/bein-webhooks")
    assert registered.returncode == 0, registered.stderr
    seen += [registered.stdout, registered.stderr]
    conn = backend.db()
    secret = conn.execute("SELECT value FROM meta WHERE key = 'webhook_secret'").fetchone()[0]
    conn.close()
    backend.start()
    try:
        for args in (["check"], ["pods"], ["kiosks"]):
            out = backend.command(*args)
            assert out.returncode == 0, out.stdout + out.stderr
            seen += [out.stdout, out.stderr]
        assert "webhook secret: present" in seen[-6]

        # The kiosk: pairing, configuration, a pass, a wait, the scan at the door, entered.
        backend.pair("Lobby tablet")
        keep(backend.api("GET", "/api/config"))
        created = keep(backend.new_pass()).body
        png = tmp_path / "pass.png"
        png.write_bytes(base64.b64decode(created["qr_png"]))
        payload = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True,
                                 text=True, timeout=30).stdout.strip()
        with ThreadPoolExecutor(1) as pool:
            waiting = pool.submit(backend.api, "GET",
                                  f"/api/passes/{created['request_id']}?wait=10")
            time.sleep(0.3)
            scan = keep(http(sim.url + "/sim/scan", "POST",
                             {"payload": payload, "pod_id": MAIN_ENTRANCE}))
            assert scan.body["granted"] is True, scan.body
            assert keep(waiting.result()).body["status"] == "entered"

        # Failures and refusals on the way, which log the most.
        sim.switches(qr_failure="401", qr_failure_count=1)
        assert keep(backend.new_pass()).code == "upstream_unauthorized"
        keep(http(backend.url + "/bein-webhooks", "POST", raw=b"{}", headers={
            "x-platform-timestamp": str(int(time.time() * 1000)),
            "x-platform-signature": "0" * 64}))
        keep(backend.request("GET", "/api/health"))
        keep(backend.request("GET", "/"))
        keep(backend.request("GET", "/sim/"))
        keep(backend.request("POST", "/api/staff/login", {"pin": "1234"},
                             headers={"Authorization": f"Bearer {backend.token}"}))
        seen.append(backend.command("log", "--since", "2000-01-01").stdout)
        seen.append(backend.command("export", "--since", "2000-01-01").stdout)
    finally:
        backend.stop()
    seen += [backend.log(), sim.log()]

    everything = "\n".join(seen)
    assert "Lobby tablet" in everything  # the search does see the journey
    for name, value in (("API key", sim.key), ("webhook secret", secret)):
        assert value not in everything, f"the {name} leaked"
        assert value[8:24] not in everything, f"part of the {name} leaked"
