"""The linkage board's queries (联动看板): a filtered page of open tasks, counts, KPIs.

Plain functions on a `sqlite3.Connection` so the board, the bench and a report share one SQL
text. The board's hot path (a page of open tasks, most urgent first) walks one partial
expression index in deadline order and stops at the page size, so it costs the same with 300
tasks or 300k (migration 6). Overdue is never stored: it is `due < now`, a range on that index.
Exact definitions of the KPIs are in docs/board.md.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from commandcenter.domain.catalog import Catalog
from commandcenter.domain.machines import OPEN_TASK_STATES

TASK_STATUSES = ("dispatched", "returned", "accepted", "in_progress", "feedback", "verified", "closed")
OPEN_STATUSES = tuple(s for s in TASK_STATUSES if s in OPEN_TASK_STATES)
DONE_STATUSES = ("verified", "closed")
SATISFIED = ("satisfied", "basically")  # 满意 + 基本满意 (domain.integrated.SATISFACTION)

# Both texts are repeated verbatim in migration 6: SQLite uses a partial expression index
# only when the query spells the same expression and the same WHERE term.
OPEN_SQL = "status IN ('dispatched','returned','accepted','in_progress','feedback')"
DUE_SQL = (
    "(CASE WHEN status IN ('dispatched','returned') THEN accept_by_ms "
    "ELSE COALESCE(extension_until_ms, finish_by_ms) END)"
)
_T_OPEN = OPEN_SQL.replace("status", "t.status", 1)
_T_DUE = DUE_SQL.replace("status", "t.status").replace("accept_by_ms", "t.accept_by_ms").replace(
    "COALESCE(extension_until_ms, finish_by_ms)", "COALESCE(t.extension_until_ms, t.finish_by_ms)"
)


@dataclass(frozen=True)
class BoardFilter:
    """What the board is narrowed to. Empty tuples and None mean "any".

    `event_types` and `org_units` are already expanded (see `event_types_of`, `subtree`): a
    category is its event types, an org unit is itself and everything below it.
    """

    department: str | None = None
    event_types: tuple[str, ...] = ()
    severity: str | None = None
    level: str | None = None
    org_units: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()  # open statuses only; () = every open status
    overdue_only: bool = False

    @property
    def narrows_tasks(self) -> bool:
        """True when an incident with no task cannot match (it has no department, level...)."""
        return bool(self.department or self.level or self.statuses or self.overdue_only)


@dataclass(frozen=True)
class Page:
    rows: list[dict]
    total: int  # matching open tasks, of which `rows` is the most urgent part

    @property
    def more(self) -> int:
        return max(self.total - len(self.rows), 0)


@dataclass(frozen=True)
class Kpis:
    """Counts and rates over the tasks dispatched in [since_ms, until_ms]. A rate is None when
    its denominator is 0 (n/a), never 0 % or 100 % by default."""

    dispatched: int
    open: int
    overdue: int
    accept_due: int  # denominator of the response rate
    accepted_in_time: int
    done: int  # verified or closed
    finished: int  # with a finish time (verified)
    finished_in_time: int
    rated: int  # with a satisfaction answer
    satisfied: int
    satisfaction_known: bool = True  # False: the cache has no satisfaction column

    @staticmethod
    def _rate(num: int, den: int) -> float | None:
        return num / den if den else None

    @property
    def response_rate(self) -> float | None:
        return self._rate(self.accepted_in_time, self.accept_due)

    @property
    def resolution_rate(self) -> float | None:
        return self._rate(self.done, self.dispatched)

    @property
    def on_time_rate(self) -> float | None:
        return self._rate(self.finished_in_time, self.finished)

    @property
    def satisfaction_rate(self) -> float | None:
        return self._rate(self.satisfied, self.rated) if self.satisfaction_known else None


@dataclass(frozen=True)
class UnitCount:
    code: str
    open: int = 0
    overdue: int = 0
    children: int = 0  # org units below it in the catalogue (0: cannot drill further)


@dataclass
class Matrix:
    """Tasks per department x status; `overdue` per department (a derived row)."""

    cells: dict[tuple[str, str], int] = field(default_factory=dict)
    overdue: dict[str, int] = field(default_factory=dict)

    def get(self, department: str, status: str) -> int:
        if status == "overdue":
            return self.overdue.get(department, 0)
        return self.cells.get((department, status), 0)


# ------------------------------------------------------------------ expanding filters
def event_types_of(catalog: Catalog, code: str | None) -> tuple[str, ...]:
    """An event type code is itself; a category (natural, accident...) is all its types."""
    if not code:
        return ()
    if code in catalog.event_types:
        return (code,)
    return tuple(sorted(t.code for t in catalog.event_types.values() if t.category == code)) or (code,)


def subtree(catalog: Catalog, code: str | None) -> tuple[str, ...]:
    """An org unit and every unit below it (codes). Unknown codes stand for themselves."""
    if not code:
        return ()
    below: dict[str | None, list[str]] = {}
    for unit in catalog.org_units.values():
        below.setdefault(unit.parent, []).append(unit.code)
    found, todo = [], [code]
    while todo:
        c = todo.pop()
        found.append(c)
        todo.extend(below.get(c, ()))
    return tuple(sorted(found))


# ----------------------------------------------------------------------- the page
def _where(f: BoardFilter, now_ms: int) -> tuple[str, list, bool]:
    """SQL conditions on tasks `t` (and incidents `i`), params, and whether `i` is needed."""
    sql = [_T_OPEN]
    params: list = []
    needs_incident = False
    if f.department:
        sql.append("t.department = ?")
        params.append(f.department)
    if f.level:
        sql.append("t.level = ?")
        params.append(f.level)
    if f.statuses:
        sql.append(f"t.status IN ({','.join('?' * len(f.statuses))})")
        params.extend(f.statuses)
    if f.org_units:
        sql.append(f"t.org_unit IN ({','.join('?' * len(f.org_units))})")
        params.extend(f.org_units)
    if f.overdue_only:
        sql.append(f"{_T_DUE} < ?")
        params.append(now_ms)
    if f.severity:
        sql.append("i.severity = ?")
        params.append(f.severity)
        needs_incident = True
    if f.event_types:
        sql.append(f"i.category IN ({','.join('?' * len(f.event_types))})")
        params.extend(f.event_types)
        needs_incident = True
    return " AND ".join(sql), params, needs_incident


def page_sql(f: BoardFilter, now_ms: int, limit: int) -> tuple[str, tuple]:
    """The page query's SQL and parameters (the bench runs the same text through sqlite3)."""
    where, params, _ = _where(f, now_ms)
    # named, not left to the planner: the cache is never ANALYZEd, and without statistics
    # SQLite prefers tasks_status_finish and sorts every open task before the LIMIT
    index = "tasks_open_department_due" if f.department else "tasks_open_due"
    return (
        f"SELECT t.*, {_T_DUE} AS due_ms, i.title AS incident_title, i.severity AS incident_severity, "
        "i.category AS incident_category, i.status AS incident_status, i.org_unit AS incident_org_unit, "
        "i.reported_ms AS incident_reported_ms, i.extra AS incident_extra "
        f"FROM tasks t INDEXED BY {index} JOIN incidents i ON i.id = t.incident_id WHERE {where} "
        f"ORDER BY {_T_DUE} LIMIT ?",
        (*params, limit),
    )


def open_tasks(
    conn: sqlite3.Connection, f: BoardFilter, now_ms: int, limit: int = 500, *, count: bool = True
) -> Page:
    """The most urgent open tasks that match (least time left first), with their incident.

    `total` counts every match, so the board can say how many it is not showing. A full page
    needs a second pass for that (count_open); `count=False` skips it and `total` is then the
    page's length (the caller counts later, or knows the count from before)."""
    cur = conn.execute(*page_sql(f, now_ms, limit))
    names = [d[0] for d in cur.description]
    page = [_with_extra(dict(zip(names, r))) for r in cur]
    total = len(page) if len(page) < limit or not count else count_open(conn, f, now_ms)
    return Page(page, total)


def incidents_of_tasks(conn: sqlite3.Connection, task_ids) -> dict[str, str]:
    """task id -> its incident id, for the ids that exist (primary-key lookups)."""
    ids = list(task_ids)
    found: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        found.update(conn.execute(
            f"SELECT id, incident_id FROM tasks WHERE id IN ({','.join('?' * len(chunk))})", chunk
        ).fetchall())
    return found


def _with_extra(row: dict) -> dict:
    """Fields a newer peer sent that this schema has no column for live in `extra` (as
    Store.get shows them)."""
    extra = row.pop("extra", None)
    if extra:
        try:
            fields = json.loads(extra)
        except ValueError:
            fields = {}
        for k, v in (fields.items() if isinstance(fields, dict) else ()):
            row.setdefault(k, v)
    return row


def count_open(conn: sqlite3.Connection, f: BoardFilter, now_ms: int) -> int:
    where, params, needs_incident = _where(f, now_ms)
    join = " JOIN incidents i ON i.id = t.incident_id" if needs_incident else ""
    return conn.execute(f"SELECT COUNT(*) FROM tasks t{join} WHERE {where}", params).fetchone()[0]


def awaiting_dispatch(conn: sqlite3.Connection, f: BoardFilter, limit: int = 200) -> list[dict]:
    """Open incidents nobody has a task for yet, newest reports first (the caller re-sorts).

    Scans newest first because a report waits for dispatch minutes, not days: the scan meets
    them at once instead of walking every open incident that already has its tasks."""
    if f.narrows_tasks:
        return []
    sql = [
        "i.status NOT IN ('closed','cancelled')",
        "NOT EXISTS (SELECT 1 FROM tasks t WHERE t.incident_id = i.id)",
    ]
    params: list = []
    if f.severity:
        sql.append("i.severity = ?")
        params.append(f.severity)
    if f.event_types:
        sql.append(f"i.category IN ({','.join('?' * len(f.event_types))})")
        params.extend(f.event_types)
    if f.org_units:
        sql.append(f"i.org_unit IN ({','.join('?' * len(f.org_units))})")
        params.extend(f.org_units)
    cur = conn.execute(
        f"SELECT * FROM incidents i WHERE {' AND '.join(sql)} ORDER BY i.reported_ms DESC LIMIT ?",
        (*params, limit),
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur]


# ----------------------------------------------------------------------- counts
def department_matrix(conn: sqlite3.Connection, f: BoardFilter, now_ms: int, since_ms: int) -> Matrix:
    """Open tasks per department x open status (any age), verified/closed ones dispatched
    since `since_ms`, and the overdue open ones per department. `f.department` and
    `f.statuses` are ignored: the matrix is where they are chosen."""
    f = BoardFilter(event_types=f.event_types, severity=f.severity, level=f.level, org_units=f.org_units,
                    overdue_only=f.overdue_only)
    where, params, needs_incident = _where(f, now_ms)
    join = " JOIN incidents i ON i.id = t.incident_id" if needs_incident else ""
    m = Matrix()
    for dept, status, n, overdue in conn.execute(
        f"SELECT t.department, t.status, COUNT(*), SUM({_T_DUE} < ?) FROM tasks t{join} "
        f"WHERE {where} GROUP BY t.department, t.status",
        (now_ms, *params),
    ):
        m.cells[(dept, status)] = n
        m.overdue[dept] = m.overdue.get(dept, 0) + (overdue or 0)
    if not f.overdue_only:
        done_where, done_params, _ = _where(f, now_ms)
        done_where = done_where.replace(_T_OPEN, "t.status IN ('verified','closed') AND t.dispatched_ms >= ?", 1)
        for dept, status, n in conn.execute(
            f"SELECT t.department, t.status, COUNT(*) FROM tasks t{join} WHERE {done_where} "
            "GROUP BY t.department, t.status",
            (since_ms, *done_params),
        ):
            m.cells[(dept, status)] = n
    return m


def org_unit_counts(
    conn: sqlite3.Connection, catalog: Catalog, parent: str | None, f: BoardFilter, now_ms: int
) -> list[UnitCount]:
    """Open and overdue tasks in each org unit one level under `parent` (its whole subtree
    counted), in catalogue order; `parent=None` gives the top (the city). `f.org_units` is
    ignored: the drill-down is where it is chosen."""
    f = BoardFilter(department=f.department, event_types=f.event_types, severity=f.severity, level=f.level,
                    statuses=f.statuses, overdue_only=f.overdue_only)
    units = catalog.children(parent)
    owner: dict[str, str] = {}
    for unit in units:
        for code in subtree(catalog, unit.code):
            owner[code] = unit.code
    where, params, needs_incident = _where(f, now_ms)
    join = " JOIN incidents i ON i.id = t.incident_id" if needs_incident else ""
    totals = {u.code: [0, 0] for u in units}
    for code, n, overdue in conn.execute(
        f"SELECT t.org_unit, COUNT(*), SUM({_T_DUE} < ?) FROM tasks t{join} WHERE {where} GROUP BY t.org_unit",
        (now_ms, *params),
    ):
        top = owner.get(code)
        if top is not None:
            totals[top][0] += n
            totals[top][1] += overdue or 0
    return [
        UnitCount(u.code, totals[u.code][0], totals[u.code][1], len(catalog.children(u.code))) for u in units
    ]


# ------------------------------------------------------------------------- KPIs
def _has_column(conn: sqlite3.Connection, table: str, column: str) -> bool:
    return any(r[1] == column for r in conn.execute(f"PRAGMA table_info({table})"))


def kpis(conn: sqlite3.Connection, f: BoardFilter, now_ms: int, since_ms: int, until_ms: int | None = None) -> Kpis:
    """KPIs over the tasks dispatched in [since_ms, until_ms] (until: now) that match `f` (statuses and
    overdue-only ignored: a rate needs its failures and its closed tasks). docs/board.md."""
    until_ms = now_ms if until_ms is None else until_ms
    f = BoardFilter(department=f.department, event_types=f.event_types, severity=f.severity, level=f.level,
                    org_units=f.org_units)
    where, params, needs_incident = _where(f, now_ms)
    where = where.replace(_T_OPEN, "t.dispatched_ms >= ? AND t.dispatched_ms <= ?", 1)
    join = " JOIN incidents i ON i.id = t.incident_id" if needs_incident else ""
    satisfaction = _has_column(conn, "tasks", "satisfaction")
    rated = (
        "SUM(t.satisfaction IS NOT NULL), SUM(t.satisfaction IN ('satisfied','basically'))"
        if satisfaction
        else "0, 0"
    )
    row = conn.execute(
        f"SELECT COUNT(*), SUM({_T_OPEN}), SUM({_T_OPEN} AND {_T_DUE} < ?), "
        "SUM(t.accepted_ms IS NOT NULL OR t.accept_by_ms < ?), "
        "SUM(t.accepted_ms IS NOT NULL AND t.accepted_ms <= t.accept_by_ms), "
        "SUM(t.status IN ('verified','closed')), SUM(t.finished_ms IS NOT NULL), "
        "SUM(t.finished_ms IS NOT NULL AND t.finished_ms <= COALESCE(t.extension_until_ms, t.finish_by_ms)), "
        f"{rated} FROM tasks t{join} WHERE {where}",
        (now_ms, now_ms, since_ms, until_ms, *params),
    ).fetchone()
    return Kpis(*(int(v or 0) for v in row), satisfaction_known=satisfaction)
