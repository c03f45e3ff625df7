"""A drill on the real platform process (platform serve --drill): the coordinator's commands,
an inject released to the addressed department seat on another client, its read receipt, a
player's action recorded as the answer, the run surviving a restart, and isolation (a live
cache never syncs with a drill platform, nor a drill cache with a live one)."""
from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest

from commandcenter.domain import commands, integrated
from commandcenter.domain.hooks import Hooks
from commandcenter.domain.roles import Seat
from commandcenter.embedded import PlatformProcess
from commandcenter.store import Store
from commandcenter.sync.client import PlatformClient, SyncError
from commandcenter.sync.engine import SyncEngine, mode_mismatch

REPO = Path(__file__).resolve().parents[2]
FLOOD = REPO / "scenarios" / "drill-flood.yaml"
TINY = Path(__file__).parent / "data" / "tiny-drill.yaml"


def _start(tmp_path: Path, drill: Path, run: str, name: str = "drill-platform") -> PlatformProcess:
    proc = PlatformProcess(tmp_path / name / "platform.db", scenario=drill, extra_args=["--drill", run, "--units", "0"])
    proc.start()
    return proc


def command(url: str, **body) -> httpx.Response:
    return httpx.post(f"{url}/v1/drill/command", json=body, timeout=10)


def state(url: str) -> dict:
    r = httpx.get(f"{url}/v1/drill", timeout=10)
    r.raise_for_status()
    return r.json()


def inject(url: str, inject_id: str) -> dict:
    return next(i for i in state(url)["injects"] if i["id"] == inject_id)


def wait_for(predicate, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.2)


async def _sync_async(store: Store, url: str) -> None:
    async with PlatformClient(url) as client:
        engine = SyncEngine(store, Hooks(), client)
        await engine._push_all()
        await engine._pull_all()


def sync(store: Store, url: str) -> None:
    asyncio.run(_sync_async(store, url))


def seat_store(tmp_path: Path, name: str, run: str, seat: Seat) -> Store:
    return Store(tmp_path / name / "cache.db", user=name, seat=seat, mode="drill", run_id=run)


@pytest.fixture
def flood(tmp_path):
    proc = _start(tmp_path, FLOOD, "flood-1")
    try:
        yield proc
    finally:
        proc.stop()


def test_an_inject_released_by_the_coordinator_reaches_the_addressed_seat(flood, tmp_path):
    url = flood.url
    assert httpx.get(f"{url}/v1/health").json()["drill_run"] == "flood-1"
    assert state(url)["state"] == "scheduled"
    assert command(url, action="play", by="导调 王").status_code == 200
    r = command(url, action="release", inject="INJ-002", by="导调 王")
    assert r.status_code == 200, r.text
    assert next(i for i in r.json()["injects"] if i["id"] == "INJ-002")["state"] == "released"

    water = seat_store(tmp_path, "water-seat", "flood-1", Seat("seat", "water"))
    police = seat_store(tmp_path, "police-seat", "flood-1", Seat("seat", "police"))
    try:
        sync(water, url)
        sync(police, url)
        # the water seat's notices (the Notices dock shows a seat its department's)
        (notice,) = water.query("SELECT * FROM notices WHERE department='water'")
        assert notice["kind"] == "inject" and notice["mode"] == "drill"
        assert notice["text"].startswith("【演练】INJ-002 来自市水文总站：")
        assert "吴淞口" in notice["text"]
        assert police.query("SELECT * FROM notices WHERE department='police'") == []
        # the seat reads it: the coordinator sees it acknowledged, by whom
        water.execute(integrated.read_notice(notice, water.clock.now_ms(), "water-seat"))
        sync(water, url)
        st = wait_for(lambda: (s := inject(url, "INJ-002"))["state"] == "acknowledged" and s)
        assert st["acknowledged_by"] == "water-seat" and st["released_by"] == "导调 王"
    finally:
        water.close()
        police.close()


def test_a_players_action_is_recorded_as_the_answer_with_its_time(tmp_path):
    proc = _start(tmp_path, TINY, "tiny-1")
    url = proc.url
    commander = seat_store(tmp_path, "room", "tiny-1", Seat("commander"))
    try:
        command(url, action="play")
        command(url, action="release", inject="INJ-001")
        sync(commander, url)
        (incident,) = commander.query("SELECT * FROM incidents WHERE title='暴雨'")
        assert incident["mode"] == "drill"
        released = inject(url, "INJ-001")["released_t_s"]
        commander.execute(commands.set_response_level(incident, "4", commander.clock.now_ms()))
        sync(commander, url)
        st = wait_for(lambda: (s := inject(url, "INJ-001"))["responses"] and s)
        (answer,) = st["responses"]
        assert answer["op"] == "incident.set_response_level" and answer["by"] == "room"
        assert answer["entity_id"] == incident["id"]
        assert answer["t_s"] >= released and st["response_min"] is not None and st["response_min"] < 5
        # a level the watch does not ask for is no answer; the first one stays the answer
        commander.execute(commands.set_response_level(commander.get("incident", incident["id"]), "3",
                                                      commander.clock.now_ms()))
        sync(commander, url)
        time.sleep(1.5)
        assert len(inject(url, "INJ-001")["responses"]) == 1
    finally:
        commander.close()
        proc.stop()


def test_a_command_the_run_cannot_take_is_refused_and_changes_nothing(tmp_path):
    proc = _start(tmp_path, TINY, "tiny-2")
    url = proc.url
    try:
        before = state(url)["events"]
        for body, words in [
            ({"action": "pause"}, "only a running run can pause"),
            ({"action": "fly"}, "action must be one of"),
            ({"action": "release"}, "inject is required"),
            ({"action": "release", "inject": "INJ-999"}, "no inject INJ-999"),
            ({"action": "speed", "speed": 120}, "1x to 60x"),
            ({"action": "speed", "speed": "fast"}, "speed must be a number"),
            ({"action": "mark", "objective": "OBJ-1", "rating": "A"}, "rating must be one of"),
            ({"action": "play", "speed": 3}, "unknown field 'speed'"),
        ]:
            r = command(url, **body)
            assert r.status_code == 409 and words in r.json()["error"], (body, r.text)
        r = httpx.post(f"{url}/v1/drill/command", content=b"[1, 2]")
        assert r.status_code == 400
        assert state(url)["events"] == before
    finally:
        proc.stop()


def test_the_clock_releases_on_time_and_the_run_survives_a_restart(tmp_path):
    proc = _start(tmp_path, TINY, "tiny-3")
    try:
        url = proc.url
        command(url, action="play")
        command(url, action="speed", speed=60)  # INJ-001 at T+00:05: five real seconds
        command(url, action="hold", inject="INJ-003")
        st = wait_for(lambda: (s := inject(url, "INJ-001"))["state"] == "released" and s, timeout=20)
        assert st["released_by"] == "clock" and 300 <= st["released_t_s"] < 345
        command(url, action="pause")
        paused = state(url)
        url = proc.restart()
        again = state(url)
        assert again["state"] == "paused" and again["t_s"] == paused["t_s"] and again["speed"] == 60
        assert inject(url, "INJ-003")["held"] and inject(url, "INJ-001")["state"] == "released"
        # the notices of the release are there once, not twice
        r = httpx.get(f"{url}/v1/sync/pull", params={"since": 0, "limit": 1000}).json()
        notices = [c for c in r["changes"] if c["entity"] == "notice" and c["doc"].get("inject") == "INJ-001"]
        assert len(notices) == 2  # to: emergency, commander
    finally:
        proc.stop()


def test_a_live_cache_and_a_drill_platform_never_sync(tmp_path, flood):
    live = Store(tmp_path / "live" / "cache.db")
    try:
        async def session():
            async with PlatformClient(flood.url) as client:
                engine = SyncEngine(live, Hooks(), client)
                await asyncio.wait_for(engine._session(), 10)

        with pytest.raises(SyncError, match="serves drill run flood-1: a live cache does not sync"):
            asyncio.run(session())
        assert live.cursor == 0 and live.query("SELECT * FROM notices") == []
    finally:
        live.close()
    assert mode_mismatch("drill", "r1", None) == "the platform is a live one: drill run r1 does not sync with it"
    assert "this cache holds run r1" in mode_mismatch("drill", "r1", "r2")
    assert mode_mismatch("drill", "r1", "r1") is None and mode_mismatch("live", None, None) is None


def test_a_players_seat_sees_what_was_released_not_the_script_ahead(tmp_path):
    from commandcenter.platform.storage import PlatformStorage
    from commandcenter.platform.users import Users

    db = tmp_path / "drill-platform" / "platform.db"
    db.parent.mkdir(parents=True)
    storage = PlatformStorage(db, drill_run="roles-1")
    users = Users(storage)
    coordinator = users.add("导调 王", "dispatcher")
    water = users.add("水务 张", "seat", "water")
    storage.close()
    proc = PlatformProcess(db, scenario=TINY, extra_args=["--drill", "roles-1", "--units", "0"])
    proc.start()
    try:
        url = proc.url

        def as_(token, method="GET", path="/v1/drill", **kw):
            return httpx.request(method, f"{url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=10, **kw)

        assert as_(coordinator, "POST", "/v1/drill/command", json={"action": "play"}).status_code == 200
        assert as_(coordinator, "POST", "/v1/drill/command", json={"action": "release", "inject": "INJ-001"}).status_code == 200
        full = as_(coordinator).json()
        assert len(full["injects"]) == 3 and full["scenario"]["objectives"]
        seen = as_(water).json()
        assert [i["id"] for i in seen["injects"]] == ["INJ-001"] and seen["players_view"]
        assert "expected_zh" not in seen["injects"][0] and seen["scenario"]["objectives"] == []
        assert seen["t_s"] >= 0 and seen["state"] == "running"
        r = as_(water, "POST", "/v1/drill/command", json={"action": "release", "inject": "INJ-003"})
        assert r.status_code == 403 and "does not control the exercise" in r.json()["error"]
        assert as_(water, path="/v1/drill/events").status_code == 403
        assert as_(coordinator).json()["events"] == full["events"]  # the seat changed nothing
        # the coordinator's name is who released it
        assert full["injects"][0]["released_by"] == "导调 王"
    finally:
        proc.stop()


def test_the_units_drive_on_the_exercise_clock(tmp_path):
    """Paused (or not yet started), the drill city stands still: its units too."""
    proc = PlatformProcess(tmp_path / "d" / "platform.db", scenario=TINY, extra_args=["--drill", "units-1", "--units", "6"])
    proc.start()
    try:
        url = proc.url

        def latest() -> dict:
            rows = httpx.get(f"{url}/v1/positions", params={"since_ms": 0}, timeout=10).json()["positions"]
            out = {}
            for r in rows:
                out[r["id"]] = (round(r["lon"], 6), round(r["lat"], 6))
            return out

        time.sleep(2.5)
        assert latest() == {}  # scheduled: nobody has moved (a unit reports where it drives)
        command(url, action="play")
        command(url, action="speed", speed=60)
        first = wait_for(latest, timeout=15)
        wait_for(lambda: latest() != first, timeout=15)
        command(url, action="pause")
        time.sleep(1.2)
        still = latest()
        time.sleep(2.5)
        assert latest() == still
    finally:
        proc.stop()
