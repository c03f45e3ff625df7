"""The sync state in the status bar: online/offline/syncing, what is pending, when last synced.

In "wartime" the network may be gone for days; operators must see at a glance that they are
offline and how much work waits to be pushed, so this is a permanent status-bar widget.
"""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from commandcenter.domain.hooks import ChangeSet, ConnectionStatus, Hooks
from commandcenter.domain.levels import COLOUR_HEX
from commandcenter.ui import labels
from commandcenter.ui.observing import ObservesHooks

STATE_COLOURS = {
    "online": COLOUR_HEX["green"],
    "syncing": COLOUR_HEX["blue"],
    "offline": COLOUR_HEX["orange"],
}
ERROR_COLOUR = COLOUR_HEX["red"]


class ConnectionIndicator(ObservesHooks, QWidget):
    """Observes hooks.connection_did_change and the outbox; owns nothing."""

    state_changed = Signal(str)

    def __init__(self, store, hooks: Hooks, clock=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("connectionIndicator")
        self._store = store
        self._hooks = hooks
        self._clock = clock
        self._state = "offline"
        self._pending = 0
        self._last_sync_ms: int | None = None
        self._error: str | None = None

        self._mode_label = QLabel(self)
        self._mode_label.setObjectName("connectionIndicatorMode")
        self._mode_label.setTextFormat(Qt.TextFormat.PlainText)
        self._mode_label.hide()
        self._dot = QLabel("●", self)
        self._dot.setObjectName("connectionIndicatorDot")
        self._state_label = QLabel(self)
        self._state_label.setObjectName("connectionIndicatorState")
        self._pending_label = QLabel(self)
        self._pending_label.setObjectName("connectionIndicatorPending")
        self._sync_label = QLabel(self)
        self._sync_label.setObjectName("connectionIndicatorLastSync")
        # the USB link: when a bundle was last made or read here (hidden when never)
        self._bundle_label = QLabel(self)
        self._bundle_label.setObjectName("connectionIndicatorBundle")
        for label in (self._dot, self._state_label, self._pending_label, self._sync_label, self._bundle_label):
            label.setTextFormat(Qt.TextFormat.PlainText)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.setSpacing(8)
        layout.addWidget(self._mode_label)
        layout.addWidget(self._dot)
        layout.addWidget(self._state_label)
        layout.addWidget(self._pending_label)
        layout.addWidget(self._sync_label)
        layout.addWidget(self._bundle_label)

        if store is not None:
            self._pending = store.pending_count()
        self._render()
        self._render_bundle()
        self.setup_hooks()

    # ------------------------------------------------------------------ hooks
    def _subscriptions(self) -> list:
        return [
            (self._hooks.connection_did_change, self._on_connection_changed),
            (self._hooks.changes_did_commit, self._on_store_committed),
        ]

    def _on_connection_changed(self, status: ConnectionStatus) -> None:
        changed = status.state != self._state
        self._state = status.state
        self._pending = status.pending
        if status.last_sync_ms is not None:
            self._last_sync_ms = status.last_sync_ms
        self._error = status.error
        self._render()
        if changed:
            self.state_changed.emit(self._state)

    def _on_store_committed(self, changes: ChangeSet) -> None:
        if self._store is not None and (changes.origin == "import" or changes.touches("bundle")):
            self._render_bundle()
        if changes.outbox_changed and self._store is not None:
            pending = self._store.pending_count()
            if pending != self._pending:
                self._pending = pending
                self._render()

    # -------------------------------------------------------------- public API
    def set_mode(self, text: str) -> None:
        """A permanent mode label (e.g. the exercise banner's short form); empty hides it."""
        self._mode_label.setText(text)
        self._mode_label.setVisible(bool(text))

    def mode(self) -> str:
        return self._mode_label.text()

    def state(self) -> str:
        return self._state

    def pending(self) -> int:
        return self._pending

    def state_text(self) -> str:
        return self._state_label.text()

    def pending_text(self) -> str:
        return self._pending_label.text()

    def bundle_text(self) -> str:
        return self._bundle_label.text() if self._bundle_label.isVisibleTo(self) else ""

    def _render_bundle(self) -> None:
        text = bundle_state_text(self._store) if self._store is not None else ""
        self._bundle_label.setText(text)
        self._bundle_label.setVisible(bool(text))

    def last_sync_text(self) -> str:
        return self._sync_label.text()

    def state_colour(self) -> str:
        """The dot's colour as #rrggbb (red when the last attempt reported an error)."""
        return ERROR_COLOUR if self._error else STATE_COLOURS.get(self._state, COLOUR_HEX["stale"])

    # ---------------------------------------------------------------- drawing
    def _render(self) -> None:
        colour = self.state_colour()
        self._dot.setStyleSheet(f"color: {colour};")
        self._state_label.setStyleSheet(f"color: {colour}; font-weight: bold;")
        self._state_label.setText(labels.connection_state(self._state))
        self._pending_label.setText(self.tr("{n} pending").format(n=self._pending))
        if self._last_sync_ms is None:
            self._sync_label.setText(self.tr("Never synced"))
        else:
            when_dt = datetime.fromtimestamp(self._last_sync_ms / 1000)
            today = datetime.fromtimestamp(self._clock.now_ms() / 1000).date() if self._clock else when_dt.date()
            # a field post may go days without a sync: then the date matters more than the time
            when = when_dt.strftime("%H:%M:%S" if when_dt.date() == today else "%Y-%m-%d %H:%M")
            self._sync_label.setText(self.tr("Last sync {time}").format(time=when))
        tip = self.tr("Operations waiting to be sent to the platform: {n}").format(n=self._pending)
        if self._error:
            tip += "\n" + self.tr("Last error: {error}").format(error=self._error)
        self.setToolTip(tip)


def bundle_state_text(store) -> str:
    """The last USB bundle made or read here, from the cache's meta (empty when none)."""

    out = store.meta("last_bundle_export_ms")
    got = store.meta("last_bundle_import_ms")
    parts = []
    if out:
        parts.append(QCoreApplication.translate("ConnectionIndicator", "Bundle out {time}").format(time=labels.format_time(int(out))))
    if got:
        parts.append(QCoreApplication.translate("ConnectionIndicator", "Bundle in {time}").format(time=labels.format_time(int(got))))
    return " · ".join(parts)
