"""`commandcenter demo` as a user runs it: within seconds of start the client's cache holds
the simulator's incidents, tasks with clocks and live samples; SIGTERM ends it cleanly (exit
0, layout saved) and takes its platform child with it."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def counts(db):
    if not db.exists():
        return (0, 0, 0)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
    try:
        return tuple(conn.execute(q).fetchone()[0] for q in (
            "SELECT COUNT(*) FROM incidents", "SELECT COUNT(*) FROM tasks", "SELECT COUNT(*) FROM samples"))
    except sqlite3.OperationalError:  # not migrated yet
        return (0, 0, 0)
    finally:
        conn.close()


def platform_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:
        return f.read().split()[2] != "Z"


def test_the_demo_comes_alive_and_stops_cleanly(tmp_path):
    data = tmp_path / "data"
    proc = subprocess.Popen(
        [sys.executable, "-m", "commandcenter", "demo", "--data-dir", str(data)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    try:
        first = proc.stdout.readline()
        assert first.startswith("demo: platform at http://127.0.0.1:"), first
        db = data / "demo" / "cache.db"
        deadline = time.monotonic() + 60
        while True:
            incidents, tasks, samples = counts(db)
            if incidents >= 3 and tasks >= 2 and samples >= 32:
                break
            assert time.monotonic() < deadline, f"the demo did not come alive: {(incidents, tasks, samples)}"
            time.sleep(0.5)
        children = subprocess.run(["pgrep", "-P", str(proc.pid), "-f", "commandcenter.platform"],
                                  capture_output=True, text=True).stdout.split()
        assert len(children) == 1
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    time.sleep(0.5)
    assert not platform_alive(int(children[0]))
    assert "window" in (data / "demo" / "settings.ini").read_text()
    assert "token=" in (data / "demo" / "settings.ini").read_text()  # the demo platform has users
    assert not (data / "cache.db").exists()  # the demo never writes into the live cache


def test_a_platform_child_ends_when_its_client_is_killed(tmp_path):
    """kill -9 of the client leaves no platform running behind it."""
    code = (
        "import sys, time\n"
        f"sys.path.insert(0, {REPO!r})\n"
        "from commandcenter.embedded import PlatformProcess\n"
        f"p = PlatformProcess({str(tmp_path / 'p.db')!r})\n"
        "p.start()\n"
        "print(p.proc.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    client = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=REPO)
    try:
        platform_pid = int(client.stdout.readline())
        assert platform_alive(platform_pid)
        client.kill()
        client.wait(10)
        deadline = time.monotonic() + 10
        while platform_alive(platform_pid):
            assert time.monotonic() < deadline, "the platform outlived its client"
            time.sleep(0.2)
    finally:
        if client.poll() is None:
            client.kill()
