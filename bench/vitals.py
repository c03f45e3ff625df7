"""Vitals benchmark (issue 4): the real VitalsPanel (painted wall + detail chart) offscreen.

- tick_p50_ms / tick_p95_ms: one display tick of the wall (the timer's handler AND the paint
  it causes) with 64 indicators x 1 hour at 1 Hz in the buffers, all updating at 1 Hz, plus
  one at 10 Hz; measured over `--seconds` of simulated feed;
- limit_tick_ms: the same points drawn by ONE pyqtgraph plot (one curve per indicator,
  setData on each, one paint), measured in the same run: what a single plot costs;
- cpu_pct: CPU used by this process over the run, as a share of one core;
- ingest_per_s: samples per second through Store.ingest_samples given the rows in one call
  (as a back-fill brings them), against raw_per_s: a plain sqlite3 executemany of the same
  rows in one transaction; ingest_ratio = ingest / raw. Also ingest_stream_per_s: the same
  rows in 64-row transactions, as the live stream brings them (no goal: each commit costs).
Prints a table, then one JSON line.
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
N_INDICATORS = 64
HOUR = 3600


def wall_catalog():
    """The demo catalogue, with copies of its indicators up to 64 when it has fewer."""
    from commandcenter.catalog import load_catalog

    catalog = load_catalog()
    indicators = dict(catalog.indicators)
    base = list(catalog.indicators.values())
    i = 0
    while len(indicators) < N_INDICATORS:
        ind = base[i % len(base)]
        code = f"{ind.code}_b{i}"
        indicators[code] = replace(ind, code=code, name_zh=ind.name_zh + f" {i}", name_en=ind.name_en + f" {i}")
        i += 1
    return replace(catalog, indicators=dict(list(indicators.items())[:max(N_INDICATORS, len(catalog.indicators))]))


def value(ind, t: float) -> float:
    lo, hi = ind.typical
    import math

    return lo + (hi - lo) * (0.5 + 0.45 * math.sin(t / 300.0 + hash(ind.code) % 7))


def bench_panel(seconds: float) -> dict:
    from commandcenter.ui.app import prepare_environment

    prepare_environment(headless=True)
    from PySide6.QtWidgets import QApplication

    import pyqtgraph as pg

    from commandcenter.domain.clock import ManualClock
    from commandcenter.domain.hooks import Hooks
    from commandcenter.store import Store
    from commandcenter.ui.vitals import VitalsPanel

    app = QApplication.instance() or QApplication([sys.argv[0]])
    catalog = wall_catalog()
    codes = list(catalog.indicators)
    start_ms = 1_784_080_800_000
    clock = ManualClock(start_ms + HOUR * 1000)
    store = Store(Path(tempfile.mkdtemp()) / "cache.db", clock=clock)
    history = [(c, start_ms + s * 1000, value(catalog.indicators[c], s)) for c in codes for s in range(HOUR)]
    store.ingest_samples(history)
    hooks = Hooks()
    panel = VitalsPanel(catalog, store, hooks, clock, window_s=HOUR)
    panel.resize(1920, 1080)
    panel.show()
    panel.frame_timer.stop()  # ticks are driven here, one per 40 ms of feed
    panel.state_timer.stop()
    for _ in range(20):
        app.processEvents()

    fast = codes[0]
    ticks = []
    t = float(HOUR)
    frames = int(seconds * 25)
    for frame in range(frames):
        t += 0.04
        clock.advance(40)
        now_ms = clock.now_ms()
        batch = []
        if frame % 5 in (0, 2):  # 10 Hz on one indicator: two of every five 40 ms ticks
            batch.append((fast, now_ms, value(catalog.indicators[fast], t)))
        if frame % 25 == 0:  # every indicator once a second
            batch += [(c, now_ms, value(catalog.indicators[c], t)) for c in codes if c != fast]
        if batch:
            hooks.samples_did_arrive(batch)
        t0 = time.perf_counter()
        panel._on_frame_timer_timeout()
        if frame % 25 == 0:
            panel._on_state_timer_timeout()
        app.processEvents()  # the paint the tick caused
        ticks.append((time.perf_counter() - t0) * 1000)
    # CPU share at 1 Hz, for real: the panel's own timers running, fed 64 indicators at 1 Hz
    # and one at 10 Hz by timers, for `seconds` of wall time; process CPU over wall time
    from PySide6.QtCore import QEventLoop, QTimer

    panel.frame_timer.start()
    panel.state_timer.start()
    feed_t = [t]

    def feed(codes_now):
        now_ms = clock.now_ms()
        feed_t[0] += 0.1
        hooks.samples_did_arrive([(c, now_ms, value(catalog.indicators[c], feed_t[0])) for c in codes_now])

    slow = QTimer()
    slow.timeout.connect(lambda: feed([c for c in codes if c != fast]))
    slow.start(1000)
    quick = QTimer()
    quick.timeout.connect(lambda: (clock.advance(100), feed([fast])))  # the clock runs at 10 Hz steps
    quick.start(100)
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    loop.exec()
    cpu_pct = 100.0 * (time.process_time() - cpu0) / (time.perf_counter() - wall0)
    slow.stop()
    quick.stop()
    panel.frame_timer.stop()
    panel.state_timer.stop()

    # the limit: one plot, one curve per indicator with the same points, setData each, one paint
    widget = pg.PlotWidget()
    widget.resize(1920, 1080)
    widget.show()
    curves = [widget.plot(pen=pg.mkPen("#4cc9f0", width=1)) for _ in codes]
    arrays = []
    for c in codes:
        buf = panel.bank.get(c)
        arrays.append(buf.window())
    limit = []
    for _ in range(50):
        t0 = time.perf_counter()
        for curve, (x, y) in zip(curves, arrays):
            curve.setData(x.copy(), y.copy(), skipFiniteCheck=True)
        app.processEvents()
        limit.append((time.perf_counter() - t0) * 1000)
    panel.teardown_hooks()
    return {
        "tick_p50_ms": statistics.median(ticks),
        "tick_p95_ms": sorted(ticks)[int(0.95 * (len(ticks) - 1))],
        "limit_tick_ms": statistics.median(limit),
        "cpu_pct": cpu_pct,
        "indicators": len(codes),
    }


def bench_ingest(rows_total: int = 64 * 3000) -> dict:
    from commandcenter.store import Store

    rows = [(f"ind{i % 64}", 1_784_080_800_000 + (i // 64) * 1000, float(i % 97)) for i in range(rows_total)]
    folder = Path(tempfile.mkdtemp())
    # the same rows in one call, as a back-fill brings them: our layer against raw sqlite3
    store = Store(folder / "cache.db")
    t0 = time.perf_counter()
    store.ingest_samples(rows)
    ingest = len(rows) / (time.perf_counter() - t0)
    store.close()
    # and as the live stream brings them, 64 rows a transaction (each commit has its cost)
    store = Store(folder / "stream.db")
    t0 = time.perf_counter()
    for k in range(0, len(rows), 64):
        store.ingest_samples(rows[k:k + 64])
    stream = len(rows) / (time.perf_counter() - t0)
    store.close()

    conn = sqlite3.connect(folder / "raw.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE samples (indicator TEXT, ts_ms INTEGER, value REAL, PRIMARY KEY (indicator, ts_ms)) WITHOUT ROWID")
    t0 = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany("INSERT OR REPLACE INTO samples VALUES (?,?,?)", rows)
    conn.execute("COMMIT")
    raw = len(rows) / (time.perf_counter() - t0)
    conn.close()
    return {"ingest_per_s": ingest, "raw_per_s": raw, "ingest_ratio": ingest / raw, "ingest_stream_per_s": stream}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds of feed to tick through")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    fig = {**bench_panel(args.seconds), **bench_ingest()}
    rows = [
        ("display tick p50 (ms)", fig["tick_p50_ms"], fig["limit_tick_ms"], ""),
        ("display tick p95 (ms)", fig["tick_p95_ms"], fig["limit_tick_ms"], "<= 33"),
        ("CPU share of one core at 1 Hz (%)", fig["cpu_pct"], float("nan"), "< 50"),
        ("samples ingested per second", fig["ingest_per_s"], fig["raw_per_s"], "ratio >= 0.5"),
        ("  ... live, 64-row transactions", fig["ingest_stream_per_s"], fig["raw_per_s"], ""),
    ]
    print(f"{'case':<40}{'value':>12}{'baseline':>12}{'ratio':>8}  goal")
    for name, val, base, goal in rows:
        ratio = val / base if base == base and base else float("nan")
        print(f"{name:<40}{val:>12.2f}{base:>12.2f}{ratio:>8.2f}  {goal}")
    print(f"baselines: one pyqtgraph plot with the same {fig['indicators']} x 1 h points; raw sqlite3 executemany")
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in fig.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
