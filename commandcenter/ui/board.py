"""The linkage board (联动看板): every open task, grouped by incident, with its SLA clock.

Thousands of rows on a wall screen, refreshed while people work: a custom two-level item
model whose cells are computed when painted, so the 1 s clock tick only announces that the
clock columns changed (no query, no item objects), and a commit re-queries at most 4 times a
second. Incidents nobody has been dispatched to yet are listed first, marked "awaiting
dispatch", so a new report is never invisible on the board.
"""
from __future__ import annotations

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
    QHeaderView,
    QLabel,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from commandcenter.domain import sla
from commandcenter.domain.catalog import Catalog
from commandcenter.domain.hooks import ChangeSet, Hooks
from commandcenter.domain.levels import COLOUR_HEX, Severity
from commandcenter.ui import labels
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

_OPEN_INCIDENTS_WITHOUT_TASKS = (
    "SELECT * FROM incidents i WHERE i.status NOT IN ('closed','cancelled') "
    "AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.incident_id = i.id) "
    "ORDER BY i.reported_ms LIMIT ?"
)
_INCIDENTS_WITH_OPEN_TASKS = (
    "SELECT id, org_unit, reported_ms, extra FROM incidents WHERE id IN (SELECT incident_id FROM tasks "
    "WHERE status IN ('dispatched','returned','accepted','in_progress','feedback'))"
)


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


def _severity_rank(code: str | None) -> int:
    try:
        return Severity.parse(code).info.rank if code else 9
    except KeyError:
        return 9


class BoardModel(QAbstractItemModel):
    """Incidents at the top level, their open tasks as children.

    Index internalId encodes the parent: 0 for an incident row, incident row + 1 for a task.
    """

    def __init__(self, catalog: Catalog, clock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self._clock = clock
        self._all: list[_Group] = []
        self._groups: list[_Group] = []
        self._department: str | None = None
        self._overdue_only = False
        self._headers = [
            self.tr("Incident / department"),
            self.tr("Org unit"),
            self.tr("Status"),
            self.tr("Time left"),
            self.tr("Lead"),
        ]

    # ---------------------------------------------------------------- feeding
    def set_groups(self, groups: list[_Group]) -> bool:
        """Replace the data; returns True when the rows' structure changed (a reset)."""
        self._all = groups
        return self._apply_filter()

    def set_filter(self, department: str | None, overdue_only: bool) -> bool:
        self._department = department
        self._overdue_only = overdue_only
        return self._apply_filter()

    def refilter(self) -> bool:
        """Re-evaluate the clock-dependent filter (overdue only) without new data."""
        return self._apply_filter()

    def _apply_filter(self) -> bool:
        now = self._clock.now_ms()
        groups: list[_Group] = []
        for g in self._all:
            if g.awaiting:
                if self._department is None and not self._overdue_only:
                    groups.append(g)
                continue
            tasks = [
                t
                for t in g.tasks
                if (self._department is None or t["department"] == self._department)
                and (not self._overdue_only or sla.clock_state(t, now) in OVERDUE_STATES)
            ]
            if tasks:
                groups.append(_Group(g.incident, tasks))
        old_shape = [(g.id, [t["id"] for t in g.tasks]) for g in self._groups]
        new_shape = [(g.id, [t["id"] for t in g.tasks]) for g in groups]
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
    @property
    def department(self) -> str | None:
        return self._department

    @property
    def overdue_only(self) -> bool:
        return self._overdue_only

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
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        group, task = self._item(index)
        if task is None:
            return self._incident_data(group, index.column(), role)
        return self._task_data(group, task, index.column(), role)

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
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.DecorationRole and column == COL_TITLE:
            return QColor(labels.severity_colour(inc.get("severity")))
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == COL_STATUS and group.awaiting:
                return QBrush(QColor(CLOCK_COLOURS["awaiting_dispatch"]))
            if column == COL_TIME_LEFT and not group.awaiting:
                return QBrush(QColor(CLOCK_COLOURS[self._worst_state(group)]))
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
            return QBrush(QColor(OVERDUE_BACKGROUND)) if state in OVERDUE_STATES else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == COL_TIME_LEFT:
                return QBrush(QColor(CLOCK_COLOURS.get(state, COLOUR_HEX["stale"])))
            return None
        if role == Qt.ItemDataRole.DecorationRole and column == COL_TITLE:
            dept = self._catalog.departments.get(task["department"])
            return QColor(dept.colour) if dept else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_TITLE:
                dept = self._catalog.departments.get(task["department"])
                return labels.other_name(dept) if dept else task["department"]
            if column == COL_ORG_UNIT:
                unit = self._catalog.org_units.get(task["org_unit"])
                return labels.other_name(unit) if unit else None
            if column == COL_TIME_LEFT:
                return labels.clock_state(state or sla.clock_state(task, self._clock.now_ms()))
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
    """The board view. Observes the store through hooks; writes nothing."""

    incident_selected = Signal(str)

    def __init__(
        self,
        catalog: Catalog,
        store,
        hooks: Hooks,
        clock,
        parent: QWidget | None = None,
        *,
        limit: int = 2000,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("linkageBoard")
        self._catalog = catalog
        self._store = store
        self._hooks = hooks
        self._clock = clock
        self._limit = limit
        self._refresh_pending = False
        self._stale = False
        self._collapsed: set[str] = set()

        self.model = BoardModel(catalog, clock, self)
        self.model.setObjectName("linkageBoardModel")

        self.department_combo = QComboBox(self)
        self.department_combo.setObjectName("linkageBoardDepartment")
        self.department_combo.addItem(self.tr("All departments"), None)
        for dept in catalog.departments.values():
            self.department_combo.addItem(labels.name(dept), dept.code)
            self.department_combo.setItemData(
                self.department_combo.count() - 1, labels.other_name(dept), Qt.ItemDataRole.ToolTipRole
            )
        self.overdue_check = QCheckBox(self.tr("Overdue only"), self)
        self.overdue_check.setObjectName("linkageBoardOverdueOnly")
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("linkageBoardSummary")
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)

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

        filters = QHBoxLayout()
        department_caption = QLabel(self.tr("Department"), self)
        department_caption.setTextFormat(Qt.TextFormat.PlainText)
        filters.addWidget(department_caption)
        filters.addWidget(self.department_combo)
        filters.addWidget(self.overdue_check)
        filters.addStretch(1)
        filters.addWidget(self.summary_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)

        self._throttle = QTimer(self)
        self._throttle.setObjectName("linkageBoardThrottle")
        self._throttle.setSingleShot(True)
        self._throttle.setInterval(REFRESH_INTERVAL_MS)
        self._throttle.timeout.connect(self._on_throttle_timeout)
        self.clock_timer = QTimer(self)
        self.clock_timer.setObjectName("linkageBoardClockTimer")
        self.clock_timer.setInterval(CLOCK_INTERVAL_MS)
        self.clock_timer.timeout.connect(self._on_clock_timer_timeout)

        self.department_combo.currentIndexChanged.connect(self._on_department_combo_changed)
        self.overdue_check.toggled.connect(self._on_overdue_check_toggled)
        self.view.clicked.connect(self._on_view_activated)
        self.view.activated.connect(self._on_view_activated)
        self.view.collapsed.connect(self._on_view_collapsed)
        self.view.expanded.connect(self._on_view_expanded)

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

    def _on_store_committed(self, changes: ChangeSet) -> None:
        if not (changes.touches("task") or changes.touches("incident")):
            return
        if not self.isVisible():
            self._stale = True  # a hidden board defers its refresh to showEvent
            return
        if self._throttle.isActive():
            self._refresh_pending = True
            return
        self.refresh()
        self._throttle.start()

    def _on_throttle_timeout(self) -> None:
        if self._refresh_pending:
            self._refresh_pending = False
            self.refresh()
            self._throttle.start()

    # --------------------------------------------------------------- public API
    def refresh(self) -> None:
        """Re-query the open tasks and the incidents awaiting dispatch."""
        self._stale = False
        rows = self._store.board_rows(self._limit)
        incidents = {r["id"]: r for r in self._store.query(_INCIDENTS_WITH_OPEN_TASKS)}
        groups: dict[str, _Group] = {}
        for row in rows:
            iid = row["incident_id"]
            group = groups.get(iid)
            if group is None:
                extra = incidents.get(iid, {})
                incident = {
                    "id": iid,
                    "title": labels.incident_title({**extra, "title": row["incident_title"]}),
                    "severity": row["incident_severity"],
                    "category": row["incident_category"],
                    "status": row["incident_status"],
                    "org_unit": extra.get("org_unit"),
                    "reported_ms": extra.get("reported_ms"),
                }
                group = groups[iid] = _Group(incident)
            group.tasks.append(row)
        awaiting = [
            _Group({**inc, "title": labels.incident_title(inc)}, awaiting=True)
            for inc in self._store.query(_OPEN_INCIDENTS_WITHOUT_TASKS, (self._limit,))
        ]
        # nobody is on these yet: the most severe first, then the longest waiting
        awaiting.sort(
            key=lambda g: (_severity_rank(g.incident.get("severity")), g.incident.get("reported_ms") or 0)
        )
        self._set_groups(awaiting + list(groups.values()))

    def row_count(self) -> int:
        """Rows shown (incidents and their tasks), after the filters."""
        return sum(1 + len(g.tasks) for g in self.model.groups())

    def set_department(self, code: str | None) -> None:
        """Show one department's tasks only (a department seat's "my tasks"), None for all."""
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
        self.summary_label.setText(
            self.tr("{incidents} incidents, {tasks} open tasks, {waiting} awaiting dispatch").format(
                incidents=len(groups), tasks=tasks, waiting=waiting
            )
        )

    def _on_clock_timer_timeout(self) -> None:
        if self.model.overdue_only:
            # rows enter and leave the filter as deadlines pass
            self._with_view_state(self.model.refilter)
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

    def _on_department_combo_changed(self, _index: int) -> None:
        self._with_view_state(
            lambda: self.model.set_filter(self.department_combo.currentData(), self.overdue_check.isChecked())
        )

    def _on_overdue_check_toggled(self, checked: bool) -> None:
        self._with_view_state(lambda: self.model.set_filter(self.department_combo.currentData(), checked))

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
