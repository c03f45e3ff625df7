"""The Sync dock (同步): what waits to be sent, what the platform did not take (conflicts, with
both values and the two answers), the last sync and the epoch, and "what changed while you
were away" after the link comes back or a USB bundle is imported.

In wartime a field post works offline for days: this is where its operators see that nothing
is lost (every pending operation is listed), what the platform decided against them, and
what happened in the city meanwhile, with links into the board. It observes the hooks and
reads the store on the GUI thread; it never writes except through the store's commands
(store/conflicts.py), so every answer is audited like any other command.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from commandcenter.domain.hooks import ChangeSet, ConnectionStatus, Hooks
from commandcenter.domain.roles import RoleError
from commandcenter.store import conflicts as conflict_rules
from commandcenter.store.away import AwaySummary, AwayTracker
from commandcenter.ui import labels
from commandcenter.ui.observing import ObservesHooks
from commandcenter.ui.status import bundle_state_text

REFRESH_MS = 500  # at most two redraws a second while a catch-up pours in
MIN_LIST_PX = 40  # a table or list may shrink to about one row
PENDING_SHOWN = 500


class SyncPanel(ObservesHooks, QWidget):
    incident_selected = Signal(str)

    def __init__(self, store, hooks: Hooks, clock, parent: QWidget | None = None, *,
                 tracker: AwayTracker | None = None, status: ConnectionStatus | None = None,
                 catalog=None) -> None:
        """`tracker`: the window's away tracker when the panel is built after the session began
        (it has followed the link from the start); else the panel makes and feeds its own.
        `status`: the newest connection status, if the panel comes late."""
        super().__init__(parent)
        self.setObjectName("sync_panel")
        self._store = store
        self._hooks = hooks
        self._clock = clock
        self._status = status
        self._catalog = catalog  # names of departments and indicators (codes without it)
        self._own_tracker = tracker is None
        self.tracker = tracker or AwayTracker(store, self.show_summary)
        self._conflicts: list[conflict_rules.Conflict] = []

        self.header = QLabel(self)
        self.header.setObjectName("sync_header")
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self.header.setWordWrap(True)

        # three sections one above the other, all in view at once (a wall or a large screen
        # shows them together; on a laptop the splitter gives the room to the one in use)
        self.pending_table = self._table(
            [self.tr("Made"), self.tr("Operation"), self.tr("Item"), self.tr("By"), self.tr("From")])
        self.conflict_table = self._table(
            [self.tr("When"), self.tr("Item"), self.tr("Field"), self.tr("Mine"), self.tr("Theirs"),
             self.tr("Their author"), self.tr("Why")])
        self.conflict_table.itemSelectionChanged.connect(self._update_buttons)
        self.conflict_table.cellDoubleClicked.connect(self._on_conflict_double_clicked)
        self.accept_button = QPushButton(self.tr("Accept theirs"), self)
        self.accept_button.setObjectName("sync_accept_theirs")
        self.accept_button.clicked.connect(self.accept_selected)
        self.reapply_button = QPushButton(self.tr("Re-apply mine"), self)
        self.reapply_button.setObjectName("sync_reapply_mine")
        self.reapply_button.clicked.connect(self.reapply_selected)
        self.pending_box = QGroupBox(self)
        col = QVBoxLayout(self.pending_box)
        col.setContentsMargins(4, 4, 4, 4)
        col.addWidget(self.pending_table)
        self.conflict_box = QGroupBox(self)
        col = QVBoxLayout(self.conflict_box)
        col.setContentsMargins(4, 4, 4, 4)
        col.addWidget(self.conflict_table)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.reapply_button)
        col.addLayout(buttons)

        self.away_box = QGroupBox(self)
        away = QVBoxLayout(self.away_box)
        away.setContentsMargins(4, 4, 4, 4)
        self.away_label = QLabel(self.tr("Nothing yet: a summary appears here after the link comes back "
                                         "or a bundle is imported."), self)
        self.away_label.setObjectName("sync_away_label")
        self.away_label.setWordWrap(True)
        self.away_list = QListWidget(self)
        self.away_list.setObjectName("sync_away_list")
        self.away_list.setMinimumHeight(MIN_LIST_PX)
        self.away_list.itemActivated.connect(self._on_away_item)
        self.away_list.itemClicked.connect(self._on_away_item)
        away.addWidget(self.away_label)
        away.addWidget(self.away_list)
        self.away_box.setTitle(self.tr("While you were away"))

        self.sections = QSplitter(Qt.Orientation.Vertical, self)
        for box in (self.pending_box, self.conflict_box, self.away_box):
            self.sections.addWidget(box)
        self.sections.setSizes([30, 40, 30])
        self.sections.setMinimumHeight(0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.header)
        layout.addWidget(self.sections, 1)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self.refresh()
        if self.tracker.last is not None:
            self.show_summary(self.tracker.last)
        self.setup_hooks()

    def _table(self, headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers), self)
        table.setHorizontalHeaderLabels(headers)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        table.setMinimumHeight(MIN_LIST_PX)  # the dock shares a column with others on a 720-line screen
        return table

    # ------------------------------------------------------------------ hooks
    def _subscriptions(self) -> list:
        return [
            (self._hooks.connection_did_change, self._on_connection_changed),
            (self._hooks.changes_did_commit, self._on_committed),
        ]

    def _on_teardown(self) -> None:
        self._refresh_timer.stop()

    def _on_connection_changed(self, status: ConnectionStatus) -> None:
        self._status = status
        if self._own_tracker:
            self.tracker.connection_changed(status)
        self._render_header()

    def _on_committed(self, changes: ChangeSet) -> None:
        if self._own_tracker:
            self.tracker.changes_committed(changes)
        if changes.outbox_changed or changes.touches("conflict") or changes.origin in ("pull", "import"):
            if not self._refresh_timer.isActive():
                self._refresh_timer.start()

    # ------------------------------------------------------------------ reading
    def refresh(self) -> None:
        self._fill_pending()
        self._fill_conflicts()
        self._render_header()

    def _fill_pending(self) -> None:
        store = self._store
        total = store.pending_count()
        rows = store.query(
            "SELECT o.created_ms, o.op, o.entity, o.entity_id, o.user, o.node_id, i.title AS title "
            "FROM outbox o LEFT JOIN incidents i ON i.id = CASE WHEN o.entity = 'incident' THEN o.entity_id "
            "ELSE json_extract(o.fields, '$.incident_id') END "
            "WHERE o.acked_ms IS NULL ORDER BY o.node_id = ? DESC, o.node_id, o.local_seq LIMIT ?",
            (store.node_id, PENDING_SHOWN),
        )
        table = self.pending_table
        table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            origin = self.tr("this post") if r["node_id"] == store.node_id else self.tr("relayed {node}").format(
                node=r["node_id"][:13])
            values = [labels.format_time(r["created_ms"]), _op_text(r["op"]),
                      r["title"] or f"{r['entity']} {r['entity_id'][:8]}", r["user"] or "", origin]
            for j, text in enumerate(values):
                table.setItem(i, j, QTableWidgetItem(text))
        self.pending_box.setTitle(self.tr("Pending ({n})").format(n=total))

    def _fill_conflicts(self) -> None:
        self._conflicts = conflict_rules.open_conflicts(self._store)
        table = self.conflict_table
        table.setRowCount(len(self._conflicts))
        for i, c in enumerate(self._conflicts):
            field = labels.field_name(c.field) if c.field else _op_text(c.op or "")
            values = [labels.format_time(c.at_ms), c.title, field,
                      _value_text(c, c.mine) if c.has_values else "—",
                      _value_text(c, c.theirs) if c.has_values else "—",
                      c.author or "", f"{_result_text(c.result)}: {c.reason}" if c.reason else _result_text(c.result)]
            for j, text in enumerate(values):
                item = QTableWidgetItem(text)
                if j in (3, 4):
                    item.setToolTip(text)
                table.setItem(i, j, item)
        self.conflict_box.setTitle(self.tr("Conflicts ({n})").format(n=len(self._conflicts)))
        self._update_buttons()

    def _render_header(self) -> None:
        store = self._store
        state = self._status.state if self._status is not None else "offline"
        last = self._status.last_sync_ms if self._status is not None and self._status.last_sync_ms else None
        if last is None:
            meta = store.meta("last_pull_ms")
            last = int(meta) if meta else None
        parts = [
            self.tr("Link: {state}").format(state=labels.connection_state(state)),
            self.tr("Last sync: {time}").format(time=labels.format_time(last) if last else self.tr("never")),
            self.tr("Epoch: {epoch}").format(epoch=(store.epoch or self.tr("none yet"))[:12]),
            self.tr("This post: {node}").format(node=store.node_id[:13]),
        ]
        bundle = bundle_state_text(store)
        if bundle:
            parts.append(bundle)
        if self._status is not None and self._status.error and state == "offline":
            parts.append(self.tr("Last error: {error}").format(error=self._status.error))
        self.header.setText(" · ".join(parts))

    # --------------------------------------------------------------- answers
    def selected_conflict(self) -> conflict_rules.Conflict | None:
        rows = self.conflict_table.selectionModel().selectedRows()
        if not rows:
            return None
        index = rows[0].row()
        return self._conflicts[index] if 0 <= index < len(self._conflicts) else None

    def _update_buttons(self) -> None:
        c = self.selected_conflict()
        self.accept_button.setEnabled(c is not None)
        self.reapply_button.setEnabled(c is not None and c.reappliable)
        if c is not None and not c.reappliable:
            self.reapply_button.setToolTip(self.tr("A status moves only by its actions on the board"))
        else:
            self.reapply_button.setToolTip("")

    def select_conflict(self, conflict_id: int) -> bool:
        for i, c in enumerate(self._conflicts):
            if c.id == conflict_id:
                self.conflict_table.selectRow(i)
                return True
        return False

    def accept_selected(self) -> bool:
        c = self.selected_conflict()
        if c is None:
            return False
        return self._answer(lambda: conflict_rules.accept_theirs(self._store, c.id))

    def reapply_selected(self) -> bool:
        c = self.selected_conflict()
        if c is None or not c.reappliable:
            return False
        return self._answer(lambda: conflict_rules.reapply_mine(self._store, c.id))

    def _answer(self, act) -> bool:
        try:
            act()
        except (conflict_rules.ConflictError, RoleError, ValueError) as exc:
            QMessageBox.warning(self, self.tr("Conflict"), str(exc))
            self.refresh()
            return False
        self.refresh()
        return True

    def _on_conflict_double_clicked(self, row: int, _column: int) -> None:
        if 0 <= row < len(self._conflicts) and self._conflicts[row].incident_id:
            self.incident_selected.emit(self._conflicts[row].incident_id)

    # ------------------------------------------------------------- away summary
    def show_summary(self, summary: AwaySummary) -> None:
        counts = summary.counts
        if summary.via == "bundle":
            head = self.tr("From the imported bundle")
        elif summary.away_ms is not None:
            head = self.tr("While you were away ({duration})").format(duration=self._away_text(summary.away_ms))
        else:
            head = self.tr("While you were away")
        self.away_label.setText(head + ": " + self.tr(
            "{incidents} incidents, {tasks} tasks, {escalations} escalations, {alarms} alarms").format(
            incidents=counts.get("incident", 0), tasks=counts.get("task", 0),
            escalations=counts.get("escalation", 0), alarms=counts.get("alarm", 0)))
        self.away_list.clear()
        for item in summary.items:
            kind = {"incident": self.tr("Incident"), "task": self.tr("Task"),
                    "escalation": self.tr("Escalation"), "alarm": self.tr("Alarm")}[item.kind]
            new = self.tr("new") if item.new else self.tr("changed")
            text = (f"[{kind} · {new}] {self._item_title(item)}  {self._detail_text(item)}  "
                    f"{labels.format_time(item.at_ms) if item.at_ms else ''}")
            entry = QListWidgetItem(text.strip())
            entry.setData(Qt.ItemDataRole.UserRole, item.incident_id)
            if item.incident_id:
                entry.setToolTip(self.tr("Open on the board"))
            self.away_list.addItem(entry)
        self.away_box.setTitle(self.tr("While you were away ({n})").format(n=sum(counts.values())))

    def _name(self, table: str, code: str) -> str:
        item = getattr(self._catalog, table, {}).get(code) if self._catalog is not None else None
        return labels.name(item) if item is not None else code

    def _item_title(self, item) -> str:
        return self._name("indicators", item.title) if item.entity == "alarm" else item.title

    def _detail_text(self, item) -> str:
        if item.entity == "incident":
            severity, _, status = item.detail.partition(" ")
            return " ".join(x for x in (labels.severity(severity) if severity else "",
                                        labels.incident_status(status)) if x)
        if item.entity == "task":
            dept, level, status = (item.detail.split(" · ") + ["", "", ""])[:3]
            return " · ".join(x for x in (self._name("departments", dept) if dept else "",
                                          labels.org_level(level) if level else "", labels.task_status(status)) if x)
        if item.entity == "alarm":
            colour, _, status = item.detail.partition(" ")
            return " ".join(x for x in (labels.warning_colour(colour) if colour else "",
                                        labels.alarm_status(status)) if x)
        return item.detail

    def _away_text(self, ms: int) -> str:
        """How long the post was away: days and hours, hours and minutes, or minutes."""
        minutes = max(0, ms) // 60_000
        days, hours, mins = minutes // 1440, minutes // 60 % 24, minutes % 60
        if days:
            return self.tr("{d} d {h} h").format(d=days, h=hours)
        if hours:
            return self.tr("{h} h {m} min").format(h=hours, m=mins)
        if mins:
            return self.tr("{m} min").format(m=mins)
        return self.tr("{s} s").format(s=max(0, ms) // 1000)

    def _on_away_item(self, item: QListWidgetItem) -> None:
        incident_id = item.data(Qt.ItemDataRole.UserRole)
        if incident_id:
            self.incident_selected.emit(incident_id)

    # ------------------------------------------------------------------ tests
    def pending_rows(self) -> int:
        return self.pending_table.rowCount()

    def conflict_texts(self) -> list[list[str]]:
        t = self.conflict_table
        return [[t.item(i, j).text() for j in range(t.columnCount())] for i in range(t.rowCount())]

    def away_texts(self) -> list[str]:
        return [self.away_list.item(i).text() for i in range(self.away_list.count())]


def _value_text(conflict, value) -> str:
    """A conflict's value in the room's words where the field has them (a response level, a
    severity, a status), else as stored."""
    if isinstance(value, str):
        if conflict.field == "response_level":
            return labels.response_level(value)
        if conflict.field == "severity":
            return labels.severity(value)
        if conflict.field == "status":
            return labels.task_status(value) if conflict.entity == "task" else labels.incident_status(value)
    return conflict_rules.display(value)


def _op_text(op: str) -> str:
    from commandcenter.ui.audit_view import action_label  # "Task · Accept", as the audit log says it

    return action_label(op)


def _result_text(result: str) -> str:
    return {"conflict": labels.other("conflict"), "merged": labels.other("merged"),
            "rejected": labels.other("rejected")}.get(result, result)
