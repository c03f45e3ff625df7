"""The command line: one-line errors, non-zero exits, nothing changed on bad input; and the
snapshot as a user runs it (a real PNG of the real demo)."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest

from commandcenter.cli import main

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.mark.parametrize(
    "argv, words",
    [
        (["snapshot"], "--out"),
        (["snapshot", "--out", "x.png", "--size", "big"], "--size"),
        (["snapshot", "--out", "x.png", "--size", "10x10"], "--size"),
        (["snapshot", "--out", "x.png", "--view", "sky"], "--view"),
        (["snapshot", "--out", "x.png", "--seconds", "-3"], "--seconds"),
        (["snapshot", "--out", "x.png", "--scenario", "no-such.yaml"], "scenario file not found"),
        (["snapshot", "--out", "x.jpg"], "--out must be a .png"),
        (["snapshot", "--out", "no/such/folder/x.png"], "--out folder does not exist"),
        (["demo", "--speed", "0"], "--speed"),
        (["demo", "--lang", "fr"], "--lang"),
        (["demo", "--tiles-url", "ftp://tiles.example/{z}/{x}/{y}.png"], "--tiles-url"),
        (["--tiles-url", "https://tiles.example/static.png"], "--tiles-url"),
        (["--seat", "janitor"], "--seat"),
        (["--seat", "seat"], "--seat"),
        (["demo", "--seat", "seat:navy"], "--seat: unknown department 'navy'"),
        (["platform"], "platform_command"),
        (["fly"], "invalid choice"),
    ],
)
def test_bad_arguments_exit_2_with_one_line_and_change_nothing(argv, words, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "data"
    with pytest.raises(SystemExit) as exc:
        code = main([*argv, "--data-dir", str(data)])
        raise SystemExit(code)
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("commandcenter") and words in err, err
    assert not data.exists()


def test_a_seat_is_a_role_or_a_departments_seat():
    from commandcenter.cli import build_parser
    from commandcenter.domain.roles import Seat

    assert build_parser().parse_args(["--seat", "seat:water"]).seat == Seat("seat", "water")
    assert build_parser().parse_args(["demo", "--seat", "observer"]).seat == Seat("observer")
    assert build_parser().parse_args([]).seat is None


def test_an_unusable_data_dir_is_named(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    code = main(["snapshot", "--out", str(tmp_path / "x.png"), "--data-dir", str(blocker / "sub")])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "--data-dir" in err and str(blocker / "sub") in err


def test_platform_serve_runs_until_sigterm(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "commandcenter", "platform", "serve", "--data-dir", str(tmp_path), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO,
    )
    try:
        line = proc.stdout.readline()
        assert "platform listening on http://127.0.0.1:" in line, line
        assert (tmp_path / "platform.db").exists()  # the default --db is in the data dir
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0


def test_platform_serve_on_postgresql_writes_no_sqlite_file(tmp_path, pg_url):
    proc = subprocess.Popen(
        [sys.executable, "-m", "commandcenter", "platform", "serve", "--data-dir", str(tmp_path), "--port", "0",
         "--database-url", pg_url],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO,
    )
    try:
        line = proc.stdout.readline()
        assert "platform listening on http://127.0.0.1:" in line, line
        assert not (tmp_path / "platform.db").exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0


def test_snapshot_writes_a_populated_png_of_the_demo(tmp_path):
    from PySide6.QtGui import QImage

    out = tmp_path / "x.png"
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "commandcenter", "snapshot", "--out", str(out), "--size", "1280x720",
         "--data-dir", str(tmp_path / "data")],
        capture_output=True, text=True, cwd=REPO, timeout=180,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "snapshot:" in done.stdout
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 720)
    # populated, not a blank or single-colour window: many distinct colours in each quarter
    for x0, y0 in ((0, 0), (640, 0), (0, 360), (640, 360)):
        colours = {image.pixel(x, y) for x in range(x0, x0 + 640, 7) for y in range(y0, y0 + 360, 7)}
        assert len(colours) > 20, (x0, y0, len(colours))
    assert time.monotonic() - started < 120


def test_snapshot_of_the_sync_view_shows_a_conflict_what_arrived_and_what_waits(tmp_path):
    """The field post's story (ui/snapshot.py): offline, its response-level decision loses to the
    center's later one; back online the conflict and the summary arrive; offline again, two log
    entries wait."""
    out = tmp_path / "sync.png"
    done = subprocess.run(
        [sys.executable, "-m", "commandcenter", "snapshot", "--view", "sync", "--out", str(out), "--size", "1280x720",
         "--data-dir", str(tmp_path / "data")],
        capture_output=True, text=True, cwd=REPO, timeout=180,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    story = re.search(r"came back as (\d+) conflict\(s\); (\d+) item\(s\) arrived while away; (\d+) pending", done.stdout)
    assert story, done.stdout
    conflicts, arrived, pending = map(int, story.groups())
    assert conflicts >= 1 and arrived >= 1 and pending == 2
    assert out.stat().st_size > 10_000
