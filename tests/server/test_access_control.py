"""Issue 5: pairing, revocation, limits, staff PIN, audit log, origins, TLS and settings."""
from __future__ import annotations

import csv
import io
import os
import sqlite3
import ssl
import subprocess
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from server_harness import MAIN_ENTRANCE, PYTHON, REPO, Backend, clean_env, deliver, envelope

PASS_BODY = {"pod_id": MAIN_ENTRANCE, "guest_name": "Ann", "purpose": "visit", "language": "en"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("method, path", [("GET", "/api/config"), ("POST", "/api/passes"),
                                          ("GET", "/api/passes/bein_x"),
                                          ("GET", "/api/staff/overview")])
@pytest.mark.parametrize("headers", [{}, bearer("0" * 64), {"Authorization": "Basic abc"}])
def test_calls_without_a_valid_token_are_refused(real: Backend, method: str, path: str,
                                                 headers: dict) -> None:
    answer = real.request(method, path, PASS_BODY if method == "POST" else None,
                          headers=headers)
    assert (answer.status, answer.code) == (401, "kiosk_not_paired")
    assert real.count("SELECT count(*) FROM passes") == 0


def test_real_mode_needs_a_code(real: Backend) -> None:
    answer = real.request("POST", "/api/pair", {})
    assert (answer.status, answer.code) == (400, "invalid_input")
    answer = real.request("POST", "/api/pair", {"code": "12345678"})
    assert (answer.status, answer.code) == (401, "pairing_code_invalid")


def test_code_works_once_and_is_stored_only_as_a_hash(real: Backend) -> None:
    out = real.command("pair", "--name", "Front desk")
    code = out.stdout.split(":")[1].split("(")[0].replace(" ", "")
    assert real.count("SELECT count(*) FROM pairing_codes WHERE code_sha256 = ?", code) == 0
    first = real.request("POST", "/api/pair", {"code": code})
    assert first.status == 201 and first.body["kiosk_name"] == "Front desk"
    assert len(first.body["token"]) == 64
    assert real.count("SELECT count(*) FROM kiosks WHERE token_sha256 = ?",
                      first.body["token"]) == 0
    assert real.request("POST", "/api/pair", {"code": code}).code == "pairing_code_invalid"


def test_expired_code_is_refused(real: Backend) -> None:
    out = real.command("pair", "--name", "Late")
    code = out.stdout.split(":")[1].split("(")[0].replace(" ", "")
    conn = sqlite3.connect(real.db_path, timeout=5)
    conn.execute("UPDATE pairing_codes SET expires_at_ms = 1")
    conn.commit()
    conn.close()
    assert real.request("POST", "/api/pair", {"code": code}).code == "pairing_code_invalid"


def test_wrong_codes_lock_pairing_from_that_address(real: Backend) -> None:
    out = real.command("pair", "--name", "Lobby")
    good = out.stdout.split(":")[1].split("(")[0].replace(" ", "")
    for guess in range(5):
        answer = real.request("POST", "/api/pair", {"code": f"{guess:08d}"})
        assert answer.code == "pairing_code_invalid"
    locked = real.request("POST", "/api/pair", {"code": good})
    assert (locked.status, locked.code) == (429, "pairing_locked")
    assert 200 <= int(locked.headers["Retry-After"]) <= 300


def test_revoked_kiosk_stops_at_once_and_kiosks_lists_it(real: Backend) -> None:
    assert real.api("GET", "/api/config").status == 200
    listing = real.command("kiosks").stdout
    assert "Test kiosk" in listing and "active" in listing
    out = real.command("revoke", "Test kiosk")
    assert out.returncode == 0, out.stderr
    assert real.api("GET", "/api/config").code == "kiosk_not_paired"
    assert "revoked" in real.command("kiosks").stdout
    assert real.command("revoke", "Nobody").returncode == 1


def test_kiosk_limit_holds_under_concurrent_requests(start_backend, sim) -> None:
    backend = start_backend(sim, KIOSK_PASSES_PER_MINUTE="3")
    token = backend.pair()
    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(lambda _: backend.request("POST", "/api/passes", PASS_BODY,
                                                          headers=bearer(token)), range(10)))
    statuses = sorted(a.status for a in answers)
    assert statuses == [201] * 3 + [429] * 7
    limited = next(a for a in answers if a.status == 429)
    assert limited.code == "rate_limited" and 1 <= int(limited.headers["Retry-After"]) <= 60
    assert backend.count("SELECT count(*) FROM passes") == 3


def test_server_limit_spans_kiosks(start_backend, sim) -> None:
    backend = start_backend(sim, KIOSK_SERVER_PASSES_PER_MINUTE="2")
    first, second = backend.pair("One"), backend.pair("Two")
    codes = [backend.request("POST", "/api/passes", PASS_BODY, headers=bearer(t)).status
             for t in (first, second, second)]
    assert codes == [201, 201, 429]


def test_cross_origin_post_is_refused(real: Backend) -> None:
    headers = {**bearer(real.token), "Origin": "https://evil.example"}
    answer = real.request("POST", "/api/passes", PASS_BODY, headers=headers)
    assert (answer.status, answer.code) == (403, "origin_not_allowed")
    assert "Access-Control-Allow-Origin" not in answer.headers
    assert real.count("SELECT count(*) FROM passes") == 0
    same = {**bearer(real.token), "Origin": real.url}
    assert real.request("POST", "/api/passes", PASS_BODY, headers=same).status == 201
    preflight = real.request("OPTIONS", "/api/passes", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert preflight.status == 403 and "Access-Control-Allow-Origin" not in preflight.headers


def test_listed_origin_gets_exact_cors(start_backend, sim) -> None:
    origin = "https://cdn.example.test"
    backend = start_backend(sim, KIOSK_ALLOWED_ORIGINS=origin)
    backend.pair()
    preflight = backend.request("OPTIONS", "/api/passes", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert preflight.status == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == origin
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
    answer = backend.api("GET", "/api/config", headers={**bearer(backend.token),
                                                        "Origin": origin})
    assert answer.status == 200 and answer.headers["Access-Control-Allow-Origin"] == origin
    assert answer.headers["Cache-Control"] == "no-store"


def test_staff_pin_login_overview_lock_and_unpair(start_backend, sim) -> None:
    backend = start_backend(sim)
    out = backend.command("staff-pin", stdin="4711\n4711\n")
    assert out.returncode == 0, out.stderr
    conn = backend.db()
    stored = conn.execute("SELECT value FROM meta WHERE key = 'staff_pin'").fetchone()[0]
    conn.close()
    assert stored.startswith("scrypt$") and "4711" not in stored
    backend.pair()
    created = backend.new_pass(name="Zoë Staffsee").body
    deliver(backend, envelope(created["request_id"]))

    login = backend.api("POST", "/api/staff/login", {"pin": "4711"})
    assert login.status == 201
    session = {"X-Staff-Session": login.body["session"]}
    assert backend.api("GET", "/api/staff/overview").code == "staff_session_invalid"
    overview = backend.api("GET", "/api/staff/overview", headers={
        **bearer(backend.token), **session}).body
    assert overview["entries"][0]["guest_name"] == "Zoë Staffsee"
    assert overview["health"]["store_writable"] is True
    assert overview["kiosk"]["doors"]

    for _ in range(5):
        assert backend.api("POST", "/api/staff/login", {"pin": "0000"}).code == \
            "staff_pin_invalid"
    locked = backend.api("POST", "/api/staff/login", {"pin": "4711"})
    assert (locked.status, locked.code) == (429, "staff_locked")

    unpair = backend.api("POST", "/api/staff/unpair", {}, headers={
        **bearer(backend.token), **session})
    assert unpair.status == 200
    assert backend.api("GET", "/api/config").code == "kiosk_not_paired"
    assert "Zoë" not in backend.log()


def test_parallel_pin_guesses_cannot_pass_the_lock(start_backend, sim) -> None:
    backend = start_backend(sim)
    backend.command("staff-pin", stdin="4711\n4711\n")
    backend.pair()
    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(lambda pin: backend.api("POST", "/api/staff/login",
                                                        {"pin": f"{pin:04d}"}), range(12)))
    assert sum(a.code == "staff_pin_invalid" for a in answers) == 5
    assert sum(a.code == "staff_locked" for a in answers) == 7


def test_audit_log_and_csv_export(real: Backend) -> None:
    created = real.new_pass().body
    deliver(real, envelope(created["request_id"]))
    deliver(real, envelope("bein_x"), secret="whsec_wrong")
    real.command("revoke", "Test kiosk")
    time.sleep(0.3)
    text = real.command("log", "--since", "2000-01-01").stdout
    for kind in ("pairing_code_created", "kiosk_paired", "pass_issued", "entry",
                 "webhook_rejected", "kiosk_revoked"):
        assert kind in text, kind
    rows = list(csv.DictReader(io.StringIO(real.command("export", "--since",
                                                        "2000-01-01").stdout)))
    assert {"time", "kind", "kiosk", "subject", "detail"} <= set(rows[0])
    assert any(r["kind"] == "pass_issued" and r["subject"] == created["request_id"]
               for r in rows)
    assert "Jörg" not in text
    assert real.command("log", "--since", "yesterday").returncode == 1


def run_serve(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PYTHON, str(REPO / "serve.py"), *args], env=clean_env(env),
                          capture_output=True, text=True, timeout=30, cwd=REPO)


@pytest.mark.parametrize("env, words", [
    ({"BEIN_API_KEY": "k", "KIOSK_PASS_VALIDITY_MINUTES": "0.5"}, "KIOSK_PASS_VALIDITY_MINUTES"),
    ({"KIOSK_PASS_VALIDITY_MINUTES": "61"}, "KIOSK_PASS_VALIDITY_MINUTES"),
    ({"KIOSK_PASS_VALIDITY_MINUTES": "0.005"}, "KIOSK_PASS_VALIDITY_MINUTES"),
    ({"KIOSK_EVENT_LOOP": "twisted"}, "KIOSK_EVENT_LOOP"),
    ({"KIOSK_LANGUAGES": "english"}, "KIOSK_LANGUAGES"),
    ({"KIOSK_PURPOSES": "bad id:Label"}, "KIOSK_PURPOSES"),
    ({"KIOSK_IDLE_SECONDS": "soon"}, "KIOSK_IDLE_SECONDS"),
    ({"BEIN_API_BASE": "ftp://x"}, "BEIN_API_BASE"),
    ({"KIOSK_ALLOWED_ORIGINS": "*"}, "KIOSK_ALLOWED_ORIGINS"),
])
def test_invalid_settings_exit_2_with_one_line(tmp_path, env: dict, words: str) -> None:
    out = run_serve({"KIOSK_DB": str(tmp_path / "k.db"), **env}, "--port", "1")
    assert out.returncode == 2
    assert words in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_secret_file_must_be_private(tmp_path) -> None:
    secret = tmp_path / "key"
    secret.write_text("cb2e8c89-b2b4-4d3b-8d7b-97f4753c8f8e\n")
    os.chmod(secret, 0o644)
    out = run_serve({"KIOSK_DB": str(tmp_path / "k.db"), "BEIN_API_KEY_FILE": str(secret)},
                    "check")
    assert out.returncode == 2 and "chmod 600" in out.stderr


@pytest.mark.skipif(subprocess.run(["which", "openssl"], capture_output=True).returncode,
                    reason="openssl is not installed")
def test_tls(start_backend, tmp_path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    backend = Backend(tmp_path)
    backend.args += ["--tls-cert", str(cert), "--tls-key", str(key)]
    backend.url = backend.url.replace("http://", "https://")
    context = ssl.create_default_context(cafile=str(cert))
    context.check_hostname = False
    with open(backend.log_path, "ab") as log:
        backend.process = subprocess.Popen(
            [PYTHON, str(REPO / "serve.py"), *backend.args, "--port", str(backend.port)],
            cwd=REPO, env=backend.env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(backend.url + "/api/health", context=context,
                                            timeout=5) as answer:
                    assert answer.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, backend.log()
                time.sleep(0.1)
        assert "open https://" in backend.log()
    finally:
        backend.stop()


def test_unusable_store_is_one_clear_line(tmp_path) -> None:
    out = run_serve({"KIOSK_DB": "/proc/no-such-folder/kiosk.db"}, "--port", "1")
    assert out.returncode == 1
    assert out.stderr.strip().startswith("serve.py: cannot open the store")
    assert "Traceback" not in out.stderr
