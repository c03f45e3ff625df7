"""Start-up benchmark: process start -> command view ready, against a bare window.

ready_s: a fresh process opens the client connected to the platform (running the demo
scenario, 30 scenario minutes in) on a cache that already holds the city (a workstation
restart, the everyday start), until the map is ready, the first chart has painted and the board
has rows. cold_ready_s: the same with an empty cache (a new workstation: everything comes from
the platform first). The map page is built once per catalogue and is cached for both.
bare_s: a fresh process with a bare QMainWindow holding a QWebEngineView (an empty local page)
and one pyqtgraph plot, until the page has loaded and the plot has painted.
complete_s: the restart until what the first frame leaves for later is built too (the detail
chart, pyqtgraph; the docks behind tabs) and the detail chart has painted: not in the ratio, shown
so that the deferred work stays visible.
READY is printed inside the window's command_view_ready signal: the work the client schedules
once the view is ready (sync, the deferred parts) must not count, whatever order the event loop
runs it in.
Each is the median of several runs in this same run of the benchmark. Prints a table, then one
JSON line: {"ready_s", "bare_s", "ratio", "cold_ready_s", "cold_ratio", "complete_s"}.
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


def child_full(url: str, data_dir: str) -> None:
    from commandcenter.paths import DataDir
    from commandcenter.ui.app import ClientSession, create_qapp, prepare_environment, run_event_loop

    prepare_environment(headless=True)
    app = create_qapp("zh_CN")

    async def main() -> int:
        import asyncio

        from PySide6.QtCore import QEvent, QObject, QTimer

        session = await ClientSession.open(DataDir(data_dir).ensure(), url, mode="demo", size=(1920, 1080))
        window = session.window
        done = asyncio.Event()

        class PaintWatch(QObject):
            """Marks the detail chart painted once its viewport has handled a paint event."""

            def eventFilter(self, obj, event):  # noqa: N802 (Qt API)
                if event.type() == QEvent.Type.Paint and not done.is_set():
                    print(f"COMPLETE {time.time():.6f}", flush=True)
                    done.set()
                return False

        watch = PaintWatch()

        def watch_chart() -> None:
            """After ready: once what the first frame left for later is built (the detail chart,
            the lazy docks), wait for the chart's first paint."""
            if not window.fully_built:
                QTimer.singleShot(10, watch_chart)
                return
            viewport = window.vitals.chart.canvas.viewport()
            viewport.installEventFilter(watch)
            viewport.update()

        def on_ready() -> None:
            # stamped in the signal itself: the work scheduled after ready must not count
            print(f"READY {time.time():.6f}", flush=True)
            watch_chart()

        window.command_view_ready.connect(on_ready)
        window.show()
        session.start()
        await asyncio.wait_for(done.wait(), 120)
        await session.aclose()
        return 0

    run_event_loop(app, main)


def child_bare() -> None:
    from commandcenter.ui.app import prepare_environment

    prepare_environment(headless=True)
    import numpy as np
    import pyqtgraph as pg
    from PySide6.QtCore import QEvent, QObject, QTimer, QUrl
    from PySide6.QtWebEngineWidgets import QWebEngineView
    from PySide6.QtWidgets import QApplication, QMainWindow, QSplitter

    app = QApplication([sys.argv[0]])
    window = QMainWindow()
    split = QSplitter()
    view = QWebEngineView()
    plot = pg.PlotWidget()
    curve = plot.plot(np.arange(3600, dtype=float), np.random.default_rng(1).random(3600))
    split.addWidget(view)
    split.addWidget(plot)
    window.setCentralWidget(split)
    window.resize(1920, 1080)
    state = {"page": False, "plot": False}

    def check() -> None:
        if all(state.values()):
            print(f"READY {time.time():.6f}", flush=True)
            app.quit()

    def on_loaded(ok: bool) -> None:
        state["page"] = ok
        check()

    class PaintWatch(QObject):
        """Marks the plot painted once its viewport has handled a paint event."""

        def eventFilter(self, obj, event):  # noqa: N802 (Qt API)
            if event.type() == QEvent.Type.Paint and not state["plot"]:
                state["plot"] = True
                QTimer.singleShot(0, check)
            return False

    watch = PaintWatch()
    plot.viewport().installEventFilter(watch)
    QTimer.singleShot(120_000, lambda: (print("TIMEOUT", flush=True), app.exit(1)))
    view.loadFinished.connect(on_loaded)
    page = Path(tempfile.mkdtemp()) / "bare.html"
    page.write_text("<!doctype html><html><body style='background:#111'></body></html>")
    view.load(QUrl.fromLocalFile(str(page)))
    window.show()
    assert curve is not None
    app.exec()


def measure(args: list[str], complete: list[float] | None = None) -> float:
    """Seconds from the child's start until it printed READY; with `complete`, appends the
    seconds until COMPLETE (everything built, the detail chart painted) too."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    start = time.time()
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, env=env, timeout=180)
    stamps = {}
    for line in out.stdout.splitlines():
        word, _, value = line.partition(" ")
        if word in ("READY", "COMPLETE"):
            stamps[word] = float(value) - start
    if "READY" not in stamps:
        raise RuntimeError(f"child {args} did not get ready:\n{out.stdout[-2000:]}\n{out.stderr[-3000:]}")
    if complete is not None:
        complete.append(stamps.get("COMPLETE", float("nan")))
    return stamps["READY"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", choices=("full", "bare"))
    parser.add_argument("--url")
    parser.add_argument("--data-dir")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if args.child == "full":
        child_full(args.url, args.data_dir)
        return 0
    if args.child == "bare":
        child_bare()
        return 0

    from commandcenter.embedded import PlatformProcess
    from commandcenter.paths import scenarios_dir

    work = Path(tempfile.mkdtemp(prefix="cc-bench-startup-"))
    with PlatformProcess(work / "platform.db", scenario=scenarios_dir() / "rainstorm-day.yaml",
                         extra_args=["--start-at", "1800"]) as platform:
        # once, untimed: the OS file cache, and the built map page (built once per catalogue)
        measure(["--child", "bare"])
        measure(["--child", "full", "--url", platform.url, "--data-dir", str(work / "prime")])
        cold, warm, bare, warm_complete = [], [], [], []
        for i in range(args.runs):
            bare.append(measure(["--child", "bare"]))
            client = ["--child", "full", "--url", platform.url, "--data-dir", str(work / f"client{i}")]
            cold.append(measure(client))  # a new workstation: empty cache, all from the platform
            warm.append(measure(client, warm_complete))  # a restart: the cache holds the city already
    ready_s, cold_s, bare_s = statistics.median(warm), statistics.median(cold), statistics.median(bare)
    complete_s = statistics.median(warm_complete)
    rows = [
        ("command view ready, restart (warm cache)", ready_s, warm),
        ("command view ready, first start (empty cache)", cold_s, cold),
        ("bare QMainWindow + QWebEngineView + plot", bare_s, bare),
        ("restart: everything built, detail chart painted", complete_s, warm_complete),
    ]
    print(f"{'case':<48}{'median s':>10}  runs")
    for name, value, runs in rows:
        print(f"{name:<48}{value:>10.3f}  {' '.join(f'{v:.3f}' for v in runs)}")
    print(f"{'ratio, restart (goal <= 1.5)':<48}{ready_s / bare_s:>10.2f}")
    print(f"{'ratio, first start':<48}{cold_s / bare_s:>10.2f}")
    print(json.dumps({"ready_s": round(ready_s, 3), "bare_s": round(bare_s, 3), "ratio": round(ready_s / bare_s, 3),
                      "cold_ready_s": round(cold_s, 3), "cold_ratio": round(cold_s / bare_s, 3),
                      "complete_s": round(complete_s, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
