"""`commandcenter snapshot`: render the command view of the demo headless to a PNG.

It runs the real thing: the platform child process on the demo scenario, started at the
requested scenario time (with the history before it), and the client connected over HTTP. It
waits until the command view is ready (map ready, first chart painted, board filled), then
grabs the window. State goes to DATA_DIR/snapshot, recreated each time, so the snapshot never
mixes with the user's own cache; the user's imported layers and offline basemaps are copied in.
"""
from __future__ import annotations

import asyncio
import shutil
import sys
import time
from pathlib import Path

from commandcenter.paths import DataDir

READY_TIMEOUT_S = 90.0


def run_snapshot(data: DataDir, *, out: Path, size: tuple[int, int], view: str, seconds: float,
                 scenario: Path, lang: str = "zh_CN", speed: float = 60.0) -> int:
    from commandcenter.embedded import PlatformProcess, PlatformStartError
    from commandcenter.ui.app import (
        DEMO_WINDOW_S,
        ClientSession,
        create_qapp,
        import_scenario_warning,
        prepare_environment,
        run_event_loop,
    )

    prepare_environment(headless=True)
    snap = DataDir(data.root / "snapshot")
    if snap.root.exists():
        shutil.rmtree(snap.root)
    snap.ensure()
    for part in ("layers", "basemaps"):  # the user's layers and offline basemap are in the picture
        if (data.root / part).is_dir():
            shutil.copytree(data.root / part, snap.root / part)
    import_scenario_warning(scenario, snap)
    platform = PlatformProcess(snap.platform_db, scenario=scenario, speed=speed,
                               extra_args=["--start-at", str(seconds)])
    try:
        url = platform.start()
    except PlatformStartError as exc:
        print(f"commandcenter: error: {exc}", file=sys.stderr)
        return 1
    try:
        app = create_qapp(lang)

        async def main() -> int:
            session = await ClientSession.open(snap, url, mode="demo", vitals_window_s=DEMO_WINDOW_S, size=size)
            window = session.window
            if view != "all":
                window.show_only(view)
            window.show()
            session.start()
            try:
                deadline = time.monotonic() + READY_TIMEOUT_S
                while not _ready(session, view):
                    if time.monotonic() > deadline:
                        print(f"commandcenter: error: the command view was not ready in {READY_TIMEOUT_S:.0f} s "
                              f"(ready: {sorted(window._ready_parts)})", file=sys.stderr)
                        return 1
                    await asyncio.sleep(0.1)
                await asyncio.sleep(1.5)  # let the map canvas and the charts paint the last deltas
                image = window.grab().toImage()
                if not image.save(str(out)):
                    print(f"commandcenter: error: could not write {out}", file=sys.stderr)
                    return 1
                print(f"snapshot: {out} ({size[0]}x{size[1]}, view {view}, T+{seconds:g}s)")
                return 0
            finally:
                await session.aclose()

        return run_event_loop(app, main)
    finally:
        platform.stop()


def _ready(session, view: str) -> bool:
    window = session.window
    parts = window._ready_parts
    needed = {"all": {"map", "vitals", "board"}, "map": {"map"}, "vitals": {"vitals"}, "board": {"board"}}[view]
    return needed <= parts and session.store.cursor > 0
