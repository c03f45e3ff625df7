"""The one command line: `commandcenter ...` (ARCHITECTURE.md, "The command line").

Every subcommand accepts --data-dir. Bad input exits non-zero with a one-line reason and
changes nothing. Qt is imported only by the subcommands that open a window.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from commandcenter.paths import DataDir, scenarios_dir

DEFAULT_SCENARIO = "rainstorm-day.yaml"
VIEWS = ("all", "map", "vitals", "board", "sync", "drill")
DEFAULT_DRILL = "drill-flood.yaml"
# ui/layouts.py's names, here so the parser needs no Qt (tests/test_cli.py checks they agree)
LAYOUT_NAMES = ("commander_wall", "dispatcher_desk", "department_seat", "field_laptop")


class _Parser(argparse.ArgumentParser):
    """argparse, but errors are one line: 'commandcenter: error: ...' and exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--size must look like 1920x1080, got {text!r}") from None
    if not (320 <= w <= 7680 and 240 <= h <= 4320):
        raise argparse.ArgumentTypeError(f"--size {text} is out of range (320x240 .. 7680x4320)")
    return w, h


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"seconds must not be negative: {text}")
    return value


def _speed(text: str) -> float:
    value = _seconds(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("--speed must be positive")
    return value


def _scenario(text: str) -> Path:
    path = Path(text)
    if not path.exists() and (scenarios_dir() / text).exists():
        path = scenarios_dir() / text
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"scenario file not found: {text}")
    return path


def _tiles_url(text: str) -> str:
    from commandcenter.map.bridge import BridgeError, check_tile_url

    try:
        return check_tile_url(text)
    except BridgeError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _seat(text: str):
    """--seat ROLE or seat:DEPARTMENT (a department's seat)."""
    from commandcenter.domain.roles import ROLES, Seat

    role, _, department = text.partition(":")
    try:
        seat = Seat(role, department or None)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--seat must be one of {', '.join(r for r in ROLES if r != 'seat')} or seat:DEPARTMENT, got {text!r}"
        ) from None
    if seat.department is not None:
        from commandcenter.catalog import load_catalog

        known = load_catalog().departments
        if seat.department not in known:
            raise argparse.ArgumentTypeError(
                f"--seat: unknown department {seat.department!r} (known: {', '.join(known)})")
    return seat


def _options(*, top: bool) -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    """The global options (all commands) and the window options (the commands that open one).

    Every subcommand repeats them so they may stand before or after it. argparse lets a
    subparser's default overwrite what the main parser already read, so only the top level
    has defaults; in the subcommands an option not given is left out (SUPPRESS), and
    `commandcenter --data-dir D import ...` means the same as `commandcenter import ... --data-dir D`.
    """
    def default(value):
        return value if top else argparse.SUPPRESS

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", metavar="DIR", default=default(None),
                        help="folder for all state (default: the user's data folder)")
    common.add_argument("--lang", choices=("zh_CN", "en"), default=default("zh_CN"), help="interface language")

    client = argparse.ArgumentParser(add_help=False)
    client.add_argument("--tiles-url", metavar="URL", type=_tiles_url, default=default(None),
                        help="online map tiles, e.g. https://tile.example.org/{z}/{x}/{y}.png "
                             "(default: settings map/tiles_url, else offline only)")
    client.add_argument("--seat", metavar="ROLE", type=_seat, default=default(None),
                        help="who sits here: commander, dispatcher, field, observer, or seat:DEPARTMENT "
                             "(e.g. seat:water); remembered (default: the Seat menu's last choice, else commander)")
    client.add_argument("--token", metavar="TOKEN", dest="platform_token", default=default(None),
                        help="bearer token for the platform (from `platform user add`); remembered in settings")
    client.add_argument("--ca-file", metavar="FILE", default=default(None),
                        help="CA certificate (PEM) to verify an https platform with; remembered in settings")
    client.add_argument("--layout", metavar="NAME", choices=LAYOUT_NAMES, default=default(None),
                        help=f"arrange the window: {', '.join(LAYOUT_NAMES)} (as the Layout menu; remembered "
                             "for this screen set-up)")
    return common, client


def build_parser() -> argparse.ArgumentParser:
    top_common, top_client = _options(top=True)
    common, client = _options(top=False)

    parser = _Parser(prog="commandcenter", description="City emergency command center client.",
                     parents=[top_common, top_client])
    parser.add_argument("--platform", metavar="URL", help="platform URL (default: the one in settings, else offline)")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    demo = sub.add_parser("demo", parents=[common, client], help="embedded platform + city simulator + client")
    demo.add_argument("--scenario", type=_scenario, default=None, help=f"scenario (default {DEFAULT_SCENARIO})")
    demo.add_argument("--speed", type=_speed, default=60.0, help="scenario seconds per real second (default 60)")
    demo.add_argument("--port", type=int, default=0, help="platform port (default: a free one)")

    plat = sub.add_parser("platform", parents=[common], help="the reference platform")
    plat_sub = plat.add_subparsers(dest="platform_command", parser_class=_Parser, required=True)
    serve = plat_sub.add_parser("serve", parents=[common], help="serve the reference platform")
    serve.add_argument("--db", metavar="PATH", help="platform database (default DATA_DIR/platform.db)")
    serve.add_argument("--database-url", metavar="URL", default=None,
                       help="postgresql://... instead of a SQLite file (docs/deployment.md)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--scenario", type=_scenario, default=None, help="run the city simulator on this scenario")
    serve.add_argument("--speed", type=_speed, default=60.0)
    serve.add_argument("--token", default=None, help="require this bearer token")
    serve.add_argument("--tls-cert", metavar="FILE", default=None, help="serve HTTPS with this certificate (PEM)")
    serve.add_argument("--tls-key", metavar="FILE", default=None, help="the certificate's private key (PEM)")
    _add_user_parser(plat_sub, common)
    pb = plat_sub.add_parser("bundle", parents=[common], help="the platform's USB bundles (all it holds, or a post's)")
    pb_what = pb.add_subparsers(dest="bundle_command", parser_class=_Parser, required=True)
    pb_exp = pb_what.add_parser("export", parents=[common], help="every operation the platform took, signed")
    pb_exp.add_argument("--out", metavar="FILE.ccb", required=True)
    pb_imp = pb_what.add_parser("import", parents=[common], help="push a post's bundle into the platform database")
    pb_imp.add_argument("file", metavar="FILE")
    pb_what.add_parser("key", parents=[common], help="print the platform's public key")
    pb_tr = pb_what.add_parser("trust", parents=[common], help="trust bundles signed by this public key")
    pb_tr.add_argument("key", metavar="KEY")
    pb_tr.add_argument("--name", required=True)
    for p in (pb_exp, pb_imp, pb_what.choices["key"], pb_tr):
        p.add_argument("--db", metavar="PATH", help="platform database (default DATA_DIR/platform.db)")

    from commandcenter.interop.cli import add_export_parser, add_import_parser

    add_import_parser(sub, common)
    add_export_parser(sub, common)

    _add_audit_parser(sub, common)

    from commandcenter.interop.vitals_report import iso_time_ms
    from commandcenter.sync.bundle_cli import add_bundle_parser

    add_bundle_parser(sub, common, since_type=iso_time_ms)

    drill = sub.add_parser("drill", parents=[common], help="run a drill, or join one as a seat (docs/drills.md)")
    drill_sub = drill.add_subparsers(dest="drill_command", parser_class=_Parser, required=True)
    drun = drill_sub.add_parser("run", parents=[common, client],
                                help="the drill platform and the coordinator's client on the run's own databases")
    drun.add_argument("file", metavar="FILE", help="a drill file (scenarios/drill-*.yaml)")
    drun.add_argument("--run", metavar="ID", default=None,
                      help="the run id (default: the drill and the start time); an existing run is resumed")
    drun.add_argument("--port", type=int, default=0, help="drill platform port (default: a free one)")
    drun.add_argument("--host", default="127.0.0.1",
                      help="address the drill platform listens on (0.0.0.0 for seats on other machines)")
    drep = drill_sub.add_parser("replay", parents=[common],
                                help="scrub a recorded run: the whole picture at any moment")
    drep.add_argument("run", metavar="RUN", help="a run id (DATA_DIR/drills/RUN) or a run's platform.db")
    drep.add_argument("--at", metavar="T+HH:MM", default=None, help="open at this exercise time (default: the end)")
    drep.add_argument("--out", metavar="PNG", default=None, help="render that moment to a PNG and exit")
    drep.add_argument("--size", type=_size, default=(1600, 900), metavar="WxH")
    djoin = drill_sub.add_parser("join", parents=[common, client], help="a player's seat on a running drill")
    djoin.add_argument("url", metavar="URL", help="the drill platform (printed by drill run)")

    rep = sub.add_parser("report", parents=[common], help="the after-action report (评估报告) of a drill run")
    rep.add_argument("run", metavar="RUN", help="a run id (DATA_DIR/drills/RUN) or a run's platform.db")
    rep.add_argument("--out", metavar="FILE.html|FILE.pdf", required=True)
    rep.add_argument("--draft", action="store_true", help="also for a run that has not ended (marked as a draft)")

    scen = sub.add_parser("scenario", parents=[common], help="scenario and drill script files")
    scen_sub = scen.add_subparsers(dest="scenario_command", parser_class=_Parser, required=True)
    check = scen_sub.add_parser("check", parents=[common],
                                help="validate scenario files; errors name the file, line and field")
    check.add_argument("files", metavar="FILE", nargs="+")

    snap = sub.add_parser("snapshot", parents=[common], help="render the command view headless to PNG")
    snap.add_argument("--out", required=True, metavar="PNG")
    snap.add_argument("--size", type=_size, default=(1920, 1080), metavar="WxH")
    snap.add_argument("--view", choices=VIEWS, default="all")
    snap.add_argument("--seconds", type=_seconds, default=10800.0,
                      help="scenario seconds of the demo before the picture (default 10800, T+3h)")
    snap.add_argument("--scenario", type=_scenario, default=None)
    snap.add_argument("--layout", metavar="NAME", choices=LAYOUT_NAMES, default=None,
                      help="arrange the window as this layout before the picture (with --view all or drill)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "snapshot":
        out = Path(args.out)
        if out.suffix.lower() != ".png":
            print(f"commandcenter: error: --out must be a .png file, got {args.out}", file=sys.stderr)
            return 2
        if not out.resolve().parent.is_dir():
            print(f"commandcenter: error: --out folder does not exist: {out.parent}", file=sys.stderr)
            return 2
        if args.layout is not None and args.view not in ("all", "drill"):
            print(f"commandcenter: error: --layout arranges the whole window: use it with --view all or drill, "
                  f"not {args.view}", file=sys.stderr)
            return 2
    if args.command == "audit":  # before ensure(): verifying writes nothing, not even a folder
        return _audit(args, DataDir(args.data_dir))
    if args.command == "scenario":  # reads only: no data folder is made
        return _scenario_check(args.files)
    if (args.command, getattr(args, "import_format", None) or getattr(args, "export_what", None)) in (
            ("import", "msel"), ("export", "msel")):  # files only: no data folder either
        return _msel(args)
    try:
        data = DataDir(args.data_dir).ensure()
    except OSError as exc:
        print(f"commandcenter: error: --data-dir {args.data_dir or DataDir().root}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    if args.command == "platform" and args.platform_command == "user":
        return _platform_user(args, data)
    if args.command == "platform" and args.platform_command == "bundle":
        from commandcenter.platform.bundles import run as run_platform_bundle

        return run_platform_bundle(args, data.platform_db)
    if args.command == "platform":
        return _platform_serve(args, data)
    if args.command == "bundle":
        from commandcenter.store import Store
        from commandcenter.sync.bundle_cli import run_bundle

        return run_bundle(args, data.root / "keys", lambda: Store(data.cache_db))
    if args.command == "export" and args.export_what == "situation":
        return _export_situation(args, data)
    if args.command == "export" and args.export_what in ("vitals-csv", "vitals-day"):
        from commandcenter.catalog import load_catalog
        from commandcenter.interop.vitals_report import run_vitals_export

        return run_vitals_export(args, data, load_catalog())
    if args.command == "export" and args.export_what == "sitrep":
        return _export_sitrep(args, data)
    if args.command in ("import", "export"):
        from commandcenter.catalog import load_catalog
        from commandcenter.interop.cli import run_export, run_import
        from commandcenter.store import Store

        run = run_import if args.command == "import" else run_export
        return run(args, data, load_catalog=load_catalog, open_store=Store)
    if args.command == "snapshot":
        from commandcenter.ui.snapshot import run_snapshot

        return run_snapshot(
            data,
            out=Path(args.out),
            size=args.size,
            view=args.view,
            seconds=args.seconds,
            scenario=args.scenario or scenarios_dir() / (DEFAULT_DRILL if args.view == "drill" else DEFAULT_SCENARIO),
            lang=args.lang,
            layout=args.layout,
        )
    if args.command == "drill":
        return _drill(args, data)
    if args.command == "report":
        return _report(args, data)
    if args.command == "demo":
        from commandcenter.ui.app import run_demo

        return run_demo(
            data,
            scenario=args.scenario or scenarios_dir() / DEFAULT_SCENARIO,
            speed=args.speed,
            port=args.port,
            lang=args.lang,
            tiles_url=args.tiles_url,
            seat=args.seat,
            layout=args.layout,
        )
    from commandcenter.ui.app import run_client

    if args.ca_file and not Path(args.ca_file).is_file():
        print(f"commandcenter: error: --ca-file: no such file {args.ca_file}", file=sys.stderr)
        return 2
    return run_client(data, platform_url=args.platform, lang=args.lang, tiles_url=args.tiles_url, seat=args.seat,
                      token=args.platform_token, ca_file=args.ca_file, layout=args.layout)


def _drill(args: argparse.Namespace, data: DataDir) -> int:
    """`drill run FILE` and `drill join URL`: checked before any window or process starts;
    exit 2 for a bad argument, 1 for a broken drill file or a platform that serves no drill."""
    from commandcenter.drills.run import check_run_id, new_run_id

    def fail(message: str, code: int) -> int:
        print(f"commandcenter: error: {message}", file=sys.stderr)
        return code

    if args.drill_command == "replay":
        from commandcenter.drills.scenario import parse_offset

        db = run_database(data, args.run)
        if db is None:
            return fail(f"no recorded run {args.run!r} (no {data.root / 'drills' / args.run / 'platform.db'})", 2)
        at = None
        if args.at is not None:
            try:
                at = parse_offset(args.at)
            except ValueError as exc:
                return fail(f"--at: {exc}", 2)
        if args.out is not None:
            out = Path(args.out)
            if out.suffix.lower() != ".png" or not out.resolve().parent.is_dir():
                return fail(f"--out must be a .png file in an existing folder, got {args.out}", 2)
        from commandcenter.ui.replay import run_replay

        return run_replay(data, db, at_s=at, out=Path(args.out) if args.out else None, size=args.size, lang=args.lang)
    if args.drill_command == "run":
        from commandcenter.catalog import load_catalog
        from commandcenter.domain.clock import SystemClock
        from commandcenter.drills.scenario import ScenarioError, load_scenario

        path = Path(args.file)
        if not path.is_file() and (scenarios_dir() / args.file).is_file():
            path = scenarios_dir() / args.file
        if not path.is_file():
            return fail(f"no such drill file: {args.file}", 2)
        if args.run is not None and check_run_id(args.run):
            return fail(f"--run: {check_run_id(args.run)}", 2)
        if not 0 <= args.port <= 65535:
            return fail(f"--port: {args.port} is not a port number (0-65535)", 2)
        try:
            scenario = load_scenario(path, load_catalog())
        except ScenarioError as exc:
            return fail(str(exc), 1)
        if not scenario.is_drill:
            return fail(f"{path}: not a drill (no exercise, phases, objectives, injects): "
                        "`commandcenter demo --scenario` plays a city scenario", 1)
        from commandcenter.ui.app import run_drill

        return run_drill(data, scenario=path, run_id=args.run or new_run_id(scenario.id, SystemClock().now_ms()),
                         port=args.port, host=args.host, lang=args.lang, tiles_url=args.tiles_url,
                         layout=args.layout)
    import httpx

    url = args.url.rstrip("/")
    headers = {"Authorization": f"Bearer {args.platform_token}"} if args.platform_token else {}
    try:
        health = httpx.get(f"{url}/v1/health", headers=headers, timeout=10).json()
        run_id = health.get("drill_run") if isinstance(health, dict) else None
        if not run_id:
            return fail(f"{url} serves no drill (a live platform): a seat joins a drill platform", 1)
        state = httpx.get(f"{url}/v1/drill", headers=headers, timeout=10).json()
    except (httpx.HTTPError, ValueError) as exc:
        return fail(f"cannot reach the drill platform {url}: {exc}", 1)
    if check_run_id(str(run_id)):
        return fail(f"{url}: the platform's run id is not usable: {check_run_id(str(run_id))}", 1)
    title = state.get("scenario", {}).get("title_en" if args.lang == "en" else "title_zh", "")
    from commandcenter.ui.app import run_drill_seat

    return run_drill_seat(data, url=url, run_id=str(run_id), title=title, lang=args.lang, seat=args.seat,
                          tiles_url=args.tiles_url, token=args.platform_token, layout=args.layout)


def _report(args: argparse.Namespace, data: DataDir) -> int:
    """`report RUN --out FILE.html|pdf`: the AAR of a finished run (drills/aar.py), in the
    --lang language. Exit 2 for a bad argument, 1 for no recording or a run still going."""
    from commandcenter.catalog import load_catalog
    from commandcenter.domain.clock import SystemClock
    from commandcenter.drills.aar import ReportError, build_aar
    from commandcenter.drills.replay import Recording, RecordingError
    from commandcenter.interop.layers import write_atomic

    def fail(message: str, code: int) -> int:
        print(f"commandcenter: error: {message}", file=sys.stderr)
        return code

    out = Path(args.out)
    if out.suffix.lower() not in (".html", ".htm", ".pdf"):
        return fail(f"--out must be an .html or .pdf file, got {args.out}", 2)
    if out.is_dir() or not out.resolve().parent.is_dir():
        return fail(f"--out folder does not exist or is a folder: {args.out}", 2)
    db = run_database(data, args.run)
    if db is None:
        return fail(f"no recorded run {args.run!r} (no {data.root / 'drills' / args.run / 'platform.db'})", 2)
    lang = "en" if args.lang == "en" else "zh"
    catalog = load_catalog()
    try:
        recording = Recording(db, catalog=catalog)
        html = build_aar(recording, catalog, lang=lang, generated_ms=SystemClock().now_ms(),
                         require_ended=not args.draft)
    except (RecordingError, ReportError) as exc:
        return fail(str(exc), 1)
    title = ("After-action report: " + recording.scenario.title_en) if lang == "en" else \
        ("演练评估报告：" + recording.scenario.title_zh)
    try:
        if out.suffix.lower() == ".pdf":
            from commandcenter.ui.pdf import html_to_pdf

            pages = html_to_pdf(html, out.resolve(), title=title)
            what = f"{pages} page{'' if pages == 1 else 's'}"
        else:
            write_atomic(out.resolve(), html.encode("utf-8"))
            what = "HTML"
    except OSError as exc:
        return fail(f"{out}: {exc.strerror or exc}", 1)
    print(f"wrote the after-action report of run {recording.run_id} to {out} ({what})")
    return 0


def run_database(data: DataDir, run: str) -> Path | None:
    """A run's recording: DATA_DIR/drills/RUN/platform.db, or RUN itself when it is a file."""
    from commandcenter.drills.run import check_run_id

    given = Path(run)
    if given.is_file():
        return given
    if check_run_id(run) is None and (data.root / "drills" / run / "platform.db").is_file():
        return data.root / "drills" / run / "platform.db"
    return None


def _scenario_check(files: list[str]) -> int:
    """`scenario check FILE...`: each file is read and validated against the catalogue; one
    line per file, "path:line: field: problem" for a bad one. Exit 1 when any is bad, 2 when a
    file does not exist."""
    from commandcenter.catalog import load_catalog
    from commandcenter.drills.scenario import ScenarioError, format_offset, load_scenario

    missing = [f for f in files if not Path(f).is_file()]
    if missing:
        print(f"commandcenter: error: no such scenario file: {', '.join(missing)}", file=sys.stderr)
        return 2
    catalog = load_catalog()
    bad = 0
    for name in files:
        try:
            s = load_scenario(name, catalog)
        except ScenarioError as exc:
            print(f"commandcenter: error: {exc}", file=sys.stderr)
            bad += 1
            continue
        what = (f"{len(s.indicators)} indicator curves, {len(s.incidents)} incidents, "
                f"{format_offset(s.duration_s)}")
        if s.is_drill:
            what = (f"drill: {len(s.phases)} phases, {len(s.objectives)} objectives, "
                    f"{len(s.injects)} injects; " + what)
        print(f"{name}: ok ({what})")
    return 1 if bad else 0


def _msel(args: argparse.Namespace) -> int:
    """`export msel DRILL --out CSV` and `import msel CSV --into DRILL [--out NEW]`
    (drills/msel.py). Exit 2 for a missing file or folder, 1 for bad content; on any error
    nothing is written."""
    from commandcenter.catalog import load_catalog
    from commandcenter.drills.msel import MselError, export_msel, import_msel, write_text_atomic
    from commandcenter.drills.scenario import ScenarioError, load_scenario

    def fail(message: str, code: int) -> int:
        print(f"commandcenter: error: {message}", file=sys.stderr)
        return code

    drill = Path(args.drill if args.command == "export" else args.into)
    if not drill.is_file():
        return fail(f"no such drill file: {drill}", 2)
    out = Path(args.out) if args.out else drill
    if out.is_dir():
        return fail(f"--out is a folder: {out}", 2)
    if not out.resolve().parent.is_dir():
        return fail(f"--out folder does not exist: {out.parent}", 2)
    catalog = load_catalog()
    if args.command == "export":
        if out.suffix.lower() != ".csv":
            return fail(f"--out must be a .csv file, got {args.out}", 2)
        try:
            scenario = load_scenario(drill, catalog)
        except ScenarioError as exc:
            return fail(str(exc), 1)
        if not scenario.is_drill:
            return fail(f"{drill}: not a drill (no exercise, phases, objectives, injects): nothing to export", 1)
        from commandcenter.interop.layers import write_atomic

        try:
            write_atomic(out.resolve(), export_msel(scenario))
        except OSError as exc:
            return fail(f"{out}: {exc.strerror or exc}", 1)
        print(f"exported {len(scenario.injects)} injects of {drill} to {out}")
        return 0
    source = Path(args.file)
    if not source.is_file():
        return fail(f"no such MSEL file: {source}", 2)
    try:
        text, scenario = import_msel(source.read_bytes(), str(source), drill.read_text(encoding="utf-8"),
                                     str(drill), catalog)
        write_text_atomic(out.resolve(), text)
    except (MselError, ScenarioError) as exc:
        return fail(str(exc), 1)
    except (OSError, UnicodeDecodeError) as exc:
        return fail(f"{drill}: {getattr(exc, 'strerror', None) or exc}", 1)
    print(f"imported {len(scenario.injects)} injects from {source} into {out}")
    return 0


def _export_situation(args: argparse.Namespace, data: DataDir) -> int:
    """`export situation`: the open incidents of the client's cache on a standalone HTML map.

    Here, not in interop/ or map/: it joins the store, the layer folder and the map page. The
    cache is only read; with no cache yet the map shows the boundaries alone, and says so.
    """
    import sqlite3

    from commandcenter.catalog import load_catalog
    from commandcenter.domain.clock import SystemClock
    from commandcenter.interop.errors import InteropError
    from commandcenter.interop.layers import LayerStore, write_atomic
    from commandcenter.map.situation import AssetError, build_situation_html
    from commandcenter.store import Store
    from commandcenter.store.db import StoreError

    def fail(message: str, code: int) -> int:
        print(f"commandcenter: error: {message}", file=sys.stderr)
        return code

    out = Path(args.out)
    if out.is_dir():
        return fail(f"--out is a folder: {out}", 2)
    if not out.resolve().parent.is_dir():
        return fail(f"--out folder does not exist: {out.parent}", 2)
    if out.suffix.lower() not in (".html", ".htm"):
        return fail(f"--out must be an .html file, got {args.out}", 2)
    asset_dir = out.resolve().parent / f"{out.stem}_files"
    if args.assets == "beside" and asset_dir.exists() and not asset_dir.is_dir():
        return fail(f"{asset_dir} exists and is not a folder (--assets beside writes Leaflet there)", 2)
    lang = "en" if args.lang == "en" else "zh"
    incidents: list[dict] = []
    if data.cache_db.is_file():
        try:
            store = Store(data.cache_db)
            try:
                incidents = store.open_incidents(limit=100_000)
            finally:
                store.close()
        except (sqlite3.DatabaseError, StoreError) as exc:  # a broken file, or a newer schema
            return fail(f"{data.cache_db}: cannot read the cache: {exc}", 1)
    layers = []
    layer_store = LayerStore(data.root)
    for name in layer_store.names():
        try:
            layers.append(layer_store.load(name))
        except InteropError as exc:  # one broken layer must not hold up the situation
            print(f"commandcenter: warning: layer {name} left out: {exc}", file=sys.stderr)
    title = args.title or ("Emergency situation" if lang == "en" else "城市应急态势")
    try:
        html, files = build_situation_html(
            load_catalog(), incidents, layers=layers, title=title, generated_ms=SystemClock().now_ms(),
            lang=lang, assets=args.assets, asset_dir_name=asset_dir.name,
        )
    except AssetError as exc:
        return fail(str(exc), 1)
    try:
        for rel, content in files.items():
            target = out.resolve().parent / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, content)
        write_atomic(out.resolve(), html.encode("utf-8"))
    except OSError as exc:
        return fail(f"{out}: {exc.strerror or exc}", 1)
    what = f"{len(incidents)} open incident" + ("" if len(incidents) == 1 else "s")
    if not data.cache_db.is_file():
        what = f"an empty situation (no cache at {data.cache_db}: boundaries only)"
    elif not incidents:
        what = "an empty situation (no open incidents in the cache: boundaries only)"
    extra = f", {len(layers)} layer" + ("" if len(layers) == 1 else "s") if layers else ""
    beside = f" with Leaflet in {asset_dir}" if files else " (one self-contained file)"
    print(f"exported {what}{extra} to {out}{beside}")
    return 0


def _export_sitrep(args: argparse.Namespace, data: DataDir) -> int:
    """`export sitrep`: dispatched here because a PDF is printed by ui/pdf.py (Qt), which only
    this module may import; Qt is loaded only when a .pdf is asked for."""
    from commandcenter.catalog import load_catalog
    from commandcenter.interop.sitrep import run_sitrep_export

    def print_pdf(html: str, path: Path, *, title: str) -> int:
        from commandcenter.ui.pdf import html_to_pdf

        return html_to_pdf(html, path, title=title)

    return run_sitrep_export(args, data, load_catalog(), print_pdf=print_pdf)


def _add_audit_parser(sub, common: argparse.ArgumentParser) -> None:
    from commandcenter.interop.vitals_report import iso_time_ms

    audit = sub.add_parser("audit", parents=[common], help="the hash-chained audit log of the local cache")
    what = audit.add_subparsers(dest="audit_command", parser_class=_Parser, required=True)
    what.add_parser("verify", parents=[common],
                    help="check the chain: exit 0 when intact, 1 naming the first bad entry")
    exp = what.add_parser("export", parents=[common], help="audit entries as CSV (Excel-ready, +08:00 times)")
    exp.add_argument("--out", metavar="FILE.csv", required=True)
    exp.add_argument("--since", metavar="ISO", type=iso_time_ms, help="from this time (local +08:00 unless given)")
    exp.add_argument("--until", metavar="ISO", type=iso_time_ms, help="up to (not including) this time")
    exp.add_argument("--user", metavar="U", default="", help="only this user's entries")
    exp.add_argument("--action", metavar="A", default="",
                     help="only this action (task.accept), or a kind ending in a dot (task.)")


def _audit(args: argparse.Namespace, data: DataDir) -> int:
    """`audit verify` and `audit export`: the cache is opened read-only (never migrated or
    created); a missing or unreadable cache, or a broken chain, is exit 1 with one line."""
    import sqlite3

    from commandcenter.store import audit

    def fail(message: str, code: int) -> int:
        print(f"commandcenter: error: {message}", file=sys.stderr)
        return code

    if args.audit_command == "export":
        out = Path(args.out)
        if out.is_dir():
            return fail(f"--out is a folder: {out}", 2)
        if not out.resolve().parent.is_dir():
            return fail(f"--out folder does not exist: {out.parent}", 2)
        if out.suffix.lower() != ".csv":
            return fail(f"--out must be a .csv file, got {args.out}", 2)
        if args.since is not None and args.until is not None and args.since >= args.until:
            return fail("--since must be before --until", 2)
    try:
        conn = audit.connect_readonly(data.cache_db)
    except audit.AuditFileError as exc:
        return fail(str(exc), 1)
    try:
        if args.audit_command == "verify":
            result = audit.verify_connection(conn)
        else:
            flt = audit.AuditFilter(user=args.user, action=args.action, since_ms=args.since, until_ms=args.until)
            content, count = audit.export_csv(conn, flt)
    except sqlite3.DatabaseError as exc:  # a file damaged past its first page
        return fail(f"{data.cache_db}: cannot read the audit log: {exc}", 1)
    finally:
        conn.close()
    if args.audit_command == "export":
        from commandcenter.interop.layers import write_atomic

        try:
            write_atomic(out.resolve(), content)
        except OSError as exc:
            return fail(f"{out}: {exc.strerror or exc}", 1)
        print(f"exported {count} audit entr{'y' if count == 1 else 'ies'} to {out}")
        return 0
    if not result.intact:
        return fail(f"{data.cache_db}: {result.broken.message}", 1)
    entries = f"{result.checked} entr{'y' if result.checked == 1 else 'ies'}"
    tip = "" if result.tip is not None else \
        " (no tip recorded in this cache: removal of the newest entries cannot be detected)"
    print(f"audit log intact: {entries} checked in {data.cache_db}{tip}")
    return 0


def _platform_serve(args: argparse.Namespace, data: DataDir) -> int:
    from commandcenter.platform.server import main as platform_main

    if args.database_url is not None and args.db is None:
        where = ["--database-url", args.database_url]
    else:  # both given: the platform's parser says they exclude each other
        where = ["--db", str(args.db or data.platform_db)]
        where += ["--database-url", args.database_url] if args.database_url is not None else []
    argv = [*where, "--host", args.host, "--port", str(args.port), "--speed", str(args.speed)]
    if args.scenario:
        argv += ["--scenario", str(args.scenario)]
    if args.token:
        argv += ["--token", args.token]
    if args.tls_cert:
        argv += ["--tls-cert", args.tls_cert]
    if args.tls_key:
        argv += ["--tls-key", args.tls_key]
    return platform_main(argv)


if __name__ == "__main__":
    sys.exit(main())


# --------------------------------------------------------- platform users (issue 11)
def _add_user_parser(plat_sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    from commandcenter.domain.roles import ROLES

    user = plat_sub.add_parser("user", parents=[common], help="users of the platform and their tokens")
    user_sub = user.add_subparsers(dest="user_command", parser_class=_Parser, required=True)
    db_help = "platform database (default DATA_DIR/platform.db)"
    add = user_sub.add_parser("add", parents=[common], help="add a user and print its token once")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--dept", default=None, help="department code (required for --role seat)")
    add.add_argument("--org", default=None, help="org unit code")
    add.add_argument("--db", metavar="PATH", help=db_help)
    lst = user_sub.add_parser("list", parents=[common], help="list users (never their tokens)")
    lst.add_argument("--db", metavar="PATH", help=db_help)
    rev = user_sub.add_parser("revoke", parents=[common], help="revoke a user's token")
    rev.add_argument("name")
    rev.add_argument("--db", metavar="PATH", help=db_help)


def _platform_user(args: argparse.Namespace, data: DataDir) -> int:
    from commandcenter.platform.storage import PlatformStorage, StorageError
    from commandcenter.platform.users import UserError, Users

    db = Path(args.db or data.platform_db)
    if args.user_command != "add" and not db.is_file():
        print(f"commandcenter: error: --db {db}: no such platform database", file=sys.stderr)
        return 1
    departments = orgs = None
    if args.user_command == "add":
        from commandcenter.catalog import load_catalog

        catalog = load_catalog()
        departments, orgs = set(catalog.departments), set(catalog.org_units)
        if args.dept is not None and args.dept not in departments:
            print(f"commandcenter: error: --dept: unknown department {args.dept!r}", file=sys.stderr)
            return 2
        if args.org is not None and args.org not in orgs:
            print(f"commandcenter: error: --org: unknown org unit {args.org!r}", file=sys.stderr)
            return 2
        if args.role == "seat" and not args.dept:
            print("commandcenter: error: --dept: a department seat needs its department", file=sys.stderr)
            return 2
    try:
        storage = PlatformStorage(db)
    except StorageError as exc:
        print(f"commandcenter: error: {exc}", file=sys.stderr)
        return 1
    try:
        users = Users(storage)
        if args.user_command == "add":
            token = users.add(args.name, args.role, args.dept, args.org, departments=departments, orgs=orgs)
            print(token)
        elif args.user_command == "list":
            for user in users.list():
                state = "revoked" if user.revoked else "active"
                print("\t".join([user.name, user.role, user.department or "-", user.org or "-", state]))
        else:
            users.revoke(args.name)
            print(f"revoked {args.name}")
    except UserError as exc:
        print(f"commandcenter: error: {exc}", file=sys.stderr)
        return 1
    finally:
        storage.close()
    return 0
