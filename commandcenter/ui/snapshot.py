"""`commandcenter snapshot`: render the command view of the demo headless to a PNG.

It runs the real thing: the platform child process on the demo scenario, started at the
requested scenario time (with the history before it), and the client connected over HTTP. It
waits until the command view is ready (map ready, first chart painted, board filled), then
grabs the window. For the board view it first plays the commander's part of the story: the
escalation rule runs on the clock (tasks the simulated seats left unsigned are overdue by
then and climb a level), and the commander raises the response level of the worst incident
with an escalated task under its plan, whose tasks appear; the board and that incident's
joint-command view are in the picture. State goes to DATA_DIR/snapshot, recreated each time, so the snapshot never
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
                window.finish_building()  # the detail chart and the docks the start-up left for later
                if view == "board":
                    story = _commander_story(session)
                    if story:
                        print(f"snapshot: {story}")
                if view == "sync":
                    print(f"snapshot: {await _field_post_story(session, url)}")
                await asyncio.sleep(1.5)  # let the map canvas and the charts paint the last deltas
                window.board.refresh()  # its counts refresh at most every 2 s: show them as of now
                await asyncio.sleep(0.2)  # and lay out what changed
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
    needed = {"all": {"map", "vitals", "board"}, "map": {"map"}, "vitals": {"vitals"}, "board": {"board"},
              "sync": {"board"}}[view]
    return needed <= parts and session.store.cursor > 0


def _commander_story(session) -> str:
    """Run the escalation sweep, then raise the response level of the most severe incident
    that has an escalated task (one level above its current one, at least 三级) under the first
    plan that applies, as the commander would from the incident panel. Returns what it did."""
    from commandcenter.domain import integrated
    from commandcenter.domain.plans import plans_for
    from commandcenter.domain.roles import Seat

    store, catalog = session.store, session.catalog
    swept = session.sweep()
    rows = store.query(
        "SELECT i.id FROM incidents i JOIN tasks t ON t.incident_id = i.id "
        "WHERE t.escalations > 0 AND i.status NOT IN ('closed', 'cancelled') "
        "GROUP BY i.id ORDER BY MIN(i.severity), MAX(t.escalations) DESC, i.reported_ms LIMIT 1")
    if not rows:
        return f"no escalated task yet ({swept})"
    incident = store.get("incident", rows[0]["id"])
    event_type = catalog.event_types.get(incident["category"])
    plans = plans_for(catalog.plans, incident["category"], event_type.category if event_type else None)
    current = int(incident.get("response_level") or 4)
    level = str(max(1, min(3, current - 1)))
    ops = integrated.decide_response_level(
        incident, catalog, store.clock.now_ms(), level=level, plan=plans[0], open_tasks=store.tasks_for(incident["id"]),
        user="commander", role="commander", reason="任务升级，提升响应级别")
    store.execute(ops, user="commander", seat=Seat("commander"))
    window = session.window
    window.board.select_incident(incident["id"])
    window.detail.show_incident(incident["id"])
    new = sum(1 for op in ops if op.entity == "task")
    return (f"{swept.escalated if swept else 0} task(s) escalated; the commander raised "
            f"{incident['title']} to level {level} under {plans[0].code}: {new} plan task(s) dispatched")


async def _field_post_story(session, url: str) -> str:
    """The Sync dock's picture: this post loses its link, decides a response level while
    offline, the center decides another one for the same incident a little later (on the
    platform, as its own node), the city goes on; the link comes back (the decision comes back
    as a conflict with both values; the summary says what arrived meanwhile), and the post
    goes offline again with two log entries waiting."""
    import httpx

    from commandcenter.domain import commands, integrated
    from commandcenter.store.schema import SCHEMA_VERSION

    store, window = session.store, session.window
    window.away.min_away_ms = 0  # the picture's absence is seconds long (minutes of the city)
    window.show_sync_dock()

    async def online(timeout_s: float = 30.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and (store.pending_count() or window._last_status is None
                                               or window._last_status.state != "online"):
            await asyncio.sleep(0.1)

    await online()  # the first catch-up is over: what comes next is news
    await session.pause_sync()
    rows = [r for r in store.open_incidents(limit=50) if r.get("server_version")]
    if not rows:
        return "no incident from the platform to decide on"
    target = rows[0]
    now = store.clock.now_ms()
    store.execute(commands.set_response_level(target, "3", now, plan="防汛防台"), user="前方指挥部 王磊")
    center = {
        "op_id": "center-node:1", "node_id": "center-node", "local_seq": 1, "entity": "incident",
        "entity_id": target["id"], "op": "incident.set_response_level",
        "fields": {"response_level": "2", "updated_ms": now + 2000}, "base_version": target["server_version"],
        "hlc": f"{now + 2000:013d}:00000:center-node", "schema_version": SCHEMA_VERSION, "user": "市指挥中心 李明",
    }
    async with httpx.AsyncClient(base_url=url, timeout=10) as http:
        (await http.post("/v1/sync/push", json={"ops": [center]})).raise_for_status()
    await asyncio.sleep(6)  # six minutes of the city at the demo's speed
    session.resume_sync()
    await online()
    await asyncio.sleep(0.5)
    await session.pause_sync()
    for text in ("前方指挥部：堤防巡查第二组出发", "前方指挥部：请求增派抽水泵两台"):
        store.execute(integrated.write_log(store.clock.now_ms(), text=text, incident_id=target["id"],
                                           user="前方指挥部 王磊", role="field"), user="前方指挥部 王磊")
    panel = window.sync_panel
    panel.refresh()
    return (f"offline decision on {target['title']} came back as {len(panel.conflict_texts())} conflict(s); "
            f"{len(panel.away_texts())} item(s) arrived while away; {store.pending_count()} pending")
