"""Notices (通知) and the command log (指挥日志) as docks.

Notices are what the clock's rules (escalation, overdue reports) and the commander
(supervision) address to an org unit or a department: a department seat sees its own
department's, everybody else all of them; unread ones are bold and counted in the dock's
title. The command log lists every decision of the room, newest first, filterable by kind and
text. Both read the store and refresh on its commits (throttled: a pull may bring hundreds).
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from commandcenter.domain import integrated
from commandcenter.domain.commands import CommandError
from commandcenter.domain.hooks import ChangeSet, Hooks
from commandcenter.domain.roles import RoleError
from commandcenter.store.db import StoreError
from commandcenter.ui import labels
from commandcenter.ui.observing import ObservesHooks

LIST_LIMIT = 500
REFRESH_THROTTLE_MS = 300


class _Throttled(ObservesHooks, QWidget):
    """Refresh when the store commits rows of `entity`, at most every REFRESH_THROTTLE_MS."""

    entity = ""

    def __init__(self, store, hooks: Hooks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._hooks = hooks
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_THROTTLE_MS)
        self._timer.timeout.connect(self.refresh)

    def _subscriptions(self) -> list:
        return [(self._hooks.changes_did_commit, self._on_store_committed)]

    def _on_teardown(self) -> None:
        self._timer.stop()

    def _on_store_committed(self, changes: ChangeSet) -> None:
        if changes.touches(self.entity) and not self._timer.isActive():
            self._timer.start()

    def refresh(self) -> None:
        raise NotImplementedError


def _text(row: dict) -> str:
    """The notice's text; in English the English one a drill's inject carries (text_en)."""
    if labels.english() and row.get("extra"):
        import json

        try:
            return json.loads(row["extra"]).get("text_en") or row["text"]
        except (ValueError, AttributeError):
            return row["text"]
    return row["text"]


class NoticesPanel(_Throttled):
    entity = "notice"
    unread_changed = Signal(int)
    incident_selected = Signal(str)

    def __init__(self, catalog, store, hooks: Hooks, clock, parent: QWidget | None = None, *,
                 poke=None) -> None:
        super().__init__(store, hooks, parent)
        self.setObjectName("noticesPanel")
        self.catalog = catalog
        self.clock = clock
        self._poke = poke or (lambda: None)  # wake sync: the read receipt goes out now
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("noticesTree")
        self.tree.setRootIsDecorated(False)
        self.tree.setHeaderLabels([self.tr("Time"), self.tr("Kind"), self.tr("To"), self.tr("Notice")])
        self.tree.setWordWrap(True)
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.tree.itemActivated.connect(self._on_tree_item_activated)
        self.read_button = QPushButton(self.tr("Mark read"), self)
        self.read_button.setObjectName("noticesRead")
        self.read_button.clicked.connect(self._on_read_button_clicked)
        self.message = QLabel(self)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.hide()
        row = QHBoxLayout()
        row.addWidget(self.message, 1)
        row.addWidget(self.read_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.tree, 1)
        layout.addLayout(row)
        self.unread = 0
        self.setup_hooks()
        self.refresh()

    def rows(self) -> list[dict]:
        seat = self.store.seat
        if seat.role == "seat":
            return self.store.query(
                "SELECT * FROM notices WHERE department=? ORDER BY created_ms DESC LIMIT ?", [seat.department, LIST_LIMIT])
        return self.store.query("SELECT * FROM notices ORDER BY created_ms DESC LIMIT ?", [LIST_LIMIT])

    def refresh(self) -> None:
        selected = self.selected_id()
        rows = self.rows()
        self.tree.clear()
        bold = QFont(self.tree.font())
        bold.setBold(True)
        unread = 0
        for r in rows:
            unit = self.catalog.org_units.get(r.get("org_unit") or "")
            dept = self.catalog.departments.get(r.get("department") or "")
            to = " · ".join(x for x in (labels.name(unit) if unit else "", labels.name(dept) if dept else "") if x)
            item = QTreeWidgetItem([labels.format_time(r["created_ms"]), labels.notice_kind(r["kind"]), to, _text(r)])
            item.setData(0, Qt.ItemDataRole.UserRole, r["id"])
            item.setData(1, Qt.ItemDataRole.UserRole, r.get("incident_id"))
            if not r.get("read_ms"):
                unread += 1
                for col in range(4):
                    item.setFont(col, bold)
            self.tree.addTopLevelItem(item)
            if r["id"] == selected:
                item.setSelected(True)
        for col in range(3):
            self.tree.resizeColumnToContents(col)
        if unread != self.unread:
            self.unread = unread
            self.unread_changed.emit(unread)
        self._update_buttons()

    def selected_id(self) -> str | None:
        items = self.tree.selectedItems()
        return items[0].data(0, Qt.ItemDataRole.UserRole) if items else None

    def select(self, notice_id: str) -> None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            item.setSelected(item.data(0, Qt.ItemDataRole.UserRole) == notice_id)

    def mark_read(self, notice_id: str) -> bool:
        row = self.store.get("notice", notice_id)
        if row is None:
            return False
        try:
            self.store.execute(integrated.read_notice(row, self.clock.now_ms(), self.store.user))
            self._poke()
        except (CommandError, RoleError, StoreError) as exc:
            self.message.setText(str(exc))
            self.message.show()
            return False
        self.message.hide()
        self.refresh()
        return True

    def _update_buttons(self) -> None:
        row = self.store.get("notice", self.selected_id()) if self.selected_id() else None
        self.read_button.setEnabled(bool(row) and not row.get("read_ms") and self.store.seat.may("notice.read", row))

    def _on_read_button_clicked(self) -> None:
        if self.selected_id():
            self.mark_read(self.selected_id())

    def _on_tree_item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        incident_id = item.data(1, Qt.ItemDataRole.UserRole)
        if incident_id:
            self.incident_selected.emit(incident_id)


class CommandLogPanel(_Throttled):
    entity = "log"
    incident_selected = Signal(str)

    def __init__(self, catalog, store, hooks: Hooks, parent: QWidget | None = None) -> None:
        super().__init__(store, hooks, parent)
        self.setObjectName("commandLogPanel")
        self.catalog = catalog
        self.kind_combo = QComboBox(self)
        self.kind_combo.setObjectName("commandLogKind")
        self.kind_combo.addItem(self.tr("All kinds"), None)
        for kind in integrated.LOG_KINDS:
            self.kind_combo.addItem(labels.log_kind(kind), kind)
        self.kind_combo.currentIndexChanged.connect(self.refresh)
        self.search = QLineEdit(self)
        self.search.setObjectName("commandLogSearch")
        self.search.setPlaceholderText(self.tr("Search the log…"))
        self.search.textChanged.connect(self.refresh)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("commandLogTree")
        self.tree.setRootIsDecorated(False)
        self.tree.setHeaderLabels([self.tr("Time"), self.tr("Kind"), self.tr("Who"), self.tr("Entry")])
        self.tree.itemActivated.connect(self._on_tree_item_activated)
        bar = QHBoxLayout()
        bar.addWidget(self.kind_combo)
        bar.addWidget(self.search, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(bar)
        layout.addWidget(self.tree, 1)
        self.setup_hooks()
        self.refresh()

    def rows(self) -> list[dict]:
        where, params = [], []
        if self.kind_combo.currentData():
            where.append("kind = ?")
            params.append(self.kind_combo.currentData())
        text = self.search.text().strip()
        if text:
            where.append("(text LIKE ? ESCAPE '\\' OR user LIKE ? ESCAPE '\\')")
            like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            params += [like, like]
        sql = "SELECT * FROM log" + (" WHERE " + " AND ".join(where) if where else "")
        return self.store.query(sql + " ORDER BY ts_ms DESC, id DESC LIMIT ?", [*params, LIST_LIMIT])

    def refresh(self, *_args) -> None:
        self.tree.clear()
        for r in self.rows():
            who = r.get("user") or "—"
            if r.get("role"):
                who = f"{who} ({labels.role(r['role'])})"
            item = QTreeWidgetItem([labels.format_time(r["ts_ms"]), labels.log_kind(r["kind"]), who, r["text"]])
            item.setData(0, Qt.ItemDataRole.UserRole, r.get("incident_id"))
            if r["kind"] == "escalation":
                item.setForeground(3, Qt.GlobalColor.red)
            self.tree.addTopLevelItem(item)
        for col in range(3):
            self.tree.resizeColumnToContents(col)

    def row_count(self) -> int:
        return self.tree.topLevelItemCount()

    def _on_tree_item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        incident_id = item.data(0, Qt.ItemDataRole.UserRole)
        if incident_id:
            self.incident_selected.emit(incident_id)
