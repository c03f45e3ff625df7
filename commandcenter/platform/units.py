"""The demo city's fleet: fire engines, ambulances, police cars, pump trucks, power vans and
patrols that drive about the city, change status now and then, and report where they are.

Two kinds of output, kept apart on purpose (docs/sync.md, "Positions"):
- resource documents (name, kind, department, status, last known place) are ordinary
  versioned entities, written through the platform's idempotent push path, so clients pull
  them like incidents. They change rarely: registration and status transitions.
- positions are telemetry: one batch a wall second on the live stream, kept in memory for a
  short back-fill and never in the changes feed, which would otherwise grow without bound.

`Fleet.step` advances scenario time without real time, so tests drive it directly and get
the same fleet and the same paths for the same seed. `FleetRunner` plays it live.
"""
from __future__ import annotations

import asyncio
import logging
import math
import random
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from commandcenter.domain import commands, machines
from commandcenter.domain.catalog import Catalog, OrgUnit
from commandcenter.domain.levels import OrgLevel

log = logging.getLogger(__name__)

DEFAULT_UNITS = 60
MAX_UNITS = 2000
FLEET_NODE = "platform-fleet"
FLEET_USER = "simulated-fleet"
# (id, ts_ms, lon, lat, heading_deg, speed_mps): the wire item of a `positions` event
PositionRow = tuple[str, int, float, float, float, float]

# Scenario seconds. One assignment per available unit every three scenario hours on
# average, and at most one new assignment per step, keeps the changes feed quiet.
ASSIGN_MEAN_S = 3 * 3600.0
TURNOUT_S = (60.0, 180.0)
ON_SCENE_S = (600.0, 2400.0)
PATROL_MPS = (5.0, 8.0)
RESPONSE_MPS = (12.0, 20.0)
RETURN_MPS = (8.0, 12.0)
_CHECK_EVERY_M = 100.0
_M_PER_DEG_LAT = 110_540.0
_M_PER_DEG_LON_EQUATOR = 111_320.0


@dataclass(frozen=True)
class UnitKind:
    code: str
    department: str
    name_zh: str
    name_en: str
    patrols: bool  # drives about while available; the others wait at their base


KINDS = {
    k.code: k
    for k in (
        UnitKind("police_car", "police", "警车", "Police car", True),
        UnitKind("fire_engine", "fire", "消防车", "Fire engine", False),
        UnitKind("ambulance", "health", "救护车", "Ambulance", False),
        UnitKind("patrol", "urban_mgmt", "城管巡查车", "Patrol car", True),
        UnitKind("pump_truck", "water", "排水泵车", "Water pump truck", False),
        UnitKind("power_van", "power", "电力抢修车", "Power repair van", True),
    )
}
# The mix of every 20 units, so a fleet of any size has the same proportions.
_MIX = ("police_car",) * 5 + ("fire_engine",) * 4 + ("ambulance",) * 4 + ("patrol",) * 3 + (
    "pump_truck",
) * 2 + ("power_van",) * 2


@dataclass
class Unit:
    id: str
    kind: UnitKind
    name_zh: str
    name_en: str
    org_unit: str
    base: tuple[float, float]
    lon: float
    lat: float
    patrol_mps: float
    response_mps: float
    return_mps: float
    heading: float = 0.0
    status: str = machines.RESOURCE.initial
    path: list[tuple[float, float]] = field(default_factory=list)
    goal: tuple[float, float] | None = None
    dwell_s: float = 0.0

    def document(self, now_ms: int) -> dict[str, Any]:
        """The resource document as registered on the platform."""
        return {
            "id": self.id,
            "name": self.name_zh,
            "name_en": self.name_en,
            "kind": self.kind.code,
            "department": self.kind.department,
            "org_unit": self.org_unit,
            "status": self.status,
            "lon": round(self.lon, 6),
            "lat": round(self.lat, 6),
            "heading": round(self.heading, 1),
            "updated_ms": now_ms,
            "source": "simulator",
        }


class Fleet:
    """A deterministic fleet: the same catalogue, size and seed give the same units, bases and
    moves. Every position it reports lies inside the city polygon."""

    def __init__(self, catalog: Catalog, size: int = DEFAULT_UNITS, *, seed: int | str = "demo") -> None:
        if not 1 <= size <= MAX_UNITS:
            raise ValueError(f"fleet size must be between 1 and {MAX_UNITS}, got {size}")
        cities = [u for u in catalog.org_units.values() if u.level == OrgLevel.CITY]
        if not cities:
            raise ValueError("the catalogue has no city-level org unit to drive in")
        self.city = cities[0]
        self.catalog = catalog
        self._rng = random.Random(f"fleet/{seed}")
        streets = sorted(
            (u for u in catalog.org_units.values() if u.level == OrgLevel.STREET), key=lambda u: u.code
        ) or [self.city]
        kinds = [KINDS[k] for k in _MIX if KINDS[k].department in catalog.departments]
        if not kinds:
            raise ValueError("the catalogue has none of the fleet's departments")
        self.units: list[Unit] = []
        self._by_id: dict[str, Unit] = {}
        counts: dict[str, int] = {}
        for index in range(size):
            kind = kinds[index % len(kinds)]
            street = streets[index % len(streets)]
            counts[kind.code] = counts.get(kind.code, 0) + 1
            number = counts[kind.code]
            base = self._point_in(street)
            district = self.catalog.ancestor_at(street.code, OrgLevel.DISTRICT) or street
            unit = Unit(
                id=f"res-{kind.code}-{number:03d}",
                kind=kind,
                name_zh=f"{_short_zh(district.name_zh)}{kind.name_zh}{number:02d}",
                name_en=f"{_short_en(district.name_en)} {kind.name_en} {number:02d}",
                org_unit=street.code,
                base=base,
                lon=base[0],
                lat=base[1],
                heading=round(self._rng.uniform(0.0, 360.0), 1) % 360.0,
                patrol_mps=self._rng.uniform(*PATROL_MPS),
                response_mps=self._rng.uniform(*RESPONSE_MPS),
                return_mps=self._rng.uniform(*RETURN_MPS),
            )
            self.units.append(unit)
            self._by_id[unit.id] = unit

    def unit(self, unit_id: str) -> Unit | None:
        return self._by_id.get(unit_id)

    # ------------------------------------------------------------------ stepping
    def step(
        self, seconds: float, now_ms: int, max_assign: int = 1
    ) -> tuple[list[PositionRow], list[tuple[str, str, dict[str, Any]]]]:
        """Advance `seconds` of scenario time. Returns the positions of the units that moved
        (stamped `now_ms`) and the status transitions made: (unit id, action, fields)."""
        if seconds < 0:
            raise ValueError("the fleet does not drive backwards")
        positions: list[PositionRow] = []
        transitions: list[tuple[str, str, dict[str, Any]]] = []
        budget = [max_assign]
        for unit in self.units:
            before = (unit.lon, unit.lat)
            action = self._advance_status(unit, seconds, budget)
            moved = _metres(before, (unit.lon, unit.lat))
            if moved > 0.01:
                unit.heading = _bearing(before, (unit.lon, unit.lat))
                speed = moved / seconds if seconds > 0 else 0.0
                positions.append(
                    (unit.id, now_ms, round(unit.lon, 6), round(unit.lat, 6), round(unit.heading, 1) % 360.0,
                     round(speed, 1))
                )
            if action is not None:
                transitions.append((unit.id, action, self._place(unit)))
        return positions, transitions

    def _advance_status(self, unit: Unit, seconds: float, budget: list[int]) -> str | None:
        status = unit.status
        if status == "available":
            chance = 1.0 - math.exp(-seconds / ASSIGN_MEAN_S)
            if budget[0] > 0 and self._rng.random() < chance:
                budget[0] -= 1
                unit.status = "assigned"
                unit.dwell_s = self._rng.uniform(*TURNOUT_S)
                unit.goal = self._point_in(self._district_of(unit))
                unit.path = []
                return "assign"
            if unit.kind.patrols:
                if not unit.path:
                    street = self.catalog.org_units.get(unit.org_unit) or self.city
                    unit.path = self._plan((unit.lon, unit.lat), self._point_in(street))
                self._drive(unit, unit.patrol_mps, seconds)
            elif (unit.lon, unit.lat) != unit.base:
                if not unit.path:
                    unit.path = self._plan((unit.lon, unit.lat), unit.base)
                self._drive(unit, unit.return_mps, seconds)
            return None
        if status == "assigned":
            unit.dwell_s -= seconds
            if unit.dwell_s <= 0:
                unit.status = "en_route"
                goal = unit.goal or self._point_in(self._district_of(unit))
                unit.goal = goal
                unit.path = self._plan((unit.lon, unit.lat), goal)
                return "depart"
            return None
        if status == "en_route":
            if not unit.path and unit.goal is not None and (unit.lon, unit.lat) != unit.goal:
                unit.path = self._plan((unit.lon, unit.lat), unit.goal)
            if self._drive(unit, unit.response_mps, seconds):
                unit.status = "on_scene"
                unit.dwell_s = self._rng.uniform(*ON_SCENE_S)
                return "arrive"
            return None
        if status == "on_scene":
            unit.dwell_s -= seconds
            if unit.dwell_s <= 0:
                unit.status = "returning"
                unit.goal = None
                unit.path = self._plan((unit.lon, unit.lat), unit.base)
                return "leave"
            return None
        if status == "returning":
            if not unit.path and (unit.lon, unit.lat) != unit.base:
                unit.path = self._plan((unit.lon, unit.lat), unit.base)
            if self._drive(unit, unit.return_mps, seconds):
                unit.status = "available"
                unit.path = []
                return "release"
            return None
        return None  # out_of_service (or a status from a newer platform): parked

    def adopt(self, unit_id: str, status: str, lon: float | None = None, lat: float | None = None,
              goal: tuple[float, float] | None = None) -> None:
        """Take over a status (and place) that the platform's document has: after a restart
        on the same database, or when a client changed the unit (e.g. out of service, or
        assigned to an incident: `goal` is the incident's place)."""
        unit = self._by_id.get(unit_id)
        if unit is None or status not in machines.RESOURCE.states:
            return
        if lon is not None and lat is not None and self.city.contains(lon, lat):
            unit.lon, unit.lat = lon, lat
        if status == unit.status:
            return
        unit.status = status
        unit.path = []
        unit.dwell_s = 0.0
        if status in ("assigned", "en_route"):
            if goal is not None and self.city.contains(*goal):
                unit.goal = goal
            unit.goal = unit.goal or self._point_in(self._district_of(unit))
        elif status == "on_scene":
            unit.dwell_s = self._rng.uniform(*ON_SCENE_S)

    # ----------------------------------------------------------------- geometry
    def _drive(self, unit: Unit, speed: float, seconds: float) -> bool:
        """Move along the unit's path; True when its end is reached. A move that would leave
        the city (a concave edge between checked points) is not made: the path is planned
        again on the next step."""
        budget = speed * seconds
        lon, lat = unit.lon, unit.lat
        path = list(unit.path)
        while path and budget > 0:
            target = path[0]
            d = _metres((lon, lat), target)
            if d <= budget:
                lon, lat = target
                budget -= d
                path.pop(0)
            else:
                f = budget / d
                lon, lat = lon + (target[0] - lon) * f, lat + (target[1] - lat) * f
                budget = 0.0
        if not self.city.contains(lon, lat):
            unit.path = []
            return False
        unit.lon, unit.lat = lon, lat
        unit.path = path
        return not path

    def _plan(self, start: tuple[float, float], end: tuple[float, float]) -> list[tuple[float, float]]:
        """A straight line when it stays in the city, else through one via point that sees
        both ends (the city is a union of districts, concave but not a maze)."""
        if self._clear(start, end):
            return [end]
        for _ in range(40):
            via = self._point_in(self.city)
            if self._clear(start, via) and self._clear(via, end):
                return [via, end]
        return [end]

    def _clear(self, a: tuple[float, float], b: tuple[float, float]) -> bool:
        n = max(1, math.ceil(_metres(a, b) / _CHECK_EVERY_M))
        return all(
            self.city.contains(a[0] + (b[0] - a[0]) * i / n, a[1] + (b[1] - a[1]) * i / n) for i in range(n + 1)
        )

    def _point_in(self, unit: OrgUnit) -> tuple[float, float]:
        xs = [p[0] for p in unit.polygon]
        ys = [p[1] for p in unit.polygon]
        for _ in range(1000):
            lon = round(self._rng.uniform(min(xs), max(xs)), 6)
            lat = round(self._rng.uniform(min(ys), max(ys)), 6)
            if unit.contains(lon, lat) and self.city.contains(lon, lat):
                return lon, lat
        if self.city.contains(*unit.center):
            return unit.center
        raise ValueError(f"org unit {unit.code}: found no point inside its polygon")

    def _district_of(self, unit: Unit) -> OrgUnit:
        return self.catalog.ancestor_at(unit.org_unit, OrgLevel.DISTRICT) or self.city

    @staticmethod
    def _place(unit: Unit) -> dict[str, Any]:
        return {"lon": round(unit.lon, 6), "lat": round(unit.lat, 6), "heading": round(unit.heading, 1)}


class PositionLog:
    """The last `keep_ms` of positions in memory, for GET /v1/positions (a client back-fills
    trails once after connecting). Bounded by `max_points` too: a 2000-unit benchmark fleet
    keeps a shorter window rather than eating the machine."""

    def __init__(self, keep_ms: int = 30 * 60_000, max_points: int = 300_000) -> None:
        self.keep_ms = keep_ms
        self.max_points = max_points
        self._batches: deque[tuple[int, list[PositionRow]]] = deque()
        self._count = 0

    def add(self, rows: list[PositionRow]) -> None:
        if not rows:
            return
        newest = max(r[1] for r in rows)
        self._batches.append((newest, rows))
        self._count += len(rows)
        while self._batches and (
            self._batches[0][0] < newest - self.keep_ms or self._count > self.max_points
        ):
            _, dropped = self._batches.popleft()
            self._count -= len(dropped)

    def since(self, since_ms: int, limit: int) -> list[PositionRow]:
        """Positions at or after `since_ms`, oldest first, at most `limit`."""
        out: list[PositionRow] = []
        for newest, rows in self._batches:
            if newest < since_ms:
                continue
            for row in rows:
                if row[1] >= since_ms:
                    out.append(row)
                    if len(out) >= limit:
                        return out
        return out

    def __len__(self) -> int:
        return self._count


def position_dicts(rows: Iterable[PositionRow]) -> list[dict[str, Any]]:
    """Wire items of the `positions` event and of GET /v1/positions."""
    return [
        {"id": r[0], "ts_ms": r[1], "lon": r[2], "lat": r[3], "heading_deg": r[4], "speed_mps": r[5]}
        for r in rows
    ]


class FleetRunner:
    """Plays a fleet live: registers its units as resource documents, then every wall second
    steps it by (elapsed wall time x speed), publishes the positions and commits the status
    transitions through the platform storage (one transaction per step)."""

    def __init__(
        self,
        fleet: Fleet,
        storage: Any,
        *,
        speed: float = 1.0,
        interval_s: float = 1.0,
        clock_ms: Callable[[], int] | None = None,
        log_keep_ms: int = 30 * 60_000,
        refresh_every: int = 5,
    ) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.fleet = fleet
        self.storage = storage
        self.speed = speed
        self.interval_s = interval_s
        self._clock_ms = clock_ms or (lambda: int(time.time() * 1000))
        self.history = PositionLog(log_keep_ms)
        self.refresh_every = refresh_every

    def register(self, now_ms: int) -> list[int]:
        """Register the units the platform does not know yet; adopt the status and place of
        those it does (a restart on the same database repeats nothing). Blocking."""
        ops = []
        for unit in self.fleet.units:
            doc = self.storage.get("resource", unit.id)
            if doc is None:
                ops.append(commands.Op("resource", unit.id, "resource.register", unit.document(now_ms)))
            else:
                self.fleet.adopt(unit.id, doc.get("status", ""), doc.get("lon"), doc.get("lat"))
        results = self.storage.submit_many(ops, now_ms, node_id=FLEET_NODE, user=FLEET_USER) if ops else []
        return [r.server_seq for r in results if r.result in ("applied", "merged") and r.server_seq]

    def commit(self, transitions: list[tuple[str, str, dict[str, Any]]], now_ms: int) -> tuple[list[int], dict[str, str]]:
        """Commit status transitions. Blocking. Returns the server seqs and, for units whose
        document no longer allows the move (a client took them out of service), its status."""
        ops: list[commands.Op] = []
        adopt: dict[str, str] = {}
        for unit_id, action, fields in transitions:
            doc = self.storage.get("resource", unit_id)
            if doc is None:
                continue
            if action == "release":
                fields = {**fields, "incident_id": None, "goal_lon": None, "goal_lat": None}
            try:
                ops.append(commands.transition("resource", doc, action, now_ms, **fields))
            except machines.TransitionError:
                adopt[unit_id] = doc.get("status", "")
        results = self.storage.submit_many(ops, now_ms, node_id=FLEET_NODE, user=FLEET_USER) if ops else []
        return [r.server_seq for r in results if r.result in ("applied", "merged") and r.server_seq], adopt

    def statuses(self) -> dict[str, tuple[str, tuple[float, float] | None]]:
        """The platform's status of every unit and, for one a client assigned to an incident,
        the incident's place (blocking)."""
        out = {}
        for unit in self.fleet.units:
            doc = self.storage.get("resource", unit.id)
            if doc is not None:
                goal = doc.get("goal_lon"), doc.get("goal_lat")
                out[unit.id] = (doc.get("status", ""), goal if None not in goal else None)
        return out

    async def run(
        self,
        on_positions: Callable[[list[PositionRow]], Any],
        on_changes: Callable[[list[int]], Any],
    ) -> None:
        """Until cancelled. A failing step is logged and the next one tried."""
        seqs = await asyncio.to_thread(self.register, self._clock_ms())
        on_changes(seqs)
        last = time.monotonic()
        next_tick = last + self.interval_s
        ticks = 0
        while True:
            await asyncio.sleep(max(0.0, next_tick - time.monotonic()))
            now = time.monotonic()
            next_tick = max(next_tick + self.interval_s, now)
            elapsed, last = now - last, now
            ticks += 1
            try:
                now_ms = self._clock_ms()
                positions, transitions = self.fleet.step(elapsed * self.speed, now_ms)
                self.history.add(positions)
                on_positions(positions)
                if transitions:
                    seqs, adopt = await asyncio.to_thread(self.commit, transitions, now_ms)
                    for unit_id, status in adopt.items():
                        self.fleet.adopt(unit_id, status)
                    on_changes(seqs)
                if self.refresh_every and ticks % self.refresh_every == 0:
                    for unit_id, (status, goal) in (await asyncio.to_thread(self.statuses)).items():
                        self.fleet.adopt(unit_id, status, goal=goal)
            except Exception:
                log.exception("fleet step failed")


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Equirectangular distance: exact enough across a city."""
    dx = (b[0] - a[0]) * _M_PER_DEG_LON_EQUATOR * math.cos(math.radians((a[1] + b[1]) / 2))
    dy = (b[1] - a[1]) * _M_PER_DEG_LAT
    return math.hypot(dx, dy)


def _bearing(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Degrees clockwise from north, 0 <= h < 360, of the move a -> b."""
    dx = (b[0] - a[0]) * _M_PER_DEG_LON_EQUATOR * math.cos(math.radians((a[1] + b[1]) / 2))
    dy = (b[1] - a[1]) * _M_PER_DEG_LAT
    return math.degrees(math.atan2(dx, dy)) % 360.0


def _short_zh(name: str) -> str:
    return name[:-1] if len(name) > 2 and name.endswith("区") else name


def _short_en(name: str) -> str:
    return name.removesuffix(" District")
