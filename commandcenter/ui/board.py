"""The linkage board (联动看板): every open task, grouped by incident, with its SLA clock.

Thousands of rows on a wall screen, refreshed while people work: a custom two-level item
model whose cells are computed when painted, so the 1 s clock tick only announces that the
clock columns changed (no query, no item objects), and a commit re-queries at most 4 times a
second. Incidents nobody has been dispatched to yet are listed first, marked "awaiting
dispatch", so a new report is never invisible on the board.
"""
from __future__ import annotations

import functools
import time

import json
from dataclasses import dataclass, field

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QSizePolicy,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabBar,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from commandcenter.domain import sla
from commandcenter.domain.catalog import Catalog
from commandcenter.domain.hooks import ChangeSet, Hooks
from commandcenter.domain.levels import COLOUR_HEX, OrgLevel, Severity
from commandcenter.store import board as qb
from commandcenter.ui import labels
from commandcenter.ui.board_views import DepartmentMatrix, KpiStrip, OrgDrillDown
from commandcenter.ui.observing import ObservesHooks

ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the incident's or the task's id
INCIDENT_ID_ROLE = Qt.ItemDataRole.UserRole + 2
KIND_ROLE = Qt.ItemDataRole.UserRole + 3  # "incident" | "task"
CLOCK_STATE_ROLE = Qt.ItemDataRole.UserRole + 4  # sla.clock_state, or "awaiting_dispatch"
SEVERITY_ROLE = Qt.ItemDataRole.UserRole + 5

COL_TITLE, COL_ORG_UNIT, COL_STATUS, COL_TIME_LEFT, COL_LEAD = range(5)
COLUMN_COUNT = 5

CLOCK_COLOURS = {
    "ok": COLOUR_HEX["green"],
    "warning": COLOUR_HEX["yellow"],
    "overdue": COLOUR_HEX["red"],
    "accept_overdue": COLOUR_HEX["red"],
    "done": COLOUR_HEX["stale"],
    "awaiting_dispatch": COLOUR_HEX["orange"],
}
OVERDUE_STATES = frozenset({"overdue", "accept_overdue"})
# a faint red wash behind overdue rows, readable from the back of the room
OVERDUE_BACKGROUND = "#3a1518"
REFRESH_INTERVAL_MS = 250  # at most 4 re-queries a second
CLOCK_INTERVAL_MS = 1000

PAGE_SIZE = 200  # open tasks in the list; "Show more" adds as many again
AWAITING_LIMIT = 200  # incidents awaiting dispatch listed at the top
COUNTS_INTERVAL_MS = 2000  # KPI strip and matrix / drill-down counts after commits, at most
KPI_WINDOW_MS = 24 * 3600 * 1000  # KPIs over the tasks dispatched in the last 24 h
MODES = ("incidents", "departments", "org")
CATEGORIES = ("natural", "accident", "health", "social")


@dataclass
class _Group:
    """One incident and its open tasks, as the board shows them."""

    incident: dict
    tasks: list[dict] = field(default_factory=list)
    awaiting: bool = False

    @property
    def id(self) -> str:
        return self.incident["id"]


def _signature(group: _Group) -> tuple:
    """What the board shows of a group, minus the clock: equal signatures draw the same."""
    inc = group.incident
    return (
        inc.get("title"), inc.get("severity"), inc.get("status"), inc.get("org_unit"), group.awaiting,
        tuple((t["id"], t.get("version"), t.get("status")) for t in group.tasks),
    )


def _row_key(group: _Group, task: dict | None) -> tuple:
    """Everything a row's clock-free cells are made of (signature() names rows to repaint;
    this names the cells that can be reused): equal keys, equal cells."""
    inc = group.incident
    if task is None:
        return ("incident", inc["id"], inc.get("title"), inc.get("severity"), inc.get("status"), inc.get("org_unit"),
                group.awaiting, len(group.tasks))
    return ("task", group.id, inc.get("severity"), *(task.get(f) for f in _TASK_SHOWN_FIELDS))


def _severity_rank(code: str | None) -> int:
    try:
        return Severity.parse(code).info.rank if code else 9
    except KeyError:
        return 9


def _hhmm(ms: int) -> str:
    return time.strftime("%m-%d %H:%M", time.localtime(ms / 1000))


_ANSWERED_ROLES = frozenset(
    {int(r) for r in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole,
                      Qt.ItemDataRole.FontRole, Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole)}
    | {int(r) for r in (ID_ROLE, INCIDENT_ID_ROLE, KIND_ROLE, CLOCK_STATE_ROLE, SEVERITY_ROLE)}
)
# the cells that change with the clock alone (the countdown, its colour, the overdue wash, the
# clock state); every other cell of a row changes only when its incident or task does
_CLOCK_ROLES = (int(CLOCK_STATE_ROLE), int(Qt.ItemDataRole.BackgroundRole))  # every column
_CLOCK_TIME_ROLES = tuple(int(r) for r in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole,
                                           Qt.ItemDataRole.ToolTipRole))  # the time-left column
_STATIC_ROLES = tuple(sorted(_ANSWERED_ROLES - set(_CLOCK_ROLES)))
# what a task row shows besides its clock: equal keys draw the same static cells
_TASK_SHOWN_FIELDS = ("id", "version", "status", "department", "org_unit", "level", "escalations", "lead",
                      "return_reason")
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable  # made once: enum | costs µs per cell


@functools.lru_cache(maxsize=None)
def _colour(hex_colour: str) -> QColor:
    """Colours and brushes the model hands out thousands of times a second, made once."""
    return QColor(hex_colour)


@functools.lru_cache(maxsize=None)
def _brush(hex_colour: str) -> QBrush:
    return QBrush(QColor(hex_colour))


@functools.lru_cache(maxsize=1)
def _bold_font() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


class BoardModel(QAbstractItemModel):
    """Incidents at the top level, their open tasks as children.

    Index internalId encodes the parent: 0 for an incident row, incident row + 1 for a task.
    """

    def __init__(self, catalog: Catalog, clock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self._clock = clock
        self._groups: list[_Group] = []
        # display cache (what data() answers from): per row on screen, (now, cells), cleared
        # when the groups change; the clock-free part of each row by what it shows (_row_key),
        # so it outlives a reset and a re-sort; kept for the rows painted since the last change
        self._rows: dict[tuple[int, int], tuple[int, list[dict]]] = {}
        self._static: dict[tuple, list[dict]] = {}
        self._static_before: dict[tuple, list[dict]] = {}
        self._headers = [
            self.tr("Incident / department"),
            self.tr("Org unit"),
            self.tr("Status"),
            self.tr("Time left"),
            self.tr("Lead"),
        ]

    # ---------------------------------------------------------------- feeding
    def set_groups(self, groups: list[_Group]) -> bool:
        """Replace the data (already filtered and sorted by the query); returns True when
        the rows' structure changed (a reset), else announces only the rows that differ."""
        old_shape = [(g.id, [t["id"] for t in g.tasks]) for g in self._groups]
        new_shape = [(g.id, [t["id"] for t in g.tasks]) for g in groups]
        self._rows = {}
        self._static_before, self._static = self._static, {}
        if old_shape != new_shape:
            self.beginResetModel()
            self._groups = groups
            self.endResetModel()
            return True
        changed = [
            row for row, (old, new) in enumerate(zip(self._groups, groups)) if _signature(old) != _signature(new)
        ]
        self._groups = groups
        self._announce(changed)
        return False

    def _announce(self, rows, roles=()) -> None:
        """dataChanged for the incident rows `rows` and their tasks.

        One emit per incident is what the view pays for (it walks the range back through
        index()/parent()/flags()), so callers name only the incidents that need it.
        """
        last = COLUMN_COUNT - 1
        rows = [r for r in rows if 0 <= r < len(self._groups)]
        if not rows:
            return
        self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), last), list(roles))
        for row in rows:
            n = len(self._groups[row].tasks)
            if n:
                parent = self.index(row, 0)
                self.dataChanged.emit(self.index(0, 0, parent), self.index(n - 1, last, parent), list(roles))

    def clock_ticked(self, rows=None) -> None:
        """The time passed: the clock columns (and the overdue wash) changed, nothing else.

        `rows` are the incident rows on screen (None: all). Rows scrolled out of view need no
        signal: their cells are computed from the clock when they are painted again.
        """
        roles = [
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.BackgroundRole,
            CLOCK_STATE_ROLE,
        ]
        self._announce(range(len(self._groups)) if rows is None else rows, roles)

    # -------------------------------------------------------------- lookups
    def groups(self) -> list[_Group]:
        return list(self._groups)

    def index_of(self, item_id: str) -> QModelIndex:
        """The index of an incident or task id (invalid when not shown)."""
        for row, g in enumerate(self._groups):
            if g.id == item_id:
                return self.index(row, 0)
            for trow, t in enumerate(g.tasks):
                if t["id"] == item_id:
                    return self.index(trow, 0, self.index(row, 0))
        return QModelIndex()

    def _item(self, index: QModelIndex) -> tuple[_Group, dict | None]:
        pid = index.internalId()
        if pid == 0:
            return self._groups[index.row()], None
        group = self._groups[pid - 1]
        return group, group.tasks[index.row()]

    # ------------------------------------------------------ QAbstractItemModel
    def index(self, row: int, column: int, parent: QModelIndex = QModelIndex()) -> QModelIndex:
        if column < 0 or column >= COLUMN_COUNT or row < 0:
            return QModelIndex()
        if not parent.isValid():
            if row >= len(self._groups):
                return QModelIndex()
            return self.createIndex(row, column, 0)
        if parent.internalId() != 0 or parent.row() >= len(self._groups):
            return QModelIndex()
        if row >= len(self._groups[parent.row()].tasks):
            return QModelIndex()
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: QModelIndex | None = None):  # noqa: D401 - Qt override
        if index is None:  # QObject.parent()
            return QObject.parent(self)
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() == 0 and parent.column() == 0 and parent.row() < len(self._groups):
            return len(self._groups[parent.row()].tasks)
        return 0

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return COLUMN_COUNT

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _FLAGS

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        # a view asks every cell for roles this model never answers (alignment, check state,
        # size hint...): those go back at once, before any lookup
        if role not in _ANSWERED_ROLES or not index.isValid():
            return None
        return self._cells(index.internalId(), index.row())[index.column()].get(role)

    def multiData(self, index: QModelIndex, roleDataSpan) -> None:  # noqa: N803 - Qt override
        """All the roles a delegate paints a cell with, in one call (Qt asks 7 per cell)."""
        if not index.isValid():
            return
        cell = self._cells(index.internalId(), index.row())[index.column()]
        for role_data in roleDataSpan:
            value = cell.get(role_data.role())
            if value is not None:
                role_data.setData(value)

    # ------------------------------------------------------ display cache
    def _cells(self, pid: int, row: int) -> list[dict]:
        """The row's cells, one {role: value} per column, as of now.

        Computed once per row and clock reading, from the same _incident_data/_task_data a
        lookup without the cache would use; the clock-free part once per content."""
        now = self._clock.now_ms()
        entry = self._rows.get((pid, row))
        if entry is not None and entry[0] == now:
            return entry[1]
        if pid == 0:
            group, task = self._groups[row], None
        else:
            group = self._groups[pid - 1]
            task = group.tasks[row]
        key = _row_key(group, task)
        static = self._static.get(key)
        if static is None:
            static = self._static_before.get(key) or self._static_cells(group, task)
            self._static[key] = static
        cells = [dict(c) for c in static]
        self._add_clock_cells(group, task, cells)
        self._rows[(pid, row)] = (now, cells)
        return cells

    def _cell(self, group: _Group, task: dict | None, column: int, role: int):
        if task is None:
            return self._incident_data(group, column, role)
        return self._task_data(group, task, column, role)

    def _static_cells(self, group: _Group, task: dict | None) -> list[dict]:
        cells = []
        for column in range(COLUMN_COUNT):
            roles = _STATIC_ROLES
            if column == COL_TIME_LEFT:
                roles = tuple(r for r in roles if r not in _CLOCK_TIME_ROLES)
            cell = {}
            for role in roles:
                value = self._cell(group, task, column, role)
                if value is not None:
                    cell[role] = value
            cells.append(cell)
        return cells

    def _add_clock_cells(self, group: _Group, task: dict | None, cells: list[dict]) -> None:
        for role in _CLOCK_ROLES:  # the same in every column
            value = self._cell(group, task, COL_TITLE, role)
            for cell in cells:
                cell[role] = value
        cell = cells[COL_TIME_LEFT]
        for role in _CLOCK_TIME_ROLES:
            cell[role] = self._cell(group, task, COL_TIME_LEFT, role)

    # ---------------------------------------------------------------- cells
    def _incident_data(self, group: _Group, column: int, role: int):
        inc = group.incident
        if role == ID_ROLE or role == INCIDENT_ID_ROLE:
            return inc["id"]
        if role == KIND_ROLE:
            return "incident"
        if role == SEVERITY_ROLE:
            return inc.get("severity")
        if role == CLOCK_STATE_ROLE:
            return "awaiting_dispatch" if group.awaiting else self._worst_state(group)
        if role == Qt.ItemDataRole.FontRole:
            return _bold_font()
        if role == Qt.ItemDataRole.DecorationRole and column == COL_TITLE:
            return _colour(labels.severity_colour(inc.get("severity")))
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == COL_STATUS and group.awaiting:
                return _brush(CLOCK_COLOURS["awaiting_dispatch"])
            if column == COL_TIME_LEFT and not group.awaiting:
                return _brush(CLOCK_COLOURS[self._worst_state(group)])
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_TITLE:
                return f"{labels.severity(inc.get('severity'))}\n{inc.get('title', '')}"
            return None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == COL_TITLE:
            return inc.get("title", "")
        if column == COL_ORG_UNIT:
            unit = self._catalog.org_units.get(inc.get("org_unit") or "")
            return labels.name(unit) if unit else (inc.get("org_unit") or "")
        if column == COL_STATUS:
            if group.awaiting:
                return labels.other("awaiting_dispatch")
            return labels.incident_status(inc.get("status"))
        if column == COL_TIME_LEFT:
            if group.awaiting:
                waited = self._clock.now_ms() - (inc.get("reported_ms") or self._clock.now_ms())
                return self.tr("Waiting {t}").format(t=labels.format_duration(max(waited, 0)))
            task = self._most_urgent(group)
            return self._time_text(task) if task else ""
        if column == COL_LEAD:
            return self.tr("%n task(s)", "", len(group.tasks)) if group.tasks else ""
        return None

    def _task_data(self, group: _Group, task: dict, column: int, role: int):
        if role == ID_ROLE:
            return task["id"]
        if role == INCIDENT_ID_ROLE:
            return group.id
        if role == KIND_ROLE:
            return "task"
        if role == SEVERITY_ROLE:
            return group.incident.get("severity")
        state = sla.clock_state(task, self._clock.now_ms()) if role in (
            CLOCK_STATE_ROLE,
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.BackgroundRole,
            Qt.ItemDataRole.DisplayRole,
        ) else None
        if role == CLOCK_STATE_ROLE:
            return state
        if role == Qt.ItemDataRole.BackgroundRole:
            return _brush(OVERDUE_BACKGROUND) if state in OVERDUE_STATES else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == COL_TIME_LEFT:
                return _brush(CLOCK_COLOURS.get(state, COLOUR_HEX["stale"]))
            return None
        if role == Qt.ItemDataRole.DecorationRole and column == COL_TITLE:
            dept = self._catalog.departments.get(task["department"])
            return _colour(dept.colour) if dept else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_TITLE:
                dept = self._catalog.departments.get(task["department"])
                return labels.other_name(dept) if dept else task["department"]
            if column == COL_ORG_UNIT:
                unit = self._catalog.org_units.get(task["org_unit"])
                return labels.other_name(unit) if unit else None
            if column == COL_TIME_LEFT:  # both clocks run from dispatch: say both deadlines
                state = state or sla.clock_state(task, self._clock.now_ms())
                finish_by = task.get("extension_until_ms") or task["finish_by_ms"]
                return self.tr("{state}\nSign for by {accept} · finish by {finish}").format(
                    state=labels.clock_state(state), accept=_hhmm(task["accept_by_ms"]), finish=_hhmm(finish_by))
            if column == COL_STATUS and task.get("return_reason"):
                return labels.return_reason(task["return_reason"])
            return None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == COL_TITLE:
            dept = self._catalog.departments.get(task["department"])
            return labels.name(dept) if dept else task["department"]
        if column == COL_ORG_UNIT:
            unit = self._catalog.org_units.get(task["org_unit"])
            name = labels.name(unit) if unit else task["org_unit"]
            return self.tr("{name} ({level})").format(name=name, level=labels.org_level(task.get("level")))
        if column == COL_STATUS:
            text = labels.task_status(task["status"])
            escalations = task.get("escalations") or 0
            if escalations:
                text = self.tr("{status}, escalated {n}x").format(status=text, n=escalations)
            return text
        if column == COL_TIME_LEFT:
            return self._time_text(task, state)
        if column == COL_LEAD:
            return self.tr("Lead") if task.get("lead") else ""
        return None

    def _time_text(self, task: dict, state: str | None = None) -> str:
        now = self._clock.now_ms()
        state = state or sla.clock_state(task, now)
        left = sla.time_left_ms(task, now)
        if state in OVERDUE_STATES:
            # which deadline was missed is in the status (dispatched = not signed for in time)
            # and the tool tip; the cell stays short enough for the column
            return self.tr("Overdue {t}").format(t=labels.format_duration(-left))
        return labels.format_duration(left)

    def _most_urgent(self, group: _Group) -> dict | None:
        now = self._clock.now_ms()
        return min(group.tasks, key=lambda t: sla.time_left_ms(t, now), default=None)

    def _worst_state(self, group: _Group) -> str:
        now = self._clock.now_ms()
        order = {"accept_overdue": 0, "overdue": 1, "warning": 2, "ok": 3, "done": 4}
        states = [sla.clock_state(t, now) for t in group.tasks]
        return min(states, key=lambda s: order.get(s, 5), default="done")


class LinkageBoard(ObservesHooks, QWidget):
    """The board view. Observes the store through hooks; writes nothing.

    Three modes over one task list: the incidents tree alone, the department x status matrix
    above it, the org-level drill-down above it. A click in the matrix or the drill-down
    filters the list. The list is the most urgent `limit` open tasks that match (one indexed
    query, store/board.py); how many more match is said next to it, and "Show more" pages on.
    """

    incident_selected = Signal(str)

    def __init__(
        self,
        catalog: Catalog,
        store,
        hooks: Hooks,
        clock,
        parent: QWidget | None = None,
        *,
        limit: int = PAGE_SIZE,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("linkageBoard")
        self._catalog = catalog
        self._store = store
        self._hooks = hooks
        self._clock = clock
        self._page_size = limit
        self._limit = limit
        self._refresh_pending: dict[str, set[str]] | None = None  # what the commits in a throttle period touched
        self._stale = False
        self._collapsed: set[str] = set()
        self._seat: str | None = None
        self._status: str | None = None  # picked in the matrix ("overdue" = overdue only)
        self._matrix_department: str | None = None
        self._org_unit: str | None = None  # picked in the drill-down
        self._page = qb.Page([], 0)
        self._awaiting: list[_Group] = []  # the incidents awaiting dispatch, as last queried
        self._rest_stale = False  # the count of the rest ("N more") waits for the counts timer
        self._kpis_stale = True

        self.model = BoardModel(catalog, clock, self)
        self.model.setObjectName("linkageBoardModel")

        self.mode_bar = QTabBar(self)
        self.mode_bar.setObjectName("linkageBoardMode")
        for text in (self.tr("Incidents"), self.tr("Departments × status"), self.tr("Org levels")):
            self.mode_bar.addTab(text)

        self.department_combo = QComboBox(self)
        self.department_combo.setObjectName("linkageBoardDepartment")
        self.department_combo.addItem(self.tr("All departments"), None)
        for dept in catalog.departments.values():
            self.department_combo.addItem(labels.name(dept), dept.code)
            self.department_combo.setItemData(
                self.department_combo.count() - 1, labels.other_name(dept), Qt.ItemDataRole.ToolTipRole
            )
        self.category_combo = QComboBox(self)
        self.category_combo.setObjectName("linkageBoardCategory")
        self.category_combo.addItem(self.tr("All categories"), None)
        for cat in CATEGORIES:
            self.category_combo.addItem(self._category_text(cat), cat)
            for et in catalog.event_types.values():
                if et.category == cat:
                    self.category_combo.addItem("    " + labels.name(et), et.code)
        self.severity_combo = QComboBox(self)
        self.severity_combo.setObjectName("linkageBoardSeverity")
        self.severity_combo.addItem(self.tr("All severities"), None)
        for sev in Severity:
            self.severity_combo.addItem(labels.severity(sev.info.code), sev.info.code)
        self.level_combo = QComboBox(self)
        self.level_combo.setObjectName("linkageBoardLevel")
        self.level_combo.addItem(self.tr("All levels"), None)
        for level in OrgLevel:
            self.level_combo.addItem(labels.org_level(level.code), level.code)
        self.overdue_check = QCheckBox(self.tr("Overdue only"), self)
        self.overdue_check.setObjectName("linkageBoardOverdueOnly")
        self.my_tasks_check = QCheckBox(self.tr("My tasks"), self)
        self.my_tasks_check.setObjectName("linkageBoardMyTasks")
        self.my_tasks_check.setVisible(False)
        self.pick_label = QLabel(self)
        self.pick_label.setObjectName("linkageBoardPick")
        self.pick_label.setTextFormat(Qt.TextFormat.PlainText)
        self.clear_pick_button = QPushButton(self.tr("Clear"), self)
        self.clear_pick_button.setObjectName("linkageBoardClearPick")
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("linkageBoardSummary")
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.more_button = QPushButton(self.tr("Show more"), self)
        self.more_button.setObjectName("linkageBoardMore")

        self.kpis = KpiStrip(self)
        self.matrix = DepartmentMatrix(catalog, self)
        self.drill = OrgDrillDown(catalog, self)
        self.summary_stack = QStackedWidget(self)
        self.summary_stack.setObjectName("linkageBoardSummaryViews")
        self.summary_stack.addWidget(QWidget(self))
        self.summary_stack.addWidget(self.matrix)
        self.summary_stack.addWidget(self.drill)
        self.summary_stack.setVisible(False)

        self.view = QTreeView(self)
        self.view.setObjectName("linkageBoardView")
        self.view.setModel(self.model)
        self.view.setUniformRowHeights(True)  # lets the view skip measuring thousands of rows
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAllColumnsShowFocus(True)
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        # fixed starting widths, resizable by hand: ResizeToContents measures every row on
        # every dataChanged, which turns the 1 s clock tick quadratic on a full board
        em = self.fontMetrics().horizontalAdvance("M")
        for col, ems in ((COL_ORG_UNIT, 16), (COL_STATUS, 12), (COL_TIME_LEFT, 12), (COL_LEAD, 7)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, ems * em)

        # everything in the bars may shrink: the board shares a wall with other docks, and its
        # minimum width must not push the window past a 1280-pixel screen
        for combo in (self.department_combo, self.category_combo, self.severity_combo, self.level_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        for label in (self.summary_label, self.pick_label):
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.kpis.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        top = QHBoxLayout()  # the view switch, then the KPIs on a row of their own: they need the width
        top.addWidget(self.mode_bar)
        top.addStretch(1)
        filters = QHBoxLayout()
        department_caption = QLabel(self.tr("Department"), self)
        department_caption.setTextFormat(Qt.TextFormat.PlainText)
        filters.addWidget(department_caption)
        for widget in (self.department_combo, self.my_tasks_check, self.category_combo, self.severity_combo,
                       self.level_combo, self.overdue_check, self.pick_label, self.clear_pick_button):
            filters.addWidget(widget)
        filters.addWidget(self.summary_label, 1)
        filters.addWidget(self.more_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.kpis)
        layout.addLayout(filters)
        layout.addWidget(self.summary_stack, 2)
        layout.addWidget(self.view, 3)

        self._throttle = QTimer(self)
        self._throttle.setObjectName("linkageBoardThrottle")
        self._throttle.setSingleShot(True)
        self._throttle.setInterval(REFRESH_INTERVAL_MS)
        self._throttle.timeout.connect(self._on_throttle_timeout)
        self.clock_timer = QTimer(self)
        self.clock_timer.setObjectName("linkageBoardClockTimer")
        self.clock_timer.setInterval(CLOCK_INTERVAL_MS)
        self.clock_timer.timeout.connect(self._on_clock_timer_timeout)
        # counts over the whole table cost more than a page: after commits, at most this often
        self._counts_timer = QTimer(self)
        self._counts_timer.setObjectName("linkageBoardCountsTimer")
        self._counts_timer.setSingleShot(True)
        self._counts_timer.setInterval(COUNTS_INTERVAL_MS)
        self._counts_timer.timeout.connect(self._on_counts_timer_timeout)

        self.mode_bar.currentChanged.connect(self._on_mode_bar_changed)
        for combo in (self.department_combo, self.category_combo, self.severity_combo, self.level_combo):
            combo.currentIndexChanged.connect(self._on_filter_changed)
        self.overdue_check.toggled.connect(self._on_filter_changed)
        self.my_tasks_check.toggled.connect(self._on_filter_changed)
        self.clear_pick_button.clicked.connect(self._on_clear_pick_button_clicked)
        self.more_button.clicked.connect(self._on_more_button_clicked)
        self.matrix.cell_picked.connect(self._on_matrix_cell_picked)
        self.drill.unit_picked.connect(self._on_drill_unit_picked)
        self.view.clicked.connect(self._on_view_activated)
        self.view.activated.connect(self._on_view_activated)
        self.view.collapsed.connect(self._on_view_collapsed)
        self.view.expanded.connect(self._on_view_expanded)

        self._update_pick()
        self.refresh()
        self.setup_hooks()

    # ------------------------------------------------------------------ hooks
    def _subscriptions(self) -> list:
        return [
            (self._hooks.changes_did_commit, self._on_store_committed),
        ]

    def _on_teardown(self) -> None:
        self._throttle.stop()
        self.clock_timer.stop()
        self._counts_timer.stop()

    def _on_store_committed(self, changes: ChangeSet) -> None:
        if not (changes.touches("task") or changes.touches("incident")):
            return
        self._kpis_stale = True
        if not self.isVisible():
            self._stale = True  # a hidden board defers its refresh to showEvent
            return
        if not self._counts_timer.isActive():
            self._counts_timer.start()
        if self._throttle.isActive():
            pending = self._refresh_pending if self._refresh_pending is not None else {}
            for kind, ids in changes.entities.items():
                pending.setdefault(kind, set()).update(ids)
            self._refresh_pending = pending
            return
        self.refresh_tasks(changes)
        self._throttle.start()

    def _on_throttle_timeout(self) -> None:
        if self._refresh_pending is not None:
            pending, self._refresh_pending = self._refresh_pending, None
            self.refresh_tasks(ChangeSet({k: frozenset(v) for k, v in pending.items()}))
            self._throttle.start()

    def _on_counts_timer_timeout(self) -> None:
        if self._kpis_stale:
            self.refresh_counts()

    # --------------------------------------------------------------- public API
    def refresh(self) -> None:
        """Re-query everything shown: the task list, the KPI strip and the summary view."""
        self.refresh_tasks()
        self.refresh_counts()

    def refresh_tasks(self, changes: ChangeSet | None = None) -> None:
        """Re-query the page of open tasks and the incidents awaiting dispatch (the hot path:
        index walks bounded by the page size).

        With `changes` (what a commit touched) it does only what those changes can alter and a
        user waits for: the page itself. The count of the rest ("N more") is left to the counts
        timer, which every commit starts (at most 2 s later), and the awaiting list is
        re-queried only when an incident changed or a task was written for an incident on it
        (a dispatch takes it off). Without, everything (filters, paging, the clock)."""
        self._stale = False
        now = self._clock.now_ms()
        f = self.current_filter()
        conn = self._store.conn
        if changes is None:
            self._page = qb.open_tasks(conn, f, now, self._limit)
            self._rest_stale = False
        else:
            page = qb.open_tasks(conn, f, now, self._limit, count=False)
            if len(page.rows) >= self._limit:  # full: the rest is counted on the counts timer
                self._page = qb.Page(page.rows, max(self._page.total, len(page.rows)))
                self._rest_stale = True
            else:
                self._page = page
                self._rest_stale = False
        if changes is None or self._awaiting_may_change(changes):
            self._awaiting = self._query_awaiting(f)
        self._set_tasks(self._page)

    def _query_awaiting(self, f: qb.BoardFilter) -> list[_Group]:
        awaiting = [
            _Group({**inc, **_extra(inc.get("extra")), "title": labels.incident_title({**_extra(inc.get("extra")), **inc})},
                   awaiting=True)
            for inc in qb.awaiting_dispatch(self._store.conn, f, AWAITING_LIMIT)
        ]
        # nobody is on these yet: the most severe first, then the longest waiting
        awaiting.sort(
            key=lambda g: (_severity_rank(g.incident.get("severity")), g.incident.get("reported_ms") or 0)
        )
        return awaiting

    def _awaiting_may_change(self, changes: ChangeSet) -> bool:
        """Whether a commit can change which incidents await dispatch: an incident changed
        (reported, closed, its fields), or a task was written for one on the list (or vanished)."""
        if changes.touches("incident"):
            return True
        task_ids = changes.entities.get("task") or frozenset()
        if not task_ids or not self._awaiting:
            return False  # a task write can only take an incident off the list
        if len(task_ids) > 2000:
            return True
        incidents = qb.incidents_of_tasks(self._store.conn, task_ids)
        waiting = {g.id for g in self._awaiting}
        return len(incidents) < len(task_ids) or not waiting.isdisjoint(incidents.values())

    def _set_tasks(self, page: qb.Page) -> None:
        groups: dict[str, _Group] = {}
        for row in page.rows:
            iid = row["incident_id"]
            group = groups.get(iid)
            if group is None:
                incident = {
                    "id": iid,
                    "title": labels.incident_title({**_extra(row.get("incident_extra")), "title": row["incident_title"]}),
                    "severity": row["incident_severity"],
                    "category": row["incident_category"],
                    "status": row["incident_status"],
                    "org_unit": row["incident_org_unit"],
                    "reported_ms": row["incident_reported_ms"],
                }
                group = groups[iid] = _Group(incident)
            group.tasks.append(row)
        self._set_groups(self._awaiting + list(groups.values()))

    def refresh_counts(self) -> None:
        """The KPI strip, and the matrix or the drill-down when shown (whole-table counts)."""
        self._kpis_stale = False
        now = self._clock.now_ms()
        f = self.current_filter()
        conn = self._store.conn
        if self._rest_stale:  # a full page after commits: how many more match
            self._rest_stale = False
            self._page = qb.Page(self._page.rows, max(qb.count_open(conn, f, now), len(self._page.rows)))
            self._update_summary()
        since = now - KPI_WINDOW_MS
        self.kpis.show_kpis(qb.kpis(conn, f, now, since), self.tr("last 24 h"))
        mode = self.mode()
        if mode == "departments":
            self.matrix.show_matrix(qb.department_matrix(conn, f, now, since))
        elif mode == "org":
            self.drill.show_counts(qb.org_unit_counts(conn, self._catalog, self.drill.current, f, now))

    def current_filter(self) -> qb.BoardFilter:
        """The filters chosen in the bar, the matrix and the drill-down, as one query filter."""
        department = self.department_combo.currentData()
        if self._seat and self.my_tasks_check.isChecked():
            department = self._seat
        if self._matrix_department:
            department = self._matrix_department
        status = self._status if self._status not in (None, "overdue") else None
        return qb.BoardFilter(
            department=department,
            event_types=qb.event_types_of(self._catalog, self.category_combo.currentData()),
            severity=self.severity_combo.currentData(),
            level=self.level_combo.currentData(),
            org_units=qb.subtree(self._catalog, self._org_unit),
            statuses=(status,) if status else (),
            overdue_only=self.overdue_check.isChecked() or self._status == "overdue",
        )

    def mode(self) -> str:
        return MODES[self.mode_bar.currentIndex()]

    def set_mode(self, mode: str) -> None:
        """"incidents" (the tree alone), "departments" (matrix above it), "org" (drill-down)."""
        self.mode_bar.setCurrentIndex(MODES.index(mode))

    def set_seat(self, department: str | None) -> None:
        """The department this workstation sits for (None: the command room). A seat gets a
        "My tasks" switch, on at first, that narrows every view to its department."""
        self._seat = department
        self.my_tasks_check.blockSignals(True)
        self.my_tasks_check.setVisible(department is not None)
        self.my_tasks_check.setChecked(department is not None)
        self.my_tasks_check.blockSignals(False)
        self._on_filter_changed()

    def row_count(self) -> int:
        """Rows shown (incidents and their tasks), after the filters."""
        return sum(1 + len(g.tasks) for g in self.model.groups())

    def page_total(self) -> int:
        """Open tasks matching the filters, shown or not."""
        return self._page.total

    def set_department(self, code: str | None) -> None:
        """Show one department's tasks only, None for all."""
        i = self.department_combo.findData(code)
        self.department_combo.setCurrentIndex(max(i, 0))

    def set_overdue_only(self, on: bool) -> None:
        self.overdue_check.setChecked(on)

    def select_incident(self, incident_id: str) -> bool:
        """Highlight an incident chosen elsewhere (e.g. on the map) without re-emitting."""
        index = self.model.index_of(incident_id)
        if not index.isValid():
            return False
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        return True

    # ------------------------------------------------------------- internals
    def _category_text(self, code: str) -> str:
        return {
            "natural": self.tr("Natural disasters"),
            "accident": self.tr("Accidents"),
            "health": self.tr("Public health"),
            "social": self.tr("Social safety"),
        }[code]

    def _set_groups(self, groups: list[_Group]) -> None:
        self._with_view_state(lambda: self.model.set_groups(groups))

    def _with_view_state(self, change) -> None:
        """Apply a model change; after a reset, put back what the user had open and selected."""
        current = self.view.currentIndex()
        current_id = current.data(ID_ROLE) if current.isValid() else None
        reset = change()
        if reset:
            self.view.expandAll()
            for row, group in enumerate(self.model.groups()):
                if group.id in self._collapsed:
                    self.view.collapse(self.model.index(row, 0))
            if current_id:
                index = self.model.index_of(current_id)
                if index.isValid():
                    self.view.setCurrentIndex(index)
        self._update_summary()

    def _update_summary(self) -> None:
        groups = self.model.groups()
        tasks = sum(len(g.tasks) for g in groups)
        waiting = sum(1 for g in groups if g.awaiting)
        text = self.tr("{incidents} incidents, {tasks} open tasks, {waiting} awaiting dispatch").format(
            incidents=len(groups), tasks=tasks, waiting=waiting
        )
        more = self._page.more
        if more:
            text += self.tr(" — {more} more not shown (most urgent first)").format(more=more)
        self.summary_label.setText(text)
        self.more_button.setVisible(more > 0)

    def _update_pick(self) -> None:
        """Say what the matrix or the drill-down narrowed the list to."""
        parts = []
        if self._matrix_department:
            dept = self._catalog.departments.get(self._matrix_department)
            parts.append(labels.name(dept) if dept else self._matrix_department)
        if self._status:
            parts.append(self.tr("Overdue") if self._status == "overdue" else labels.task_status(self._status))
        if self._org_unit:
            unit = self._catalog.org_units.get(self._org_unit)
            parts.append(labels.name(unit) if unit else self._org_unit)
        self.pick_label.setText(self.tr("Showing: {what}").format(what=" · ".join(parts)) if parts else "")
        self.pick_label.setVisible(bool(parts))
        self.clear_pick_button.setVisible(bool(parts))

    def _on_filter_changed(self, *_args) -> None:
        self._limit = self._page_size
        self.refresh()

    def _on_mode_bar_changed(self, index: int) -> None:
        self.summary_stack.setCurrentIndex(index)
        self.summary_stack.setVisible(index != 0)
        self.refresh_counts()

    def _on_matrix_cell_picked(self, department: str, status: str) -> None:
        self._matrix_department = department
        self._status = status if status in qb.OPEN_STATUSES or status == "overdue" else None
        self._update_pick()
        self._on_filter_changed()

    def _on_drill_unit_picked(self, code) -> None:
        self._org_unit = code
        self._update_pick()
        self._on_filter_changed()

    def _on_clear_pick_button_clicked(self) -> None:
        self._matrix_department = self._status = None
        if self._org_unit:
            self.drill.drill_to(None)  # emits: the org filter goes with it
        self._org_unit = None
        self._update_pick()
        self._on_filter_changed()

    def _on_more_button_clicked(self) -> None:
        self._limit += self._page_size
        self.refresh_tasks()

    def _on_clock_timer_timeout(self) -> None:
        if self.current_filter().overdue_only:
            # rows enter the filter as deadlines pass: one bounded page query a second
            self.refresh_tasks()
        self.model.clock_ticked(self._visible_incident_rows())

    def _visible_incident_rows(self) -> range:
        """The incident rows (top level) that have a row on screen."""
        count = self.model.rowCount()
        if not count:
            return range(0)
        viewport = self.view.viewport()
        first = self.view.indexAt(viewport.rect().topLeft())
        last = self.view.indexAt(viewport.rect().bottomLeft())

        def top_row(index: QModelIndex, default: int) -> int:
            if not index.isValid():
                return default
            return index.parent().row() if index.parent().isValid() else index.row()

        return range(top_row(first, 0), top_row(last, count - 1) + 1)

    def _on_view_activated(self, index: QModelIndex) -> None:
        incident_id = index.data(INCIDENT_ID_ROLE)
        if incident_id:
            self.incident_selected.emit(incident_id)

    def _on_view_collapsed(self, index: QModelIndex) -> None:
        if index.data(KIND_ROLE) == "incident":
            self._collapsed.add(index.data(ID_ROLE))

    def _on_view_expanded(self, index: QModelIndex) -> None:
        self._collapsed.discard(index.data(ID_ROLE))

    # ---------------------------------------------------------- visibility
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()
        else:
            self.model.clock_ticked()  # time passed while hidden
        self.clock_timer.start()

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self.clock_timer.stop()


def _extra(raw) -> dict:
    """The incident's `extra` JSON (e.g. title_en), {} when absent or unreadable."""
    if not raw:
        return {}
    if isinstance(raw, dict):
        return raw
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
