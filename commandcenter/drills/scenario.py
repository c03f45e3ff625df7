"""The scenario format the city simulator plays and drills extend (commandcenter-scenario/1).

A scenario is a YAML file: a start time, a length, one sample curve per indicator (keyframes
at "T+HH:MM[:SS]" offsets, linearly interpolated, optional Gaussian noise) and a list of
incidents that appear at given offsets. It is read through `yaml.compose` so that every
error can name the file, the LINE and the field (``rainstorm-day.yaml:42: incidents[3].at:
...``): `commandcenter scenario check FILE` prints exactly that.
"""
from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from commandcenter.domain.catalog import Catalog
from commandcenter.domain.levels import Severity

FORMAT = "commandcenter-scenario/1"
SEVERITIES = tuple(s.name for s in Severity)

_OFFSET = re.compile(r"^T\+(\d+):([0-5]\d)(?::([0-5]\d))?$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

TOP_KEYS = ("format", "id", "title_zh", "title_en", "start", "duration", "indicators", "incidents")
CURVE_KEYS = ("keyframes", "noise")
INCIDENT_REQUIRED = ("at", "type", "severity", "org_unit", "lon", "lat", "title_zh", "title_en")
INCIDENT_OPTIONAL = ("description_zh", "description_en")


class ScenarioError(ValueError):
    """A scenario problem at a place in the file: "{path}:{line}: {field}: {problem}"."""

    def __init__(self, path: str, line: int, field: str, problem: str):
        super().__init__(f"{path}:{line}: {field}: {problem}")
        self.path = path
        self.line = line
        self.field = field
        self.problem = problem


@dataclass(frozen=True)
class Curve:
    """Keyframes (seconds from start, value), strictly increasing in time, plus noise std dev."""

    keyframes: list[tuple[float, float]]
    noise: float = 0.0

    def value_at(self, t_s: float) -> float:
        """The noise-free value at `t_s`: linear between keyframes, held flat beyond the ends."""
        frames = self.keyframes
        if t_s <= frames[0][0]:
            return frames[0][1]
        if t_s >= frames[-1][0]:
            return frames[-1][1]
        k = bisect.bisect_right(frames, t_s, key=lambda kf: kf[0])
        (t0, v0), (t1, v1) = frames[k - 1], frames[k]
        return v0 + (v1 - v0) * (t_s - t0) / (t1 - t0)


@dataclass(frozen=True)
class ScenarioIncident:
    at_s: float
    type: str  # event type code
    severity: str  # I..IV
    org_unit: str
    lon: float
    lat: float
    title_zh: str
    title_en: str
    description_zh: str = ""
    description_en: str = ""


@dataclass
class Scenario:
    id: str
    title_zh: str
    title_en: str
    start: datetime  # timezone-aware
    duration_s: float
    indicators: dict[str, Curve] = field(default_factory=dict)
    incidents: list[ScenarioIncident] = field(default_factory=list)  # sorted by at_s

    def wall_time(self, t_s: float) -> datetime:
        """The scenario wall-clock time at offset `t_s`."""
        return self.start + timedelta(seconds=t_s)


def parse_offset(text: str) -> int:
    """Seconds of a "T+HH:MM" or "T+HH:MM:SS" offset (hours may exceed 24)."""
    m = _OFFSET.match(text.strip()) if isinstance(text, str) else None
    if m is None:
        raise ValueError(f"{text!r} is not an offset like T+HH:MM or T+HH:MM:SS")
    hours, minutes, seconds = m.group(1), m.group(2), m.group(3) or "0"
    return int(hours) * 3600 + int(minutes) * 60 + int(seconds)


def format_offset(seconds: float) -> str:
    """The inverse of parse_offset ("T+HH:MM", with ":SS" only when needed)."""
    total = int(round(seconds))
    if total < 0:
        raise ValueError("offsets are not negative")
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"T+{h:02d}:{m:02d}" + (f":{s:02d}" if s else "")


def load_scenario(path: str | Path, catalog: Catalog | None = None) -> Scenario:
    """Read and validate a scenario file; with a catalog, codes and places are checked too."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(str(path), 0, "(file)", f"cannot read: {exc}") from None
    return parse_scenario(text, path=str(path), catalog=catalog)


def parse_scenario(text: str, path: str = "<scenario>", catalog: Catalog | None = None) -> Scenario:
    """Like load_scenario, from text; `path` is only used in error messages."""
    return _Reader(path, catalog).scenario(text)


class _Reader:
    def __init__(self, path: str, catalog: Catalog | None):
        self.path = path
        self.catalog = catalog
        self._constructor = SafeConstructor()

    # -- plumbing --------------------------------------------------------------------------

    def error(self, node: Node | None, field: str, problem: str) -> ScenarioError:
        line = node.start_mark.line + 1 if node is not None else 1
        return ScenarioError(self.path, line, field, problem)

    def value(self, node: Node) -> Any:
        return self._constructor.construct_object(node, deep=True)

    def mapping(
        self, node: Node, field: str, allowed: tuple[str, ...], required: tuple[str, ...] = ()
    ) -> dict[str, Node]:
        if not isinstance(node, MappingNode):
            raise self.error(node, field or "(document)", "must be a mapping (key: value)")
        out: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            where = f"{field}.{key}" if field else str(key)
            if key is None:
                raise self.error(key_node, field or "(document)", "keys must be plain strings")
            if key in out:
                raise self.error(key_node, where, "duplicate key")
            if allowed and key not in allowed:
                raise self.error(key_node, where, f"unknown key (expected one of {', '.join(allowed)})")
            out[key] = value_node
        for key in required:
            if key not in out:
                raise self.error(node, f"{field}.{key}" if field else key, "required field missing")
        return out

    def sequence(self, node: Node, field: str) -> list[Node]:
        if not isinstance(node, SequenceNode):
            raise self.error(node, field, "must be a list")
        return list(node.value)

    def text(self, node: Node, field: str) -> str:
        value = self.value(node) if isinstance(node, ScalarNode) else None
        if not isinstance(value, str) or not value.strip():
            raise self.error(node, field, "must be a non-empty string")
        return value

    def number(self, node: Node, field: str) -> float:
        value = self.value(node) if isinstance(node, ScalarNode) else None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise self.error(node, field, f"must be a number, got {_show(node)}")
        return float(value)

    def offset(self, node: Node, field: str) -> int:
        value = self.value(node) if isinstance(node, ScalarNode) else None
        try:
            return parse_offset(value)
        except ValueError:
            raise self.error(
                node, field, f"{_show(node)} is not an offset like \"T+HH:MM\" or \"T+HH:MM:SS\""
            ) from None

    # -- the format --------------------------------------------------------------------------

    def scenario(self, text: str) -> Scenario:
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else 1
            problem = exc.problem or exc.context or "invalid YAML"
            raise ScenarioError(self.path, line, "(yaml)", f"syntax error: {problem}") from None
        except yaml.YAMLError as exc:
            raise ScenarioError(self.path, 1, "(yaml)", f"syntax error: {exc}") from None
        if root is None:
            raise ScenarioError(self.path, 1, "(document)", "empty scenario")
        # The format first: a file of another kind gets one clear message, not a list of gaps.
        top = self.mapping(root, "", (), required=("format",))
        fmt = self.value(top["format"]) if isinstance(top["format"], ScalarNode) else None
        if fmt != FORMAT:
            raise self.error(top["format"], "format", f"must be {FORMAT!r}, got {_show(top['format'])}")
        top = self.mapping(root, "", TOP_KEYS, required=TOP_KEYS[:6])
        sid = self.text(top["id"], "id")
        if not _ID.match(sid):
            raise self.error(top["id"], "id", "letters, digits, '-', '_' and '.' only")
        start = self.start(top["start"])
        duration = self.offset(top["duration"], "duration")
        if duration <= 0:
            raise self.error(top["duration"], "duration", "must be longer than T+00:00")

        indicators: dict[str, Curve] = {}
        if "indicators" in top:
            node = top["indicators"]
            if not (isinstance(node, ScalarNode) and self.value(node) is None):
                for code, curve_node in self.mapping(node, "indicators", ()).items():
                    key_node = _key_node(node, code)
                    if self.catalog is not None and code not in self.catalog.indicators:
                        raise self.error(key_node, f"indicators.{code}", "unknown indicator code")
                    indicators[code] = self.curve(curve_node, f"indicators.{code}", duration)

        incidents: list[ScenarioIncident] = []
        if "incidents" in top:
            node = top["incidents"]
            if not (isinstance(node, ScalarNode) and self.value(node) is None):
                for i, item in enumerate(self.sequence(node, "incidents")):
                    incidents.append(self.incident(item, f"incidents[{i}]", duration))
        incidents.sort(key=lambda inc: inc.at_s)  # stable: equal times keep file order

        return Scenario(
            id=sid,
            title_zh=self.text(top["title_zh"], "title_zh"),
            title_en=self.text(top["title_en"], "title_en"),
            start=start,
            duration_s=float(duration),
            indicators=indicators,
            incidents=incidents,
        )

    def start(self, node: Node) -> datetime:
        value = self.value(node) if isinstance(node, ScalarNode) else None
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            except ValueError:
                raise self.error(node, "start", f"{_show(node)} is not an ISO 8601 date-time") from None
        if not isinstance(value, datetime):
            raise self.error(node, "start", f"must be an ISO 8601 date-time, got {_show(node)}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise self.error(node, "start", "needs a UTC offset, e.g. 2026-07-15T06:00:00+08:00")
        return value

    def curve(self, node: Node, field: str, duration: int) -> Curve:
        parts = self.mapping(node, field, CURVE_KEYS, required=("keyframes",))
        frames_node = parts["keyframes"]
        items = self.sequence(frames_node, f"{field}.keyframes")
        if not items:
            raise self.error(frames_node, f"{field}.keyframes", "needs at least one keyframe")
        frames: list[tuple[float, float]] = []
        for k, item in enumerate(items):
            where = f"{field}.keyframes[{k}]"
            pair = self.sequence(item, where)
            if len(pair) != 2:
                raise self.error(item, where, "must be [offset, value]")
            t = self.offset(pair[0], f"{where}[0]")
            v = self.number(pair[1], f"{where}[1]")
            if frames and t <= frames[-1][0]:
                raise self.error(
                    pair[0], f"{where}[0]",
                    f"keyframe times must increase: {format_offset(t)} is not after "
                    f"{format_offset(frames[-1][0])}",
                )
            if t > duration:
                raise self.error(
                    pair[0], f"{where}[0]", f"{format_offset(t)} is after the scenario end {format_offset(duration)}"
                )
            frames.append((float(t), v))
        noise = 0.0
        if "noise" in parts:
            noise = self.number(parts["noise"], f"{field}.noise")
            if noise < 0:
                raise self.error(parts["noise"], f"{field}.noise", "must be >= 0")
        return Curve(keyframes=frames, noise=noise)

    def incident(self, node: Node, field: str, duration: int) -> ScenarioIncident:
        parts = self.mapping(node, field, INCIDENT_REQUIRED + INCIDENT_OPTIONAL, required=INCIDENT_REQUIRED)
        at = self.offset(parts["at"], f"{field}.at")
        if at > duration:
            raise self.error(
                parts["at"], f"{field}.at", f"{format_offset(at)} is after the scenario end {format_offset(duration)}"
            )
        etype = self.text(parts["type"], f"{field}.type")
        severity = self.value(parts["severity"]) if isinstance(parts["severity"], ScalarNode) else None
        if severity not in SEVERITIES:
            raise self.error(
                parts["severity"], f"{field}.severity",
                f"must be one of {', '.join(SEVERITIES)}, got {_show(parts['severity'])}",
            )
        org_unit = self.value(parts["org_unit"]) if isinstance(parts["org_unit"], ScalarNode) else None
        if isinstance(org_unit, int) and not isinstance(org_unit, bool):
            org_unit = parts["org_unit"].value  # an unquoted code is still a code
        if not isinstance(org_unit, str) or not org_unit:
            raise self.error(parts["org_unit"], f"{field}.org_unit", "must be an org unit code")
        lon = self.number(parts["lon"], f"{field}.lon")
        lat = self.number(parts["lat"], f"{field}.lat")
        if not -180 <= lon <= 180:
            raise self.error(parts["lon"], f"{field}.lon", f"{lon} is not a longitude")
        if not -90 <= lat <= 90:
            raise self.error(parts["lat"], f"{field}.lat", f"{lat} is not a latitude")
        if self.catalog is not None:
            if etype not in self.catalog.event_types:
                raise self.error(parts["type"], f"{field}.type", f"unknown event type {etype!r}")
            unit = self.catalog.org_units.get(org_unit)
            if unit is None:
                raise self.error(parts["org_unit"], f"{field}.org_unit", f"unknown org unit {org_unit!r}")
            if not unit.contains(lon, lat):
                raise self.error(
                    parts["lon"], f"{field}.lon",
                    f"({lon}, {lat}) is outside org unit {org_unit} ({unit.name_en})",
                )
        descriptions = {}
        for key in INCIDENT_OPTIONAL:
            descriptions[key] = self.text(parts[key], f"{field}.{key}") if key in parts else ""
        return ScenarioIncident(
            at_s=float(at),
            type=etype,
            severity=severity,
            org_unit=org_unit,
            lon=lon,
            lat=lat,
            title_zh=self.text(parts["title_zh"], f"{field}.title_zh"),
            title_en=self.text(parts["title_en"], f"{field}.title_en"),
            **descriptions,
        )


def _key_node(mapping: MappingNode, key: str) -> Node:
    for key_node, _value in mapping.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            return key_node
    return mapping


def _show(node: Node) -> str:
    if isinstance(node, ScalarNode):
        return repr(node.value)
    return "a list" if isinstance(node, SequenceNode) else "a mapping"
