"""Run the reference platform under uvicorn: `python -m commandcenter.platform` and the
lead's `commandcenter platform serve`.

Whoever starts the platform (tests, the demo) waits for the one stdout line
"platform listening on http://HOST:PORT", printed only once the socket accepts connections,
with the real port when asked for port 0.
"""
from __future__ import annotations

import argparse
import math
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Callable, Sequence

import uvicorn

from commandcenter.platform.alarming import AlarmRunner
from commandcenter.platform.app import create_app
from commandcenter.platform.sqldb import is_postgres_url, redact
from commandcenter.platform.storage import PlatformStorage, StorageError
from commandcenter.platform.units import DEFAULT_UNITS, MAX_UNITS, Fleet, FleetRunner

TOKEN_ENV = "COMMANDCENTER_PLATFORM_TOKEN"
GRACEFUL_SHUTDOWN_S = 3


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, on_shutdown: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_shutdown = on_shutdown

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started and not self.should_exit:
            port = self.servers[0].sockets[0].getsockname()[1]
            host = self.config.host
            if ":" in host:
                host = f"[{host}]"
            scheme = "https" if self.config.ssl_certfile else "http"
            print(f"platform listening on {scheme}://{host}:{port}", flush=True)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        # End the live streams first: uvicorn waits for open responses, and a stream never
        # ends by itself.
        self._on_shutdown()
        await super().shutdown(sockets)


def serve(
    db_path: str | Path,
    host: str = "127.0.0.1",
    port: int = 8765,
    scenario_path: str | Path | None = None,
    speed: float = 60.0,
    token: str | None = None,
    loop: bool = False,
    start_at_s: float = 0.0,
    units: int | None = None,
    tls_cert: str | Path | None = None,
    tls_key: str | Path | None = None,
    demo_user: str | None = None,
    drill_run: str | None = None,
) -> None:
    """Serve until SIGTERM or SIGINT (blocking). Raises StorageError when the database cannot
    be opened and ScenarioError/CatalogError for a bad scenario, before anything is written.

    `units`: the size of the simulated fleet (None: DEFAULT_UNITS with a scenario, none
    without; 0: none)."""
    simulator = None
    catalog = None
    if scenario_path is not None:
        from commandcenter.catalog import load_catalog
        from commandcenter.drills.scenario import load_scenario
        from commandcenter.platform.simulator import CitySimulator

        catalog = load_catalog()
        scenario = load_scenario(scenario_path, catalog)
        if drill_run is not None and not scenario.is_drill:
            raise ValueError(f"{scenario_path}: not a drill (no exercise, phases, objectives, injects): "
                             "--drill needs a drill file")
        # a drill's city shows every indicator of the catalogue (the script curves some)
        simulator = CitySimulator(scenario, catalog, speed=speed, loop=loop and drill_run is None,
                                  start_at_s=start_at_s, fill_from_catalog=drill_run is not None)
    if units is None:
        units = DEFAULT_UNITS if simulator is not None else 0
    fleet_units = None
    if units > 0:
        from commandcenter.catalog import load_catalog

        catalog = catalog or load_catalog()
        seed = simulator.scenario.id if simulator is not None else "demo"
        fleet_units = Fleet(catalog, units, seed=seed)
    storage = PlatformStorage(db_path, drill_run=drill_run)
    try:
        drill = None
        if drill_run is not None:
            from commandcenter.platform.drill_host import DrillHost

            if storage.drill_script(Path(scenario_path).read_text(encoding="utf-8")) is not None:
                raise StorageError(f"{scenario_path} has changed since drill run {drill_run} started: its events "
                                   "name the injects of the file as it was. Put the file back, or start a new run")
            drill = DrillHost(storage, simulator.scenario, catalog, drill_run)
        if demo_user:
            _print_demo_token(storage, demo_user)
        runner = FleetRunner(fleet_units, storage, speed=speed) if fleet_units is not None else None
        # alarms from the simulator's samples; durations in scenario time (samples a second
        # apart stand for `speed` scenario seconds)
        alarms = (
            AlarmRunner(simulator.catalog.indicators, storage, time_scale=speed, scenario_id=simulator.scenario.id)
            if simulator is not None and simulator.catalog is not None
            else None
        )
        app = create_app(storage, simulator, token=token, fleet=runner, alarms=alarms, drill=drill)
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            lifespan="on",
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
            ssl_certfile=str(tls_cert) if tls_cert else None,
            ssl_keyfile=str(tls_key) if tls_key else None,
        )
        server = _Server(config, app.state.broadcaster.close)
        with _quiet_after_exit(server):
            server.run()
    finally:
        storage.close()


class _quiet_after_exit:
    """uvicorn re-raises the stop signal after its graceful shutdown, which would kill the
    process before the database is closed; during the run our own handlers receive it. A stop
    signal that comes before uvicorn listens for it (the first milliseconds of the run) asks
    the server to exit as soon as it has started, instead of being lost."""

    _SIGNALS = (signal.SIGTERM, signal.SIGINT)

    def __init__(self, server: uvicorn.Server | None = None) -> None:
        self.server = server

    def _early(self, signum: int, frame: object) -> None:
        if self.server is not None:
            self.server.should_exit = True

    def __enter__(self) -> None:
        self._previous: dict[int, object] = {}
        if threading.current_thread() is threading.main_thread():
            for sig in self._SIGNALS:
                self._previous[sig] = signal.signal(sig, self._early)

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)


class _Parser(argparse.ArgumentParser):
    """Errors are one line and exit 2, like every commandcenter command."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser(prog: str = "commandcenter platform serve") -> argparse.ArgumentParser:
    parser = _Parser(prog=prog, description="Run the reference platform (HTTP sync + live stream).")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--db", help="platform SQLite file (created if missing)")
    where.add_argument(
        "--database-url", metavar="URL",
        help="postgresql://user:password@host:port/database instead of a SQLite file; several "
        "platform processes may share it (docs/deployment.md)",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument("--scenario", help="scenario YAML the city simulator plays")
    parser.add_argument("--speed", type=float, default=60.0, help="scenario seconds per real second")
    parser.add_argument("--parent-pid", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument(
        "--start-at", type=float, default=0.0, metavar="SECONDS",
        help="start the scenario this many scenario seconds in, with the history before it",
    )
    parser.add_argument(
        "--units", type=int, default=None, metavar="N",
        help=f"simulated units driving about the city, 0-{MAX_UNITS} "
        f"(default: {DEFAULT_UNITS} with --scenario, else 0)",
    )
    parser.add_argument(
        "--loop", action="store_true", help="start the scenario again when it ends (default: stop)"
    )
    parser.add_argument(
        "--token",
        default=os.environ.get(TOKEN_ENV),
        help=f"require this bearer token on every request (default: ${TOKEN_ENV})",
    )
    parser.add_argument("--tls-cert", metavar="FILE", default=None, help="serve HTTPS with this certificate (PEM)")
    parser.add_argument("--tls-key", metavar="FILE", default=None, help="the certificate's private key (PEM)")
    parser.add_argument(
        "--drill", metavar="RUN", default=None,
        help="serve drill run RUN of the --scenario drill on its own --db (docs/drills.md): the "
        "city follows the exercise clock, /v1/drill serves the run",
    )
    # the embedded demo: make (or renew) user NAME, a commander, and print its token to stdout
    parser.add_argument("--demo-user", metavar="NAME", default=None, help=argparse.SUPPRESS)
    return parser


def _print_demo_token(storage: PlatformStorage, name: str) -> None:
    """A fresh token for the embedded client, printed as "demo token: ..." (the old one of
    the same name is replaced: a demo restarts with a new token each time)."""
    from commandcenter.platform.users import Users

    users = Users(storage)
    with storage._lock:
        storage._conn.execute("DELETE FROM users WHERE name=?", (name,))
    print(f"demo token: {users.add(name, 'commander')}", flush=True)


def main(argv: Sequence[str] | None = None, prog: str = "commandcenter platform serve") -> int:
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error(f"argument --port: {args.port} is not a port number (0-65535)")
    if not (math.isfinite(args.speed) and args.speed > 0):
        parser.error(f"argument --speed: must be a positive number, got {args.speed}")
    if args.units is not None and not 0 <= args.units <= MAX_UNITS:
        parser.error(f"argument --units: must be between 0 and {MAX_UNITS}, got {args.units}")
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("arguments --tls-cert and --tls-key: give both or neither")
    for name in ("tls_cert", "tls_key"):
        value = getattr(args, name)
        if value and not Path(value).is_file():
            parser.error(f"argument --{name.replace('_', '-')}: no such file {value}")
    if args.scenario is not None and not Path(args.scenario).is_file():
        parser.error(f"argument --scenario: no such file {args.scenario}")
    if args.database_url is not None and not is_postgres_url(args.database_url):
        parser.error(f"argument --database-url: must start with postgresql://, got {redact(args.database_url)!r}")
    if args.tls_cert:
        import ssl

        try:  # a bad certificate or key is a one-line error before anything is written
            ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(args.tls_cert, args.tls_key)
        except (ssl.SSLError, OSError) as exc:
            print(f"{prog}: error: --tls-cert {args.tls_cert} / --tls-key {args.tls_key}: {exc}", file=sys.stderr)
            return 1
    problem = _unwritable(Path(args.db)) if args.db is not None else None
    if problem:
        print(f"{prog}: error: cannot use database {args.db}: {problem}", file=sys.stderr)
        return 1
    try:
        if args.start_at < 0 or not math.isfinite(args.start_at):
            parser.error(f"argument --start-at: must be a non-negative number, got {args.start_at}")
        if args.start_at and args.scenario is None:
            parser.error("argument --start-at: needs --scenario")
        if args.drill is not None:
            from commandcenter.drills.run import check_run_id

            problem = check_run_id(args.drill)
            if problem:
                parser.error(f"argument --drill: {problem}")
            if args.scenario is None:
                parser.error("argument --drill: needs --scenario (the drill file)")
            if args.database_url is not None:
                parser.error("argument --drill: a drill runs on its own SQLite file (--db)")
            if args.start_at:
                parser.error("argument --start-at: a drill starts where its clock is (seek in the console)")
        if args.parent_pid is not None:
            _exit_with_parent(args.parent_pid)
        serve(args.database_url or args.db, args.host, args.port, args.scenario, args.speed, args.token or None, args.loop,
              args.start_at, args.units, args.tls_cert, args.tls_key, args.demo_user, args.drill)
    except StorageError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:  # ScenarioError and CatalogError name file, line and field
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 1
    return 0


def _exit_with_parent(pid: int, every_s: float = 1.0) -> None:
    """Stop (SIGTERM, a clean shutdown) once process `pid` is no longer our parent: the
    client that started us is gone, whichever way it ended."""

    def watch() -> None:
        while os.getppid() == pid:
            time.sleep(every_s)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _unwritable(path: Path) -> str | None:
    """Why the database file cannot be created or written, checked before anything starts."""
    if path.is_dir():
        return "is a directory"
    if path.exists():
        return None if os.access(path, os.W_OK) else "not writable"
    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        return f"{parent} is not a directory"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"directory {parent} is not writable"
    return None
