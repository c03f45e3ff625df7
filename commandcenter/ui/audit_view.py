"""The audit log (审计日志): every action, newest first, filtered by text, user, action kind,
entity and time; a check of the hash chain; CSV export of what is shown.

The log grows without bound (a year of a busy room is millions of entries), so the model
never holds it: it fetches 200 rows at a time as the table scrolls (Qt's canFetchMore /
fetchMore), each page an index range on seq below the last one shown (store/audit.py `page`).
It reads through the store's own connection on the GUI thread, the thread that writes.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from PySide6.QtCore import QT_TRANSLATE_NOOP, QAbstractTableModel, QCoreApplication, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from commandcenter.domain.hooks import ChangeSet, Hooks
from commandcenter.store import audit
from commandcenter.ui import labels
from commandcenter.ui.observing import ObservesHooks

PAGE = 200
SUMMARY_CHARS = 160
TZ = timezone(timedelta(hours=8))
HOUR_MS = 3_600_000
# detail fields that every change carries: no news in a summary
_QUIET_FIELDS = {"updated_ms", "id", "version", "hlc", "mode"}

CONTEXT = "AuditView"
_ENTITY = {
    "incident": QT_TRANSLATE_NOOP("AuditView", "Incident"),
    "task": QT_TRANSLATE_NOOP("AuditView", "Task"),
    "resource": QT_TRANSLATE_NOOP("AuditView", "Unit"),
    "alarm": QT_TRANSLATE_NOOP("AuditView", "Alarm"),
    "log": QT_TRANSLATE_NOOP("AuditView", "Command log"),
    "notice": QT_TRANSLATE_NOOP("AuditView", "Notice"),
    "report": QT_TRANSLATE_NOOP("AuditView", "Report"),
}
_ACTION = {
    "incident.report": QT_TRANSLATE_NOOP("AuditView", "Reported"),
    "incident.set_response_level": QT_TRANSLATE_NOOP("AuditView", "Response level set"),
    "task.dispatch": QT_TRANSLATE_NOOP("AuditView", "Dispatched"),
    "resource.register": QT_TRANSLATE_NOOP("AuditView", "Registered"),
    "alarm.raise": QT_TRANSLATE_NOOP("AuditView", "Raised"),
    "alarm.acknowledge": QT_TRANSLATE_NOOP("AuditView", "Acknowledged"),
    "alarm.dismiss": QT_TRANSLATE_NOOP("AuditView", "Dismissed"),
    "alarm.convert": QT_TRANSLATE_NOOP("AuditView", "Converted to incident"),
    "log.write": QT_TRANSLATE_NOOP("AuditView", "Written"),
    "notice.send": QT_TRANSLATE_NOOP("AuditView", "Sent"),
    "notice.read": QT_TRANSLATE_NOOP("AuditView", "Read"),
    "report.submit": QT_TRANSLATE_NOOP("AuditView", "Submitted"),
}
_PROBLEM = {
    audit.HASH_MISMATCH: QT_TRANSLATE_NOOP("AuditView", "the entry was changed after it was written"),
    audit.GAP: QT_TRANSLATE_NOOP("AuditView", "entries before it were removed"),
    audit.BROKEN_LINK: QT_TRANSLATE_NOOP("AuditView", "it does not follow the previous entry"),
    audit.TRUNCATED: QT_TRANSLATE_NOOP("AuditView", "the newest entries were removed"),
    audit.TIP_MISMATCH: QT_TRANSLATE_NOOP("AuditView", "the log was rewritten"),
    audit.UNRECORDED: QT_TRANSLATE_NOOP("AuditView", "the entry was added behind the store's back"),
}
_RANGES = (  # (label, hours back; None = everything)
    (QT_TRANSLATE_NOOP("AuditView", "All time"), None),
    (QT_TRANSLATE_NOOP("AuditView", "Last hour"), 1),
    (QT_TRANSLATE_NOOP("AuditView", "Last 24 hours"), 24),
    (QT_TRANSLATE_NOOP("AuditView", "Last 7 days"), 24 * 7),
)


def _tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def action_label(action: str) -> str:
    """"Task · Accept" for task.accept: the entity's word, then the action's (the labels the
    rest of the app uses for buttons), else the code as it is."""
    entity, _, verb = action.partition(".")
    if action in _ACTION:
        words = _tr(_ACTION[action])
    elif entity == "incident":
        words = labels.incident_action(verb)
    elif entity == "task":
        words = labels.task_action(verb)
    else:
        words = verb
    return f"{_tr(_ENTITY[entity])} · {words}" if entity in _ENTITY else action


def summarize(detail: str | None) -> str:
    """The note, then field = value pairs of what changed, cut to one line."""
    try:
        value = json.loads(detail or "{}")
    except ValueError:
        return (detail or "")[:SUMMARY_CHARS]
    if not isinstance(value, dict):
        return str(value)[:SUMMARY_CHARS]
    parts = [str(value["note"])] if value.get("note") else []
    fields = value.get("fields") if isinstance(value.get("fields"), dict) else {}
    parts += [f"{k}={v}" for k, v in fields.items() if k not in _QUIET_FIELDS and v not in (None, "")]
    text = "; ".join(parts).replace("\n", " ")
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"


def local_time(ts_ms: int) -> str:
    return datetime.fromtimestamp(ts_ms / 1000, TZ).strftime("%Y-%m-%d %H:%M:%S")


class AuditModel(QAbstractTableModel):
    """Rows of the audit table matching a filter, newest first, fetched a page at a time."""

    COLUMNS = (
        QT_TRANSLATE_NOOP("AuditView", "No."),
        QT_TRANSLATE_NOOP("AuditView", "Time (+08:00)"),
        QT_TRANSLATE_NOOP("AuditView", "User"),
        QT_TRANSLATE_NOOP("AuditView", "Role"),
        QT_TRANSLATE_NOOP("AuditView", "Action"),
        QT_TRANSLATE_NOOP("AuditView", "Entity"),
        QT_TRANSLATE_NOOP("AuditView", "Entity id"),
        QT_TRANSLATE_NOOP("AuditView", "Details"),
    )

    def __init__(self, conn, parent=None) -> None:
        super().__init__(parent)
        self._conn = conn
        self._filter = audit.AuditFilter()
        self._rows: list[tuple] = []
        self._more = True

    def set_filter(self, flt: audit.AuditFilter) -> None:
        self._filter = flt
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = audit.page(self._conn, self._filter, None, PAGE)
        self._more = len(self._rows) == PAGE
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def canFetchMore(self, parent=QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and self._more

    def fetchMore(self, parent=QModelIndex()) -> None:  # noqa: N802
        if parent.isValid() or not self._more:
            return
        before = self._rows[-1][0] if self._rows else None
        rows = audit.page(self._conn, self._filter, before, PAGE)
        self._more = len(rows) == PAGE
        if rows:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _tr(self.COLUMNS[section])
        return None

    def row(self, index: int) -> dict:
        return dict(zip(audit.PAGE_COLUMNS, self._rows[index]))

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        seq, ts, user, action, entity, entity_id, detail = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return seq
            if col == 1:
                return local_time(ts)
            if col == 2:
                return user or ""
            if col == 3:
                code = audit.role_of(detail)
                return labels.role(code.split(":")[0]) + (f" ({code.split(':', 1)[1]})" if ":" in code else "") \
                    if code else ""
            if col == 4:
                return action_label(action)
            if col == 5:
                return _tr(_ENTITY[entity]) if entity in _ENTITY else (entity or "")
            if col == 6:
                return entity_id or ""
            return summarize(detail)
        if role == Qt.ItemDataRole.ToolTipRole and col in (4, 7):
            return action if col == 4 else detail
        return None


class AuditView(ObservesHooks, QWidget):
    """Browse, filter, verify and export the audit log of the store."""

    verified = Signal(bool, str)  # intact, the line shown

    def __init__(self, store, hooks: Hooks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("auditView")
        self._store = store
        self._hooks = hooks
        self._dirty = False
        self.model = AuditModel(store.conn, self)

        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search user, action, id or details"))
        self.search.setClearButtonEnabled(True)
        self.user_box = QComboBox(self)
        self.action_box = QComboBox(self)
        self.entity_box = QComboBox(self)
        self.range_box = QComboBox(self)
        for text, hours in _RANGES:
            self.range_box.addItem(_tr(text), hours)
        self.verify_button = QPushButton(self.tr("Verify chain"), self)
        self.export_button = QPushButton(self.tr("Export CSV…"), self)
        self.status = QLabel(self)
        self.status.setObjectName("auditStatus")
        self.status.setWordWrap(True)

        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        for box in (self.user_box, self.action_box, self.entity_box, self.range_box):
            filters.addWidget(box, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.verify_button)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        # typing re-queries once the typist pauses, not per key (a scan of a big log)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(300)
        self._search_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._search_timer.start)
        for box in (self.user_box, self.action_box, self.entity_box, self.range_box):
            box.currentIndexChanged.connect(self.apply_filter)
        self.verify_button.clicked.connect(self.verify)
        self.export_button.clicked.connect(self._on_export_clicked)

        self._fill_choices()
        self.model.reload()
        self.setup_hooks()

    # ---------------------------------------------------------------- hooks
    def _subscriptions(self) -> list:
        return [(self._hooks.changes_did_commit, self._on_store_committed)]

    def _on_teardown(self) -> None:
        self._search_timer.stop()

    def _on_store_committed(self, changes: ChangeSet) -> None:
        """Every local command adds entries; a hidden view reloads when it is shown again."""
        if changes.origin != "local":
            return
        if self.isVisible():
            self.refresh()
        else:
            self._dirty = True

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    def refresh(self) -> None:
        self._dirty = False
        self._fill_choices()
        self.model.reload()

    # --------------------------------------------------------------- filters
    def _fill_choices(self) -> None:
        """The users, action kinds and entities in the log, keeping what is chosen."""
        conn = self._store.conn
        users = audit.distinct_values(conn, "user")
        actions = audit.distinct_values(conn, "action")
        kinds = sorted({a.split(".")[0] + "." for a in actions})
        entities = audit.distinct_values(conn, "entity")
        self._refill(self.user_box, self.tr("All users"), [(u, u) for u in users])
        self._refill(self.action_box, self.tr("All actions"),
                     [(f"{_tr(_ENTITY[k[:-1]]) if k[:-1] in _ENTITY else k[:-1]} · {self.tr('any')}", k)
                      for k in kinds] + [(action_label(a), a) for a in actions])
        self._refill(self.entity_box, self.tr("All entities"),
                     [(_tr(_ENTITY[e]) if e in _ENTITY else e, e) for e in entities])

    @staticmethod
    def _refill(box: QComboBox, everything: str, items: list[tuple[str, str]]) -> None:
        chosen = box.currentData()
        box.blockSignals(True)
        box.clear()
        box.addItem(everything, "")
        for text, data in items:
            box.addItem(text, data)
        index = box.findData(chosen) if chosen else 0
        box.setCurrentIndex(max(index, 0))
        box.blockSignals(False)

    def current_filter(self) -> audit.AuditFilter:
        hours = self.range_box.currentData()
        since = None if hours is None else self._store.clock.now_ms() - int(hours) * HOUR_MS
        return audit.AuditFilter(
            text=self.search.text(), user=self.user_box.currentData() or "",
            action=self.action_box.currentData() or "", entity=self.entity_box.currentData() or "",
            since_ms=since,
        )

    def apply_filter(self) -> None:
        self._search_timer.stop()
        self.model.set_filter(self.current_filter())

    # ---------------------------------------------------------- verify, export
    def verify(self) -> bool:
        result = audit.verify_connection(self._store.conn)
        if result.intact:
            text = self.tr("Audit chain intact: %n entries checked.", "", result.checked)
        else:
            b = result.broken
            what = ", ".join(p for p in (action_label(b.action) if b.action else "", b.entity_id or "",
                                         local_time(b.ts_ms) if b.ts_ms is not None else "") if p)
            text = self.tr("Audit chain broken at entry %1 (%2): %3").replace("%1", str(b.seq)) \
                .replace("%2", what or "—").replace("%3", _tr(_PROBLEM.get(b.problem, b.problem)))
        self.status.setText(text)
        self.status.setStyleSheet("" if result.intact else "color: #e02424; font-weight: bold")
        self.verified.emit(result.intact, text)
        return result.intact

    def export_csv(self, path) -> int:
        """Write the entries the filters select (all of them, not just the fetched pages),
        oldest first; returns how many. The file is written whole or not at all."""
        import os
        from pathlib import Path

        data, count = audit.export_csv(self._store.conn, self.current_filter())
        target = Path(path)
        tmp = target.with_name(f".{target.name}.part")
        try:
            tmp.write_bytes(data)
            os.replace(tmp, target)
        except OSError:
            tmp.unlink(missing_ok=True)
            raise
        self.status.setStyleSheet("")
        self.status.setText(self.tr("Exported %n entries to %1.", "", count).replace("%1", str(target)))
        return count

    def _on_export_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export audit log"), "audit.csv",
                                              self.tr("CSV files (*.csv)"))
        if not path:
            return
        try:
            self.export_csv(path)
        except OSError as exc:
            self.status.setStyleSheet("color: #e02424")
            self.status.setText(self.tr("Could not write {path}: {why}").format(path=path, why=exc.strerror or exc))
