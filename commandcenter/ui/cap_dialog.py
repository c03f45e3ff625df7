"""Review and edit an outbound CAP alert drafted from an incident, then save it as XML.

What goes to the public must be read by a person first, so the draft (interop/cap_out.py) is
shown field by field with the exact XML beside it, updated on every edit. The enumerations
(status, urgency, severity, certainty) apply to every language's <info>; the texts edited here
are the Chinese ones. A drill incident's alert is always an Exercise: the status is locked and
the dialog says "演练 EXERCISE" in both languages on purpose (whoever reads the screen, in either
interface language, must not take it for a real warning). Saving is atomic: the old file or the
new one, never half a file.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from commandcenter.domain.catalog import Catalog
from commandcenter.domain.clock import SystemClock
from commandcenter.domain.levels import COLOUR_HEX
from commandcenter.interop.cap import CapAlert
from commandcenter.interop.cap_out import (
    CERTAINTIES,
    OUT_STATUSES,
    SEVERITIES,
    URGENCIES,
    draft_alert,
    to_xml,
    with_zh_info,
)
from commandcenter.interop.layers import write_atomic

EXERCISE_MARK = "演练 EXERCISE"  # bilingual by design, not translated (see the module docstring)


class CapDraftDialog(QDialog):
    """The draft of one incident's alert; `alert()` is what the fields say now."""

    def __init__(self, incident_row: dict, catalog: Catalog, parent: QWidget | None = None, *,
                 now_ms: int | None = None, sender: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("capDraftDialog")
        self.setWindowTitle(self.tr("CAP alert draft"))
        self.drill = (incident_row.get("mode") or "live") == "drill"
        self._draft = draft_alert(incident_row, catalog, now_ms=now_ms if now_ms is not None else SystemClock().now_ms(),
                                  sender=sender)
        zh = self._draft.infos[0]

        self.exercise_label = QLabel(EXERCISE_MARK, self)
        self.exercise_label.setObjectName("capExercise")
        self.exercise_label.setStyleSheet(f"background: {COLOUR_HEX['orange']}; color: #0b1220; font-weight: bold; "
                                          "padding: 4px;")
        self.exercise_label.setVisible(self.drill)
        self.status = self._combo("capStatus", ("Exercise",) if self.drill else OUT_STATUSES, self._draft.status)
        self.status.setEnabled(not self.drill)
        self.urgency = self._combo("capUrgency", URGENCIES, zh.urgency)
        self.severity = self._combo("capSeverity", SEVERITIES, zh.severity)
        self.certainty = self._combo("capCertainty", CERTAINTIES, zh.certainty)
        self.headline = QLineEdit(zh.headline, self)
        self.headline.setObjectName("capHeadline")
        self.description = self._text("capDescription", zh.description)
        self.instruction = self._text("capInstruction", zh.instruction)
        self.area_desc = QLineEdit(zh.areas[0].area_desc if zh.areas else "", self)
        self.area_desc.setObjectName("capAreaDesc")
        self.preview = QPlainTextEdit(self)
        self.preview.setObjectName("capPreview")
        self.preview.setReadOnly(True)
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.message = QLabel(self)
        self.message.setObjectName("capMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.save_button = QPushButton(self.tr("Save XML…"), self)
        self.save_button.setObjectName("capSave")
        self.save_button.clicked.connect(self._on_save_clicked)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.reject)

        form = QFormLayout()
        form.addRow(self.tr("Status"), self.status)
        form.addRow(self.tr("Urgency"), self.urgency)
        form.addRow(self.tr("Severity"), self.severity)
        form.addRow(self.tr("Certainty"), self.certainty)
        form.addRow(self.tr("Headline"), self.headline)
        form.addRow(self.tr("Description"), self.description)
        form.addRow(self.tr("Instruction"), self.instruction)
        form.addRow(self.tr("Area"), self.area_desc)
        left = QVBoxLayout()
        left.addWidget(self.exercise_label)
        left.addLayout(form)
        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addWidget(self.preview, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addLayout(buttons)

        for combo in (self.status, self.urgency, self.severity, self.certainty):
            combo.currentTextChanged.connect(self._on_field_changed)
        for edit in (self.headline, self.area_desc):
            edit.textChanged.connect(self._on_field_changed)
        for text in (self.description, self.instruction):
            text.textChanged.connect(self._on_field_changed)
        self._on_field_changed()

    def _combo(self, name: str, values, current: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        combo.addItems(list(values))  # CAP codes: the standard's words, not translated
        combo.setCurrentText(current)
        return combo

    def _text(self, name: str, value: str) -> QPlainTextEdit:
        edit = QPlainTextEdit(value, self)
        edit.setObjectName(name)
        edit.setTabChangesFocus(True)
        return edit

    # -------------------------------------------------------------- public API
    def alert(self) -> CapAlert:
        alert = with_zh_info(self._draft, urgency=self.urgency.currentText(), severity=self.severity.currentText(),
                             certainty=self.certainty.currentText(), headline=self.headline.text().strip(),
                             description=self.description.toPlainText().strip(),
                             instruction=self.instruction.toPlainText().strip(),
                             area_desc=self.area_desc.text().strip())
        alert.status = "Exercise" if self.drill else self.status.currentText()
        return alert

    def xml(self) -> bytes:
        return to_xml(self.alert())

    def save_to(self, path: str | Path) -> Path:
        """Write the XML atomically; OSError if the folder is missing or not writable."""
        target = Path(path).resolve()
        write_atomic(target, self.xml())
        self.message.setText(self.tr("Saved %1").replace("%1", str(target)))
        return target

    # ----------------------------------------------------------------- helpers
    def _on_field_changed(self, *_args) -> None:
        self.preview.setPlainText(self.xml().decode("utf-8"))

    def _on_save_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the CAP alert"), f"{self._draft.identifier}.xml",
                                              "CAP XML (*.xml)")
        if not path:
            return
        try:
            self.save_to(path)
        except OSError as exc:
            self.message.setText(self.tr("Not saved: %1").replace("%1", exc.strerror or str(exc)))
