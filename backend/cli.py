"""`serve.py` and its subcommands: run the server, talk to be-in, manage kiosks and records."""
from __future__ import annotations

import argparse
import asyncio
import csv
import gc
import getpass
import logging
import signal
import ssl
import sys
from pathlib import Path
from typing import Any, Callable, Sequence

from aiohttp import web

from . import queries
from .bein_client import BeinClient, UpstreamError
from .clock import iso_ms, now_ms, parse_day_ms
from .config import REPO, ConfigError, Settings, load_settings
from .store import StoreUnavailable, connect, migrate, prepare_file, run_transaction

log = logging.getLogger("kiosk")
SUBCOMMANDS = ("simulate", "register-webhook", "pods", "check", "pair", "kiosks", "revoke",
               "staff-pin", "log", "export")


class Failure(Exception):
    """A command failed in a way the user must read; exit status 1."""


def setup_logging() -> None:
    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="serve.py", description="The be-in guest kiosk server.",
        epilog="other commands: serve.py {" + ",".join(SUBCOMMANDS) + "} --help")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--web", type=Path, default=REPO / "build" / "web",
                        help="the built kiosk's folder (default: build/web)")
    parser.add_argument("--tls-cert", type=Path, help="PEM certificate chain for HTTPS")
    parser.add_argument("--tls-key", type=Path, help="PEM private key for HTTPS")
    parser.add_argument("--access-log", action="store_true", help="log one line per request")
    return parser


def _sub_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="serve.py")
    sub = parser.add_subparsers(dest="command", required=True)
    simulate = sub.add_parser("simulate", help="run the be-in simulator alone")
    simulate.add_argument("--host", default="127.0.0.1")
    simulate.add_argument("--port", type=int, required=True)
    simulate.add_argument("--key", help="the partner key the simulator accepts")
    register = sub.add_parser("register-webhook", help="register our endpoint with be-in")
    register.add_argument("--url", required=True)
    sub.add_parser("pods", help="list the pods of the API key")
    sub.add_parser("check", help="tell whether key, webhook secret and store are usable")
    pair = sub.add_parser("pair", help="print a one-time pairing code for a kiosk")
    pair.add_argument("--name", required=True)
    sub.add_parser("kiosks", help="list paired kiosks and their last contact")
    revoke = sub.add_parser("revoke", help="cut off every kiosk of this name at once")
    revoke.add_argument("name")
    sub.add_parser("staff-pin", help="set the staff PIN (read twice from the terminal or stdin)")
    for name in ("log", "export"):
        command = sub.add_parser(name, help=f"{'print' if name == 'log' else 'CSV of'} "
                                            "the audit log")
        command.add_argument("--since", required=True, help="YYYY-MM-DD or an ISO time")
        if name == "export":
            command.add_argument("--output", type=Path, help="file to write (default stdout)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    setup_logging()
    try:
        settings = load_settings()
        if argv and argv[0] in SUBCOMMANDS:
            args = _sub_parser().parse_args(argv)
            return COMMANDS[args.command](settings, args)
        return serve(settings, _parser().parse_args(argv))
    except ConfigError as error:
        print(f"serve.py: configuration error: {error}", file=sys.stderr)
        return 2
    except Failure as error:
        print(f"serve.py: {error}", file=sys.stderr)
        return 1


# Running the server -------------------------------------------------------------------------

def _tls_context(args: argparse.Namespace) -> ssl.SSLContext | None:
    if not args.tls_cert and not args.tls_key:
        return None
    if not (args.tls_cert and args.tls_key):
        raise ConfigError("--tls-cert and --tls-key go together")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(str(args.tls_cert), str(args.tls_key))
    except (OSError, ssl.SSLError) as error:
        raise ConfigError(f"cannot load the TLS certificate or key: {error}") from None
    return context


def serve(settings: Settings, args: argparse.Namespace) -> int:
    from .app import start_server

    context = _tls_context(args)
    if args.access_log:
        logging.getLogger("aiohttp.access").setLevel(logging.INFO)

    async def run() -> int:
        try:
            server = await start_server(settings, args.host, args.port, args.web, context)
        except StoreUnavailable as error:
            raise Failure(str(error)) from None
        except OSError as error:
            raise Failure(f"cannot listen on {args.host}:{args.port}: {error.strerror}") from None
        except UpstreamError as error:
            raise Failure(f"the built-in simulator did not start: {error.message}") from None
        mode = ("demo mode: built-in be-in simulator; demo page " + server.url + "sim/"
                if settings.demo else f"be-in at {settings.api_base}")
        # The objects of start-up live until the end: keep them out of the collector's full
        # passes, which otherwise stall every waiting webhook for tens of milliseconds.
        gc.collect()
        gc.freeze()
        loop_name = type(asyncio.get_running_loop()).__module__.split(".")[0]
        log.info("event loop: %s", loop_name)
        print(f"be-in kiosk: open {server.url} ({mode})", flush=True)
        await _wait_for_stop_signal()
        log.info("stopping")
        await server.stop()
        return 0

    with asyncio.Runner(loop_factory=_loop_factory(settings.event_loop)) as runner:
        return runner.run(run())


def _loop_factory(choice: str) -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop when chosen or (auto) installed; None is asyncio's own loop.

    uvloop sends an answer's headers and body in one write where aiohttp 3.8 on asyncio's loop
    makes two send calls; bench part 1 measured about 13% less server CPU per delivery."""
    if choice == "asyncio":
        return None
    try:
        import uvloop
    except ImportError:
        if choice == "uvloop":
            raise ConfigError("KIOSK_EVENT_LOOP=uvloop needs Debian's python3-uvloop") from None
        return None
    return uvloop.new_event_loop


async def _wait_for_stop_signal() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


def simulate(settings: Settings, args: argparse.Namespace) -> int:
    from .simulator import Simulator, add_bein_routes, add_demo_routes

    async def run() -> int:
        sim = Simulator(key=args.key) if args.key else Simulator()
        app = web.Application(client_max_size=64 * 1024)
        add_bein_routes(app, sim, "")
        add_demo_routes(app, sim, "/sim")
        runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, args.host, args.port)
        try:
            await site.start()
        except OSError as error:
            raise Failure(f"cannot listen on {args.host}:{args.port}: {error.strerror}") from None
        port = runner.addresses[0][1]
        key_note = "the key you gave" if args.key else f"key {sim.key}"
        print(f"be-in simulator: http://{args.host}:{port} ({key_note}; pods "
              f"{', '.join(p.id for p in sim.pods)})", flush=True)
        await _wait_for_stop_signal()
        await runner.cleanup()
        await sim.close()
        return 0

    return asyncio.run(run())


# Commands that talk to be-in ----------------------------------------------------------------

def _real_client(settings: Settings) -> BeinClient:
    if settings.demo:
        raise Failure("BEIN_API_KEY is not set: this command needs a real be-in key "
                      "(demo mode runs its own simulator inside the server)")
    return BeinClient(settings.api_base, settings.api_key or "", settings.upstream_timeout_seconds)


def _with_client(settings: Settings, work: Callable[[BeinClient], Any]) -> Any:
    async def run() -> Any:
        client = _real_client(settings)
        try:
            return await work(client)
        except UpstreamError as error:
            raise Failure(f"be-in: {error.message} ({error.code})") from None
        finally:
            await client.close()

    return asyncio.run(run())


def pods(settings: Settings, args: argparse.Namespace) -> int:
    for pod in _with_client(settings, lambda client: client.list_pods()):
        print(f"{pod.id}  {pod.name}  ({pod.location})")
    return 0


def register_webhook(settings: Settings, args: argparse.Namespace) -> int:
    endpoint = _with_client(settings, lambda client: client.register_webhook(args.url))
    _transaction(settings, lambda c: (queries.set_meta(c, "webhook_secret", endpoint.secret),
                                      queries.set_meta(c, "webhook_endpoint_id", endpoint.id)))
    # Never print the whole secret: terminals end up in screenshots and scroll-back.
    print(f"registered webhook endpoint {endpoint.id} for {endpoint.url}; its secret "
          f"({endpoint.secret[:6]}…) is stored in {settings.db_path}")
    return 0


def check(settings: Settings, args: argparse.Namespace) -> int:
    problems = 0
    if settings.demo:
        print("be-in key: not set, so the server runs in demo mode with its simulator")
    else:
        try:
            doors = _with_client(settings, lambda client: client.list_pods())
            print(f"be-in key: works ({len(doors)} pods at {settings.api_base})")
        except Failure as error:
            problems += 1
            print(f"be-in key: does NOT work: {error}")
    try:
        stored = _transaction(settings, lambda c: (queries.set_meta(c, "check", str(now_ms())),
                                                   queries.get_meta(c, "webhook_secret"))[1])
        print(f"store: writable ({settings.db_path})")
    except (Failure, StoreUnavailable) as error:
        problems += 1
        stored = None
        print(f"store: NOT writable: {error}")
    if settings.webhook_secrets or stored:
        where = "BEIN_WEBHOOK_SECRET" if settings.webhook_secrets else "the store"
        print(f"webhook secret: present (from {where})")
    elif settings.demo:
        print("webhook secret: made up at each start in demo mode")
    else:
        problems += 1
        print("webhook secret: MISSING (set BEIN_WEBHOOK_SECRET or run serve.py "
              "register-webhook)")
    return 1 if problems else 0


# Commands on the store ----------------------------------------------------------------------

def _transaction(settings: Settings, work: Callable[[Any], Any]) -> Any:
    try:
        prepare_file(settings.db_path)
        conn = connect(settings.db_path)
        conn.execute("PRAGMA busy_timeout=5000")
        try:
            migrate(conn)
            return run_transaction(conn, work)
        finally:
            conn.close()
    except OSError as error:
        raise Failure(f"cannot open the store {settings.db_path}: {error.strerror}") from None
    except Exception as error:
        if type(error).__module__ == "sqlite3":
            raise Failure(f"the store {settings.db_path} failed: {error}") from None
        raise


def pair(settings: Settings, args: argparse.Namespace) -> int:
    from .pairing import CODE_MINUTES, create_code

    name = " ".join(args.name.split())
    if not 0 < len(name) <= 60:
        raise Failure("--name must be 1 to 60 characters")
    code = _transaction(settings, lambda c: create_code(c, name))
    print(f"pairing code for {name!r}: {code[:4]} {code[4:]} (valid {CODE_MINUTES} minutes, "
          "once)")
    return 0


def kiosks(settings: Settings, args: argparse.Namespace) -> int:
    rows = _transaction(settings, queries.list_kiosks)
    if not rows:
        print("no kiosks paired yet (serve.py pair --name NAME)")
    for row in rows:
        seen = iso_ms(row["last_seen_at_ms"]) if row["last_seen_at_ms"] else "never"
        state = f"revoked {iso_ms(row['revoked_at_ms'])}" if row["revoked_at_ms"] else "active"
        print(f"{row['id']:>4}  {row['name']:<30}  last contact {seen}  {state}")
    return 0


def revoke(settings: Settings, args: argparse.Namespace) -> int:
    count = _transaction(settings, lambda c: queries.revoke_kiosks(
        c, name=args.name, now_ms=now_ms(), by="serve.py revoke"))
    if not count:
        raise Failure(f"no active kiosk is named {args.name!r} (see serve.py kiosks)")
    print(f"revoked {count} kiosk(s) named {args.name!r}; they must be paired again")
    return 0


def staff_pin(settings: Settings, args: argparse.Namespace) -> int:
    from .staff_pin import hash_pin, valid_pin_format

    if sys.stdin.isatty():
        pin = getpass.getpass("new staff PIN (4 to 12 digits): ")
        again = getpass.getpass("the same PIN again: ")
    else:
        lines = sys.stdin.read().splitlines() + ["", ""]
        pin, again = lines[0].strip(), (lines[1].strip() or lines[0].strip())
    if pin != again:
        raise Failure("the two PINs differ; nothing changed")
    if not valid_pin_format(pin):
        raise Failure("the PIN must be 4 to 12 digits; nothing changed")
    hashed = hash_pin(pin)
    _transaction(settings, lambda c: (queries.set_meta(c, "staff_pin", hashed),
                                      queries.audit(c, now_ms(), "staff_pin_set")))
    print("staff PIN set")
    return 0


def _audit_rows(settings: Settings, since: str) -> list[Any]:
    since_ms = parse_day_ms(since)
    if since_ms is None:
        raise Failure(f"--since must be a date like 2026-12-01, got {since!r}")
    return _transaction(settings, lambda c: queries.audit_since(c, since_ms))


def audit_log(settings: Settings, args: argparse.Namespace) -> int:
    for row in _audit_rows(settings, args.since):
        detail = f" {row['detail']}" if row["detail"] else ""
        print(f"{iso_ms(row['at_ms'])}  {row['kind']:<22} kiosk={row['kiosk'] or '-'} "
              f"subject={row['subject'] or '-'}{detail}")
    return 0


def export(settings: Settings, args: argparse.Namespace) -> int:
    rows = _audit_rows(settings, args.since)
    handle = open(args.output, "w", newline="", encoding="utf-8") if args.output else sys.stdout
    try:
        writer = csv.writer(handle)
        writer.writerow(["time", "kind", "kiosk", "subject", "detail"])
        for row in rows:
            writer.writerow([iso_ms(row["at_ms"]), row["kind"], row["kiosk"] or "",
                             row["subject"] or "", row["detail"] or ""])
    finally:
        if args.output:
            handle.close()
    if args.output:
        print(f"wrote {len(rows)} rows to {args.output}", file=sys.stderr)
    return 0


COMMANDS: dict[str, Callable[[Settings, argparse.Namespace], int]] = {
    "simulate": simulate, "register-webhook": register_webhook, "pods": pods, "check": check,
    "pair": pair, "kiosks": kiosks, "revoke": revoke, "staff-pin": staff_pin,
    "log": audit_log, "export": export,
}
