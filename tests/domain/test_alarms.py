"""Alarms: the evaluator (duration, escalation, hysteresis, direction, ids) and the commands a
seat uses on them, down to rows and audit entries in a real Store."""
from __future__ import annotations

import json
import math
import random

import pytest

from commandcenter.domain import alarms as a
from commandcenter.domain.catalog import Indicator
from commandcenter.domain.commands import CommandError

RAIN = Indicator(
    "rain_x", "小时雨量", "Hourly rain", "气象", "mm",
    {"blue": 20, "yellow": 35, "orange": 50, "red": 80}, "above", duration_s=60, hysteresis=2,
)
VIS = Indicator(
    "vis_x", "能见度", "Visibility", "气象", "km",
    {"blue": 1.0, "yellow": 0.5, "orange": 0.2, "red": 0.05}, "below", duration_s=0, hysteresis=0.1,
)
T0 = 1_784_080_800_000
S = 1000  # one sample a second


def run(ev: a.AlarmEvaluator, code: str, values, start: int = T0, step: int = S):
    events = []
    for i, v in enumerate(values):
        events += ev.feed(code, start + i * step, v)
    return events


# ------------------------------------------------------------------------ evaluator
def test_a_breach_raises_only_after_its_duration():
    ev = a.AlarmEvaluator({"rain_x": RAIN})
    assert run(ev, "rain_x", [10] + [25] * 60) == []  # 59 s of breach: not yet
    raised = ev.feed("rain_x", T0 + 61 * S, 25)  # 60 s after the first breaching sample
    assert [(e.kind, e.colour, e.value, e.ts_ms) for e in raised] == [("raise", "blue", 25.0, T0 + 61 * S)]
    assert raised[0].alarm_id == a.alarm_id_for("rain_x", T0 + S)


def test_a_short_breach_raises_nothing():
    ev = a.AlarmEvaluator({"rain_x": RAIN})
    # 30 s over, back to normal, 30 s over: the duration restarts with each breach
    assert run(ev, "rain_x", [25] * 30 + [10] + [25] * 30) == []


def test_time_scale_makes_durations_scenario_time():
    ev = a.AlarmEvaluator({"rain_x": RAIN}, time_scale=60)  # a second of samples = a minute
    events = run(ev, "rain_x", [25, 25])
    assert [e.kind for e in events] == ["raise"]


def test_a_worse_colour_escalates_the_same_alarm_and_never_goes_back():
    ev = a.AlarmEvaluator({"rain_x": RAIN})
    events = run(ev, "rain_x", [25] * 61 + [40, 55, 45, 85, 60])
    kinds = [(e.kind, e.colour) for e in events]
    assert kinds == [("raise", "blue"), ("escalate", "yellow"), ("escalate", "orange"), ("escalate", "red")]
    assert len({e.alarm_id for e in events}) == 1
    assert ev.open_alarm("rain_x") == (events[0].alarm_id, "red")


def test_clearing_needs_the_hysteresis_so_noise_does_not_flap():
    ev = a.AlarmEvaluator({"rain_x": RAIN})
    rng = random.Random(7)
    # hovering around the blue threshold (20) with noise of +-1.5: one alarm, no clear
    noisy = [20 + rng.uniform(-1.5, 1.5) for _ in range(600)]
    events = run(ev, "rain_x", [21] * 61 + noisy)
    assert [e.kind for e in events] == ["raise"]
    # 18.5 is below 20 but not below 20 - 2: still raised
    assert ev.feed("rain_x", T0 + 700 * S, 18.5) == []
    # below 18, but noise back above it within the 5-minute hold: still raised
    assert run(ev, "rain_x", [17.5] * 200 + [18.2] + [17.0] * 300, start=T0 + 701 * S) == []
    cleared = ev.feed("rain_x", T0 + 1202 * S, 17.0)  # 300 s after the first 17.0 past the 18.2
    assert [(e.kind, e.colour, e.ts_ms) for e in cleared] == [("clear", "blue", T0 + 1202 * S)]
    assert ev.open_alarm("rain_x") is None


def test_the_clear_hold_is_at_least_the_duration_and_follows_the_time_scale():
    slow = Indicator("slow", "慢", "Slow", "水务", "m", {"yellow": 10}, duration_s=600, hysteresis=1)
    ev = a.AlarmEvaluator({"slow": slow}, time_scale=60)  # a sample a second = a minute
    assert [e.kind for e in run(ev, "slow", [12] * 11)] == ["raise"]  # 10 minutes over
    events = run(ev, "slow", [5] * 11, start=T0 + 20 * S)
    assert [(e.kind, e.ts_ms) for e in events] == [("clear", T0 + 30 * S)]  # 10 minutes back


def test_a_noisy_storm_gives_one_alarm_from_rise_to_fall():
    ev = a.AlarmEvaluator({"rain_x": RAIN})
    rng = random.Random(3)
    curve = [max(0.0, min(t, 1000 - t) * 0.18) for t in range(0, 1400)]  # 0 -> 90 -> 0, then dry
    events = run(ev, "rain_x", [max(0.0, v + rng.gauss(0, 1.5)) for v in curve])
    assert [e.kind for e in events][0] == "raise" and [e.kind for e in events][-1] == "clear"
    assert [e.kind for e in events].count("raise") == 1
    colours = [e.colour for e in events if e.kind != "clear"]
    assert [a.rank(c) for c in colours] == sorted({a.rank(c) for c in colours})  # only ever worse
    assert colours[-1] == "red" and events[-1].colour == "red"
    assert events[-1].value <= 18  # cleared only below 20 - 2


def test_direction_below_breaches_downwards():
    ev = a.AlarmEvaluator({"vis_x": VIS}, clear_hold_s=0)
    events = run(ev, "vis_x", [5.0, 0.8, 0.1, 1.05, 1.2])
    assert [(e.kind, e.colour) for e in events] == [("raise", "blue"), ("escalate", "orange"), ("clear", "orange")]
    # 1.05 is above 1.0 but not by the hysteresis 0.1: the clear came at 1.2
    assert events[-1].value == 1.2


def test_non_finite_and_unknown_and_old_samples_are_ignored():
    ev = a.AlarmEvaluator({"vis_x": VIS})
    assert ev.feed("vis_x", T0, math.nan) == []
    assert ev.feed("vis_x", T0, math.inf) == []
    assert ev.feed("nope", T0, 0.0) == []
    raised = ev.feed("vis_x", T0 + S, 0.3)
    assert [e.kind for e in raised] == ["raise"]
    assert ev.feed("vis_x", T0 + 2 * S, math.nan) == []  # no clear on a hole
    assert ev.feed("vis_x", T0, 5.0) == []  # older than one seen: ignored
    assert ev.open_alarm("vis_x") is not None


def test_ids_are_deterministic_across_evaluators_and_restore_continues_an_alarm():
    values = [10] + [30] * 70 + [60]
    first = run(a.AlarmEvaluator({"rain_x": RAIN}), "rain_x", values)
    second = run(a.AlarmEvaluator({"rain_x": RAIN}), "rain_x", values)
    assert first == second
    other = run(a.AlarmEvaluator({"rain_x": RAIN}), "rain_x", values, start=T0 + 5 * S)
    assert other[0].alarm_id != first[0].alarm_id  # another breach, another alarm

    restarted = a.AlarmEvaluator({"rain_x": RAIN})
    restarted.restore("rain_x", first[0].alarm_id, "orange", T0 + 71 * S)
    events = run(restarted, "rain_x", [85] + [10] * 301, start=T0 + 80 * S)
    assert [(e.kind, e.alarm_id, e.colour) for e in events] == [
        ("escalate", first[0].alarm_id, "red"), ("clear", first[0].alarm_id, "red")]


# ------------------------------------------------------------------------- commands
def alarm_row(status: str = "raised", colour: str = "orange", **over) -> dict:
    op = a.raise_alarm(a.AlarmEvent("raise", "al-1", "rain_1h", colour, 58.4, T0, None))
    return {**op.fields, "status": status, "version": 1, **over}


def test_raise_builds_the_create_of_the_alarm_row():
    op = a.raise_alarm(a.AlarmEvent("raise", "al-1", "rain_1h", "orange", 58.4, T0, "310101"))
    assert op.op == "alarm.raise" and op.is_create
    assert {k: op.fields[k] for k in ("indicator", "org_unit", "colour", "status", "value", "raised_ms")} == {
        "indicator": "rain_1h", "org_unit": "310101", "colour": "orange", "status": "raised",
        "value": 58.4, "raised_ms": T0}


def test_escalate_changes_colour_not_status():
    op = a.escalate_alarm(alarm_row("acknowledged"), "red", 84.0, T0 + 5)
    assert op.op == "alarm.escalate" and "status" not in op.fields
    assert op.fields == {"colour": "red", "value": 84.0, "updated_ms": T0 + 5}
    with pytest.raises(CommandError) as e:
        a.escalate_alarm(alarm_row(), "yellow", 40.0, T0)
    assert e.value.field == "colour"
    with pytest.raises(CommandError) as e:
        a.escalate_alarm(alarm_row("cleared"), "red", 90.0, T0)
    assert e.value.field == "status"


@pytest.mark.parametrize(
    "status, action, kw, target",
    [
        ("raised", "acknowledge", {}, "acknowledged"),
        ("raised", "dismiss", {"reason": "传感器故障"}, "dismissed"),
        ("acknowledged", "dismiss", {"reason": "已知施工"}, "dismissed"),
        ("acknowledged", "convert", {"incident_id": "inc-9"}, "converted"),
        ("converted", "clear", {}, "cleared"),
        ("dismissed", "clear", {}, "cleared"),
    ],
)
def test_allowed_actions(status, action, kw, target):
    op = a.alarm_action(alarm_row(status), action, T0 + 1, **kw)
    assert op.op == f"alarm.{action}" and op.fields["status"] == target and op.base_version == 1
    for key, value in kw.items():
        assert op.fields[key] == value


@pytest.mark.parametrize(
    "status, action, kw, field",
    [
        ("raised", "dismiss", {}, "reason"),
        ("raised", "dismiss", {"reason": "   "}, "reason"),
        ("raised", "convert", {}, "incident_id"),
        ("acknowledged", "acknowledge", {}, "status"),
        ("dismissed", "acknowledge", {}, "status"),
        ("converted", "dismiss", {"reason": "x"}, "status"),
        ("cleared", "clear", {}, "status"),
        ("raised", "explode", {}, "action"),
    ],
)
def test_refused_actions_name_the_field(status, action, kw, field):
    with pytest.raises(CommandError) as e:
        a.alarm_action(alarm_row(status), action, T0, **kw)
    assert e.value.field == field


def test_the_event_map_names_real_event_types(catalog):
    events = a.load_alarm_events()
    assert events.codes() <= set(catalog.event_types)
    assert set(events.by_indicator) <= set(catalog.indicators)
    assert events.event_type_for(catalog.indicators["rain_1h"]) == "rainstorm"
    assert events.event_type_for(catalog.indicators["waterlogging_depth"]) == "waterlogging"
    assert events.event_type_for(catalog.indicators["crowd_density_bund"]) == "crowd_crush"
    # an indicator not listed falls back by its domain
    assert events.event_type_for(Indicator("x", "x", "x", "水务", "", {})) == "waterlogging"


@pytest.mark.parametrize(
    "text, where",
    [("{", "line 1"), ("[]", "top level"), ('{"indicators": {"a": 1}, "default": "x"}', "indicators"),
     ('{"indicators": {}}', "default")],
)
def test_a_broken_event_map_names_file_and_field(tmp_path, text, where):
    path = tmp_path / "alarm_events.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(a.AlarmEventsError) as e:
        a.load_alarm_events(path)
    assert str(path) in str(e.value) and where in str(e.value)


def test_convert_prefills_the_incident(catalog):
    row = alarm_row("raised", "red", value=84.2)
    report, convert = a.convert_to_incident(row, catalog, T0 + 10)
    assert report.op == "incident.report" and report.entity == "incident"
    f = report.fields
    assert f["title"] == f"{catalog.indicators['rain_1h'].name_zh} 红色 告警: 84.2mm"
    assert f["category"] == "rainstorm" and f["severity"] == "II"
    city = next(u for u in catalog.org_units.values() if u.level.code == "city")
    assert f["org_unit"] == city.code and (f["lon"], f["lat"]) == city.center  # no org unit: the city
    assert f["alarm_id"] == row["id"]
    assert convert.op == "alarm.convert" and convert.fields["incident_id"] == report.entity_id
    assert convert.fields["status"] == "converted"


def test_convert_takes_the_indicator_org_unit_or_a_given_position(catalog):
    row = alarm_row("acknowledged", "orange", indicator="waterlogging_depth", value=30.0)
    report, _ = a.convert_to_incident(row, catalog, T0)
    unit = catalog.org_units[catalog.indicators["waterlogging_depth"].org_unit]
    assert report.fields["org_unit"] == unit.code and (report.fields["lon"], report.fields["lat"]) == unit.center
    assert report.fields["severity"] == "III" and report.fields["category"] == "waterlogging"
    report, _ = a.convert_to_incident(row, catalog, T0, position=(121.44, 31.18))
    assert (report.fields["lon"], report.fields["lat"]) == (121.44, 31.18)
    assert a.convert_to_incident(alarm_row(colour="yellow"), catalog, T0)[0].fields["severity"] == "IV"
    assert a.convert_to_incident(alarm_row(colour="blue"), catalog, T0)[0].fields["severity"] == "IV"


def test_convert_refuses_a_closed_alarm_or_an_unknown_indicator(catalog):
    with pytest.raises(CommandError) as e:
        a.convert_to_incident(alarm_row("dismissed"), catalog, T0)
    assert e.value.field == "status"
    with pytest.raises(CommandError) as e:
        a.convert_to_incident(alarm_row(indicator="nope"), catalog, T0)
    assert e.value.field == "indicator"


def test_seat_actions_reach_rows_outbox_and_audit_in_a_real_store(store, catalog, clock):
    event = a.AlarmEvent("raise", a.alarm_id_for("rain_1h", T0), "rain_1h", "red", 84.2, T0, None)
    store.execute(a.raise_alarm(event))
    store.execute(a.alarm_action(store.get("alarm", event.alarm_id), "acknowledge", clock.now_ms()))
    ops = a.convert_to_incident(store.get("alarm", event.alarm_id), catalog, clock.now_ms())
    store.execute(ops)

    alarm = store.get("alarm", event.alarm_id)
    assert alarm["status"] == "converted" and alarm["incident_id"] == ops[0].entity_id
    incident = store.get("incident", ops[0].entity_id)
    assert incident["category"] == "rainstorm" and incident["severity"] == "II"
    audit = store.query("SELECT action, entity, entity_id FROM audit ORDER BY seq")
    assert [(r["action"], r["entity_id"]) for r in audit] == [
        ("alarm.raise", event.alarm_id),
        ("alarm.acknowledge", event.alarm_id),
        ("incident.report", ops[0].entity_id),
        ("alarm.convert", event.alarm_id),
    ]
    assert store.verify_audit() is None
    assert [o["op"] for o in store.pending_ops()][-2:] == ["incident.report", "alarm.convert"]

    # a dismiss without a reason changes nothing
    with pytest.raises(CommandError):
        store.execute(a.alarm_action(store.get("alarm", event.alarm_id), "dismiss", clock.now_ms()))
    assert len(store.query("SELECT seq FROM audit")) == 4


def test_a_dismiss_records_its_reason_in_the_row_and_the_audit(store, clock):
    event = a.AlarmEvent("raise", "al-d", "rain_1h", "blue", 21.0, T0, None)
    store.execute(a.raise_alarm(event))
    store.execute(a.alarm_action(store.get("alarm", "al-d"), "dismiss", clock.now_ms(), reason="雨量计被遮挡"))
    assert store.get("alarm", "al-d")["reason"] == "雨量计被遮挡"
    detail = store.query("SELECT detail FROM audit WHERE action='alarm.dismiss'")[0]["detail"]
    assert json.loads(detail)["note"] == "雨量计被遮挡"


def test_a_worse_breach_raises_an_answered_alarm_again():
    from commandcenter.domain.alarms import reraise_alarm
    from commandcenter.domain.commands import CommandError

    row = {"id": "a", "status": "dismissed", "colour": "yellow", "version": 3}
    op = reraise_alarm(row, "red", 90.0, 5)
    assert op.op == "alarm.reraise" and op.fields["status"] == "raised" and op.fields["generation"] == 1
    assert op.fields["colour"] == "red" and op.base_version == 3
    with pytest.raises(CommandError):
        reraise_alarm(row, "blue", 1.0, 5)  # not worse
    with pytest.raises(CommandError):
        reraise_alarm({**row, "status": "raised"}, "red", 90.0, 5)  # still open: an escalation
