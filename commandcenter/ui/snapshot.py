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
                 scenario: Path, lang: str = "zh_CN", speed: float = 60.0, layout: str | None = None) -> int:
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
    drill = None
    if view == "drill":  # the coordinator's window of a drill run, brought to T+seconds
        from commandcenter.drills.scenario import load_scenario
        from commandcenter.ui.drill_console import DrillLink

        script = load_scenario(scenario)
        if not script.is_drill:
            print(f"commandcenter: error: --view drill needs a drill --scenario, {scenario} is not one", file=sys.stderr)
            return 2
        drill = DrillLink("", "snapshot", script.title_en if lang == "en" else script.title_zh, console=True)
        platform = PlatformProcess(snap.platform_db, scenario=scenario, extra_args=["--drill", drill.run_id])
    else:
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
            link = None if drill is None else type(drill)(url, drill.run_id, drill.title, console=True)
            session = await ClientSession.open(snap, url, mode="drill" if link else "demo",
                                               vitals_window_s=DEMO_WINDOW_S, size=size, drill=link, layout=layout)
            window = session.window
            if view not in ("all", "drill"):
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
                if view == "drill":
                    print(f"snapshot: {await _drill_story(session, url, seconds)}")
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
              "sync": {"board"}, "drill": {"map"}}[view]
    if window.layout_name is not None:  # a layout may hide some of them: what it shows
        needed = {part for part in needed if window.named_docks()[part].isVisible()}
    # a drill's city is empty until its coordinator plays it (the story does)
    return needed <= parts and (view == "drill" or session.store.cursor > 0)


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


async def _drill_story(session, url: str, seconds: float) -> str:
    """The console's picture: the coordinator plays the run at 60x and seeks to T+seconds (the
    injects due by then are released); the water seat reads its injects (as another client
    would), the room answers the first one's response level, an evaluator completes two and
    rates an objective."""
    import httpx

    from commandcenter.domain import commands
    from commandcenter.store.schema import SCHEMA_VERSION

    window, store = session.window, session.store
    console = window.drill_console

    async def command(http, **body):
        r = await http.post("/v1/drill/command", json={"by": "导调 王海", **body})
        r.raise_for_status()
        return r.json()

    async with httpx.AsyncClient(base_url=url, timeout=10) as http:
        await command(http, action="play")
        await command(http, action="speed", speed=60)
        await command(http, action="seek", t_s=seconds)
        deadline = time.monotonic() + 15
        state = await command(http, action="speed", speed=60)
        while time.monotonic() < deadline:
            state = (await http.get("/v1/drill")).json()
            if any(i["state"] == "released" for i in state["injects"]) and state["t_s"] >= seconds:
                break
            await asyncio.sleep(0.3)
        await command(http, action="pause")
        pending = [i for i in state["injects"] if i["state"] == "pending" and i["kind"] == "inject"]
        if pending:
            await command(http, action="hold", inject=pending[0]["id"])
        # the water seat reads what was addressed to it
        pull = (await http.get("/v1/sync/pull", params={"since": 0, "limit": 1000})).json()
        notices = [c["doc"] for c in pull["changes"] if c["entity"] == "notice" and c["doc"].get("department") == "water"]
        ops = [{"op_id": f"water-seat:{k + 1}", "node_id": "water-seat", "local_seq": k + 1, "entity": "notice",
                "entity_id": n["id"], "op": "notice.read", "fields": {"read_ms": n["created_ms"] + 90_000,
                                                                    "read_by": "水务 张伟"},
                "base_version": n["version"], "hlc": f"{n['created_ms'] + 90_000:013d}:00000:water-seat",
                "schema_version": SCHEMA_VERSION, "user": "水务 张伟"} for k, n in enumerate(notices[:3])]
        if ops:
            (await http.post("/v1/sync/push", json={"ops": ops})).raise_for_status()
        # the room answers INJ-001: the response level of its incident
        deadline = time.monotonic() + 15
        target = None
        while time.monotonic() < deadline and target is None:
            rows = store.query("SELECT * FROM incidents WHERE mode='drill' ORDER BY reported_ms LIMIT 1")
            target = rows[0] if rows else None
            await asyncio.sleep(0.3)
        if target is not None:
            store.execute(commands.set_response_level(target, "3", store.clock.now_ms()), user="指挥长 陈")
            session._poke()
        await asyncio.sleep(3)
        state = (await http.get("/v1/drill")).json()
        done = [i for i in state["injects"] if i["state"] in ("acknowledged", "released")][:2]
        for inj, outcome in zip(done, ("met", "partial")):
            await command(http, action="complete", inject=inj["id"], outcome=outcome, text="评估员 刘")
        await command(http, action="mark", objective=state["scenario"]["objectives"][0]["id"], rating="S",
                      text="响应启动略晚")
        await command(http, action="note", text="第二阶段开始前暂停，组织专家会商")
    window.dock_drill.raise_()
    console._on_poll_timeout()
    await asyncio.sleep(1.5)
    state = console.state or {}
    counts: dict[str, int] = {}
    for inj in state.get("injects", []):
        counts[inj["state"]] = counts.get(inj["state"], 0) + 1
    return f"drill at {state.get('clock')}: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
