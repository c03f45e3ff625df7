"""Map benchmark (issue 3): the real MapView (Leaflet from cc://, our canvas point layer) on a
real Store file holding N open incidents, loaded through the app's own path (the store query,
the compact rows delta, ccApply).

Each case runs in a fresh process so memory and caches are its own:
- ready_N_s: process-local time from creating the MapView until the page is ready AND the
  N incidents of the store are on it AND a frame has been painted; baseline: an empty store.
- move_1000_ms: 1,000 of 10k units moved in one batch (the units layer, with headings and
  trails), until the next frame is painted; baseline: 1,000 of 1,000.
- pan_100k_ms: one pan step of 200 px with 100k incidents, until painted; baseline: at 1k.
- rss_100k_mb: resident memory of the whole process tree (Python + WebEngine processes) at
  100k; baseline: the empty page.
Prints a table, then one JSON line.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CHUNK = 10_000
CENTER = (121.46, 31.22)


def seed_incidents(path: Path, n: int) -> None:
    """n open incidents spread over the demo city (deterministic), written straight to SQLite:
    the set-up is not what is measured."""
    import sqlite3

    from commandcenter.store import Store

    Store(path).close()  # the schema
    categories = ("waterlogging", "building_fire", "traffic_accident", "power_outage", "gas_leak", "crowd_crush")
    rows = []
    for i in range(n):
        a = (i * 7919) % 10_000 / 10_000
        b = (i * 104_729) % 10_000 / 10_000
        rows.append((f"b{i:06d}", f"事件 {i}", categories[i % len(categories)], ("I", "II", "III", "IV")[i % 4],
                     "reported", "310101", CENTER[0] - 0.08 + 0.16 * a, CENTER[1] - 0.07 + 0.14 * b, 1_700_000_000_000 + i))
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany(
            "INSERT INTO incidents (id, title, category, severity, status, org_unit, lon, lat, reported_ms, version) "
            "VALUES (?,?,?,?,?,?,?,?,?,1)", rows)
    conn.close()


def unit_rows(n: int, offset: float = 0.0, t: int = 0) -> str:
    """A rows delta moving n units (ids u0..), as the app sends positions."""
    rows = []
    for i in range(n):
        a = (i * 7919) % 10_000 / 10_000
        b = (i * 104_729) % 10_000 / 10_000
        rows.append([f"u{i}", f"车 {i}", "en_route", CENTER[0] - 0.08 + 0.16 * a + offset,
                     CENTER[1] - 0.07 + 0.14 * b, (i * 37 + t * 10) % 360, 12.0, 1_700_000_000_000 + t * 1000])
    delta = {"op": "rows", "layer": "units", "fields": ["id", "name", "status", "lon", "lat", "heading", "speed", "ts_ms"],
             "rows": rows}
    return json.dumps([delta], ensure_ascii=False)


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ppid = int(fields[1])
            with open(f"/proc/{entry}/statm") as f:
                rss[int(entry)] = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += children.get(p, [])
    return total / 2**20


def child(n: int, what: str) -> None:
    from commandcenter.ui.app import prepare_environment

    prepare_environment(headless=True)
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from commandcenter.catalog import load_catalog
    from commandcenter.domain.hooks import Hooks
    from commandcenter.store import Store
    from commandcenter.ui.map_view import MapView, register_url_schemes

    register_url_schemes()
    app = QApplication([sys.argv[0]])
    catalog = load_catalog()
    path = Path(tempfile.mkdtemp()) / "cache.db"
    seed_incidents(path, n)
    store = Store(path)

    def js(script: str, timeout: float = 120.0):
        result: list = []
        loop = QEventLoop()
        view.page().runJavaScript(script, 0, lambda value: (result.append(value), loop.quit()))
        QTimer.singleShot(int(timeout * 1000), loop.quit)
        loop.exec()
        if not result:
            raise RuntimeError(f"no answer from the page: {script[:80]}")
        return result[0]

    def wait(condition: str, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while not js(condition):
            if time.monotonic() > deadline:
                raise RuntimeError(f"timed out waiting for {condition}")
            app.processEvents()
            time.sleep(0.005)

    def painted_ms(action: str) -> float:
        """Run `action` in the page; ms until two animation frames later (painted)."""
        js("window.ccBench = null; (function(){ var t0 = performance.now(); " + action +
           "; requestAnimationFrame(function(){ requestAnimationFrame(function(){"
           " window.ccBench = performance.now() - t0; }); }); })(); true")
        wait("window.ccBench !== null")
        return js("window.ccBench")

    t0 = time.perf_counter()
    view = MapView(catalog, store, Hooks())
    view.resize(1600, 1000)
    view.show()
    ready = []
    view.map_ready.connect(lambda: ready.append(time.perf_counter()))
    deadline = time.monotonic() + 120
    while not ready or not js(f"window.ccStats.incidents === {n}"):
        app.processEvents()
        time.sleep(0.002)
        if time.monotonic() > deadline:
            raise RuntimeError("the map page never became ready with its incidents")
    painted_ms("")
    result = {"ready_s": time.perf_counter() - t0}
    if what == "move":
        units = int(os.environ.get("BENCH_UNITS", "10000"))
        js("ccApply(" + json.dumps(unit_rows(units)) + "); true")
        wait(f"window.ccStats.points.units === {units}")
        painted_ms("")
        result["move_ms"] = statistics.median(
            painted_ms("ccApply(" + json.dumps(unit_rows(1000, offset=0.0005 * (k + 1), t=k + 1)) + ")")
            for k in range(5)
        )
    elif what == "pan":
        result["pan_ms"] = statistics.median(
            painted_ms(f"window.ccFolium.map.panBy([{dx}, 0], {{animate: false}})")
            for dx in (200, -200, 200, -200, 200)
        )
    result["rss_mb"] = tree_rss_mb(os.getpid())
    print("RESULT " + json.dumps(result), flush=True)
    view.shutdown()


def run_child(n: int, what: str = "ready", units: int = 10_000) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "BENCH_UNITS": str(units)}
    out = subprocess.run([sys.executable, __file__, "--child", str(n), what], capture_output=True,
                         text=True, env=env, timeout=600)
    for line in out.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise RuntimeError(f"child {n} {what} failed:\n{out.stdout[-1500:]}\n{out.stderr[-3000:]}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", nargs=2, metavar=("N", "WHAT"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.child:
        child(int(args.child[0]), args.child[1])
        return 0

    run_child(0)  # warm the OS file cache and the map page cache once
    med = lambda xs: statistics.median(xs)  # noqa: E731
    empty = [run_child(0) for _ in range(args.runs)]
    r10k = [run_child(10_000) for _ in range(args.runs)]
    r100k = [run_child(100_000, "pan") for _ in range(args.runs)]
    r1k_pan = [run_child(1_000, "pan") for _ in range(args.runs)]
    mv10k = [run_child(0, "move", units=10_000) for _ in range(args.runs)]
    mv1k = [run_child(0, "move", units=1_000) for _ in range(args.runs)]
    fig = {
        "ready_10k_s": med(r["ready_s"] for r in r10k),
        "ready_100k_s": med(r["ready_s"] for r in r100k),
        "ready_empty_s": med(r["ready_s"] for r in empty),
        "move_1000_ms": med(r["move_ms"] for r in mv10k),
        "move_1000_of_1k_ms": med(r["move_ms"] for r in mv1k),
        "pan_100k_ms": med(r["pan_ms"] for r in r100k),
        "pan_1k_ms": med(r["pan_ms"] for r in r1k_pan),
        "rss_100k_mb": med(r["rss_mb"] for r in r100k),
        "rss_empty_mb": med(r["rss_mb"] for r in empty),
    }
    rows = [
        ("page ready, 10k features (s)", fig["ready_10k_s"], fig["ready_empty_s"], "< 0.5"),
        ("page ready, 100k features (s)", fig["ready_100k_s"], fig["ready_empty_s"], "< 3"),
        ("move 1,000 of 10k units, painted (ms)", fig["move_1000_ms"], fig["move_1000_of_1k_ms"], "< 100"),
        ("pan step at 100k, painted (ms)", fig["pan_100k_ms"], fig["pan_1k_ms"], ""),
        ("memory of the process tree at 100k (MB)", fig["rss_100k_mb"], fig["rss_empty_mb"], "< 1024"),
    ]
    print(f"{'case':<42}{'value':>10}{'baseline':>10}{'ratio':>8}  goal")
    for name, value, base, goal in rows:
        print(f"{name:<42}{value:>10.3f}{base:>10.3f}{value / base if base else float('nan'):>8.2f}  {goal}")
    print("baselines: the empty page; moving 1,000 of 1,000; a pan at 1k; memory of the empty page")
    print(json.dumps({k: round(v, 3) for k, v in fig.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
