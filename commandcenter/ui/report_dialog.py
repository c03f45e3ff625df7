"""Report an incident at a point of the map (a right-click on the map opens this dialog).

The org unit is not chosen by the operator: it is the deepest unit whose area contains the
point (`Catalog.locate`), shown with its chain of parents so a wrong click is noticed before
anything is written. A point outside the city has no unit, and an incident without one could
not be dispatched, so the dialog says so and offers no OK. The report is the same domain
command the rest of the app uses, run through the store; a refusal (an empty title...) is
shown in the dialog naming the field, and nothing is written.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from commandcenter.domain import commands
from commandcenter.domain.catalog import Catalog, OrgUnit
from commandcenter.domain.commands import CommandError
from commandcenter.domain.roles import RoleError
from commandcenter.domain.levels import COLOUR_HEX, OrgLevel, Severity
from commandcenter.store.db import StoreError
from commandcenter.ui import labels

CHAIN_SEPARATOR = " › "
DEFAULT_SEVERITY = Severity.IV.info.code  # the least severe: raising it is a decision


def _plain_label(parent: QWidget, name: str, *, wrap: bool = False) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)  # names and errors are never HTML
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(wrap)
    return label


def org_chain(catalog: Catalog, unit: OrgUnit) -> list[OrgUnit]:
    """The unit and its parents, highest first, without the city itself (every unit is in
    it) unless the unit is the city."""
    chain: list[OrgUnit] = []
    current: OrgUnit | None = unit
    while current is not None:
        chain.append(current)
        current = catalog.org_units.get(current.parent) if current.parent else None
    chain.reverse()
    if len(chain) > 1 and chain[0].level == OrgLevel.CITY:
        chain = chain[1:]
    return chain


class ReportDialog(QDialog):
    """The report form for one map point. After `exec()` returns Accepted, `incident_id` is
    the new incident's id (None otherwise)."""

    def __init__(
        self,
        catalog: Catalog,
        store,
        clock,
        lon: float,
        lat: float,
        parent: QWidget | None = None,
        *,
        mode: str = "live",
        poke: Callable[[], object] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reportDialog")
        self.setWindowTitle(self.tr("Report an incident here"))
        self.catalog = catalog
        self.store = store
        self.clock = clock
        self.lon = float(lon)
        self.lat = float(lat)
        self.mode = mode
        self._poke = poke
        self.incident_id: str | None = None
        self.org_unit: OrgUnit | None = catalog.locate(self.lon, self.lat)

        self.position_label = _plain_label(self, "reportDialogPosition")
        self.position_label.setText(f"{self.lon:.6f}, {self.lat:.6f}")
        self.org_unit_label = _plain_label(self, "reportDialogOrgUnit", wrap=True)
        if self.org_unit is None:
            self.org_unit_label.setText(
                self.tr("Outside the city: there is no org unit here, so no incident can be reported.")
            )
            self.org_unit_label.setStyleSheet(f"color: {COLOUR_HEX['red']};")
        else:
            chain = org_chain(catalog, self.org_unit)
            self.org_unit_label.setText(CHAIN_SEPARATOR.join(labels.name(u) for u in chain))
            self.org_unit_label.setToolTip(CHAIN_SEPARATOR.join(labels.other_name(u) for u in chain))

        self.title_edit = QLineEdit(self)
        self.title_edit.setObjectName("reportDialogTitle")
        self.title_edit.setPlaceholderText(self.tr("What happened, where (required)"))
        self.event_type_combo = QComboBox(self)
        self.event_type_combo.setObjectName("reportDialogEventType")
        for event_type in catalog.event_types.values():
            self.event_type_combo.addItem(labels.name(event_type), event_type.code)
            self.event_type_combo.setItemData(
                self.event_type_combo.count() - 1, labels.other_name(event_type), Qt.ItemDataRole.ToolTipRole
            )
        self.severity_combo = QComboBox(self)
        self.severity_combo.setObjectName("reportDialogSeverity")
        for severity in Severity:
            self.severity_combo.addItem(labels.severity(severity.info.code), severity.info.code)
        self.severity_combo.setCurrentIndex(self.severity_combo.findData(DEFAULT_SEVERITY))
        self.description_edit = QPlainTextEdit(self)
        self.description_edit.setObjectName("reportDialogDescription")
        self.description_edit.setPlaceholderText(self.tr("Optional"))
        self.description_edit.setTabChangesFocus(True)

        self.message_label = _plain_label(self, "reportDialogMessage", wrap=True)
        self.message_label.setStyleSheet(f"color: {COLOUR_HEX['red']};")
        self.message_label.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.setObjectName("reportDialogButtons")
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Report"))
        self.ok_button.setObjectName("reportDialogOk")
        self.ok_button.setEnabled(self.org_unit is not None)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

        self._field_widgets: dict[str, QWidget] = {
            "title": self.title_edit,
            "category": self.event_type_combo,
            "severity": self.severity_combo,
            "description": self.description_edit,
        }
        form = QFormLayout()
        form.addRow(self._caption(self.tr("Position")), self.position_label)
        form.addRow(self._caption(self.tr("Org unit")), self.org_unit_label)
        form.addRow(self._caption(self.tr("Title")), self.title_edit)
        form.addRow(self._caption(self.tr("Event type")), self.event_type_combo)
        form.addRow(self._caption(self.tr("Severity")), self.severity_combo)
        form.addRow(self._caption(self.tr("Description")), self.description_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message_label)
        layout.addWidget(self.buttons)
        for widget in self._field_widgets.values():
            widget.setEnabled(self.org_unit is not None)
        self.title_edit.setFocus()

    def _caption(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setTextFormat(Qt.TextFormat.PlainText)
        return label

    def _field_name(self, field: str | None) -> str:
        """The form's caption for a command's field code, so the message names what to fix."""
        return {
            "title": self.tr("Title"),
            "category": self.tr("Event type"),
            "severity": self.tr("Severity"),
            "description": self.tr("Description"),
            "org_unit": self.tr("Org unit"),
            "lon/lat": self.tr("Position"),
        }.get(field or "", field or self.tr("Report"))

    # -------------------------------------------------------------- public API
    def message(self) -> str:
        """The error shown in the dialog ("" when none)."""
        return self.message_label.text() if not self.message_label.isHidden() else ""

    def submit(self) -> bool:
        """Report the incident (what OK does); True when it was written and the dialog accepted."""
        if self.org_unit is None:
            return False  # OK is disabled; a caller going around it gets nothing written
        category = self.event_type_combo.currentData()
        try:
            if category is None:
                raise CommandError("choose an event type", "category")
            op = commands.report_incident(
                self.clock.now_ms(),
                title=self.title_edit.text(),
                category=category,
                severity=self.severity_combo.currentData(),
                org_unit=self.org_unit.code,
                lon=self.lon,
                lat=self.lat,
                description=self.description_edit.toPlainText().strip(),
                mode=self.mode,
            )
            self.store.execute(op)
        except CommandError as exc:
            self._show_error(self._field_name(exc.field), str(exc), exc.field)
            return False
        except (StoreError, RoleError) as exc:
            self._show_error(self.tr("Report"), str(exc), None)
            return False
        self.incident_id = op.entity_id
        self.message_label.hide()
        if self._poke is not None:
            self._poke()
        self.accept()
        return True

    # ------------------------------------------------------------------ slots
    def _on_buttons_accepted(self) -> None:
        self.submit()

    def _show_error(self, field_name: str, reason: str, field: str | None) -> None:
        self.message_label.setText(self.tr("{field}: {reason}").format(field=field_name, reason=reason))
        self.message_label.show()
        widget = self._field_widgets.get(field or "")
        if widget is not None:
            widget.setFocus()
