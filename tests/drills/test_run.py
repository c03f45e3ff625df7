"""A drill run as a fold over events: the exercise clock (play, pause, speed, seek), inject
states and the coordinator's and evaluators' commands, and the same run rebuilt from its
events (a restart, a replay)."""
from __future__ import annotations

from pathlib import Path

import pytest

from commandcenter.drills.run import DrillError, DrillRun, RunEvent
from commandcenter.drills.scenario import load_scenario

TINY = Path(__file__).parent / "data" / "tiny-drill.yaml"
T0 = 1_800_000_000_000  # a real time, ms


@pytest.fixture(scope="module")
def drill(catalog):
    return load_scenario(TINY, catalog)


def test_the_clock_plays_pauses_changes_speed_and_seeks(drill):
    run = DrillRun(drill, "r1")
    assert run.state == "scheduled" and run.t_s(T0 + 60_000) == 0  # nothing moves before play
    run.play(T0)
    assert run.t_s(T0 + 10_000) == 10
    run.set_speed(60, T0 + 10_000)
    assert run.t_s(T0 + 20_000) == 10 + 600  # ten real seconds at 60x
    run.pause(T0 + 20_000)
    assert run.state == "paused" and run.t_s(T0 + 999_000) == 610
    run.seek(1800, T0 + 30_000)
    assert run.t_s(T0 + 40_000) == 1800  # paused: the seek moved it, time does not
    run.play(T0 + 40_000)
    assert run.t_s(T0 + 41_000) == 1860
    run.seek(60, T0 + 41_000)  # back
    assert run.t_s(T0 + 42_000) == 120
    with pytest.raises(DrillError, match="1x to 60x"):
        run.set_speed(61, T0)
    with pytest.raises(DrillError, match="outside the exercise"):
        run.seek(drill.duration_s + 1, T0)
    with pytest.raises(DrillError, match="only a scheduled or paused run can play"):
        run.play(T0 + 50_000)


def test_injects_release_on_the_clock_unless_held_or_skipped(drill):
    run = DrillRun(drill, "r1")
    run.play(T0)
    run.set_speed(60, T0)
    assert run.tick(T0 + 4_000) == []  # T+4 min: INJ-001 is at T+5
    run.hold("INJ-001", T0 + 4_000, by="导调")
    assert run.tick(T0 + 6_000) == []  # due, held
    run.unhold("INJ-001", T0 + 7_000, by="导调")
    (released,) = run.tick(T0 + 7_000)
    assert (released.kind, released.inject, released.by) == ("release", "INJ-001", "clock")
    st = run.injects["INJ-001"]
    assert st.state == "released" and st.released_t_s == 420
    # a contingency inject is never released by the clock, only by hand
    run.seek(drill.inject("INJ-003").at_s + 60, T0 + 8_000)
    assert [e.inject for e in run.tick(T0 + 8_000)] == []
    run.release("INJ-003", T0 + 9_000, by="导调")
    assert run.injects["INJ-003"].state == "released"
    with pytest.raises(DrillError, match="only a pending inject is released"):
        run.release("INJ-003", T0 + 9_000)
    with pytest.raises(DrillError, match="expected action: it is observed"):
        run.release("INJ-002", T0 + 9_000)


def test_an_inject_is_acknowledged_answered_and_completed(drill):
    run = DrillRun(drill, "r1")
    run.play(T0)
    run.release("INJ-001", T0 + 60_000, by="导调")  # early, by hand, at T+1 min
    run.acknowledge("INJ-001", T0 + 90_000, by="water-seat")
    assert run.acknowledge("INJ-001", T0 + 95_000, by="other") is None  # the first read counts
    run.respond("INJ-001", T0 + 300_000, op="incident.set_response_level", by="commander", entity_id="i1",
                at_ms=T0 + 240_000)
    run.respond("INJ-001", T0 + 301_000, op="incident.set_response_level", by="commander", entity_id="i1")
    st = run.injects["INJ-001"]
    assert st.state == "acknowledged" and st.acknowledged_by == "water-seat"
    assert len(st.responses) == 1 and st.response_min() == pytest.approx(3.0)  # T+4 min - T+1 min
    run.complete("INJ-001", "met", T0 + 400_000, by="评估员", text="in time")
    assert (st.state, st.outcome, st.notes[-1]["text"]) == ("completed", "met", "in time")
    with pytest.raises(DrillError, match="outcome must be one of"):
        run.complete("INJ-003", "great", T0)
    with pytest.raises(DrillError, match="cannot be completed"):
        run.complete("INJ-003", "met", T0)  # pending, never released


def test_ending_expires_what_is_open_and_evaluation_needs_every_objective(drill):
    run = DrillRun(drill, "r1")
    run.play(T0)
    run.release("INJ-001", T0 + 1000)
    run.skip("INJ-003", T0 + 2000, reason="players on track")
    run.end(T0 + 3000, by="总指挥", reason="early termination")
    assert run.state == "ended"
    states = {k: v.state for k, v in run.injects.items()}
    assert states == {"INJ-001": "expired", "INJ-002": "expired", "INJ-003": "skipped"}
    # an expected action is still judged after the end
    run.complete("INJ-002", "partial", T0 + 4000, by="评估员")
    with pytest.raises(DrillError, match="cannot release an inject"):
        run.release("INJ-003", T0)
    with pytest.raises(DrillError, match="not rated yet: OBJ-1, OBJ-2"):
        run.finish_evaluation(T0 + 5000)
    run.mark("OBJ-1", "S", T0 + 5000, by="评估员", text="late by 5 minutes")
    run.mark("OBJ-2", "P", T0 + 5000, by="评估员")
    with pytest.raises(DrillError, match="rating must be one of P, S, M, U"):
        run.mark("OBJ-2", "A", T0)
    run.finish_evaluation(T0 + 6000)
    assert run.state == "evaluated" and run.marks["OBJ-1"].rating == "S"
    with pytest.raises(DrillError, match="marks are final"):
        run.mark("OBJ-1", "P", T0 + 7000)


def test_the_clock_ends_the_run_at_the_end_of_the_exercise(drill):
    run = DrillRun(drill, "r1")
    run.play(T0)
    run.set_speed(60, T0)
    events = run.tick(T0 + int(drill.duration_s / 60 * 1000) + 1000)
    assert [e.kind for e in events][:1] == ["release"] and run.state == "ended"
    assert run.t_s(T0 + 10**9) == drill.duration_s


def test_a_run_rebuilt_from_its_events_is_the_same_run(drill):
    run = DrillRun(drill, "r1")
    run.play(T0)
    run.set_speed(30, T0 + 1000)
    run.tick(T0 + 20_000)
    run.acknowledge("INJ-001", T0 + 21_000, by="s")
    run.note("radio check ok", T0 + 22_000, by="导调")
    run.note("asked for more detail", T0 + 22_500, by="导调", inject_id="INJ-001")
    run.pause(T0 + 23_000)
    stored = [RunEvent.from_dict(e.to_dict()) for e in run.events]
    again = DrillRun(drill, "r1", stored)
    assert again.injects == run.injects and again.notes == run.notes
    assert (again.state, again.speed, again.t_s(T0 + 99_000)) == (run.state, run.speed, run.t_s(T0 + 99_000))
    # up to a moment: the same run as it stood then (what replay shows)
    then = DrillRun(drill, "r1", [e for e in stored if e.wall_ms <= T0 + 20_500])
    assert then.injects["INJ-001"].state == "released" and then.state == "running"
    with pytest.raises(DrillError, match="out of order"):
        DrillRun(drill, "r1", stored[1:])


def test_a_city_scenario_cannot_be_run_as_a_drill(catalog):
    city = load_scenario(Path(__file__).resolve().parents[2] / "scenarios" / "rainstorm-day.yaml", catalog)
    with pytest.raises(DrillError, match="not a drill"):
        DrillRun(city, "r1")
