"""One incident in full, and the buttons that move it and its tasks along: the joint-command
view (综合指挥) of one incident — every department's tasks (lead and co-operating), the response
level under a plan, the reports, the command-log timeline and the nearest units.

The buttons offered are exactly what the state machines allow from the current status AND
what the seat's role may do (domain/roles.py; the store refuses the rest too), so an operator
is never shown an action that would be refused. Every click re-reads the row
(commands are made against its current version), runs a pure domain command and hands the Op
to the store; a refusal shows inline, never as a crash or a modal box on a wall screen.
Titles and descriptions come from the public and the platform: they are shown as plain text.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from commandcenter.domain import commands, integrated, machines, sla
from commandcenter.domain.catalog import Catalog
from commandcenter.domain.commands import CommandError, Op
from commandcenter.domain.hooks import ChangeSet, Hooks
from commandcenter.domain.levels import COLOUR_HEX, OrgLevel
from commandcenter.domain.machines import TransitionError
from commandcenter.domain.roles import RoleError
from commandcenter.store.db import StoreError
from commandcenter.ui import labels
from commandcenter.ui.joint_command import ReportsPanel, ResponsePanel, TimelinePanel
from commandcenter.ui.observing import ObservesHooks

# Refusals a user can cause by clicking; anything else is a bug and should be loud.
COMMAND_ERRORS = (CommandError, TransitionError, StoreError, sla.NoSlaTemplate, RoleError)
# Task actions offered as buttons, in the order of the ticket loop; side actions last.
TASK_BUTTON_ACTIONS = (
    "accept", "return", "redispatch", "start", "feedback", "reject_feedback", "verify", "close",
    "request_extension", "approve_extension", "remind", "supervise", "escalate", "follow_up",
)
EXTENSION_HOURS = (1, 72)  # the extension a seat may ask for at once
CLOCK_INTERVAL_MS = 1000


def _plain_label(parent: QWidget, name: str, *, wrap: bool = False) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)  # user text is never interpreted as HTML
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(wrap)
    return label


class _TaskRow(QFrame):
    """One task: who, where, status, clock, and the buttons its status allows."""

    def __init__(self, detail: "IncidentDetail", task: dict) -> None:
        super().__init__(detail)
        self.task_id = task["id"]
        self.setObjectName(f"incidentDetailTask_{task['id']}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        catalog = detail.catalog
        dept = catalog.departments.get(task["department"])
        unit = catalog.org_units.get(task["org_unit"])

        self.summary = _plain_label(self, f"taskSummary_{task['id']}", wrap=True)
        parts = [
            labels.name(dept) if dept else task["department"],
            self.tr("{name} ({level})").format(
                name=labels.name(unit) if unit else task["org_unit"], level=labels.org_level(task.get("level"))
            ),
            labels.task_status(task["status"]),
        ]
        parts.append(self.tr("Lead") if task.get("lead") else self.tr("Co-operating"))
        if task.get("escalations"):
            origin = catalog.org_units.get(task.get("escalated_from") or "")
            parts.append(self.tr("Escalated x{n} (from {unit})").format(
                n=task["escalations"], unit=labels.name(origin) if origin else task.get("escalated_from") or "—"))
        if task.get("supervised_ms"):
            parts.append(self.tr("Supervised: {text}").format(text=task.get("supervision") or ""))
        if task.get("extension_requested_ms"):
            parts.append(self.tr("Extension asked until {t}").format(t=labels.format_time(task["extension_requested_ms"])))
        if task.get("satisfaction"):
            parts.append(self.tr("Follow-up: {s}").format(s=labels.satisfaction(task["satisfaction"])))
        if task.get("return_reason"):
            parts.append(self.tr("Returned: {reason}").format(reason=labels.return_reason(task["return_reason"])))
        self.summary.setText(" · ".join(parts))
        self.clock_label = _plain_label(self, f"taskClock_{task['id']}")
        # both clocks run from dispatch (DOMAIN.md): signing for, and finishing
        self.deadlines_label = _plain_label(self, f"taskDeadlines_{task['id']}")
        self.deadlines_label.setStyleSheet(f"color: {COLOUR_HEX['stale']};")

        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        self.buttons: dict[str, QPushButton] = {}
        self.reason_combo: QComboBox | None = None
        self.hours_spin: QSpinBox | None = None
        self.satisfaction_combo: QComboBox | None = None
        allowed = set(machines.TASK.allowed(task["status"]))
        for action, states in machines.TASK_SIDE_ACTIONS.items():
            if task["status"] in states:
                allowed.add(action)
        if task.get("level") == OrgLevel.CITY.code:
            allowed.discard("escalate")  # nowhere further up to go
        if not task.get("extension_requested_ms"):
            allowed.discard("approve_extension")
        if task.get("followed_up_ms"):
            allowed.discard("follow_up")
        seat = detail.seat
        for action in TASK_BUTTON_ACTIONS:
            if action not in allowed or not seat.may(f"task.{action}", task):
                continue
            if action == "request_extension":
                spin = QSpinBox(self)
                spin.setObjectName(f"taskExtensionHours_{task['id']}")
                spin.setRange(*EXTENSION_HOURS)
                spin.setValue(4)
                spin.setSuffix(self.tr(" h"))
                self.hours_spin = spin
                buttons.addWidget(spin)
            if action == "follow_up":
                combo = QComboBox(self)
                combo.setObjectName(f"taskSatisfaction_{task['id']}")
                for code in integrated.SATISFACTION:
                    combo.addItem(labels.satisfaction(code), code)
                self.satisfaction_combo = combo
                buttons.addWidget(combo)
            if action == "return":
                combo = QComboBox(self)
                combo.setObjectName(f"taskReturnReason_{task['id']}")
                combo.addItem(self.tr("Reason for return…"), None)
                for code in machines.RETURN_REASONS:
                    combo.addItem(labels.return_reason(code), code)
                self.reason_combo = combo
                buttons.addWidget(combo)
            button = QPushButton(labels.task_action(action), self)
            button.setObjectName(f"taskAction_{action}_{task['id']}")
            button.clicked.connect(lambda _=False, a=action: detail._on_task_button_clicked(self.task_id, a))
            self.buttons[action] = button
            buttons.addWidget(button)
        if self.reason_combo is not None:
            return_button = self.buttons["return"]
            return_button.setEnabled(False)  # a return without a reason code is not a return
            self.reason_combo.currentIndexChanged.connect(
                lambda _i: return_button.setEnabled(self.reason_combo.currentData() is not None)
            )
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.clock_label)
        layout.addLayout(top)
        layout.addWidget(self.deadlines_label)
        layout.addLayout(buttons)
        self.update_clock(task, detail.clock.now_ms())

    def update_clock(self, task: dict, now_ms: int) -> None:
        self.deadlines_label.setText(self._deadlines_text(task, now_ms))
        state = sla.clock_state(task, now_ms)
        if state == "done":
            self.clock_label.setText(labels.clock_state(state))
            colour = COLOUR_HEX["stale"]
        else:
            left = sla.time_left_ms(task, now_ms)
            text = labels.format_duration(left)
            if left < 0:
                text = "-" + text
            self.clock_label.setText(f"{labels.clock_state(state)} {text}")
            colour = {"ok": COLOUR_HEX["green"], "warning": COLOUR_HEX["yellow"]}.get(state, COLOUR_HEX["red"])
        if self.clock_label.property("clock_state") != state:  # restyling is not free
            self.clock_label.setProperty("clock_state", state)
            self.clock_label.setStyleSheet(f"color: {colour};")


    def _deadlines_text(self, task: dict, now_ms: int) -> str:
        """签收 and 办结, each with its deadline and how it stands."""
        def hhmm(ms: int) -> str:
            return datetime.fromtimestamp(ms / 1000).strftime("%H:%M")

        def left(ms: int) -> str:
            d = ms - now_ms
            t = labels.format_duration(d)
            return self.tr("{t} overdue").format(t=t) if d < 0 else self.tr("{t} left").format(t=t)

        if task.get("accepted_ms"):
            late = task["accepted_ms"] > task["accept_by_ms"]
            accept = self.tr("Signed for {t} ({how})").format(
                t=hhmm(task["accepted_ms"]), how=self.tr("late") if late else self.tr("in time"))
        else:
            accept = self.tr("Sign for by {t} ({left})").format(t=hhmm(task["accept_by_ms"]), left=left(task["accept_by_ms"]))
        finish_by = task.get("extension_until_ms") or task["finish_by_ms"]
        if task.get("finished_ms"):
            finish = self.tr("Finished {t}").format(t=hhmm(task["finished_ms"]))
        else:
            finish = self.tr("Finish by {t} ({left})").format(t=hhmm(finish_by), left=left(finish_by))
        return f"{accept} · {finish}"


class IncidentDetail(ObservesHooks, QWidget):
    """The incident panel. Observes the store; writes only through domain commands."""

    incident_changed = Signal(str)  # the incident shown ("" for none)
    nearest_requested = Signal(str)  # the incident whose nearest available units to show

    def __init__(
        self,
        catalog: Catalog,
        store,
        hooks: Hooks,
        clock,
        parent: QWidget | None = None,
        on_command: Callable[[], object] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("incidentDetail")
        self.catalog = catalog
        self.store = store
        self.clock = clock
        self._hooks = hooks
        self._on_command = on_command
        self._incident_id: str | None = None
        self._incident: dict | None = None
        self._tasks: list[dict] = []
        self._task_rows: dict[str, _TaskRow] = {}
        self._action_buttons: dict[str, QPushButton] = {}
        self._stale = False

        self.placeholder = _plain_label(self, "incidentDetailPlaceholder")
        self.placeholder.setText(self.tr("Select an incident on the board or the map."))
        self.title_label = _plain_label(self, "incidentDetailTitle", wrap=True)
        title_font = self.title_label.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.5)
        title_font.setBold(True)
        self.title_label.setFont(title_font)
        self.severity_label = _plain_label(self, "incidentDetailSeverity")
        self.status_label = _plain_label(self, "incidentDetailStatus")
        self.category_label = _plain_label(self, "incidentDetailCategory")
        self.org_unit_label = _plain_label(self, "incidentDetailOrgUnit")
        self.reported_label = _plain_label(self, "incidentDetailReported")
        self.response_label = _plain_label(self, "incidentDetailResponseLevel")
        self.description_label = _plain_label(self, "incidentDetailDescription", wrap=True)
        self.message_label = _plain_label(self, "incidentDetailMessage", wrap=True)
        self.message_label.hide()

        facts = QFormLayout()
        facts.addRow(self._caption(self.tr("Severity")), self.severity_label)
        facts.addRow(self._caption(self.tr("Status")), self.status_label)
        facts.addRow(self._caption(self.tr("Category")), self.category_label)
        facts.addRow(self._caption(self.tr("Org unit")), self.org_unit_label)
        facts.addRow(self._caption(self.tr("Reported")), self.reported_label)
        facts.addRow(self._caption(self.tr("Response")), self.response_label)
        facts.addRow(self._caption(self.tr("Description")), self.description_label)

        self.actions_box = QWidget(self)
        self.actions_box.setObjectName("incidentDetailActions")
        self._actions_layout = QHBoxLayout(self.actions_box)
        self._actions_layout.setContentsMargins(0, 0, 0, 0)
        self.response_panel = ResponsePanel(catalog, self._run, self._context, clock, self)
        self.reports_panel = ReportsPanel(self._run, self._context, clock, self)
        self.reports_panel.rules = catalog.report_rules
        self.timeline_panel = TimelinePanel(self._run, self._context, clock, self)

        self.dispatch_box = QGroupBox(self.tr("Dispatch"), self)
        self.dispatch_box.setObjectName("incidentDetailDispatch")
        self.department_combo = QComboBox(self.dispatch_box)
        self.department_combo.setObjectName("incidentDetailDepartment")
        self.department_combo.addItem(self.tr("Choose a department…"), None)
        for dept in catalog.departments.values():
            self.department_combo.addItem(labels.name(dept), dept.code)
            self.department_combo.setItemData(
                self.department_combo.count() - 1, labels.other_name(dept), Qt.ItemDataRole.ToolTipRole
            )
        self.org_unit_combo = QComboBox(self.dispatch_box)
        self.org_unit_combo.setObjectName("incidentDetailOrgUnitCombo")
        self.lead_check = QCheckBox(self.tr("Lead unit"), self.dispatch_box)
        self.lead_check.setObjectName("incidentDetailLead")
        self.dispatch_button = QPushButton(self.tr("Dispatch"), self.dispatch_box)
        self.dispatch_button.setObjectName("incidentDetailDispatchButton")
        self.dispatch_button.setEnabled(False)
        self.dispatch_button.clicked.connect(self._on_dispatch_button_clicked)
        self.department_combo.currentIndexChanged.connect(self._on_dispatch_form_changed)
        self.org_unit_combo.currentIndexChanged.connect(self._on_dispatch_form_changed)
        dispatch_layout = QFormLayout(self.dispatch_box)
        dispatch_layout.addRow(self._caption(self.tr("Department")), self.department_combo)
        dispatch_layout.addRow(self._caption(self.tr("Org unit")), self.org_unit_combo)
        row = QHBoxLayout()
        row.addWidget(self.lead_check)
        row.addStretch(1)
        row.addWidget(self.dispatch_button)
        dispatch_layout.addRow(row)

        self.tasks_box = QGroupBox(self.tr("Tasks"), self)
        self.tasks_box.setObjectName("incidentDetailTasks")
        self._tasks_layout = QVBoxLayout(self.tasks_box)
        self.instruction_edit = QLineEdit(self.tasks_box)
        self.instruction_edit.setObjectName("incidentDetailInstruction")
        self.instruction_edit.setPlaceholderText(
            self.tr("Instruction or reason (for supervise, remind, extension, feedback)…"))
        self._tasks_layout.addWidget(self.instruction_edit)
        self.no_tasks_label = _plain_label(self.tasks_box, "incidentDetailNoTasks")
        self.no_tasks_label.setText(self.tr("No task dispatched yet."))
        self._tasks_layout.addWidget(self.no_tasks_label)

        self.nearest_button = QPushButton(self.tr("Nearest available units"), self)
        self.nearest_button.setObjectName("incidentDetailNearest")
        self.nearest_button.clicked.connect(self._on_nearest_button_clicked)
        self.nearest_label = _plain_label(self, "incidentDetailNearestList", wrap=True)
        self.nearest_label.hide()
        self.assign_combo = QComboBox(self)
        self.assign_combo.setObjectName("incidentDetailAssignUnit")
        self.assign_button = QPushButton(self.tr("Assign"), self)
        self.assign_button.setObjectName("incidentDetailAssign")
        self.assign_button.clicked.connect(self._on_assign_button_clicked)
        self.assign_combo.hide()
        self.assign_button.hide()
        nearest_row = QHBoxLayout()
        nearest_row.addWidget(self.nearest_button)
        nearest_row.addWidget(self.assign_combo)
        nearest_row.addWidget(self.assign_button)
        nearest_row.addStretch(1)
        self.units_label = _plain_label(self, "incidentDetailUnits", wrap=True)
        self.cap_button = QPushButton(self.tr("Draft CAP alert…"), self)
        self.cap_button.setObjectName("incidentDetailCap")
        self.cap_button.clicked.connect(self._on_cap_button_clicked)
        nearest_row.addWidget(self.cap_button)
        self.sitrep_button = QPushButton(self.tr("Situation report…"), self)
        self.sitrep_button.setObjectName("incidentDetailSitrep")
        self.sitrep_button.clicked.connect(self._on_sitrep_button_clicked)
        nearest_row.addWidget(self.sitrep_button)

        self.content = QWidget(self)
        self.content.setObjectName("incidentDetailContent")
        content_layout = QVBoxLayout(self.content)
        content_layout.addWidget(self.title_label)
        content_layout.addLayout(facts)
        content_layout.addWidget(self.message_label)
        content_layout.addWidget(self.actions_box)
        content_layout.addWidget(self.response_panel)
        content_layout.addWidget(self.tasks_box)
        content_layout.addWidget(self.dispatch_box)
        content_layout.addWidget(self.units_label)
        content_layout.addLayout(nearest_row)
        content_layout.addWidget(self.nearest_label)
        content_layout.addWidget(self.reports_panel)
        content_layout.addWidget(self.timeline_panel)
        content_layout.addStretch(1)
        self.content.hide()

        scroll = QScrollArea(self)
        scroll.setObjectName("incidentDetailScroll")
        scroll.setWidgetResizable(True)
        inner = QWidget(scroll)
        inner_layout = QVBoxLayout(inner)
        inner_layout.addWidget(self.placeholder)
        inner_layout.addWidget(self.content)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

        self.clock_timer = QTimer(self)
        self.clock_timer.setObjectName("incidentDetailClockTimer")
        self.clock_timer.setInterval(CLOCK_INTERVAL_MS)
        self.clock_timer.timeout.connect(self._on_clock_timer_timeout)

        self.setup_hooks()

    # ------------------------------------------------------------------ hooks
    def _subscriptions(self) -> list:
        return [
            (self._hooks.changes_did_commit, self._on_store_committed),
        ]

    def _on_teardown(self) -> None:
        self.clock_timer.stop()

    def _on_store_committed(self, changes: ChangeSet) -> None:
        if self._incident_id is None or not self._concerns_us(changes):
            return
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def _concerns_us(self, changes: ChangeSet) -> bool:
        if self._incident_id in changes.entities.get("incident", ()):
            return True
        units = list(changes.entities.get("resource", ()))
        if units and self.store.query(
            f"SELECT 1 FROM resources WHERE json_extract(extra, '$.incident_id') = ? AND id IN "
            f"({','.join('?' * len(units))}) LIMIT 1", [self._incident_id, *units]
        ):
            return True
        for entity, table in (("log", "log"), ("report", "reports")):
            ids = list(changes.entities.get(entity, ()))
            if ids and self.store.query(
                f"SELECT 1 FROM {table} WHERE incident_id=? AND id IN ({','.join('?' * len(ids))}) LIMIT 1",
                [self._incident_id, *ids],
            ):
                return True
        task_ids = changes.entities.get("task", frozenset())
        if not task_ids:
            return False
        if task_ids & set(self._task_rows):
            return True
        # a task dispatched elsewhere for this incident is new to us: ask the store
        ids = list(task_ids)
        marks = ",".join("?" * len(ids))
        return bool(
            self.store.query(
                f"SELECT 1 FROM tasks WHERE incident_id=? AND id IN ({marks}) LIMIT 1",
                [self._incident_id, *ids],
            )
        )

    def _caption(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setTextFormat(Qt.TextFormat.PlainText)
        return label

    # -------------------------------------------------------------- public API
    @property
    def seat(self):
        """Who sits here (the store's seat): decides which actions are offered."""
        return self.store.seat

    def _context(self) -> tuple[dict, list[dict], object, str]:
        """Fresh rows for a command: the incident, its tasks, the seat, the user."""
        incident = self._fresh_incident()
        return incident, self.store.tasks_for(incident["id"]), self.seat, self.store.user

    def incident_id(self) -> str | None:
        return self._incident_id

    def show_nearest(self, units: list[tuple]) -> None:
        """List the nearest available units (name, metres[, unit id]), closest first, under the
        button; with ids, a seat that may assign units can send one to the incident."""
        self.assign_combo.clear()
        if not units:
            self.nearest_label.setText(self.tr("No available unit with a known position."))
        else:
            lines = []
            for i, (name, metres, *rest) in enumerate(units, 1):
                distance = f"{metres / 1000:.1f} km" if metres >= 1000 else f"{round(metres)} m"
                lines.append(f"{i}. {name}  {distance}")
                if rest:
                    self.assign_combo.addItem(f"{name}  {distance}", rest[0])
            self.nearest_label.setText("\n".join(lines))
        self.nearest_label.show()
        can = self.assign_combo.count() > 0 and self.seat.may("resource.assign")
        self.assign_combo.setVisible(can)
        self.assign_button.setVisible(can)

    def _on_assign_button_clicked(self) -> None:
        unit_id = self.assign_combo.currentData()
        if unit_id is None:
            return

        def make():
            unit = self.store.get("resource", unit_id)
            if unit is None:
                raise CommandError(self.tr("The unit no longer exists."), "id")
            return integrated.assign_unit(unit, self._fresh_incident(), self.clock.now_ms())

        if self._run(self.tr("Assign"), make):
            self.assign_combo.removeItem(self.assign_combo.currentIndex())

    def export_sitrep(self, path: str | Path) -> None:
        """This incident's situation report (interop/sitrep.py) as HTML, or as an A4 PDF when
        the path ends in .pdf, written from the store's own connection."""
        from commandcenter.interop.layers import write_atomic
        from commandcenter.interop.sitrep import sitrep_html

        path = Path(path)
        lang = "en" if labels.english() else "zh"
        html = sitrep_html(self.catalog, self.store.conn, self._incident_id, lang, self.clock.now_ms())
        if path.suffix.lower() == ".pdf":
            from commandcenter.ui.pdf import html_to_pdf

            html_to_pdf(html, path, title=labels.incident_title(self._incident or {}))
        else:
            write_atomic(path, html.encode("utf-8"))

    def _on_sitrep_button_clicked(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        if self._incident is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Situation report"), "sitrep.pdf",
                                              self.tr("PDF (*.pdf);;HTML (*.html)"))
        if path:
            try:
                self.export_sitrep(path)
            except OSError as exc:
                self.show_error(self.tr("Situation report: {reason}").format(reason=exc.strerror or exc))

    def open_cap_draft(self):
        """The CAP 1.2 draft of this incident (review, edit, save as XML); the dialog."""
        from commandcenter.ui.cap_dialog import CapDraftDialog

        if self._incident is None:
            return None
        dialog = CapDraftDialog(self._incident, self.catalog, self, now_ms=self.clock.now_ms(), sender=self.store.user)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def _on_cap_button_clicked(self) -> None:
        self.open_cap_draft()

    def _show_units(self, incident: dict) -> None:
        """The units at work on this incident (assigned to it, on the way, on scene)."""
        rows = self.store.query(
            "SELECT id, name, status FROM resources WHERE json_extract(extra, '$.incident_id') = ? "
            "AND status IN ('assigned', 'en_route', 'on_scene') ORDER BY name", [incident["id"]])
        if rows:
            text = " · ".join(f"{r['name'] or r['id']} ({labels.resource_status(r['status'])})" for r in rows)
            self.units_label.setText(self.tr("Units: {units}").format(units=text))
        else:
            self.units_label.setText(self.tr("Units: none assigned"))

    def _on_nearest_button_clicked(self) -> None:
        if self._incident_id is not None:
            self.nearest_requested.emit(self._incident_id)

    def show_incident(self, incident_id: str | None) -> None:
        """Show an incident (None or an unknown id shows the placeholder)."""
        changed = incident_id != self._incident_id
        if changed:
            self.nearest_label.hide()
        self._incident_id = incident_id
        if changed:
            self.clear_message()
            self.department_combo.setCurrentIndex(0)
        self.refresh()
        if changed:
            self.incident_changed.emit(incident_id or "")

    def refresh(self) -> None:
        self._stale = False
        incident = self.store.get("incident", self._incident_id) if self._incident_id else None
        self._incident = incident
        if incident is None:
            self._tasks = []
            self.content.hide()
            self.placeholder.show()
            self._rebuild_tasks()
            return
        self.placeholder.hide()
        self.content.show()
        self._tasks = self.store.tasks_for(incident["id"])
        seat = self.seat
        self._show_facts(incident)
        self._rebuild_actions(incident)
        self._rebuild_dispatch_form(incident)
        self._rebuild_tasks()
        self.instruction_edit.setVisible(bool(self._task_rows) and any(r.buttons for r in self._task_rows.values()))
        self._show_units(incident)
        # an outbound warning speaks for the command center: the commander's or a dispatcher's
        self.cap_button.setVisible(seat.role in ("commander", "dispatcher"))
        self.response_panel.update_for(incident, seat)
        self.reports_panel.update_for(
            incident,
            self.store.query("SELECT * FROM reports WHERE incident_id=? ORDER BY submitted_ms", [incident["id"]]),
            seat,
        )
        self.timeline_panel.update_for(
            self.store.query("SELECT * FROM log WHERE incident_id=? ORDER BY ts_ms DESC, id DESC LIMIT 200",
                             [incident["id"]]),
            seat,
        )

    def message(self) -> str:
        return self.message_label.text() if self.message_label.isVisible() else ""

    def clear_message(self) -> None:
        self.message_label.clear()
        self.message_label.hide()

    def action_button(self, action: str) -> QPushButton | None:
        """The incident action button for `action`, if the current status offers it."""
        return self._action_buttons.get(action)

    def task_row(self, task_id: str) -> _TaskRow | None:
        return self._task_rows.get(task_id)

    # ------------------------------------------------------------- building
    def _show_facts(self, inc: dict) -> None:
        self.title_label.setText(labels.incident_title(inc))
        severity = inc.get("severity")
        colour = labels.severity_colour(severity)
        self.severity_label.setText(labels.severity(severity))
        self.severity_label.setStyleSheet(f"color: {colour}; font-weight: bold;")
        self.severity_label.setProperty("severity", severity)
        status = labels.incident_status(inc.get("status"))
        if inc.get("generation"):
            status = self.tr("{status} (reopened {n}x)").format(status=status, n=inc["generation"])
        self.status_label.setText(status)
        event_type = self.catalog.event_types.get(inc.get("category") or "")
        self.category_label.setText(labels.name(event_type) if event_type else (inc.get("category") or ""))
        self.category_label.setToolTip(labels.other_name(event_type) if event_type else "")
        unit = self.catalog.org_units.get(inc.get("org_unit") or "")
        self.org_unit_label.setText(
            self.tr("{name} ({level})").format(name=labels.name(unit), level=labels.org_level(unit.level.code))
            if unit
            else (inc.get("org_unit") or "")
        )
        reported = inc.get("reported_ms")
        self.reported_label.setText(
            datetime.fromtimestamp(reported / 1000).strftime("%Y-%m-%d %H:%M:%S") if reported else ""
        )
        level = inc.get("response_level")
        plan = self.catalog.plans.get(inc.get("response_plan") or "")
        text = labels.response_level(level) if level else self.tr("None")
        self.response_label.setText(f"{text} · {labels.plan_name(plan)}" if level and plan else text)
        # scenario and imported incidents may carry the English text too, like the title
        english = labels.english() and inc.get("description_en")
        self.description_label.setText((inc.get("description_en") if english else inc.get("description")) or "")

    def _rebuild_actions(self, inc: dict) -> None:
        for button in self._action_buttons.values():
            self._actions_layout.removeWidget(button)
            button.deleteLater()  # may be the button whose click brought us here
        self._action_buttons = {}
        item = self._actions_layout.takeAt(0)
        while item is not None:
            item = self._actions_layout.takeAt(0)
        for action in machines.INCIDENT.allowed(inc["status"]):
            if not self.seat.may(f"incident.{action}", inc):
                continue
            button = QPushButton(labels.incident_action(action), self.actions_box)
            button.setObjectName(f"incidentAction_{action}")
            button.clicked.connect(lambda _=False, a=action: self._on_action_button_clicked(a))
            self._actions_layout.addWidget(button)
            button.show()  # children added to a shown parent are otherwise shown one event later
            self._action_buttons[action] = button
        self._actions_layout.addStretch(1)

    def _rebuild_dispatch_form(self, inc: dict) -> None:
        is_open = inc["status"] not in ("closed", "cancelled")
        self.dispatch_box.setEnabled(is_open)
        self.dispatch_box.setVisible(self.seat.may("task.dispatch", inc))
        previous = self.org_unit_combo.currentData()
        self.org_unit_combo.blockSignals(True)
        self.org_unit_combo.clear()
        code = inc.get("org_unit")
        unit = self.catalog.org_units.get(code) if code else None
        while unit is not None:
            self.org_unit_combo.addItem(
                self.tr("{name} ({level})").format(name=labels.name(unit), level=labels.org_level(unit.level.code)),
                unit.code,
            )
            unit = self.catalog.org_units.get(unit.parent) if unit.parent else None
        i = self.org_unit_combo.findData(previous)
        self.org_unit_combo.setCurrentIndex(i if i >= 0 else 0)
        self.org_unit_combo.blockSignals(False)
        has_lead = any(t.get("lead") and t["status"] in machines.OPEN_TASK_STATES for t in self._tasks)
        self.lead_check.setChecked(not has_lead)
        self._on_dispatch_form_changed()

    def _rebuild_tasks(self) -> None:
        reasons = {
            tid: row.reason_combo.currentIndex()
            for tid, row in self._task_rows.items()
            if row.reason_combo is not None
        }
        for row in self._task_rows.values():
            self._tasks_layout.removeWidget(row)
            row.hide()
            row.deleteLater()  # may hold the button whose click brought us here
        self._task_rows = {}
        for task in self._tasks:
            row = _TaskRow(self, task)
            if row.reason_combo is not None and task["id"] in reasons:
                row.reason_combo.setCurrentIndex(reasons[task["id"]])
            self._tasks_layout.addWidget(row)
            row.show()  # children added to a shown parent are otherwise shown one event later
            self._task_rows[task["id"]] = row
        self.no_tasks_label.setVisible(not self._tasks)

    # -------------------------------------------------------------- commands
    def _run(self, label: str, make_op: Callable[[], Op | list[Op]]) -> bool:
        """Build the op(s) from fresh rows and execute them in one transaction; refusals become
        an inline message."""
        try:
            op = make_op()
            self.store.execute(op)
        except COMMAND_ERRORS as exc:
            self.show_error(self.tr("{action}: {reason}").format(action=label, reason=str(exc)))
            self.refresh()  # what we showed was out of date, or the input was refused
            return False
        self.clear_message()
        if self._on_command is not None:
            self._on_command()
        return True

    def show_error(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet(f"color: {COLOUR_HEX['red']};")
        self.message_label.show()

    def _fresh_incident(self) -> dict:
        row = self.store.get("incident", self._incident_id) if self._incident_id else None
        if row is None:
            raise CommandError(self.tr("The incident no longer exists."), "id")
        return row

    def _fresh_task(self, task_id: str) -> dict:
        row = self.store.get("task", task_id)
        if row is None:
            raise CommandError(self.tr("The task no longer exists."), "id")
        return row

    def _on_action_button_clicked(self, action: str) -> None:
        def make() -> Op:
            row = self._fresh_incident()
            now = self.clock.now_ms()
            if action == "reopen":
                return commands.reopen_incident(row, now)
            return commands.transition("incident", row, action, now)

        self._run(labels.incident_action(action), make)

    def _on_dispatch_form_changed(self, _index: int = 0) -> None:
        self.dispatch_button.setEnabled(
            self.department_combo.currentData() is not None and self.org_unit_combo.currentData() is not None
        )

    def _on_dispatch_button_clicked(self) -> None:
        department = self.department_combo.currentData()
        org_unit = self.org_unit_combo.currentData()
        lead = self.lead_check.isChecked()
        def make():
            incident, tasks, _seat, _user = self._context()
            now = self.clock.now_ms()
            if lead:  # one lead per incident (首接负责): refused when there is one already
                return integrated.dispatch_joint(incident, self.catalog, now, lead=(department, org_unit),
                                                 open_tasks=tasks)
            return commands.dispatch_task(incident, self.catalog, now, department=department, org_unit=org_unit,
                                          lead=False)

        ok = self._run(self.tr("Dispatch"), make)
        if ok:
            self.department_combo.setCurrentIndex(0)  # the next dispatch is a new decision

    def _on_task_button_clicked(self, task_id: str, action: str) -> None:
        row_widget = self._task_rows.get(task_id)
        reason = row_widget.reason_combo.currentData() if row_widget and row_widget.reason_combo else None
        hours = row_widget.hours_spin.value() if row_widget and row_widget.hours_spin else 0
        satisfaction = (row_widget.satisfaction_combo.currentData()
                        if row_widget and row_widget.satisfaction_combo else None)
        instruction = self.instruction_edit.text().strip()

        def make() -> Op:
            task = self._fresh_task(task_id)
            now = self.clock.now_ms()
            if action == "escalate":
                return integrated.escalation_ops(task, self._fresh_incident(), self.catalog, now)
            if action == "return":
                return commands.task_action(task, "return", now, reason=reason)
            if action == "supervise":
                return integrated.supervise_with_notice(task, self.catalog, now, text=instruction, user=self.store.user)
            if action == "follow_up":
                return integrated.follow_up_task(task, now, satisfaction=satisfaction, note=instruction)
            if action == "request_extension":
                base = task.get("extension_until_ms") or task["finish_by_ms"]
                return commands.task_action(task, "request_extension", now, until_ms=max(base, now) + hours * 3_600_000,
                                            reason=instruction)
            if action == "feedback" and instruction:
                return commands.task_action(task, "feedback", now, note=instruction)
            if action == "redispatch":
                # 审定: to the department and unit chosen in the dispatch form, else the same
                # ones (the return is overruled); deadlines start now; logged
                return integrated.arbitrate_return(
                    task, self._fresh_incident(), self.catalog, now,
                    department=self.department_combo.currentData(),
                    org_unit=self.org_unit_combo.currentData() if self.department_combo.currentData() else None,
                    user=self.store.user, role=self.seat.role, note=instruction,
                )
            if action == "remind":
                return integrated.remind_task(task, self.catalog, now, text=instruction)
            return commands.task_action(task, action, now)

        if self._run(labels.task_action(action), make) and action in ("supervise", "follow_up", "remind",
                                                                      "request_extension", "feedback", "redispatch"):
            self.instruction_edit.clear()

    # ------------------------------------------------------------ visibility
    def _on_clock_timer_timeout(self) -> None:
        now = self.clock.now_ms()
        for task in self._tasks:
            row = self._task_rows.get(task["id"])
            if row is not None:
                row.update_clock(task, now)
        if self._incident is not None:
            self.reports_panel.update_clock(now)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()
        self.clock_timer.start()

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self.clock_timer.stop()
