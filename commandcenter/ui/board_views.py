"""The linkage board's summary views: the KPI strip, departments x status, the org drill-down.

Small fixed-size tables (12 departments x 8 rows, a few dozen org units), so plain
QTableWidgets: they are rebuilt from one counts query and emit what the user picked; the
board turns a pick into a filter of its task list.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from commandcenter.domain.catalog import Catalog
from commandcenter.domain.levels import COLOUR_HEX
from commandcenter.store.board import TASK_STATUSES, Kpis, Matrix, UnitCount
from commandcenter.ui import labels

CODE_ROLE = Qt.ItemDataRole.UserRole + 11  # (department, status) of a matrix cell; an org unit code
MATRIX_ROWS = (*TASK_STATUSES, "overdue")
KPI_KEYS = ("open", "overdue", "response", "resolution", "on_time", "satisfaction")


def _big(widget: QWidget, scale: float = 1.25, bold: bool = False) -> None:
    """Readable from the back of the room: larger than the dock's body text."""
    font = QFont(widget.font())
    font.setPointSizeF(max(font.pointSizeF(), 9.0) * scale)
    font.setBold(bold)
    widget.setFont(font)


def percent(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate * 100:.1f}%"


class KpiStrip(QWidget):
    """Open and overdue counts and the three (four) rates, one large label each."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("linkageBoardKpis")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.labels: dict[str, QLabel] = {}
        for key in KPI_KEYS:
            label = QLabel(self)
            label.setObjectName(f"linkageBoardKpi_{key}")
            label.setTextFormat(Qt.TextFormat.PlainText)
            _big(label, 1.3, bold=True)
            layout.addWidget(label)
            self.labels[key] = label
        layout.addStretch(1)
        self.window_label = QLabel(self)
        self.window_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.window_label)

    def show_kpis(self, k: Kpis, window_text: str) -> None:
        na = self.tr("n/a")
        rate = lambda r: na if r is None else f"{r * 100:.1f}%"  # noqa: E731
        self.labels["open"].setText(self.tr("Open {n}").format(n=k.open))
        self.labels["overdue"].setText(self.tr("Overdue {n}").format(n=k.overdue))
        self.labels["overdue"].setStyleSheet(f"color: {COLOUR_HEX['red']}" if k.overdue else "")
        self.labels["response"].setText(self.tr("Response {r}").format(r=rate(k.response_rate)))
        self.labels["resolution"].setText(self.tr("Resolution {r}").format(r=rate(k.resolution_rate)))
        self.labels["on_time"].setText(self.tr("On time {r}").format(r=rate(k.on_time_rate)))
        self.labels["satisfaction"].setText(self.tr("Satisfaction {r}").format(r=rate(k.satisfaction_rate)))
        self.labels["response"].setToolTip(
            self.tr("{a} of {b} tasks signed for by their accept deadline").format(a=k.accepted_in_time, b=k.accept_due)
        )
        self.labels["resolution"].setToolTip(
            self.tr("{a} of {b} tasks verified or closed").format(a=k.done, b=k.dispatched)
        )
        self.labels["on_time"].setToolTip(
            self.tr("{a} of {b} finished tasks finished by their deadline or extension").format(
                a=k.finished_in_time, b=k.finished
            )
        )
        self.window_label.setText(window_text)


def _table(parent: QWidget, name: str) -> QTableWidget:
    table = QTableWidget(parent)
    table.setObjectName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    _big(table, 1.15)
    return table


def _count_item(n: int, code, colour: str | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(str(n) if n else "·")
    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
    item.setData(CODE_ROLE, code)
    if colour and n:
        item.setForeground(QColor(colour))
    return item


class DepartmentMatrix(QWidget):
    """Departments as columns, task statuses (and overdue) as rows; a click picks a cell."""

    cell_picked = Signal(str, str)  # department, status ("overdue" for the derived row)

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self.table = _table(self, "linkageBoardMatrix")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        depts = list(catalog.departments.values())
        self._departments = [d.code for d in depts]
        self.table.setColumnCount(len(depts))
        self.table.setRowCount(len(MATRIX_ROWS))
        self.table.setHorizontalHeaderLabels([labels.name(d) for d in depts])
        self.table.setVerticalHeaderLabels(
            [labels.task_status(s) if s != "overdue" else self.tr("Overdue") for s in MATRIX_ROWS]
        )
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        self.table.cellClicked.connect(self._on_table_cell_clicked)

    def show_matrix(self, m: Matrix) -> None:
        for col, dept in enumerate(self._departments):
            for row, status in enumerate(MATRIX_ROWS):
                colour = COLOUR_HEX["red"] if status == "overdue" else None
                self.table.setItem(row, col, _count_item(m.get(dept, status), (dept, status), colour))

    def cell_text(self, department: str, status: str) -> str:
        item = self.table.item(MATRIX_ROWS.index(status), self._departments.index(department))
        return item.text() if item else ""

    def cell_rect(self, department: str, status: str):
        index = self.table.model().index(MATRIX_ROWS.index(status), self._departments.index(department))
        return self.table.visualRect(index)

    def _on_table_cell_clicked(self, row: int, column: int) -> None:
        self.cell_picked.emit(self._departments[column], MATRIX_ROWS[row])


class OrgDrillDown(QWidget):
    """The org units one level under the current one with their open and overdue tasks. A
    click on a unit drills into it (and filters the task list to it); the breadcrumb goes back."""

    unit_picked = Signal(object)  # org unit code, None for the whole city

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self.path: list[str] = []  # codes from the top down to the unit shown
        self.breadcrumb = QHBoxLayout()
        self.breadcrumb.setContentsMargins(0, 0, 0, 0)
        self.table = _table(self, "linkageBoardOrgUnits")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setColumnCount(4)
        self.table.setHorizontalHeaderLabels([self.tr("Org unit"), self.tr("Level"), self.tr("Open"), self.tr("Overdue")])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.breadcrumb)
        layout.addWidget(self.table)
        self.table.cellClicked.connect(self._on_table_cell_clicked)
        self.crumbs: list[QPushButton] = []  # All › city › district ..., the last one disabled
        self._build_breadcrumb()

    @property
    def current(self) -> str | None:
        return self.path[-1] if self.path else None

    def show_counts(self, counts: list[UnitCount]) -> None:
        self.table.setRowCount(len(counts))
        for row, c in enumerate(counts):
            unit = self._catalog.org_units.get(c.code)
            name = QTableWidgetItem(labels.name(unit) if unit else c.code)
            name.setData(CODE_ROLE, c.code)
            if c.children:
                name.setText(name.text() + " ›")
            self.table.setItem(row, 0, name)
            self.table.setItem(row, 1, QTableWidgetItem(labels.org_level(unit.level.code) if unit else ""))
            self.table.setItem(row, 2, _count_item(c.open, c.code))
            self.table.setItem(row, 3, _count_item(c.overdue, c.code, COLOUR_HEX["red"]))

    def drill_to(self, code: str | None) -> None:
        """Show the units under `code` (None: the top), rebuilding the path from the catalogue."""
        path = []
        unit = self._catalog.org_units.get(code) if code else None
        while unit is not None:
            path.insert(0, unit.code)
            unit = self._catalog.org_units.get(unit.parent) if unit.parent else None
        self.path = path
        self._build_breadcrumb()
        self.unit_picked.emit(self.current)

    def row_of(self, code: str) -> int:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(CODE_ROLE) == code:
                return row
        return -1

    def _build_breadcrumb(self) -> None:
        for button in self.crumbs:
            self.breadcrumb.removeWidget(button)
            button.setObjectName("")
            button.deleteLater()
        self.crumbs = []
        for i, code in enumerate([None, *self.path]):
            unit = self._catalog.org_units.get(code) if code else None
            text = labels.name(unit) if unit else self.tr("All")
            button = QPushButton(text if i == 0 else f"› {text}", self)
            button.setFlat(True)
            button.setObjectName(f"linkageBoardCrumb{i}")
            button.setEnabled(i < len(self.path))
            button.clicked.connect(lambda _=False, c=code: self.drill_to(c))
            self.breadcrumb.insertWidget(i, button)
            self.crumbs.append(button)
        if self.breadcrumb.count() == len(self.crumbs):
            self.breadcrumb.addStretch(1)

    def _on_table_cell_clicked(self, row: int, _column: int) -> None:
        code = self.table.item(row, 0).data(CODE_ROLE)
        unit = self._catalog.org_units.get(code)
        if unit is not None and self._catalog.children(code):
            self.drill_to(code)
        else:  # a community: nothing below, filter to it and stay
            self.unit_picked.emit(code)
