"""`commandcenter drill replay RUN`: the whole picture of a recorded drill at any moment.

The replay window is the ordinary drill window (map, board, vitals, notices, command log,
incident panel) on a replay cache of its own, under the banner, with a replay bar: a slider
over the run's real time, the exercise clock and phase at that moment, steps back and
forward, and play at 10x or 60x. Moving the slider builds the drill city at that moment from
the recording (drills/replay.py: snapshots plus the operation log), writes what differs into
the replay cache (the views redraw from it as after a pull), sets the window's clock to that
moment (response clocks, "now" of the charts) and fills the vitals with the samples before it.
The console beside it shows the MSEL as it stood then (read-only).

Nothing is synced: the replay cache has no platform, and the recording is opened read-only.
"""
from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

from commandcenter.drills.replay import Recording, Replay
from commandcenter.drills.run import run_state
from commandcenter.paths import DataDir
from commandcenter.ui import labels
from commandcenter.ui.drill_console import clock_text

log = logging.getLogger(__name__)

STEP_MS = 60_000  # a step of the buttons: a real minute of the run
THROTTLE_MS = 40  # at most this often while the slider is dragged
PLAY_TICK_MS = 200
VITALS_WINDOW_MS = 300_000  # the samples before the moment the wall shows


class ReplayBar(QWidget):
    """The slider and its labels; `moment_changed(wall_ms)` when it moves."""

    moment_changed = Signal(object)  # epoch ms: past a 32-bit int

    def __init__(self, start_ms: int, end_ms: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("replayBar")
        self.start_ms, self.end_ms = start_ms, max(end_ms, start_ms + 1)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setObjectName("replaySlider")
        self.slider.setRange(0, int(self.end_ms - self.start_ms))  # milliseconds: 24 days fit an int
        self.slider.setSingleStep(1000)
        self.slider.setPageStep(STEP_MS)
        self.slider.valueChanged.connect(self._on_slider_value_changed)
        self.where = QLabel(self)
        self.where.setObjectName("replayWhere")
        self.back = QPushButton("◀", self)
        self.back.setToolTip(self.tr("A minute back"))
        self.back.clicked.connect(lambda: self.step(-STEP_MS))
        self.forward = QPushButton("▶", self)
        self.forward.setToolTip(self.tr("A minute on"))
        self.forward.clicked.connect(lambda: self.step(STEP_MS))
        self.play = QPushButton(self.tr("Play"), self)
        self.play.setObjectName("replayPlay")
        self.play.setCheckable(True)
        self.play.toggled.connect(self._on_play_toggled)
        self.speed = QComboBox(self)
        for v in (1, 10, 60):
            self.speed.addItem(f"{v}×", v)
        self.speed.setCurrentIndex(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(QLabel(self.tr("Replay"), self))
        layout.addWidget(self.back)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.forward)
        layout.addWidget(self.play)
        layout.addWidget(self.speed)
        layout.addWidget(self.where)
        self._pending: int | None = None
        self._throttle = QTimer(self)
        self._throttle.setSingleShot(True)
        self._throttle.setInterval(THROTTLE_MS)
        self._throttle.timeout.connect(self._emit)
        self._player = QTimer(self)
        self._player.setInterval(PLAY_TICK_MS)
        self._player.timeout.connect(self._on_player_timeout)

    @property
    def moment(self) -> int:
        return self.start_ms + self.slider.value()

    def set_moment(self, wall_ms: int) -> None:
        self.slider.setValue(int(min(max(wall_ms, self.start_ms), self.end_ms) - self.start_ms))

    def step(self, ms: int) -> None:
        self.set_moment(self.moment + ms)

    def set_label(self, text: str) -> None:
        self.where.setText(text)

    def _on_slider_value_changed(self, _value: int) -> None:
        self._pending = self.moment
        if not self._throttle.isActive():
            self._throttle.start()

    def _emit(self) -> None:
        if self._pending is not None:
            moment, self._pending = self._pending, None
            self.moment_changed.emit(moment)

    def _on_play_toggled(self, on: bool) -> None:
        self.play.setText(self.tr("Pause") if on else self.tr("Play"))
        if on:
            self._player.start()
        else:
            self._player.stop()

    def _on_player_timeout(self) -> None:
        if self.moment >= self.end_ms:
            self.play.setChecked(False)
            return
        self.step(int(PLAY_TICK_MS * self.speed.currentData()))


class ReplayController:
    """Joins a Replay to a drill window: each moment into the cache, the clock, the vitals,
    the console and the banner."""

    def __init__(self, replay: Replay, session, bar: ReplayBar) -> None:
        self.replay = replay
        self.session = session
        self.bar = bar
        self._shown = None
        self.last_seek_ms = 0.0
        bar.moment_changed.connect(self.show)

    def show(self, wall_ms: int) -> None:
        t0 = time.perf_counter()
        docs = self.replay.docs_at(wall_ms)
        self.session.clock.set_ms(wall_ms)
        self.session.store.show_state(docs, self._shown)
        self._shown = docs
        window = self.session.window
        window.vitals.show_samples(self.replay.recording.samples(wall_ms - VITALS_WINDOW_MS, wall_ms))
        state = run_state(self.replay.run_at(wall_ms), wall_ms)
        if window.drill_console is not None:
            window.drill_console.apply_state(state)
        if window.banner is not None:
            window.banner.set_clock(state)
        phase = next((p for p in state["scenario"]["phases"] if p["id"] == state["phase"]), None)
        phase_text = f" · {phase['id']} {phase['title_en' if labels.english() else 'title_zh']}" if phase else ""
        self.bar.set_label(f"{labels.format_time(wall_ms)} · {clock_text(state['t_s'])}{phase_text}")
        self.last_seek_ms = (time.perf_counter() - t0) * 1000


def open_replay(data: DataDir, platform_db: Path, *, size=None, lang: str = "zh_CN"):
    """(session, controller) of a replay window on the recording (the event loop must run)."""
    from PySide6.QtCore import Qt as _Qt
    from PySide6.QtWidgets import QDockWidget

    from commandcenter.catalog import load_catalog
    from commandcenter.domain.clock import ManualClock
    from commandcenter.ui.app import ClientSession
    from commandcenter.ui.drill_console import DrillConsole, DrillLink

    recording = Recording(platform_db, catalog=load_catalog())
    replay = Replay(recording)
    title = recording.scenario.title_en if lang == "en" else recording.scenario.title_zh
    run_id = recording.run_id or ""
    folder = DataDir(data.root / "drills" / run_id / "replay")
    if folder.root.exists():  # a replay's cache is rebuilt from the recording each time
        import shutil

        shutil.rmtree(folder.root)
    folder.ensure()
    link = DrillLink("", run_id, title, console=False)
    clock = ManualClock(recording.start_ms)
    session = ClientSession(folder, None, mode="drill", size=size, drill=link, clock=clock, vitals_window_s=300)
    # a replay shows what happened: no escalation runs on its cache, nobody acts on it
    from commandcenter.domain.roles import Seat

    session._stop_sweeping()
    session.store.seat = Seat("observer")
    window = session.window
    window._show_seat()
    # the replay bar across the whole window's foot
    window.setCorner(_Qt.Corner.BottomLeftCorner, _Qt.DockWidgetArea.BottomDockWidgetArea)
    window.setCorner(_Qt.Corner.BottomRightCorner, _Qt.DockWidgetArea.BottomDockWidgetArea)
    if window.banner is not None:
        window.banner.title = f"{title} · 回放 REPLAY"
    console = DrillConsole(lambda: None, session.catalog, window, poll=False)
    for w in (console.play_button, console.speed, console.speed_label, console.seek_to, console.seek_button,
              console.end_button, console.release_button,
              console.hold_button, console.skip_button, console.note, console.note_button, console.mark_button,
              *console.outcome_buttons.values()):
        w.setVisible(False)
    window.drill_console = console
    dock = QDockWidget(QCoreApplication.translate("MainWindow", "Exercise control"), window)
    dock.setObjectName("dock_drill")
    dock.setWidget(console)
    window.addDockWidget(_Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.tabifyDockWidget(window.dock_vitals, dock)
    window.dock_drill = dock
    bar = ReplayBar(recording.start_ms, recording.end_ms, window)
    bar_dock = QDockWidget(QCoreApplication.translate("ReplayBar", "Replay"), window)
    bar_dock.setObjectName("dock_replay")
    bar_dock.setWidget(bar)
    bar_dock.setFeatures(QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
    window.addDockWidget(_Qt.DockWidgetArea.BottomDockWidgetArea, bar_dock)
    controller = ReplayController(replay, session, bar)
    return session, controller


def run_replay(data: DataDir, platform_db: Path, *, at_s: float | None = None, out: Path | None = None,
               size=(1600, 900), lang: str = "zh_CN") -> int:
    """The replay window (until closed), or with `out` its picture at exercise time `at_s`."""
    import asyncio

    from commandcenter.drills.replay import RecordingError
    from commandcenter.ui.app import create_qapp, prepare_environment, run_event_loop

    try:  # no recording, no window (and no Qt set up for nothing)
        Recording(platform_db)
    except RecordingError as exc:
        print(f"commandcenter: error: {exc}", file=sys.stderr)
        return 1
    prepare_environment(headless=out is not None)
    app = create_qapp(lang)

    async def main() -> int:
        try:
            session, controller = open_replay(data, platform_db, size=size, lang=lang)
        except RecordingError as exc:
            print(f"commandcenter: error: {exc}", file=sys.stderr)
            return 1
        window, bar = session.window, controller.bar
        wall = bar.end_ms
        if at_s is not None:
            wall = moment_of(controller.replay, at_s)
        window.show()
        deadline = time.monotonic() + 60
        while not window.map_view.is_ready and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        window.dock_drill.raise_()
        bar.set_moment(wall)
        controller.show(wall)
        try:
            if out is None:
                closed = asyncio.Event()
                window.window_closed.connect(closed.set)
                await closed.wait()
                return 0
            await asyncio.sleep(2.0)  # the map's deltas and the charts paint
            if not window.grab().toImage().save(str(out)):
                print(f"commandcenter: error: could not write {out}", file=sys.stderr)
                return 1
            state = window.drill_console.state or {}
            print(f"replay: {out} at {state.get('clock')} of run {controller.replay.recording.run_id} "
                  f"(seek {controller.last_seek_ms:.0f} ms)")
            return 0
        finally:
            await session.aclose()
            window.close()

    return run_event_loop(app, main)


def moment_of(replay: Replay, at_s: float) -> int:
    """The first real time of the run at which its exercise clock reached `at_s` (the end
    when it never did)."""
    rec = replay.recording
    lo, hi = rec.start_ms, rec.end_ms
    for e in rec.events:
        run = replay.run_at(e.wall_ms)
        if run.state == "running" and run.t_s(hi) >= at_s:
            # running from this event on: solve t_s(w) = at_s on its stretch
            t0 = run.t_s(e.wall_ms)
            if t0 >= at_s:
                return e.wall_ms
            w = e.wall_ms + int((at_s - t0) / run.speed * 1000)
            later = [x.wall_ms for x in rec.events if x.wall_ms > e.wall_ms]
            if not later or w <= later[0]:
                return max(lo, min(w, hi))
    return hi
