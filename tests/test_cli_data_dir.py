"""--data-dir (and the other global options) mean the same before, between and after the
subcommand words, and a command given --data-dir D touches nothing but D.

A field post pointing --data-dir at a USB folder must never have its work written into the
user's default data folder instead (issue 10: the subparsers' defaults used to overwrite the
value the main parser had read before the subcommand).
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from commandcenter.cli import build_parser, main
from tests.cli_run import run_cli

REPO = Path(__file__).resolve().parents[1]
CAP = REPO.parent / "shared" / "data" / "cap" / "v1dot2_appendix_adot1.xml"
COT = REPO.parent / "shared" / "data" / "cot" / "marker-spot.cot"

# Every command the parser knows, with the rest of a valid command line ({t} = a temp folder).
# test_the_table_names_every_command fails when a new command is added without a line here.
COMMANDS = {
    (): [],
    ("demo",): [],
    ("snapshot",): ["--out", "{t}/x.png"],
    ("platform", "serve"): ["--port", "0"],
    ("platform", "user", "add"): ["ann", "--role", "dispatcher"],
    ("platform", "user", "list"): [],
    ("platform", "user", "revoke"): ["ann"],
    ("import", "geojson"): ["{t}/roads.geojson"],
    ("import", "kml"): ["{t}/sites.kml"],
    ("import", "cot"): [str(COT)],
    ("import", "csv"): ["{t}/shelters.csv"],
    ("import", "cap"): [str(CAP), "--as", "incident"],
    ("export", "layer"): ["points", "--format", "geojson", "--out", "{t}/layer.geojson"],
    ("export", "situation"): ["--out", "{t}/s.html"],
    ("export", "vitals-csv"): ["rain_1h", "--out", "{t}/v.csv"],
    ("export", "vitals-day"): ["--out", "{t}/v.html"],
    ("export", "sitrep"): ["--out", "{t}/sr.html"],
    ("export", "cap"): ["--incident", "{incident}", "--out", "{t}/out.cap.xml"],
    ("audit", "verify"): [],
    ("audit", "export"): ["--out", "{t}/audit.csv"],
    ("bundle", "export"): ["--out", "{t}/b.ccb"],
    ("bundle", "import"): ["{t}/b.ccb"],
    ("bundle", "key"): [],
    ("bundle", "trust"): ["KEY", "--name", "post-1"],
    ("platform", "bundle", "export"): ["--out", "{t}/p.ccb"],
    ("platform", "bundle", "import"): ["{t}/b.ccb"],
    ("platform", "bundle", "key"): [],
    ("platform", "bundle", "trust"): ["KEY", "--name", "post-1"],
    ("scenario", "check"): [str(REPO / "scenarios" / "rainstorm-day.yaml")],
    ("drill", "run"): [str(REPO / "scenarios" / "drill-flood.yaml")],
    ("drill", "join"): ["http://127.0.0.1:9"],
    ("drill", "replay"): ["run-1"],
    ("report",): ["run-1", "--out", "{t}/aar.html"],
    ("import", "msel"): ["{t}/m.csv", "--into", "{t}/drill.yaml"],
    ("export", "msel"): ["{t}/drill.yaml", "--out", "{t}/m.csv"],
}
POSITIONS = ("before", "between", "after")


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield path
        return
    if not subs[0].required:
        yield path  # the command itself runs too (the bare `commandcenter` opens the client)
    for name, sub in subs[0].choices.items():
        yield from _commands(sub, path + (name,))


def argv_for(words: tuple[str, ...], rest: list[str], option: list[str], position: str) -> list[str]:
    """The command line with `option` before the command words, after the first word, or last."""
    if position == "before":
        return [*option, *words, *rest]
    if position == "between":
        return [*words[:1], *option, *words[1:], *rest]
    return [*words, *rest, *option]


def test_the_table_names_every_command():
    assert sorted(_commands(build_parser())) == sorted(COMMANDS)


@pytest.mark.parametrize(
    "words,position",
    [(w, p) for w in sorted(COMMANDS) for p in POSITIONS if p != "between" or len(w) > 1],  # one word: no between
    ids=lambda v: ("-".join(v) or "client") if isinstance(v, tuple) else v,
)
def test_every_command_reads_the_global_options_wherever_they_stand(words, position, tmp_path):
    rest = [a.format(t=tmp_path, incident="x") for a in COMMANDS[words]]
    options = ["--data-dir", str(tmp_path / "D"), "--lang", "en"]
    args = build_parser().parse_args(argv_for(words, rest, options, position))
    assert args.data_dir == str(tmp_path / "D")
    assert args.lang == "en"
    # and not given at all: the top level's defaults
    args = build_parser().parse_args([*words, *rest])
    assert args.data_dir is None and args.lang == "zh_CN"


def test_the_window_options_stand_before_or_after_demo(tmp_path):
    for argv in (["--seat", "dispatcher", "--tiles-url", "https://t.example.org/{z}/{x}/{y}.png", "demo"],
                 ["demo", "--seat", "dispatcher", "--tiles-url", "https://t.example.org/{z}/{x}/{y}.png"]):
        args = build_parser().parse_args(argv)
        assert args.seat.role == "dispatcher"
        assert args.tiles_url.startswith("https://t.example.org/")


@pytest.fixture
def fresh_home(tmp_path, monkeypatch):
    """HOME and the XDG folders in a temporary place: the default data folder is in there."""
    home = tmp_path / "home"
    home.mkdir()
    for name, sub in (("HOME", ""), ("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                      ("XDG_CACHE_HOME", "cache")):
        monkeypatch.setenv(name, str(home / sub) if sub else str(home))
    return home


def default_folders(home: Path) -> list[Path]:
    return [p for p in (home / "data" / "commandcenter", home / ".local" / "share" / "commandcenter")
            if p.exists()]


def _inputs(t: Path) -> None:
    (t / "roads.geojson").write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"a"},'
        '"geometry":{"type":"Point","coordinates":[121.47,31.23]}}]}', encoding="utf-8")
    (t / "sites.kml").write_text(
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>p</name>'
        '<Point><coordinates>121.47,31.23</coordinates></Point></Placemark></kml>', encoding="utf-8")
    (t / "shelters.csv").write_text("name,lat,lon\nshelter,31.23,121.47\n", encoding="utf-8")


@pytest.mark.parametrize("position", POSITIONS)
def test_commands_write_into_the_data_dir_and_nowhere_else(position, tmp_path, fresh_home, capsys):
    """Each command run for real with --data-dir D: it works on D's files (an export finds what
    an import put into D), and the default data folder is never created."""
    data = tmp_path / "D"
    _inputs(tmp_path)
    option = ["--data-dir", str(data)]

    def run(words, *, incident="x"):
        rest = [a.format(t=tmp_path, incident=incident) for a in COMMANDS[words]]
        code, out, err = run_cli(argv_for(words, rest, option, position), capsys)
        assert code == 0, (words, out, err)
        return out

    assert "incident" in run(("import", "cap"))
    run(("import", "geojson"))
    run(("import", "kml"))
    run(("import", "cot"))
    # the export of a layer imported into D under a chosen name
    code, out, err = run_cli(argv_for(("import", "csv"), [str(tmp_path / "shelters.csv"), "--layer", "points"],
                                      option, position), capsys)
    assert code == 0, err
    run(("export", "layer"))
    assert '"shelter"' in (tmp_path / "layer.geojson").read_text(encoding="utf-8")
    assert "1 open incident" in run(("export", "situation"))
    assert "1 open incident" in run(("export", "sitrep"))
    run(("export", "vitals-csv"))
    run(("export", "vitals-day"))
    assert f"checked in {data / 'cache.db'}" in run(("audit", "verify"))
    assert "audit entr" in run(("audit", "export"))
    from commandcenter.store import Store

    store = Store(data / "cache.db")
    try:
        (incident,) = store.open_incidents(limit=10)
    finally:
        store.close()
    run(("export", "cap"), incident=incident["id"])
    assert "<headline>Homeland Security Sets Code ORANGE</headline>" in \
        (tmp_path / "out.cap.xml").read_text(encoding="utf-8")  # D's incident, drafted as CAP
    assert sorted(p.name for p in (data / "layers").iterdir() if p.suffix == ".geojson") == \
        ["marker-spot.geojson", "points.geojson", "roads.geojson", "sites.geojson"]
    assert default_folders(fresh_home) == []


@pytest.mark.parametrize("position", ("before", "after"))
@pytest.mark.parametrize("command", ["demo", "client"])
def test_the_window_commands_get_the_data_dir(command, position, tmp_path, fresh_home, monkeypatch):
    """demo and the bare client open a window and run until it is closed: here the window
    itself is replaced (this test is about the command line's dispatch; the window's own use of
    its data folder is tested in tests/ui and by the real snapshot below)."""
    import commandcenter.ui.app as app

    seen = {}

    def fake(data, **kw):
        seen["root"] = data.root
        seen.update(kw)
        return 0

    monkeypatch.setattr(app, "run_demo" if command == "demo" else "run_client", fake)
    words = ("demo",) if command == "demo" else ()
    option = ["--data-dir", str(tmp_path / "D"), "--lang", "en"]
    assert main(argv_for(words, [], option, position)) == 0
    assert seen["root"] == tmp_path / "D" and seen["lang"] == "en"
    assert (tmp_path / "D").is_dir()
    assert default_folders(fresh_home) == []


def test_platform_serve_with_the_data_dir_first_keeps_its_database_there(tmp_path, fresh_home):
    data = tmp_path / "D"
    proc = subprocess.Popen(
        [sys.executable, "-m", "commandcenter", "--data-dir", str(data), "platform", "serve", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=REPO, env=os.environ.copy(),
    )
    try:
        deadline = time.monotonic() + 30
        while not (data / "platform.db").exists():
            assert proc.poll() is None, proc.stdout.read().decode(errors="replace")
            assert time.monotonic() < deadline, "the platform never created DATA_DIR/platform.db"
            time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
    assert default_folders(fresh_home) == []


@pytest.mark.webengine
def test_snapshot_with_the_data_dir_first_writes_only_there(tmp_path, fresh_home):
    data = tmp_path / "D"
    out = tmp_path / "x.png"
    done = subprocess.run(
        [sys.executable, "-m", "commandcenter", "--data-dir", str(data), "snapshot", "--out", str(out),
         "--size", "800x600", "--view", "board", "--seconds", "600"],
        capture_output=True, text=True, cwd=REPO, timeout=180,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert out.stat().st_size > 10_000
    assert (data / "snapshot").is_dir()
    assert default_folders(fresh_home) == []
