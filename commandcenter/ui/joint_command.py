"""The joint-command parts of the incident panel (综合指挥): the response level under a plan,
the incident's reports (初报/续报/终报) with their deadline, and its command-log timeline.

Each part is a group box the incident panel refreshes with the current rows and the seat;
a part offers only what the seat's role may do (domain/roles.py) and runs its commands
through the panel's `run` (fresh rows, inline refusals), so it never writes on its own.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from commandcenter.domain import integrated
from commandcenter.domain.catalog import Catalog
from commandcenter.domain.levels import COLOUR_HEX, ResponseLevel
from commandcenter.domain.plans import plans_for
from commandcenter.domain.roles import Seat
from commandcenter.ui import labels

Run = Callable[[str, Callable[[], object]], bool]
TIMELINE_LIMIT = 200


def _plain(parent: QWidget, name: str, *, wrap: bool = False) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    return label


class ResponsePanel(QGroupBox):
    """Raise or lower the response level (一级..四级) under a plan; the commander's decision."""

    def __init__(self, catalog: Catalog, run: Run, context: Callable[[], tuple[dict, list[dict], Seat, str]], clock,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Response level and plan"), parent)
        self.setObjectName("responsePanel")
        self.catalog = catalog
        self._clock = clock
        self._run = run
        self._context = context
        self.current_label = _plain(self, "responseCurrent", wrap=True)
        self.plan_combo = QComboBox(self)
        self.plan_combo.setObjectName("responsePlan")
        self.level_combo = QComboBox(self)
        self.level_combo.setObjectName("responseLevel")
        self.level_combo.addItem(self.tr("End the response"), None)
        for level in ResponseLevel:
            self.level_combo.addItem(labels.response_level(level.value.code), level.value.code)
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setObjectName("responseReason")
        self.reason_edit.setPlaceholderText(self.tr("Why (goes to the command log)"))
        self.decide_button = QPushButton(self.tr("Decide"), self)
        self.decide_button.setObjectName("responseDecide")
        self.decide_button.clicked.connect(self._on_decide_button_clicked)
        self.preview_label = _plain(self, "responsePreview", wrap=True)
        self.plan_combo.currentIndexChanged.connect(self._update_preview)
        self.level_combo.currentIndexChanged.connect(self._update_preview)
        row = QHBoxLayout()
        row.addWidget(self.plan_combo, 2)
        row.addWidget(self.level_combo, 1)
        row.addWidget(self.decide_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.current_label)
        layout.addLayout(row)
        layout.addWidget(self.reason_edit)
        layout.addWidget(self.preview_label)
        self._incident: dict | None = None

    def update_for(self, incident: dict, seat: Seat) -> None:
        self._incident = incident
        plan = self.catalog.plans.get(incident.get("response_plan") or "")
        level = incident.get("response_level")
        if level:
            self.current_label.setText(
                self.tr("Now: {level} under {plan}").format(
                    level=labels.response_level(level), plan=labels.plan_name(plan) if plan else "—"))
            self.current_label.setStyleSheet(f"color: {ResponseLevel['L' + level].value.colour}; font-weight: bold;")
        else:
            self.current_label.setText(self.tr("Now: no response level"))
            self.current_label.setStyleSheet("")
        event_type = self.catalog.event_types.get(incident.get("category") or "")
        plans = plans_for(self.catalog.plans, incident.get("category") or "", event_type.category if event_type else None)
        previous = self.plan_combo.currentData()
        self.plan_combo.blockSignals(True)
        self.plan_combo.clear()
        for p in plans:
            self.plan_combo.addItem(labels.plan_name(p), p.code)
        want = incident.get("response_plan") or previous
        i = self.plan_combo.findData(want)
        self.plan_combo.setCurrentIndex(i if i >= 0 else 0)
        self.plan_combo.blockSignals(False)
        is_open = incident["status"] not in ("closed", "cancelled")
        allowed = seat.may("incident.set_response_level", incident)
        self.setVisible(allowed or bool(level))
        for w in (self.plan_combo, self.level_combo, self.reason_edit, self.decide_button):
            w.setVisible(allowed)
            w.setEnabled(is_open)
        self._update_preview()

    def _plan(self):
        return self.catalog.plans.get(self.plan_combo.currentData() or "")

    def _update_preview(self, *_args) -> None:
        """What the decision will dispatch, before it is made."""
        try:
            incident, tasks, _seat, _user = self._context()
        except integrated.CommandError:  # no incident shown (any more)
            incident, tasks = None, []
        plan, level = self._plan(), self.level_combo.currentData()
        if incident is None or not self.decide_button.isVisible() or plan is None or level is None:
            self.preview_label.clear()
            return
        try:
            ops = integrated.decide_response_level(incident, self.catalog, 0, level=level, plan=plan, open_tasks=tasks)
        except integrated.CommandError as exc:
            self.preview_label.setText(str(exc))
            return
        new = [op.fields for op in ops if op.entity == "task"]
        if not new:
            self.preview_label.setText(self.tr("No new tasks: the plan's departments are already at work."))
            return
        names = []
        for t in new:
            dept = self.catalog.departments.get(t["department"])
            unit = self.catalog.org_units.get(t["org_unit"])
            names.append(f"{labels.name(dept) if dept else t['department']} @ {labels.name(unit) if unit else t['org_unit']}")
        self.preview_label.setText(self.tr("Dispatches {n}: {names}").format(n=len(new), names="; ".join(names)))

    def _on_decide_button_clicked(self) -> None:
        plan, level, reason = self._plan(), self.level_combo.currentData(), self.reason_edit.text()

        def make():
            incident, tasks, seat, user = self._context()
            return integrated.decide_response_level(
                incident, self.catalog, self._clock.now_ms(), level=level, plan=plan if level else None,
                open_tasks=tasks, user=user, role=seat.role, reason=reason)

        if self._run(self.tr("Response level"), make):
            self.reason_edit.clear()


class ReportsPanel(QGroupBox):
    """初报 → 续报 n → 终报, the next one's deadline counting down, and the form to file it."""

    def __init__(self, run: Run, context: Callable[[], tuple[dict, list[dict], Seat, str]], clock,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Reports"), parent)
        self.setObjectName("reportsPanel")
        self._run = run
        self._context = context
        self._clock = clock
        self.rules: list = []
        self.due_label = _plain(self, "reportsDue", wrap=True)
        self.list = QListWidget(self)
        self.list.setObjectName("reportsList")
        self.list.setWordWrap(True)
        self.list.setMaximumHeight(160)
        self.kind_combo = QComboBox(self)
        self.kind_combo.setObjectName("reportsKind")
        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setObjectName("reportsText")
        self.text_edit.setPlaceholderText(self.tr("What happened, what is being done, what is needed"))
        self.text_edit.setMaximumHeight(80)
        self.file_button = QPushButton(self.tr("File report"), self)
        self.file_button.setObjectName("reportsFile")
        self.file_button.clicked.connect(self._on_file_button_clicked)
        row = QHBoxLayout()
        row.addWidget(self.kind_combo)
        row.addStretch(1)
        row.addWidget(self.file_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.due_label)
        layout.addWidget(self.list)
        layout.addWidget(self.text_edit)
        layout.addLayout(row)
        self._reports: list[dict] = []
        self._due: tuple[str, int, int] | None = None

    def update_for(self, incident: dict, reports: list[dict], seat: Seat) -> None:
        self._reports = reports
        self.list.clear()
        for r in reports:
            item = QListWidgetItem(
                f"{labels.format_time(r['submitted_ms'])}  {labels.report_kind(r['kind'], r['number'])}"
                f"  ({r.get('author') or '—'})\n{r['text']}")
            self.list.addItem(item)
        self.list.setVisible(bool(reports))
        self._due = integrated.next_report(incident, reports, self.rules) if self.rules else None
        kinds = [r["kind"] for r in reports]
        self.kind_combo.clear()
        if "final" not in kinds and incident["status"] != "cancelled":
            if "initial" not in kinds:
                self.kind_combo.addItem(labels.report_kind("initial"), "initial")
            else:
                if incident["status"] != "closed":
                    self.kind_combo.addItem(labels.report_kind("update", kinds.count("update") + 1), "update")
                self.kind_combo.addItem(labels.report_kind("final"), "final")
        allowed = seat.may("report.submit", incident) and self.kind_combo.count() > 0
        for w in (self.kind_combo, self.text_edit, self.file_button):
            w.setVisible(allowed)
        self.update_clock(self._clock.now_ms())

    def update_clock(self, now_ms: int) -> None:
        if self._due is None:
            self.due_label.setText(self.tr("No report owed.") if self._reports else "")
            self.due_label.setStyleSheet("")
            return
        kind, number, due_ms = self._due
        left = due_ms - now_ms
        what = labels.report_kind(kind, number)
        if left < 0:
            text = self.tr("{what} overdue by {t}").format(what=what, t=labels.format_duration(left))
            colour = COLOUR_HEX["red"]
        else:
            text = self.tr("{what} due in {t}").format(what=what, t=labels.format_duration(left))
            colour = COLOUR_HEX["yellow"] if left < 10 * 60_000 else COLOUR_HEX["green"]
        self.due_label.setText(text)
        self.due_label.setStyleSheet(f"color: {colour}; font-weight: bold;")

    def _on_file_button_clicked(self) -> None:
        kind, text = self.kind_combo.currentData(), self.text_edit.toPlainText()

        def make():
            incident, _tasks, _seat, user = self._context()
            return integrated.submit_report(incident, self._reports, self._clock.now_ms(), kind=kind, text=text,
                                            author=user)

        if self._run(self.tr("File report"), make):
            self.text_edit.clear()


class TimelinePanel(QGroupBox):
    """The incident's command log, newest first, and a line to add a note or a decision."""

    def __init__(self, run: Run, context: Callable[[], tuple[dict, list[dict], Seat, str]], clock,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Command log"), parent)
        self.setObjectName("timelinePanel")
        self._run = run
        self._context = context
        self._clock = clock
        self.list = QListWidget(self)
        self.list.setObjectName("timelineList")
        self.list.setWordWrap(True)
        self.list.setMinimumHeight(120)
        self.note_edit = QLineEdit(self)
        self.note_edit.setObjectName("timelineNote")
        self.note_edit.setPlaceholderText(self.tr("Record a decision or a note…"))
        self.note_edit.returnPressed.connect(self._on_add_button_clicked)
        self.add_button = QPushButton(self.tr("Record"), self)
        self.add_button.setObjectName("timelineAdd")
        self.add_button.clicked.connect(self._on_add_button_clicked)
        row = QHBoxLayout()
        row.addWidget(self.note_edit, 1)
        row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(row)

    def update_for(self, entries: list[dict], seat: Seat) -> None:
        self.list.clear()
        for e in entries[:TIMELINE_LIMIT]:
            who = e.get("user") or "—"
            if e.get("role"):
                who = f"{who} ({labels.role(e['role'])})"
            item = QListWidgetItem(f"{labels.format_time(e['ts_ms'])}  [{labels.log_kind(e['kind'])}]  {who}\n{e['text']}")
            if e["kind"] == "escalation":
                item.setForeground(Qt.GlobalColor.red)
            self.list.addItem(item)
        allowed = seat.may("log.write")
        self.note_edit.setVisible(allowed)
        self.add_button.setVisible(allowed)

    def _on_add_button_clicked(self) -> None:
        text = self.note_edit.text()

        def make():
            incident, _tasks, seat, user = self._context()
            return integrated.write_log(self._clock.now_ms(), text=text, kind="decision" if seat.role == "commander" else "note",
                                        incident_id=incident["id"], user=user, role=seat.role,
                                        mode=incident.get("mode", "live"))

        if self._run(self.tr("Record"), make):
            self.note_edit.clear()
