"""`commandcenter drill run FILE` as a coordinator runs it (the drill platform and the
console's client on the run's own files, never the live cache), `drill join`, and the bad
arguments they refuse before anything starts."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.cli_run import run_cli

REPO = Path(__file__).resolve().parents[1]
FLOOD = REPO / "scenarios" / "drill-flood.yaml"


def test_drill_run_starts_the_drill_platform_and_the_console_on_the_runs_own_files(tmp_path):
    data = tmp_path / "data"
    proc = subprocess.Popen(
        [sys.executable, "-m", "commandcenter", "drill", "run", str(FLOOD), "--run", "flood-drill-1",
         "--data-dir", str(data)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    try:
        first = proc.stdout.readline()
        assert first.startswith("drill: run flood-drill-1 of drill-flood.yaml"), first
        url = first.split("drill platform at ")[1].split(";")[0]
        assert httpx.get(f"{url}/v1/health").json()["drill_run"] == "flood-drill-1"
        r = httpx.post(f"{url}/v1/drill/command", json={"action": "play"})
        assert r.status_code == 200
        httpx.post(f"{url}/v1/drill/command", json={"action": "release", "inject": "INJ-001"}).raise_for_status()
        cache = data / "drills" / "flood-drill-1" / "cache.db"
        deadline = time.monotonic() + 60
        while True:  # the console's client pulls the inject's notices and incident
            try:
                conn = sqlite3.connect(f"file:{cache}?mode=ro", uri=True, timeout=1)
                try:
                    n = conn.execute("SELECT COUNT(*) FROM notices WHERE kind='inject'").fetchone()[0]
                    mode = conn.execute("SELECT value FROM meta WHERE key='db_mode'").fetchone()[0]
                finally:
                    conn.close()
            except sqlite3.OperationalError:
                n, mode = 0, None
            if n >= 3:
                break
            assert time.monotonic() < deadline, "the coordinator's client never pulled the inject"
            time.sleep(0.5)
        assert mode == "drill"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert (data / "drills" / "flood-drill-1" / "platform.db").is_file()
    assert not (data / "cache.db").exists() and not (data / "platform.db").exists()  # nothing live


def test_drill_run_refuses_bad_arguments_and_starts_nothing(tmp_path, capsys):
    broken = tmp_path / "broken.yaml"
    broken.write_text(FLOOD.read_text(encoding="utf-8").replace("    phase: P1\n", "    phase: P9\n", 1), encoding="utf-8")
    data = tmp_path / "data"
    cases = [
        (["drill", "run", str(tmp_path / "nope.yaml")], 2, "no such drill file"),
        (["drill", "run", str(FLOOD), "--run", "../x"], 2, "a run id is 1-64 letters"),
        (["drill", "run", str(FLOOD), "--port", "70000"], 2, "is not a port number"),
        (["drill", "run", str(broken)], 1, f"{broken}:"),
        (["drill", "run", str(REPO / "scenarios" / "rainstorm-day.yaml")], 1, "not a drill"),
        (["drill", "join", "http://127.0.0.1:9"], 1, "cannot reach the drill platform"),
    ]
    for argv, code, words in cases:
        got, _out, err = run_cli([*argv, "--data-dir", str(data)], capsys)
        assert got == code and words in err, (argv, err)
    assert "injects[" in run_cli(["drill", "run", str(broken), "--data-dir", str(data)], capsys)[2]
    assert not (data / "drills").exists()


def test_drill_join_refuses_a_live_platform(tmp_path, capsys, platform_proc):
    code, _out, err = run_cli(["drill", "join", platform_proc.url, "--data-dir", str(tmp_path / "d")], capsys)
    assert code == 1 and "serves no drill (a live platform)" in err
