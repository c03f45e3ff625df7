"""Alarms from threshold breaches, and the commands a seat uses on them.

`AlarmEvaluator` is pure: it is fed samples and answers with events; whoever feeds it (the
platform's AlarmRunner) turns the events into operations. Why the rules are what they are:
- a breach must last the indicator's `duration_s` before it raises anything, so one noisy
  sample is not an alarm;
- a raised alarm only gets worse (escalate) until it clears, and it clears only when the value
  has stayed back past the lowest threshold by `hysteresis` for `max(duration_s, clear_hold_s)`
  (5 minutes by default), so noise around a threshold cannot make it flap: a hysteresis
  narrower than the noise (rain_1h: 2 mm against a noise of 1.5 mm) would otherwise clear and
  raise again every few samples on the way down;
- alarm ids are uuid5 of (indicator, breach start), so an evaluator fed the same samples again
  (a restart, a second platform) names the same alarm and an idempotent create repeats nothing.

The commands (raise_alarm, escalate_alarm, alarm_action, convert_to_incident) validate against
the ALARM machine and return Ops like domain/commands.py; the store writes them with the outbox
and the audit log.
"""
from __future__ import annotations

import json
import math
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Mapping

from commandcenter.domain import machines
from commandcenter.domain.catalog import Catalog, Indicator
from commandcenter.domain.commands import CommandError, Op, report_incident
from commandcenter.domain.levels import THRESHOLD_COLOURS, OrgLevel

ALARM_NAMESPACE = uuid.UUID("3b0f6d7e-5c2a-4f61-9a8e-2d1c7b4e9f30")
RAISE = "alarm.raise"
ESCALATE = "alarm.escalate"
# states an alarm is still on a seat's list in
OPEN_STATES = ("raised", "acknowledged")
COLOUR_WORDS = {"blue": "蓝色", "yellow": "黄色", "orange": "橙色", "red": "红色"}
COLOUR_WORDS_EN = {"blue": "blue", "yellow": "yellow", "orange": "orange", "red": "red"}
# Incident severity from alarm colour. A threshold breach alone is at most 重大 (II): 特别重大
# (I) needs casualties or a declaration, which no indicator measures; a seat may raise it.
SEVERITY_OF_COLOUR = {"red": "II", "orange": "III", "yellow": "IV", "blue": "IV"}
# how long (indicator time) a value must stay back to normal before its alarm clears, at least
CLEAR_HOLD_S = 300.0
ALARM_EVENTS_PATH = Path(__file__).resolve().parents[2] / "resources" / "city" / "alarm_events.json"

EventKind = Literal["raise", "escalate", "clear"]


def rank(colour: str) -> int:
    """0 for green (or anything unknown), 1 (blue) .. 4 (red)."""
    return THRESHOLD_COLOURS.index(colour) + 1 if colour in THRESHOLD_COLOURS else 0


def alarm_id_for(indicator: str, breach_start_ms: int) -> str:
    """The id of the alarm of the breach of `indicator` that began at `breach_start_ms`."""
    return str(uuid.uuid5(ALARM_NAMESPACE, f"{indicator}/{breach_start_ms}"))


@dataclass(frozen=True)
class AlarmEvent:
    kind: EventKind
    alarm_id: str
    indicator: str
    colour: str  # the alarm's colour after the event (its worst so far; kept on clear)
    value: float
    ts_ms: int  # the sample's time
    org_unit: str | None = None
    breach_ms: int | None = None  # when the breach began (the id's key)


@dataclass
class _State:
    last_ts: int | None = None
    breach_start: int | None = None  # first sample of the current breach
    alarm_id: str | None = None  # the raised alarm
    colour: str = "green"
    clear_start: int | None = None  # first sample of a recovery not yet long enough


class AlarmEvaluator:
    """Per indicator: green -> pending (breaching, not long enough) -> raised -> cleared.

    `time_scale` is how many seconds of the indicator's own time one second of sample time
    stands for: a simulator playing a scenario at 60x passes 60, so a 10-minute duration in the
    catalogue is 10 scenario minutes (10 s of samples), not 10 hours of scenario.
    """

    def __init__(
        self, indicators: Mapping[str, Indicator], *, time_scale: float = 1.0, clear_hold_s: float = CLEAR_HOLD_S
    ) -> None:
        if not (math.isfinite(time_scale) and time_scale > 0):
            raise ValueError(f"time_scale must be a positive number, got {time_scale}")
        if not (math.isfinite(clear_hold_s) and clear_hold_s >= 0):
            raise ValueError(f"clear_hold_s must be a number >= 0, got {clear_hold_s}")
        self.indicators = dict(indicators)
        self.time_scale = time_scale
        self.clear_hold_s = clear_hold_s
        self._state: dict[str, _State] = {}

    def open_alarm(self, indicator: str) -> tuple[str, str] | None:
        """(alarm id, colour) of the indicator's raised alarm, or None."""
        st = self._state.get(indicator)
        return (st.alarm_id, st.colour) if st is not None and st.alarm_id else None

    def restore(self, indicator: str, alarm_id: str, colour: str, ts_ms: int) -> None:
        """Resume an alarm raised before a restart: the breach continues the same alarm and
        a value back to normal clears it, instead of a second alarm being raised. `ts_ms` is
        the alarm's raise time (sample time): older samples are ignored."""
        if indicator not in self.indicators or colour not in THRESHOLD_COLOURS:
            return
        st = self._state.setdefault(indicator, _State())
        st.alarm_id, st.colour, st.breach_start, st.clear_start = alarm_id, colour, None, None
        st.last_ts = ts_ms if st.last_ts is None else max(st.last_ts, ts_ms)

    def feed(self, indicator_code: str, ts_ms: int, value: float) -> list[AlarmEvent]:
        """The events one sample causes (none, or one). Samples of an indicator must come in
        time order: one not newer than the last seen is ignored, as is a non-finite value."""
        ind = self.indicators.get(indicator_code)
        if ind is None or not isinstance(value, (int, float)) or not math.isfinite(value):
            return []
        st = self._state.setdefault(indicator_code, _State())
        if st.last_ts is not None and ts_ms <= st.last_ts:
            return []
        st.last_ts = ts_ms
        colour = ind.colour_of(value)
        if st.alarm_id is not None:
            if rank(colour) > rank(st.colour):
                st.colour, st.clear_start = colour, None
                return [self._event("escalate", st.alarm_id, ind, colour, value, ts_ms, st.breach_start)]
            if not _cleared(ind, value):
                st.clear_start = None
                return []
            if st.clear_start is None:
                st.clear_start = ts_ms
            if (ts_ms - st.clear_start) * self.time_scale < max(ind.duration_s, self.clear_hold_s) * 1000:
                return []
            event = self._event("clear", st.alarm_id, ind, st.colour, value, ts_ms, st.breach_start)
            st.alarm_id, st.colour, st.breach_start, st.clear_start = None, "green", None, None
            return [event]
        if colour == "green":
            st.breach_start = None
            return []
        if st.breach_start is None:
            st.breach_start = ts_ms
        if (ts_ms - st.breach_start) * self.time_scale < ind.duration_s * 1000:
            return []
        st.alarm_id = alarm_id_for(indicator_code, st.breach_start)
        st.colour = colour
        return [self._event("raise", st.alarm_id, ind, colour, value, ts_ms, st.breach_start)]

    @staticmethod
    def _event(
        kind: EventKind, alarm_id: str, ind: Indicator, colour: str, value: float, ts_ms: int, breach_ms: int | None
    ) -> AlarmEvent:
        return AlarmEvent(kind, alarm_id, ind.code, colour, float(value), ts_ms, ind.org_unit, breach_ms)


def lowest_threshold(ind: Indicator) -> float | None:
    """The threshold of the least severe colour the indicator has (every breach passes it)."""
    for colour in THRESHOLD_COLOURS:
        if colour in ind.thresholds:
            return ind.thresholds[colour]
    return None


def _cleared(ind: Indicator, value: float) -> bool:
    limit = lowest_threshold(ind)
    if limit is None:
        return True
    if ind.direction == "below":
        return value >= limit + ind.hysteresis
    return value <= limit - ind.hysteresis


# ------------------------------------------------------------------------------ commands
def raise_alarm(event: AlarmEvent) -> Op:
    """Create the alarm of a "raise" event."""
    if event.kind != "raise":
        raise CommandError(f"a {event.kind} event does not raise an alarm", "kind")
    if event.colour not in THRESHOLD_COLOURS:
        raise CommandError(f"unknown alarm colour {event.colour!r}", "colour")
    return Op(
        "alarm",
        event.alarm_id,
        RAISE,
        {
            "id": event.alarm_id,
            "indicator": event.indicator,
            "org_unit": event.org_unit,
            "colour": event.colour,
            "status": machines.ALARM.initial,
            "value": event.value,
            "raised_ms": event.ts_ms,
            "updated_ms": event.ts_ms,
            "incident_id": None,
            "reason": None,
        },
    )


def escalate_alarm(row: dict, colour: str, value: float, now_ms: int) -> Op:
    """A worse colour on an alarm not yet cleared: fields only, the status stays."""
    if colour not in THRESHOLD_COLOURS:
        raise CommandError(f"unknown alarm colour {colour!r}", "colour")
    if row["status"] == "cleared":
        raise CommandError("a cleared alarm does not escalate", "status")
    if rank(colour) <= rank(row.get("colour") or ""):
        raise CommandError(f"{colour} is not worse than {row.get('colour')}", "colour")
    return Op(
        "alarm",
        row["id"],
        ESCALATE,
        {"colour": colour, "value": float(value), "updated_ms": now_ms},
        row["version"],
    )


def reraise_alarm(row: dict, colour: str, value: float, now_ms: int) -> Op:
    """The breach got worse after a seat acknowledged or dismissed the alarm: back to raised,
    in a new generation, with the worse colour, so it is announced and answered again."""
    if colour not in THRESHOLD_COLOURS:
        raise CommandError(f"unknown alarm colour {colour!r}", "colour")
    if rank(colour) <= rank(row.get("colour") or ""):
        raise CommandError(f"{colour} is not worse than {row.get('colour')}", "colour")
    try:
        target = machines.ALARM.target(row["status"], "reraise")
    except machines.TransitionError as exc:
        raise CommandError(f"the alarm is {row['status']}: cannot raise it again", "status") from exc
    return Op(
        "alarm",
        row["id"],
        "alarm.reraise",
        {"status": target, "generation": int(row.get("generation") or 0) + 1, "colour": colour,
         "value": float(value), "updated_ms": now_ms},
        row["version"],
    )


def alarm_action(
    row: dict,
    action: str,
    now_ms: int,
    *,
    reason: str | None = None,
    incident_id: str | None = None,
    value: float | None = None,
) -> Op:
    """acknowledge, dismiss (a reason is required), convert (with the incident's id) or clear
    (the value is back to normal; `value` records it). A transition the ALARM machine does not
    allow is a CommandError naming "status"."""
    if action not in machines.ALARM.actions:
        raise CommandError(f"unknown alarm action {action!r}", "action")
    try:
        target = machines.ALARM.target(row["status"], action)
    except machines.TransitionError as exc:
        raise CommandError(f"the alarm is {row['status']}: cannot {action} it", "status") from exc
    fields: dict[str, Any] = {}
    if action == "dismiss":
        text = (reason or "").strip()
        if not text:
            raise CommandError("dismissing an alarm needs a reason", "reason")
        fields["reason"] = text
    elif action == "convert":
        if not (incident_id or "").strip():
            raise CommandError("converting an alarm needs the incident's id", "incident_id")
        fields["incident_id"] = incident_id
    elif action == "clear" and value is not None:
        fields["value"] = float(value)
    return Op(
        "alarm",
        row["id"],
        f"alarm.{action}",
        {"status": target, "updated_ms": now_ms, **fields},
        row["version"],
        note=fields.get("reason", ""),
    )


# ------------------------------------------------------------- alarm -> incident
@dataclass(frozen=True)
class AlarmEventMap:
    """Which event type an indicator's alarm becomes (resources/city/alarm_events.json):
    by indicator code, else by the indicator's domain, else the default."""

    by_indicator: dict[str, str] = field(default_factory=dict)
    by_domain: dict[str, str] = field(default_factory=dict)
    default: str = ""

    def event_type_for(self, indicator: Indicator) -> str:
        return self.by_indicator.get(indicator.code) or self.by_domain.get(indicator.domain) or self.default

    def codes(self) -> set[str]:
        return {*self.by_indicator.values(), *self.by_domain.values(), self.default}


class AlarmEventsError(ValueError):
    """alarm_events.json is broken; the message names the file and the field."""


def load_alarm_events(path: str | Path | None = None) -> AlarmEventMap:
    path = Path(path) if path is not None else ALARM_EVENTS_PATH
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise AlarmEventsError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except json.JSONDecodeError as exc:
        raise AlarmEventsError(f"{path}: line {exc.lineno}: not JSON: {exc.msg}") from exc
    if not isinstance(data, dict):
        raise AlarmEventsError(f"{path}: the top level must be an object")
    maps = {}
    for key in ("indicators", "domains"):
        raw = data.get(key, {})
        if not isinstance(raw, dict) or not all(isinstance(k, str) and isinstance(v, str) and v for k, v in raw.items()):
            raise AlarmEventsError(f"{path}: {key}: must map codes to event type codes")
        maps[key] = dict(raw)
    default = data.get("default")
    if not isinstance(default, str) or not default:
        raise AlarmEventsError(f"{path}: default: must be an event type code")
    return AlarmEventMap(maps["indicators"], maps["domains"], default)


@lru_cache(maxsize=1)
def _default_events() -> AlarmEventMap:
    return load_alarm_events()


def incident_id_for(alarm_id: str) -> str:
    """The incident an alarm converts into: two seats converting the same alarm at once report
    the same incident, which the platform merges, instead of two."""
    return str(uuid.uuid5(ALARM_NAMESPACE, f"incident/{alarm_id}"))


def convert_to_incident(
    alarm_row: dict,
    catalog: Catalog,
    now_ms: int,
    *,
    position: tuple[float, float] | None = None,
    events: AlarmEventMap | None = None,
) -> list[Op]:
    """The report of an incident pre-filled from the alarm (indicator, place, level) and the
    alarm's convert: execute both in one Store.execute so they land in the audit log together.

    Title "<name_zh> <colour word> 告警: <value><unit>"; event type from alarm_events.json;
    severity from colour (SEVERITY_OF_COLOUR); org unit the indicator's, else the city; place
    `position` (lon, lat) when given, else the org unit's centre.
    """
    ind = catalog.indicators.get(alarm_row.get("indicator") or "")
    if ind is None:
        raise CommandError(f"unknown indicator {alarm_row.get('indicator')!r}", "indicator")
    if "convert" not in machines.ALARM.allowed(alarm_row["status"]):
        raise CommandError(f"the alarm is {alarm_row['status']}: cannot convert it", "status")
    colour = alarm_row.get("colour") or ""
    if colour not in THRESHOLD_COLOURS:
        raise CommandError(f"unknown alarm colour {colour!r}", "colour")
    event_type = (events or _default_events()).event_type_for(ind)
    if catalog.event_types and event_type not in catalog.event_types:
        raise CommandError(f"alarm_events.json names unknown event type {event_type!r}", "category")
    unit = catalog.org_units.get(ind.org_unit or "") or _city(catalog)
    if unit is None:
        raise CommandError("the catalogue has no org unit for the incident", "org_unit")
    lon, lat = position if position is not None else unit.center
    value = alarm_row.get("value")
    shown = "?" if value is None else f"{value:.4g}"
    incident_id = incident_id_for(alarm_row["id"])
    report = report_incident(
        now_ms,
        title=f"{ind.name_zh} {COLOUR_WORDS[colour]} 告警: {shown}{ind.unit}",
        category=event_type,
        severity=SEVERITY_OF_COLOUR[colour],
        org_unit=unit.code,
        lon=lon,
        lat=lat,
        description=f"由指标告警转入: {ind.name_zh} ({ind.code}) {shown}{ind.unit}, "
        f"{COLOUR_WORDS[colour]}阈值 {ind.thresholds.get(colour)}{ind.unit}",
        incident_id=incident_id,
    )
    fields = {
        **report.fields,
        "title_en": f"{ind.name_en} {COLOUR_WORDS_EN[colour]} alarm: {shown}{ind.unit}",
        "alarm_id": alarm_row["id"],
        "source": "alarm",
    }
    convert = alarm_action(alarm_row, "convert", now_ms, incident_id=incident_id)
    return [Op(report.entity, report.entity_id, report.op, fields, note=f"alarm {alarm_row['id']}"), convert]


def _city(catalog: Catalog):
    return next((u for u in catalog.org_units.values() if u.level == OrgLevel.CITY), None)
