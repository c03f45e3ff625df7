"""Catalogue types: org units, departments, event types, indicators, SLA templates.

The data lives in resources/ (a city changes it without code); `commandcenter.catalog` loads it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from commandcenter.domain.geo import point_in_ring
from commandcenter.domain.levels import THRESHOLD_COLOURS, OrgLevel


@dataclass(frozen=True)
class OrgUnit:
    code: str  # administrative code (GB/T 2260 style: 6 digits, longer below district)
    parent: str | None
    level: OrgLevel
    name_zh: str
    name_en: str
    center: tuple[float, float]  # lon, lat (WGS-84)
    polygon: tuple[tuple[float, float], ...]  # outer ring, lon/lat

    def contains(self, lon: float, lat: float) -> bool:
        """Point in the outer ring (domain.geo: even-odd, a point on the boundary is inside)."""
        return point_in_ring(lon, lat, self.polygon)


@dataclass(frozen=True)
class Department:
    code: str
    name_zh: str
    name_en: str
    hotline: str | None = None
    colour: str = "#8fa3bf"


@dataclass(frozen=True)
class EventType:
    code: str
    name_zh: str
    name_en: str
    category: str  # natural | accident | health | social
    # departments that usually respond, lead first (the default dispatch of a simulated
    # command room, and the first suggestion in the dispatch form)
    departments: tuple[str, ...] = ()
    # the map's glyph for the type (map/static/points.js GLYPHS); data, so a city can change it
    icon: str = "dot"


@dataclass(frozen=True)
class Indicator:
    code: str
    name_zh: str
    name_en: str
    domain: str
    unit: str
    # threshold value per colour (blue < yellow < orange < red in severity); direction says
    # whether breaching means going above or below.
    thresholds: dict[str, float]
    direction: str = "above"
    duration_s: int = 0
    hysteresis: float = 0.0
    org_unit: str | None = None
    typical: tuple[float, float] = (0.0, 1.0)
    # who publishes the indicator (a bureau, a utility), shown next to the value on the wall
    source_zh: str = ""
    source_en: str = ""
    # the normal value by local hour (Asia/Shanghai), 24 values each, or None where a "normal
    # hour" means nothing (rain, river level). Lets the wall say "busy for a Monday 08:00".
    baseline_weekday: tuple[float, ...] | None = None
    baseline_weekend: tuple[float, ...] | None = None

    def baseline_at(self, ts_ms: int) -> float | None:
        """The normal value at an instant: the hour's value of the weekday or weekend day in
        Shanghai local time (UTC+8, no daylight saving), held for the whole hour."""
        if self.baseline_weekday is None or self.baseline_weekend is None:
            return None
        local_s = int(ts_ms) // 1000 + 8 * 3600  # China Standard Time, fixed: no tz database needed
        days, second_of_day = divmod(local_s, 86400)
        weekday = (days + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
        hours = self.baseline_weekend if weekday >= 5 else self.baseline_weekday
        return hours[second_of_day // 3600]

    def colour_of(self, value: float) -> str:
        """The threshold colour of a value ('green' when no threshold is breached)."""
        found = "green"
        for colour in THRESHOLD_COLOURS:
            limit = self.thresholds.get(colour)
            if limit is None:
                continue
            breached = value >= limit if self.direction == "above" else value <= limit
            if breached:
                found = colour
        return found


@dataclass(frozen=True)
class SlaTemplate:
    category: str  # event type category or code, or "*"
    severity: str  # "I".."IV" or "*"
    accept_minutes: int
    finish_minutes: int


@dataclass
class Catalog:
    org_units: dict[str, OrgUnit] = field(default_factory=dict)
    departments: dict[str, Department] = field(default_factory=dict)
    event_types: dict[str, EventType] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    sla: list[SlaTemplate] = field(default_factory=list)
    plans: dict = field(default_factory=dict)  # code -> domain.plans.ResponsePlan
    report_rules: list = field(default_factory=list)  # domain.integrated.ReportRule

    def children(self, code: str | None) -> list[OrgUnit]:
        return [u for u in self.org_units.values() if u.parent == code]

    def locate(self, lon: float, lat: float) -> OrgUnit | None:
        """The most local org unit containing the point."""
        best: OrgUnit | None = None
        for unit in self.org_units.values():
            if unit.contains(lon, lat) and (best is None or unit.level.value.rank > best.level.value.rank):
                best = unit
        return best

    def ancestor_at(self, code: str, level: OrgLevel) -> OrgUnit | None:
        unit = self.org_units.get(code)
        while unit is not None and unit.level != level:
            unit = self.org_units.get(unit.parent) if unit.parent else None
        return unit
