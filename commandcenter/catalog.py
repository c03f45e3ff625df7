"""Load the city catalogue (org units, departments, event types, indicators, SLA and report
deadlines, response plans) from resources/.

The catalogue is data so a city can replace it without code. Every problem found is raised as a
CatalogError whose message starts with the file name and the item and field at fault, e.g.
``indicators.json: indicators[3].thresholds: ...``, so a data editor can fix it without a
debugger. No Qt, stdlib only.
"""
from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from commandcenter.domain.catalog import (
    Catalog,
    Department,
    EventType,
    Indicator,
    OrgUnit,
    SlaTemplate,
)
from commandcenter.domain.integrated import ReportRule
from commandcenter.domain.levels import THRESHOLD_COLOURS, OrgLevel, ResponseLevel, Severity
from commandcenter.domain.plans import PlanTask, ResponsePlan

ORGUNITS_FILE = "orgunits.geojson"
DEPARTMENTS_FILE = "departments.json"
EVENT_TYPES_FILE = "event_types.json"
INDICATORS_FILE = "indicators.json"
SLA_FILE = "sla.json"
PLANS_FILE = "plans.json"
CATALOG_FILES = (ORGUNITS_FILE, DEPARTMENTS_FILE, EVENT_TYPES_FILE, INDICATORS_FILE, SLA_FILE, PLANS_FILE)

EVENT_CATEGORIES = ("natural", "accident", "health", "social")
DIRECTIONS = ("above", "below")
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class CatalogError(ValueError):
    """A catalogue file is unreadable or inconsistent; the message names file, item and field."""


def resources_dir() -> Path:
    """The repository's top-level resources/ folder."""
    return Path(__file__).resolve().parents[1] / "resources"


def city_dir(root: Path | None = None) -> Path:
    """The folder holding the five catalogue files.

    `root` may be a resources folder (with a city/ subfolder) or the city folder itself.
    """
    root = Path(root) if root is not None else resources_dir()
    if (root / "city" / ORGUNITS_FILE).exists():
        return root / "city"
    return root if (root / ORGUNITS_FILE).exists() else root / "city"


def load_catalog(root: Path | None = None) -> Catalog:
    """Read and cross-check the five catalogue files (see city_dir for `root`)."""
    folder = city_dir(root)
    org_units = _load_org_units(folder / ORGUNITS_FILE)
    departments = _load_departments(folder / DEPARTMENTS_FILE)
    event_types = _load_event_types(folder / EVENT_TYPES_FILE, departments)
    indicators = _load_indicators(folder / INDICATORS_FILE, org_units)
    sla = _load_sla(folder / SLA_FILE, event_types)
    report_rules = _load_report_rules(folder / SLA_FILE)
    plans = _load_plans(folder / PLANS_FILE, departments, event_types) if (folder / PLANS_FILE).exists() else {}
    return Catalog(
        org_units=org_units,
        departments=departments,
        event_types=event_types,
        indicators=indicators,
        sla=sla,
        plans=plans,
        report_rules=report_rules,
    )


# -- helpers -----------------------------------------------------------------------------------


class _File:
    """Reads one JSON file and formats errors that name it."""

    def __init__(self, path: Path):
        self.path = path
        self.name = path.name

    def error(self, where: str, problem: str) -> CatalogError:
        return CatalogError(f"{self.name}: {where}: {problem}" if where else f"{self.name}: {problem}")

    def read(self) -> Any:
        try:
            text = self.path.read_text(encoding="utf-8")
        except OSError as exc:
            raise self.error("", f"cannot read {self.path}: {exc.strerror or exc}") from None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise self.error(f"line {exc.lineno} column {exc.colno}", f"invalid JSON: {exc.msg}") from None

    def list_field(self, data: Any, key: str) -> list:
        if not isinstance(data, dict):
            raise self.error("", "top level must be a JSON object")
        value = data.get(key)
        if not isinstance(value, list):
            raise self.error(key, "missing or not a list")
        return value

    def obj(self, item: Any, where: str) -> dict:
        if not isinstance(item, dict):
            raise self.error(where, "must be an object")
        return item

    def text(self, item: dict, key: str, where: str, *, optional: bool = False) -> str | None:
        value = item.get(key)
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.error(f"{where}.{key}", "missing or not a non-empty string")
        return value

    def number(self, value: Any, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise self.error(where, f"must be a finite number, got {value!r}")
        return float(value)

    def unique(self, seen: set, code: str, where: str) -> None:
        if code in seen:
            raise self.error(f"{where}.code", f"duplicate code {code!r}")
        seen.add(code)


def _centroid(ring: tuple[tuple[float, float], ...]) -> tuple[float, float]:
    """Area centroid of a closed ring (falls back to the vertex mean for a degenerate ring)."""
    area2 = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
        cross = x0 * y1 - x1 * y0
        area2 += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area2) < 1e-15:
        pts = ring[:-1] or ring
        return (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))
    return (cx / (3 * area2), cy / (3 * area2))


# -- the five files ----------------------------------------------------------------------------


def _load_org_units(path: Path) -> dict[str, OrgUnit]:
    f = _File(path)
    features = f.list_field(f.read(), "features")
    raw: list[tuple[str, dict, OrgLevel, tuple]] = []
    seen: set[str] = set()
    for i, feature in enumerate(features):
        where = f"features[{i}]"
        feature = f.obj(feature, where)
        props = f.obj(feature.get("properties"), f"{where}.properties")
        pwhere = f"{where}.properties"
        code = f.text(props, "code", pwhere)
        where = f"features[{i}] ({code})"
        pwhere = f"{where}.properties"
        f.unique(seen, code, pwhere)
        level_code = f.text(props, "level", pwhere)
        try:
            level = OrgLevel.parse(level_code)
        except ValueError:
            names = ", ".join(lv.code for lv in OrgLevel)
            raise f.error(f"{pwhere}.level", f"unknown level {level_code!r} (one of {names})") from None
        f.text(props, "name_zh", pwhere)
        f.text(props, "name_en", pwhere)
        parent = props.get("parent")
        if parent is not None and not isinstance(parent, str):
            raise f.error(f"{pwhere}.parent", "must be a code string or null")
        raw.append((code, props, level, _polygon(f, feature.get("geometry"), f"{where}.geometry")))

    units: dict[str, OrgUnit] = {}
    levels = {code: level for code, _p, level, _g in raw}
    for i, (code, props, level, ring) in enumerate(raw):
        where = f"features[{i}] ({code}).properties.parent"
        parent = props.get("parent")
        expected = level.parent()
        if expected is None:
            if parent is not None:
                raise f.error(where, f"a {level.code} has no parent, got {parent!r}")
        elif parent is None:
            raise f.error(where, f"a {level.code} needs a parent {expected.code}")
        elif parent not in levels:
            raise f.error(where, f"unknown parent {parent!r}")
        elif levels[parent] != expected:
            raise f.error(
                where,
                f"parent {parent!r} is a {levels[parent].code}, a {level.code} needs a {expected.code}",
            )
        units[code] = OrgUnit(
            code=code,
            parent=parent,
            level=level,
            name_zh=props["name_zh"],
            name_en=props["name_en"],
            center=_centroid(ring),
            polygon=ring,
        )
    if not any(u.level == OrgLevel.CITY for u in units.values()):
        raise f.error("features", "no city-level unit")
    return units


def _polygon(f: _File, geometry: Any, where: str) -> tuple[tuple[float, float], ...]:
    geometry = f.obj(geometry, where)
    if geometry.get("type") != "Polygon":
        raise f.error(f"{where}.type", f"must be 'Polygon', got {geometry.get('type')!r}")
    rings = geometry.get("coordinates")
    if not isinstance(rings, list) or not rings or not isinstance(rings[0], list):
        raise f.error(f"{where}.coordinates", "must be a list of rings")
    ring = []
    for k, point in enumerate(rings[0]):
        pwhere = f"{where}.coordinates[0][{k}]"
        if not isinstance(point, list) or len(point) < 2:
            raise f.error(pwhere, "must be [lon, lat]")
        lon, lat = f.number(point[0], pwhere), f.number(point[1], pwhere)
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise f.error(pwhere, f"({lon}, {lat}) is not a WGS-84 lon/lat")
        ring.append((lon, lat))
    if len(ring) < 4:
        raise f.error(f"{where}.coordinates[0]", "a ring needs at least 4 positions")
    if ring[0] != ring[-1]:
        raise f.error(f"{where}.coordinates[0]", "ring is not closed (first position != last)")
    return tuple(ring)


def _load_departments(path: Path) -> dict[str, Department]:
    f = _File(path)
    out: dict[str, Department] = {}
    for i, item in enumerate(f.list_field(f.read(), "departments")):
        where = f"departments[{i}]"
        item = f.obj(item, where)
        code = f.text(item, "code", where)
        f.unique(set(out), code, where)
        hotline = item.get("hotline")
        if hotline is not None and (not isinstance(hotline, str) or not hotline.strip()):
            raise f.error(f"{where}.hotline", "must be a non-empty string or null")
        colour = item.get("colour", "#8fa3bf")
        if not isinstance(colour, str) or not _HEX_COLOUR.match(colour):
            raise f.error(f"{where}.colour", f"must be a hex colour like #1f4e9c, got {colour!r}")
        out[code] = Department(
            code=code,
            name_zh=f.text(item, "name_zh", where),
            name_en=f.text(item, "name_en", where),
            hotline=hotline,
            colour=colour,
        )
    return out


def _load_event_types(path: Path, departments: dict[str, Department]) -> dict[str, EventType]:
    f = _File(path)
    out: dict[str, EventType] = {}
    for i, item in enumerate(f.list_field(f.read(), "event_types")):
        where = f"event_types[{i}]"
        item = f.obj(item, where)
        code = f.text(item, "code", where)
        f.unique(set(out), code, where)
        category = f.text(item, "category", where)
        if category not in EVENT_CATEGORIES:
            raise f.error(
                f"{where}.category", f"unknown category {category!r} (one of {', '.join(EVENT_CATEGORIES)})"
            )
        responders = item.get("departments", [])
        if not isinstance(responders, list) or not all(isinstance(d, str) for d in responders):
            raise f.error(f"{where}.departments", "must be a list of department codes")
        for j, dept in enumerate(responders):
            if dept not in departments:
                raise f.error(f"{where}.departments[{j}]", f"unknown department {dept!r}")
        out[code] = EventType(
            code=code,
            name_zh=f.text(item, "name_zh", where),
            name_en=f.text(item, "name_en", where),
            category=category,
            departments=tuple(responders),
            icon=_icon(f, item, where),
        )
    return out


# the glyphs map/static/points.js can draw inside an incident
EVENT_ICONS = frozenset({"water", "fire", "traffic", "power", "medical", "hazard", "people", "building", "dot"})


def _icon(f: "_File", item: dict, where: str) -> str:
    icon = f.text(item, "icon", where, optional=True) or "dot"
    if icon not in EVENT_ICONS:
        raise f.error(f"{where}.icon", f"unknown icon {icon!r} (one of {', '.join(sorted(EVENT_ICONS))})")
    return icon


def _load_indicators(path: Path, org_units: dict[str, OrgUnit]) -> dict[str, Indicator]:
    f = _File(path)
    out: dict[str, Indicator] = {}
    for i, item in enumerate(f.list_field(f.read(), "indicators")):
        where = f"indicators[{i}]"
        item = f.obj(item, where)
        code = f.text(item, "code", where)
        f.unique(set(out), code, where)
        where = f"indicators[{i}] ({code})"
        direction = item.get("direction", "above")
        if direction not in DIRECTIONS:
            raise f.error(f"{where}.direction", f"must be 'above' or 'below', got {direction!r}")
        thresholds = _thresholds(f, item.get("thresholds"), direction, f"{where}.thresholds")
        duration = item.get("duration_s", 0)
        if isinstance(duration, bool) or not isinstance(duration, int) or duration < 0:
            raise f.error(f"{where}.duration_s", f"must be a whole number of seconds >= 0, got {duration!r}")
        hysteresis = f.number(item.get("hysteresis", 0.0), f"{where}.hysteresis")
        if hysteresis < 0:
            raise f.error(f"{where}.hysteresis", "must be >= 0")
        org_unit = item.get("org_unit")
        if org_unit is not None and org_unit not in org_units:
            raise f.error(f"{where}.org_unit", f"unknown org unit {org_unit!r}")
        typical = item.get("typical", [0.0, 1.0])
        if not isinstance(typical, list) or len(typical) != 2:
            raise f.error(f"{where}.typical", "must be [lo, hi]")
        lo = f.number(typical[0], f"{where}.typical[0]")
        hi = f.number(typical[1], f"{where}.typical[1]")
        if lo > hi:
            raise f.error(f"{where}.typical", f"lo {lo} is above hi {hi}")
        unit = item.get("unit", "")
        if not isinstance(unit, str):
            raise f.error(f"{where}.unit", "must be a string")
        domain = f.text(item, "domain", where)
        if domain not in INDICATOR_DOMAINS:
            raise f.error(f"{where}.domain", f"unknown domain {domain!r} (one of {', '.join(INDICATOR_DOMAINS)})")
        _hysteresis_fits(f, hysteresis, thresholds, f"{where}.hysteresis")
        source_zh, source_en = _source(f, item.get("source"), f"{where}.source")
        weekday, weekend = _baseline(f, item.get("baseline"), f"{where}.baseline")
        out[code] = Indicator(
            code=code,
            name_zh=f.text(item, "name_zh", where),
            name_en=f.text(item, "name_en", where),
            domain=domain,
            unit=unit,
            thresholds=thresholds,
            direction=direction,
            duration_s=duration,
            hysteresis=hysteresis,
            org_unit=org_unit,
            typical=(lo, hi),
            source_zh=source_zh,
            source_en=source_en,
            baseline_weekday=weekday,
            baseline_weekend=weekend,
        )
    return out


# the nine domains of the city vital-signs library (城市体征), in wall order
INDICATOR_DOMAINS = ("气象", "水务", "交通", "能源", "环境", "公共安全", "卫生", "人群", "城市运行")
BASELINE_DAYS = ("weekday", "weekend")


def _source(f: _File, raw: Any, where: str) -> tuple[str, str]:
    """`"source": {"zh": "市气象局", "en": "Municipal Weather Bureau"}`: who publishes it.
    Required: an operator must know whom to call when a value looks wrong."""
    if raw is None:
        raise f.error(where, 'missing: who publishes the indicator, {"zh": ..., "en": ...}')
    if not isinstance(raw, dict):
        raise f.error(where, 'must be an object {"zh": ..., "en": ...}')
    extra = sorted(set(raw) - {"zh", "en"})
    if extra:
        raise f.error(where, f"unknown key {extra[0]!r} (only zh and en)")
    return f.text(raw, "zh", where), f.text(raw, "en", where)


def _baseline(f: _File, raw: Any, where: str) -> tuple[tuple[float, ...] | None, tuple[float, ...] | None]:
    """`"baseline": {"weekday": [24 numbers], "weekend": [24 numbers]}`: the normal value per
    local hour (Asia/Shanghai, hour 0 = 00:00-00:59). Optional; both days or none."""
    if raw is None:
        return None, None
    if not isinstance(raw, dict):
        raise f.error(where, 'must be an object {"weekday": [24 numbers], "weekend": [24 numbers]}')
    extra = sorted(set(raw) - set(BASELINE_DAYS))
    if extra:
        raise f.error(where, f"unknown key {extra[0]!r} (only weekday and weekend)")
    days = []
    for day in BASELINE_DAYS:
        hours = raw.get(day)
        if not isinstance(hours, list) or len(hours) != 24:
            got = f"{len(hours)} values" if isinstance(hours, list) else repr(hours)
            raise f.error(f"{where}.{day}", f"must be a list of 24 hourly values, got {got}")
        days.append(tuple(f.number(v, f"{where}.{day}[{h}]") for h, v in enumerate(hours)))
    return days[0], days[1]


def _hysteresis_fits(f: _File, hysteresis: float, thresholds: dict[str, float], where: str) -> None:
    """Hysteresis is the margin a value must recover past a threshold before its colour clears;
    a margin wider than the gap between two colours would clear into the wrong colour."""
    limits = sorted(thresholds.values())
    gaps = [b - a for a, b in zip(limits, limits[1:])]
    if gaps and hysteresis >= min(gaps):
        raise f.error(where, f"{hysteresis:g} must be smaller than the smallest gap between thresholds ({min(gaps):g})")


def _thresholds(f: _File, raw: Any, direction: str, where: str) -> dict[str, float]:
    if not isinstance(raw, dict):
        raise f.error(where, "must be an object of colour -> number")
    for colour in raw:
        if colour not in THRESHOLD_COLOURS:
            raise f.error(where, f"unknown colour {colour!r} (one of {', '.join(THRESHOLD_COLOURS)})")
    out: dict[str, float] = {}
    previous: tuple[str, float] | None = None
    for colour in THRESHOLD_COLOURS:  # increasing severity
        if colour not in raw:
            continue
        value = f.number(raw[colour], f"{where}.{colour}")
        if previous is not None:
            worse = value > previous[1] if direction == "above" else value < previous[1]
            if not worse:
                rel = "above" if direction == "above" else "below"
                raise f.error(
                    where,
                    f"not monotonic: {colour} {value:g} must be {rel} {previous[0]} {previous[1]:g} "
                    f"(direction {direction})",
                )
        out[colour] = value
        previous = (colour, value)
    return out


def _load_sla(path: Path, event_types: dict[str, EventType]) -> list[SlaTemplate]:
    f = _File(path)
    out: list[SlaTemplate] = []
    seen: set[tuple[str, str]] = set()
    severities = ("*",) + tuple(s.name for s in Severity)
    for i, item in enumerate(f.list_field(f.read(), "templates")):
        where = f"templates[{i}]"
        item = f.obj(item, where)
        category = f.text(item, "category", where)
        if category != "*" and category not in EVENT_CATEGORIES and category not in event_types:
            raise f.error(
                f"{where}.category", f"{category!r} is neither '*', an event category nor an event type"
            )
        severity = f.text(item, "severity", where)
        if severity not in severities:
            raise f.error(f"{where}.severity", f"must be one of {', '.join(severities)}, got {severity!r}")
        if (category, severity) in seen:
            raise f.error(where, f"duplicate template for category {category!r} severity {severity!r}")
        seen.add((category, severity))
        minutes = {}
        for key in ("accept_minutes", "finish_minutes"):
            value = item.get(key)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise f.error(f"{where}.{key}", f"must be a whole number of minutes > 0, got {value!r}")
            minutes[key] = value
        if minutes["accept_minutes"] > minutes["finish_minutes"]:
            raise f.error(f"{where}.accept_minutes", "must not exceed finish_minutes")
        out.append(SlaTemplate(category=category, severity=severity, **minutes))
    if ("*", "*") not in seen:
        raise f.error("templates", "needs a fallback template with category '*' and severity '*'")
    return out


def _minutes(f: "_File", item: dict, key: str, where: str) -> int:
    value = item.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise f.error(f"{where}.{key}", f"must be a whole number of minutes > 0, got {value!r}")
    return value


def _load_report_rules(path: Path) -> list[ReportRule]:
    """`reports` in sla.json: deadlines of 初报/续报/终报 per severity, "*" for every other one
    (optional: an incident of a severity with no entry owes no report)."""
    f = _File(path)
    data = f.read()
    if "reports" not in data:
        return []
    out: list[ReportRule] = []
    severities = ("*",) + tuple(s.name for s in Severity)
    for i, item in enumerate(f.list_field(data, "reports")):
        where = f"reports[{i}]"
        item = f.obj(item, where)
        severity = f.text(item, "severity", where)
        if severity not in severities:
            raise f.error(f"{where}.severity", f"must be one of {', '.join(severities)}, got {severity!r}")
        if any(r.severity == severity for r in out):
            raise f.error(where, f"duplicate report deadlines for severity {severity!r}")
        out.append(ReportRule(severity, *(_minutes(f, item, k, where) for k in
                                          ("initial_minutes", "update_minutes", "final_minutes"))))
    return out


def _load_plans(path: Path, departments: dict[str, Department], event_types: dict[str, EventType]) -> dict[str, ResponsePlan]:
    f = _File(path)
    out: dict[str, ResponsePlan] = {}
    level_codes = [lv.value.code for lv in ResponseLevel]
    for i, item in enumerate(f.list_field(f.read(), "plans")):
        where = f"plans[{i}]"
        item = f.obj(item, where)
        code = f.text(item, "code", where)
        f.unique(set(out), code, where)
        applies = item.get("applies_to")
        if not isinstance(applies, list) or not applies or not all(isinstance(a, str) for a in applies):
            raise f.error(f"{where}.applies_to", "must be a non-empty list of event types or categories")
        for a in applies:
            if a != "*" and a not in EVENT_CATEGORIES and a not in event_types:
                raise f.error(f"{where}.applies_to", f"{a!r} is neither '*', an event category nor an event type")
        levels_raw = f.obj(item.get("levels"), f"{where}.levels")
        levels: dict[str, tuple[PlanTask, ...]] = {}
        for level, tasks in levels_raw.items():
            lw = f"{where}.levels.{level}"
            if level not in level_codes:
                raise f.error(lw, f"response level must be one of {', '.join(level_codes)}")
            if not isinstance(tasks, list):
                raise f.error(lw, "must be a list of tasks")
            items = []
            for j, task in enumerate(tasks):
                tw = f"{lw}[{j}]"
                task = f.obj(task, tw)
                dept = f.text(task, "department", tw)
                if dept not in departments:
                    raise f.error(f"{tw}.department", f"unknown department {dept!r}")
                try:
                    org_level = OrgLevel.parse(f.text(task, "org_level", tw))
                except ValueError as exc:
                    raise f.error(f"{tw}.org_level", str(exc)) from None
                lead = task.get("lead", False)
                if not isinstance(lead, bool):
                    raise f.error(f"{tw}.lead", "must be true or false")
                items.append(PlanTask(dept, org_level, lead, f.text(task, "action_zh", tw), f.text(task, "action_en", tw)))
            levels[level] = tuple(items)
        if not levels:
            raise f.error(f"{where}.levels", "needs at least one response level")
        out[code] = ResponsePlan(code, f.text(item, "name_zh", where), f.text(item, "name_en", where),
                                 tuple(applies), levels)
    return out
