"""The coordinator's console (导调台) and the exercise banner.

The console is a dock of the coordinator's client in a drill (`commandcenter drill run`): the
exercise clock (play / pause, speed 1x-60x, seek, end), the MSEL with every inject's state
(pending, released, acknowledged, completed with its outcome, expired, skipped; held), the
buttons to release, hold, skip and complete the selected inject, notes, the players'
answers as they come (who, what, how many minutes after the release against the expected
time), and the evaluators' rating (P / S / M / U) of each objective.

The run lives on the drill platform (platform/drill_host.py): the console polls
GET /v1/drill once a second and sends commands to POST /v1/drill/command; what it shows is
always the platform's answer, so several coordinators' consoles agree. A refused command
shows the platform's reason under the buttons.

The banner is a toolbar at the top of every drill window (coordinator and players) that
cannot be moved or hidden: 演练 EXERCISE, the drill, the run, the exercise clock.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QToolBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from commandcenter.ui import labels

log = logging.getLogger(__name__)

POLL_MS = 1000
STATE, MESSAGE = 2, 7  # columns of the MSEL
SPEEDS = (1, 2, 5, 10, 20, 30, 60)
BANNER_STYLE = "background:#ffb300; color:#000000; font-weight:bold; padding:3px 10px;"

_STATE = {
    "pending": QT_TRANSLATE_NOOP("DrillConsole", "Pending"),
    "released": QT_TRANSLATE_NOOP("DrillConsole", "Released"),
    "acknowledged": QT_TRANSLATE_NOOP("DrillConsole", "Acknowledged"),
    "completed": QT_TRANSLATE_NOOP("DrillConsole", "Completed"),
    "expired": QT_TRANSLATE_NOOP("DrillConsole", "Expired"),
    "skipped": QT_TRANSLATE_NOOP("DrillConsole", "Skipped"),
}
_OUTCOME = {
    "met": QT_TRANSLATE_NOOP("DrillConsole", "met"),
    "partial": QT_TRANSLATE_NOOP("DrillConsole", "partially met"),
    "not_met": QT_TRANSLATE_NOOP("DrillConsole", "not met"),
}
_KIND = {
    "inject": QT_TRANSLATE_NOOP("DrillConsole", "Inject"),
    "contingency": QT_TRANSLATE_NOOP("DrillConsole", "Contingency"),
    "expected_action": QT_TRANSLATE_NOOP("DrillConsole", "Expected action"),
}
_RUN = {
    "scheduled": QT_TRANSLATE_NOOP("DrillConsole", "Scheduled"),
    "running": QT_TRANSLATE_NOOP("DrillConsole", "Running"),
    "paused": QT_TRANSLATE_NOOP("DrillConsole", "Paused"),
    "ended": QT_TRANSLATE_NOOP("DrillConsole", "Ended"),
    "evaluated": QT_TRANSLATE_NOOP("DrillConsole", "Evaluated"),
}
_RATING = {
    "P": QT_TRANSLATE_NOOP("DrillConsole", "P: performed without challenges"),
    "S": QT_TRANSLATE_NOOP("DrillConsole", "S: performed with some challenges"),
    "M": QT_TRANSLATE_NOOP("DrillConsole", "M: performed with major challenges"),
    "U": QT_TRANSLATE_NOOP("DrillConsole", "U: unable to be performed"),
}
_STATE_COLOUR = {
    "pending": "#9aa4b1", "released": "#4fc3f7", "acknowledged": "#81c784", "completed": "#c5e1a5",
    "expired": "#e57373", "skipped": "#757575",
}


@dataclass(frozen=True)
class DrillLink:
    """A drill client's run: the drill platform, the run, its title; `console`: this seat
    coordinates (the 导调 seat of `drill run`), so the window has the console."""

    url: str
    run_id: str
    title: str
    token: str | None = None
    console: bool = False


def _tr(table: dict[str, str], code: str | None) -> str:
    return QCoreApplication.translate("DrillConsole", table[code]) if code in table else (code or "")


def clock_text(t_s: float) -> str:
    t = int(t_s)
    return f"T+{t // 3600:02d}:{t % 3600 // 60:02d}:{t % 60:02d}"


def _lang(item: dict, key: str) -> str:
    return item.get(f"{key}_en" if labels.english() else f"{key}_zh") or item.get(f"{key}_zh") or ""


class ExerciseBanner(QToolBar):
    """演练 EXERCISE across the top of a drill window; it cannot be moved, floated or hidden."""

    def __init__(self, title: str, run_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exercise_banner")
        self.setMovable(False)
        self.setFloatable(False)
        self.toggleViewAction().setVisible(False)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.PreventContextMenu)
        self.setStyleSheet(f"QToolBar {{ {BANNER_STYLE} border:0; }}")
        self.label = QLabel(self)
        self.label.setObjectName("exercise_banner_text")
        font = QFont(self.label.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.label.setFont(font)
        self.label.setStyleSheet(BANNER_STYLE)
        self.title = title
        self.run_id = run_id
        self.addWidget(self.label)
        self.set_clock(None)

    def set_clock(self, state: dict | None) -> None:
        words = "演练 EXERCISE 演练 EXERCISE"
        parts = [words, self.title, self.tr("run %1").replace("%1", self.run_id)]
        if state:
            parts.append(f"{clock_text(state.get('t_s', 0))} {_tr(_RUN, state.get('state'))}")
        self.label.setText("   ·   ".join(p for p in parts if p))

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt's name) - nothing hides the banner
        super().hideEvent(event)
        if self.parentWidget() is not None and self.parentWidget().isVisible():
            QTimer.singleShot(0, self.show)


class BannerClock(QObject):
    """A player's window: the banner follows the exercise clock (GET /v1/drill every few
    seconds; a seat gets the players' view of the run)."""

    def __init__(self, banner: ExerciseBanner, client_factory: Callable[[], Any], interval_ms: int = 5000) -> None:
        super().__init__(banner)
        self.banner = banner
        self._client_factory = client_factory
        self._client = None
        self._busy = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._on_timeout)
        self.timer.start()
        QTimer.singleShot(0, self._on_timeout)

    def _on_timeout(self) -> None:
        if not self._busy:
            self._busy = True
            asyncio.ensure_future(self._poll())

    async def _poll(self) -> None:
        try:
            if self._client is None:
                self._client = self._client_factory()
            self.banner.set_clock(await self._client.drill_state())
        except Exception:  # the platform away: the banner keeps its last clock
            pass
        finally:
            self._busy = False

    async def aclose(self) -> None:
        self.timer.stop()
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()


class DrillConsole(QWidget):
    """See the module doc. `client_factory` makes a PlatformClient for the drill platform."""

    state_changed = Signal(dict)

    def __init__(self, client_factory: Callable[[], Any], catalog=None, parent: QWidget | None = None, *,
                 poll: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("drillConsole")
        self.catalog = catalog
        self._client_factory = client_factory
        self._client = None
        self._busy = False
        self.state: dict | None = None

        self.title = QLabel(self)
        self.title.setObjectName("drillTitle")
        self.title.setWordWrap(True)
        self.clock = QLabel(clock_text(0), self)
        self.clock.setObjectName("drillClock")
        big = QFont(self.clock.font())
        big.setPointSizeF(big.pointSizeF() * 2.0)
        big.setBold(True)
        self.clock.setFont(big)
        self.run_state = QLabel(self)
        self.run_state.setObjectName("drillRunState")
        self.play_button = QPushButton(self.tr("Play"), self)
        self.play_button.setObjectName("drillPlay")
        self.play_button.clicked.connect(self._on_play_clicked)
        self.speed = QComboBox(self)
        self.speed.setObjectName("drillSpeed")
        for v in SPEEDS:
            self.speed.addItem(f"{v}×", v)
        self.speed.activated.connect(self._on_speed_activated)
        self.seek_to = QLineEdit(self)
        self.seek_to.setObjectName("drillSeekTo")
        self.seek_to.setPlaceholderText("T+01:30")
        self.seek_to.setMaximumWidth(90)
        self.seek_button = QPushButton(self.tr("Seek"), self)
        self.seek_button.clicked.connect(self._on_seek_clicked)
        self.end_button = QPushButton(self.tr("End exercise"), self)
        self.end_button.setObjectName("drillEnd")
        self.end_button.clicked.connect(lambda: self.send({"action": "end"}))
        # the clock and its state, then the controls: two rows, so the dock stays narrow
        # enough beside the map in either language
        self.run_state.setWordWrap(True)
        clock_row = QHBoxLayout()
        clock_row.addWidget(self.clock)
        clock_row.addWidget(self.run_state, 1)
        controls = QHBoxLayout()
        controls.addWidget(self.play_button)
        self.speed_label = QLabel(self.tr("Speed"), self)
        controls.addWidget(self.speed_label)
        controls.addWidget(self.speed)
        controls.addWidget(self.seek_to)
        controls.addWidget(self.seek_button)
        controls.addStretch(1)
        controls.addWidget(self.end_button)
        top = QVBoxLayout()
        top.setSpacing(2)
        top.addLayout(clock_row)
        top.addLayout(controls)

        self.msel = QTreeWidget(self)
        self.msel.setObjectName("drillMsel")
        self.msel.setRootIsDecorated(False)
        self.msel.setUniformRowHeights(True)
        self.msel.setHeaderLabels([self.tr("No."), self.tr("Time"), self.tr("State"), self.tr("Response"),
                                   self.tr("Kind"), self.tr("To"), self.tr("Phase"), self.tr("Message")])
        self.msel.itemSelectionChanged.connect(self._update_buttons)
        from PySide6.QtWidgets import QHeaderView

        header = self.msel.header()
        header.setStretchLastSection(False)
        for col in range(8):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch if col == MESSAGE
                                        else QHeaderView.ResizeMode.ResizeToContents)
        self.release_button = QPushButton(self.tr("Release"), self)
        self.release_button.setObjectName("drillRelease")
        self.release_button.clicked.connect(lambda: self._on_inject_action("release"))
        self.hold_button = QPushButton(self.tr("Hold"), self)
        self.hold_button.setObjectName("drillHold")
        self.hold_button.clicked.connect(self._on_hold_clicked)
        self.skip_button = QPushButton(self.tr("Skip"), self)
        self.skip_button.setObjectName("drillSkip")
        self.skip_button.clicked.connect(lambda: self._on_inject_action("skip"))
        self.outcome_buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for b in (self.release_button, self.hold_button, self.skip_button):
            row.addWidget(b)
        row.addSpacing(16)
        for code, text in (("met", self.tr("Met")), ("partial", self.tr("Partially met")), ("not_met", self.tr("Not met"))):
            b = QPushButton(text, self)
            b.setObjectName(f"drillOutcome_{code}")
            b.clicked.connect(lambda _=False, c=code: self._on_outcome_clicked(c))
            self.outcome_buttons[code] = b
            row.addWidget(b)
        row.addStretch(1)
        self.note = QLineEdit(self)
        self.note.setObjectName("drillNote")
        self.note.setPlaceholderText(self.tr("Note (for the selected inject, or the run)"))
        self.note_button = QPushButton(self.tr("Add note"), self)
        self.note_button.clicked.connect(self._on_note_clicked)
        notes = QHBoxLayout()
        notes.addWidget(self.note, 1)
        notes.addWidget(self.note_button)

        self.objectives = QTreeWidget(self)
        self.objectives.setObjectName("drillObjectives")
        self.objectives.setRootIsDecorated(False)
        self.objectives.setHeaderLabels([self.tr("Objective"), self.tr("Injects"), self.tr("Rating")])
        self.rating = QComboBox(self)
        self.rating.setObjectName("drillRating")
        for code in ("P", "S", "M", "U"):
            self.rating.addItem(_tr(_RATING, code), code)
        self.mark_button = QPushButton(self.tr("Rate objective"), self)
        self.mark_button.setObjectName("drillMark")
        self.mark_button.clicked.connect(self._on_mark_clicked)
        marks = QHBoxLayout()
        marks.addWidget(self.rating, 1)
        marks.addWidget(self.mark_button)

        self.message = QLabel(self)
        self.message.setObjectName("drillMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color:#ff8a65;")
        self.message.hide()

        # two pages: the MSEL (what the coordinators do) and the objectives (what the
        # evaluators rate), so the MSEL keeps the height of the dock
        msel_page = QWidget(self)
        msel_layout = QVBoxLayout(msel_page)
        msel_layout.setContentsMargins(0, 0, 0, 0)
        msel_layout.addWidget(self.msel, 1)
        msel_layout.addLayout(row)
        objectives_page = QWidget(self)
        objectives_layout = QVBoxLayout(objectives_page)
        objectives_layout.setContentsMargins(0, 0, 0, 0)
        objectives_layout.addWidget(self.objectives, 1)
        objectives_layout.addLayout(marks)
        self.pages = QTabWidget(self)
        self.pages.setObjectName("drillPages")
        self.pages.setDocumentMode(True)
        self.pages.addTab(msel_page, self.tr("MSEL"))
        self.pages.addTab(objectives_page, self.tr("Objectives"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(3)
        layout.addWidget(self.title)
        layout.addLayout(top)
        layout.addWidget(self.pages, 1)
        layout.addLayout(notes)
        layout.addWidget(self.message)

        self._timer = QTimer(self)
        self._timer.setObjectName("drillPoll")
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._on_poll_timeout)
        if poll:
            self._timer.start()
            QTimer.singleShot(0, self._on_poll_timeout)
        self._update_buttons()

    # -- talking to the platform ---------------------------------------------------------------

    def _client_now(self):
        if self._client is None:
            self._client = self._client_factory()
        return self._client

    async def aclose(self) -> None:
        self._timer.stop()
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()

    def _on_poll_timeout(self) -> None:
        if self._busy:
            return
        self._busy = True
        asyncio.ensure_future(self._poll())

    async def _poll(self) -> None:
        try:
            self.apply_state(await self._client_now().drill_state())
        except Exception as exc:  # the platform away for a moment: say so, try again
            self.show_message(self.tr("Cannot reach the drill platform: %1").replace("%1", str(exc)))
        finally:
            self._busy = False

    def send(self, body: dict) -> "asyncio.Future":
        return asyncio.ensure_future(self._send(body))

    async def _send(self, body: dict) -> bool:
        from commandcenter.sync.client import PlatformError

        try:
            self.apply_state(await self._client_now().drill_command(body))
        except PlatformError as exc:
            self.show_message(exc.detail)
            return False
        except Exception as exc:
            self.show_message(str(exc))
            return False
        self.message.hide()
        return True

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    # -- showing the run -----------------------------------------------------------------------

    def apply_state(self, state: dict) -> None:
        self.state = state
        sc = state["scenario"]
        run = self.tr("run %1").replace("%1", state["run_id"])
        self.title.setText(f"<b>{_lang(sc, 'title')}</b> · {run}")
        self.clock.setText(clock_text(state["t_s"]))
        phase = next((p for p in sc["phases"] if p["id"] == state.get("phase")), None)
        words = [_tr(_RUN, state["state"]), f"{state['speed']:g}×"]
        if phase:
            words.append(f"{phase['id']} {_lang(phase, 'title')}")
        self.run_state.setText(" · ".join(words))
        self.play_button.setText(self.tr("Pause") if state["state"] == "running" else self.tr("Play"))
        k = self.speed.findData(int(state["speed"]) if float(state["speed"]).is_integer() else state["speed"])
        if k >= 0:
            self.speed.setCurrentIndex(k)
        self._fill_msel(state)
        self._fill_objectives(state)
        self._update_buttons()
        self.state_changed.emit(state)

    def _fill_msel(self, state: dict) -> None:
        selected = self.selected_inject()
        scroll = self.msel.verticalScrollBar().value()
        self.msel.clear()
        for inj in state["injects"]:
            st = inj["state"]
            words = _tr(_STATE, st)
            if st == "completed" and inj.get("outcome"):
                words += f" ({_tr(_OUTCOME, inj['outcome'])})"
            if inj.get("held"):
                words += " · " + self.tr("held")
            if st == "acknowledged" and inj.get("acknowledged_by"):
                words += f" · {inj['acknowledged_by']}"
            item = QTreeWidgetItem([
                inj["id"], clock_text(inj["at_s"])[:-3], words, self._response_text(inj), _tr(_KIND, inj["kind"]),
                ", ".join(self._address(a) for a in inj["to"]), inj["phase"], _lang(inj, "message"),
            ])
            item.setData(0, Qt.ItemDataRole.UserRole, inj["id"])
            item.setToolTip(MESSAGE, _lang(inj, "message") + ("\n\n" + self.tr("Expected: %1").replace(
                "%1", _lang(inj, "expected")) if _lang(inj, "expected") else ""))
            item.setForeground(STATE, QBrush(QColor(_STATE_COLOUR.get(st, "#ffffff"))))
            if inj.get("due") and st == "pending" and inj["kind"] != "contingency":
                bold = QFont(self.msel.font())
                bold.setBold(True)
                for col in range(8):
                    item.setFont(col, bold)
            self.msel.addTopLevelItem(item)
            if inj["id"] == selected:
                item.setSelected(True)
        self.msel.verticalScrollBar().setValue(scroll)

    def _address(self, code: str) -> str:
        from commandcenter.domain.roles import LABELS

        if code in LABELS:
            return LABELS[code][1 if labels.english() else 0]
        dept = self.catalog.departments.get(code) if self.catalog is not None else None
        return labels.name(dept) if dept is not None else code

    def _response_text(self, inj: dict) -> str:
        minutes = inj.get("response_min")
        if minutes is None:
            return ""
        text = self.tr("%1 min").replace("%1", f"{minutes:.0f}")
        if inj.get("respond_within_min"):
            text += f" / {inj['respond_within_min']:g}"
        who = inj["responses"][0].get("by") if inj.get("responses") else ""
        return f"{text} · {who}" if who else text

    def _fill_objectives(self, state: dict) -> None:
        selected = self.selected_objective()
        self.objectives.clear()
        marks = state.get("marks") or {}
        for obj in state["scenario"]["objectives"]:
            tested = [i for i in state["injects"] if obj["id"] in i["objectives"]]
            done = sum(1 for i in tested if i["state"] == "completed")
            mark = marks.get(obj["id"])
            item = QTreeWidgetItem([f"{obj['id']} {_lang(obj, 'title')}", f"{done}/{len(tested)}",
                                    mark["rating"] if mark else ""])
            item.setData(0, Qt.ItemDataRole.UserRole, obj["id"])
            if mark:
                item.setToolTip(2, f"{_tr(_RATING, mark['rating'])}\n{mark.get('text') or ''}\n{mark.get('by') or ''}")
            self.objectives.addTopLevelItem(item)
            if obj["id"] == selected:
                item.setSelected(True)
        self.objectives.resizeColumnToContents(0)

    def selected_inject(self) -> str | None:
        items = self.msel.selectedItems()
        return items[0].data(0, Qt.ItemDataRole.UserRole) if items else None

    def selected_objective(self) -> str | None:
        items = self.objectives.selectedItems()
        return items[0].data(0, Qt.ItemDataRole.UserRole) if items else None

    def select_inject(self, inject_id: str) -> None:
        for k in range(self.msel.topLevelItemCount()):
            item = self.msel.topLevelItem(k)
            item.setSelected(item.data(0, Qt.ItemDataRole.UserRole) == inject_id)

    def _inject(self, inject_id: str | None) -> dict | None:
        if not self.state or inject_id is None:
            return None
        return next((i for i in self.state["injects"] if i["id"] == inject_id), None)

    def _update_buttons(self) -> None:
        inj = self._inject(self.selected_inject())
        open_run = bool(self.state) and self.state["state"] in ("scheduled", "running", "paused")
        pending = inj is not None and inj["state"] == "pending"
        self.release_button.setEnabled(open_run and pending and inj["kind"] != "expected_action")
        self.hold_button.setEnabled(open_run and pending)
        self.hold_button.setText(self.tr("Let go") if inj is not None and inj.get("held") else self.tr("Hold"))
        self.skip_button.setEnabled(open_run and pending)
        can_complete = inj is not None and (inj["state"] in ("released", "acknowledged", "expired") or (
            inj["kind"] == "expected_action" and inj["state"] == "pending"))
        for b in self.outcome_buttons.values():
            b.setEnabled(can_complete)
        for w in (self.play_button, self.speed, self.seek_button, self.end_button):
            w.setEnabled(open_run)
        self.mark_button.setEnabled(bool(self.state) and self.state["state"] != "evaluated"
                                    and self.selected_objective() is not None)

    # -- the buttons ---------------------------------------------------------------------------

    def _on_play_clicked(self) -> None:
        running = bool(self.state) and self.state["state"] == "running"
        self.send({"action": "pause" if running else "play"})

    def _on_speed_activated(self, index: int) -> None:
        self.send({"action": "speed", "speed": self.speed.itemData(index)})

    def _on_seek_clicked(self) -> None:
        from commandcenter.drills.scenario import parse_offset

        text = self.seek_to.text().strip()
        try:
            t = parse_offset(text if text.startswith("T+") else f"T+{text}")
        except ValueError:
            self.show_message(self.tr("Seek to a time like T+01:30, got %1").replace("%1", repr(text)))
            return
        self.send({"action": "seek", "t_s": t})

    def _on_inject_action(self, action: str) -> None:
        inject = self.selected_inject()
        if inject is not None:
            self.send({"action": action, "inject": inject})

    def _on_hold_clicked(self) -> None:
        inj = self._inject(self.selected_inject())
        if inj is not None:
            self.send({"action": "unhold" if inj.get("held") else "hold", "inject": inj["id"]})

    def _on_outcome_clicked(self, outcome: str) -> None:
        inject = self.selected_inject()
        if inject is not None:
            body = {"action": "complete", "inject": inject, "outcome": outcome}
            if self.note.text().strip():
                body["text"] = self.note.text().strip()
                self.note.clear()
            self.send(body)

    def _on_note_clicked(self) -> None:
        text = self.note.text().strip()
        if not text:
            return
        body = {"action": "note", "text": text}
        if self.selected_inject():
            body["inject"] = self.selected_inject()
        self.note.clear()
        self.send(body)

    def _on_mark_clicked(self) -> None:
        objective = self.selected_objective()
        if objective is None:
            return
        body = {"action": "mark", "objective": objective, "rating": self.rating.currentData()}
        if self.note.text().strip():
            body["text"] = self.note.text().strip()
            self.note.clear()
        self.send(body)
