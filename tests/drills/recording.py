"""A real recorded drill run for the replay tests (tests/drills, tests/ui)."""
from __future__ import annotations

from pathlib import Path

from commandcenter.domain import commands, integrated
from commandcenter.domain.roles import Seat
from commandcenter.embedded import PlatformProcess
from tests.drills.test_drill_platform import command, inject, seat_store, state, sync, wait_for

TINY = Path(__file__).parent / "data" / "tiny-drill.yaml"


def make_recording(tmp: Path) -> tuple[Path, dict]:
    """A run on the real drill platform: played, INJ-001 released, the room reports and
    answers, the water seat reads; then the platform is stopped (the recording is its db).
    Returns the database and the moments (real ms) of the story."""
    proc = PlatformProcess(tmp / "drill" / "platform.db", scenario=TINY, extra_args=["--drill", "rec-1", "--units", "0"])
    proc.start()
    marks = {}
    try:
        url = proc.url
        command(url, action="play")
        room = seat_store(tmp, "room", "rec-1", Seat("commander"))
        water = seat_store(tmp, "water", "rec-1", Seat("seat", "water"))
        sync(room, url)
        marks["before_release"] = room.clock.now_ms()
        command(url, action="release", inject="INJ-001")
        sync(room, url)
        marks["released"] = room.clock.now_ms()
        incident = room.query("SELECT * FROM incidents WHERE title='暴雨'")[0]
        for k in range(30):
            room.execute(integrated.write_log(room.clock.now_ms(), text=f"第{k}条", incident_id=incident["id"],
                                              user="room", role="commander", mode="drill"))
        room.execute(commands.set_response_level(incident, "4", room.clock.now_ms()))
        sync(room, url)
        sync(water, url)
        notice = water.query("SELECT * FROM notices LIMIT 1")[0]
        water.execute(integrated.read_notice(notice, water.clock.now_ms(), "water"))
        sync(water, url)
        wait_for(lambda: (s := inject(url, "INJ-001"))["responses"] and s["state"] == "acknowledged")
        command(url, action="mark", objective="OBJ-1", rating="S", text="晚了一点")
        command(url, action="end")
        marks["final_state"] = state(url)
        room.close()
        water.close()
    finally:
        proc.stop()
    return tmp / "drill" / "platform.db", marks
