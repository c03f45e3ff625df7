"""The alarm list (告警): threshold breaches raised by the platform, and what a seat does with
them: acknowledge, dismiss with a reason, or convert into an incident pre-filled with the
indicator, the place and the level. Every action is a domain command through the store, so
it is queued for sync and lands in the audit log.

A new red alarm is announced: a red banner over the list that stays until someone
acknowledges it (or converts or dismisses it), the system bell, and the `red_alarm` signal
(the window raises the dock).
"""
from __future__ import annotations

import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from commandcenter.domain.catalog import Catalog
from commandcenter.domain.commands import CommandError
from commandcenter.domain.roles import RoleError
from commandcenter.domain.hooks import ChangeSet, Hooks
from commandcenter.domain.levels import COLOUR_HEX
from commandcenter.ui import labels
from commandcenter.ui.observing import ObservesHooks

OPEN_STATES = ("raised", "acknowledged")
COLOUR_RANK = {"red": 0, "orange": 1, "yellow": 2, "blue": 3}


class AlarmPanel(ObservesHooks, QWidget):
    """Open alarms, worst first; acknowledge, dismiss (with a reason), convert to incident."""

    red_alarm = Signal(str)  # a red alarm appeared (its id)
    incident_created = Signal(str)  # an alarm was converted into this incident

    def __init__(self, catalog: Catalog, store, hooks: Hooks, clock, parent: QWidget | None = None, *,
                 poke=None, positions: dict | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("alarmPanel")
        self._catalog = catalog
        self._store = store
        self._hooks = hooks
        self._clock = clock
        self._poke = poke
        self._positions = positions or {}  # indicator code -> (lon, lat) of its sensor
        self._seen: set[tuple] | None = None  # (id, generation, colour) already shown (None before the first load)
        self._unanswered_red: set[str] = set()

        self.banner = QLabel(self)
        self.banner.setObjectName("alarmBanner")
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.setStyleSheet(f"background: {COLOUR_HEX['red']}; color: white; font-weight: bold; padding: 6px;")
        self.banner.hide()
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("alarmList")
        self.tree.setRootIsDecorated(False)
        self.tree.setHeaderLabels([self.tr("Level"), self.tr("Indicator"), self.tr("Value"), self.tr("Area"),
                                   self.tr("Raised"), self.tr("Status")])
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.ack_button = QPushButton(self.tr("Acknowledge"), self)
        self.ack_button.setObjectName("alarmAcknowledge")
        self.ack_button.clicked.connect(lambda: self.acknowledge(self.selected_id()))
        self.dismiss_button = QPushButton(self.tr("Dismiss…"), self)
        self.dismiss_button.setObjectName("alarmDismiss")
        self.dismiss_button.clicked.connect(self._on_dismiss_clicked)
        self.convert_button = QPushButton(self.tr("Convert to incident"), self)
        self.convert_button.setObjectName("alarmConvert")
        self.convert_button.clicked.connect(lambda: self.convert(self.selected_id()))
        self.message = QLabel(self)
        self.message.setObjectName("alarmMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.ack_button)
        buttons.addWidget(self.dismiss_button)
        buttons.addWidget(self.convert_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.banner)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.setup_hooks()
        self.refresh()

    # ------------------------------------------------------------------ hooks
    def _subscriptions(self) -> list:
        return [(self._hooks.changes_did_commit, self._on_store_committed)]

    def _on_store_committed(self, changes: ChangeSet) -> None:
        if changes.touches("alarm"):
            self.refresh()

    # -------------------------------------------------------------- public API
    def open_alarms(self) -> list[dict]:
        marks = ",".join("?" * len(OPEN_STATES))
        rows = self._store.query(f"SELECT * FROM alarms WHERE status IN ({marks})", OPEN_STATES)
        return sorted(rows, key=lambda r: (COLOUR_RANK.get(r.get("colour"), 9), -(r.get("raised_ms") or 0)))

    def ids(self) -> list[str]:
        return [self.tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole) for i in range(self.tree.topLevelItemCount())]

    def selected_id(self) -> str | None:
        items = self.tree.selectedItems()
        return items[0].data(0, Qt.ItemDataRole.UserRole) if items else None

    def select(self, alarm_id: str) -> None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.data(0, Qt.ItemDataRole.UserRole) == alarm_id:
                self.tree.setCurrentItem(item)
                return

    def acknowledge(self, alarm_id: str | None) -> bool:
        return self._act(alarm_id, "acknowledge")

    def dismiss(self, alarm_id: str | None, reason: str) -> bool:
        return self._act(alarm_id, "dismiss", reason=reason)

    def convert(self, alarm_id: str | None) -> str | None:
        """Report an incident from the alarm (pre-filled) and mark the alarm converted."""
        from commandcenter.domain.alarms import convert_to_incident

        row = self._store.get("alarm", alarm_id) if alarm_id else None
        if row is None:
            return None
        try:
            if str(row.get("indicator") or "").startswith("cap:"):  # a warning imported from CAP
                from commandcenter.interop.cap_in import convert_cap_alarm

                ops = convert_cap_alarm(row, self._catalog, self._clock.now_ms())
            else:
                ops = convert_to_incident(row, self._catalog, self._clock.now_ms(),
                                          position=self._positions.get(row.get("indicator")))
            self._store.execute(ops)
        except (CommandError, RoleError) as exc:
            self._say(str(exc))
            return None
        incident_id = next(op.entity_id for op in ops if op.entity == "incident")
        self._after_command()
        self.incident_created.emit(incident_id)
        return incident_id

    # ----------------------------------------------------------------- helpers
    def _act(self, alarm_id: str | None, action: str, **fields) -> bool:
        from commandcenter.domain.alarms import alarm_action

        row = self._store.get("alarm", alarm_id) if alarm_id else None
        if row is None:
            return False
        try:
            self._store.execute(alarm_action(row, action, self._clock.now_ms(), **fields))
        except (CommandError, RoleError) as exc:
            self._say(str(exc))
            return False
        self._after_command()
        return True

    def _after_command(self) -> None:
        self._say("")
        if self._poke is not None:
            self._poke()

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def refresh(self) -> None:
        selected = self.selected_id()
        rows = self.open_alarms()
        self.tree.clear()
        for row in rows:
            self.tree.addTopLevelItem(self._item(row))
        if selected:
            self.select(selected)
        for column in range(self.tree.columnCount()):
            self.tree.resizeColumnToContents(column)
        self._announce(rows)
        self._update_buttons()

    def _item(self, row: dict) -> QTreeWidgetItem:
        ind = self._catalog.indicators.get(row.get("indicator") or "")
        unit = self._catalog.org_units.get(row.get("org_unit") or "")
        value = row.get("value")
        colour = row.get("colour") or ""
        item = QTreeWidgetItem([
            labels.warning_colour(colour),
            _alarm_name(ind, row),
            "" if value is None else f"{value:.4g} {ind.unit if ind else ''}".strip(),
            labels.name(unit) if unit else "",
            time.strftime("%H:%M:%S", time.localtime((row.get("raised_ms") or 0) / 1000)),
            labels.alarm_status(row.get("status")),
        ])
        item.setData(0, Qt.ItemDataRole.UserRole, row["id"])
        if colour in COLOUR_HEX:
            item.setBackground(0, QColor(COLOUR_HEX[colour]))
            item.setForeground(0, QColor("#0b1220" if colour == "yellow" else "#ffffff"))
        return item

    def _announce(self, rows: list[dict]) -> None:
        """A red alarm not seen before: the banner, the bell, the signal. "Not seen" is per
        alarm, colour and generation: an alarm that turns red, or comes back raised after it was
        acknowledged or dismissed (a new generation), is announced again. The banner stays until
        every announced red alarm has been answered (acknowledged or closed)."""
        def key(r: dict) -> tuple:
            return r["id"], int(r.get("generation") or 0), r.get("colour")

        raised_red = {r["id"]: r for r in rows if r.get("colour") == "red" and r.get("status") == "raised"}
        first_load = self._seen is None
        seen = self._seen or set()
        new = [] if first_load else [aid for aid, r in raised_red.items() if key(r) not in seen]
        self._seen = seen | {key(r) for r in rows}
        self._unanswered_red = {aid for aid in self._unanswered_red if aid in raised_red} | set(new)
        if first_load:
            self._unanswered_red |= set(raised_red)
        for alarm_id in new:
            QApplication.beep()
            self.red_alarm.emit(alarm_id)
        if self._unanswered_red:
            names = []
            for alarm_id in sorted(self._unanswered_red):
                ind = self._catalog.indicators.get(raised_red[alarm_id].get("indicator") or "")
                names.append(_alarm_name(ind, raised_red[alarm_id]))
            self.banner.setText(self.tr("Red alarm: %1").replace("%1", "、".join(names)))
            self.banner.show()
        else:
            self.banner.hide()

    def _update_buttons(self) -> None:
        row = self._store.get("alarm", self.selected_id()) if self.selected_id() else None
        status = row.get("status") if row else None
        seat = self._store.seat  # offer only what this seat's role may do (domain/roles.py)
        self.ack_button.setEnabled(status == "raised" and seat.may("alarm.acknowledge", row))
        self.dismiss_button.setEnabled(status in OPEN_STATES and seat.may("alarm.dismiss", row))
        self.convert_button.setEnabled(status in OPEN_STATES and seat.may("alarm.convert", row)
                                       and seat.may("incident.report"))

    def _on_dismiss_clicked(self) -> None:
        alarm_id = self.selected_id()
        if alarm_id is None:
            return
        reason, ok = QInputDialog.getText(self, self.tr("Dismiss the alarm"), self.tr("Reason (required):"))
        if ok:
            self.dismiss(alarm_id, reason)


def _alarm_name(ind, row: dict) -> str:
    """What the alarm is about: the indicator's name, or a CAP warning's headline."""
    if ind is not None:
        return labels.name(ind)
    return str(row.get("cap_headline") or row.get("cap_event") or row.get("indicator") or "")
