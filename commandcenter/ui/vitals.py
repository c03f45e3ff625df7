"""City vital signs (城市体征): the wall of indicator tiles and the detail chart.

Built for a wall of software-rendered screens (PERF.md: many small plots cost more than the
points they draw):
- the wall (ui/vitals_wall.py) paints every indicator as a tile in ONE widget: value in its
  threshold colour, trend, sparkline of the window, a stale state; each domain's header is
  its city-health summary (indicators per colour);
- the detail chart (ui/vitals_chart.py) is the only pyqtgraph part: the selected indicators
  (click a tile; Ctrl+click to compare up to four) with threshold bands, a shared time cursor,
  zoom and pan. With `defer_chart` (the client's start-up) it is built when first needed
  (`ensure_chart`, or any use of `chart`): importing pyqtgraph costs ~0.3 s, and the window
  builds it right after the command view is ready.
Samples land in numpy ring buffers whenever they arrive; ONE display timer (25 Hz) repaints
the tiles whose series changed and extends the detail curves; once a second the tiles'
states (colour, trend, stale) are recomputed. A hidden panel stops its timers and catches up
when shown.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QScrollArea, QSplitter, QVBoxLayout, QWidget

from commandcenter.domain.catalog import Catalog, Indicator
from commandcenter.domain.hooks import Hooks
from commandcenter.live.ringbuffer import SeriesBank
from commandcenter.ui.observing import ObservesHooks
from commandcenter.ui.vitals_wall import TileWall

FRAME_INTERVAL_MS = 40  # 25 Hz
STATE_INTERVAL_MS = 1000
SLIDE_EVERY_S = 15
TILES_PER_TICK = 16  # 64 tiles changed together are painted over four wall ticks (~0.3 s)
MAX_COMPARED = 4  # indicators compared in the detail chart


class VitalsPanel(ObservesHooks, QWidget):
    """The vital-signs view. Observes samples through hooks; owns only display buffers."""

    first_paint = Signal()
    selected_indicator_changed = Signal(str)

    def __init__(
        self,
        catalog: Catalog,
        store,
        hooks: Hooks,
        clock,
        parent: QWidget | None = None,
        window_s: int = 3600,
        *,
        capacity: int | None = None,
        defer_chart: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("vitalsPanel")
        self._catalog = catalog
        self._store = store
        self._hooks = hooks
        self._clock = clock
        self.window_s = int(window_s)
        # room for the window at 1 Hz; faster streams show the newest `capacity` points
        self.bank = SeriesBank(capacity or max(1024, self.window_s + 512))
        self._indicators: dict[str, Indicator] = dict(catalog.indicators)
        ordered = sorted(self._indicators.values(), key=lambda i: _domain_rank(i.domain))
        self._first_paint_done = False
        self._frame = 0
        self._seconds = 0
        self._wall_dirty: set[str] = set()
        self._chart_dirty: set[str] = set()
        self._follow_due = False

        self.wall = TileWall(ordered, self.bank, self.window_s, self)
        self.wall.indicator_clicked.connect(self._on_wall_indicator_clicked)
        self.wall.first_data_painted.connect(self._on_wall_first_data_painted)
        self.wall_scroll = QScrollArea(self)
        self.wall_scroll.setObjectName("vitalsWallScroll")
        self.wall_scroll.setWidgetResizable(True)
        self.wall_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.wall_scroll.setWidget(self.wall)
        self.wall_scroll.viewport().installEventFilter(self)
        self._chart = None  # the DetailChart, once built (ensure_chart)
        self._chart_slot = QWidget(self)  # its place in the splitter until then
        self._chart_slot.setObjectName("vitalsDetailPending")

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("vitalsSplitter")
        self.splitter.addWidget(self.wall_scroll)
        self.splitter.addWidget(self._chart_slot)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([600, 400])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

        self.frame_timer = QTimer(self)
        self.frame_timer.setObjectName("vitalsFrameTimer")
        self.frame_timer.setInterval(FRAME_INTERVAL_MS)
        self.frame_timer.timeout.connect(self._on_frame_timer_timeout)
        self.state_timer = QTimer(self)
        self.state_timer.setObjectName("vitalsStateTimer")
        self.state_timer.setInterval(STATE_INTERVAL_MS)
        self.state_timer.timeout.connect(self._on_state_timer_timeout)

        self.setup_hooks()
        self._backfill()
        self.wall.refresh_states(self._now_s())
        self._selected: list[str] = []
        self.select_indicator(self._first_alarming() or ordered[0].code)
        if not defer_chart:
            self.ensure_chart()

    @property
    def chart(self):
        """The detail chart (a DetailChart), built on first use."""
        return self.ensure_chart()

    @property
    def chart_built(self) -> bool:
        return self._chart is not None

    def ensure_chart(self):
        """Build the detail chart if it is not yet (imports pyqtgraph), showing the selected
        indicators up to now; returns it."""
        if self._chart is None:
            from commandcenter.ui.theme import configure_plots

            configure_plots()  # before the first plot: pyqtgraph reads its options then
            from commandcenter.ui.vitals_chart import DetailChart

            chart = DetailChart(self._indicators, self._store, self.bank, self._clock, self.window_s, self)
            slot = self._chart_slot
            sizes = self.splitter.sizes()  # the wall keeps its share: the chart takes the slot's
            self.splitter.replaceWidget(self.splitter.indexOf(slot), chart)
            if self.isVisible() and sum(sizes):
                self.splitter.setSizes(sizes)
            slot.deleteLater()
            self._chart_slot = None
            self._chart = chart
            self._chart_dirty.clear()  # the chart reads the buffers whole when it shows them
            chart.show_indicators(self._selected)
        return self._chart

    # ------------------------------------------------------------------ hooks
    def _subscriptions(self) -> list:
        return [(self._hooks.samples_did_arrive, self._on_samples_arrived)]

    def _on_teardown(self) -> None:
        self.frame_timer.stop()
        self.state_timer.stop()

    def _on_samples_arrived(self, samples: list) -> None:
        """Only buffers here: drawing waits for the display timer, whatever the message rate."""
        known = self._indicators
        self.bank.add_samples(s for s in samples if s[0] in known)

    # -------------------------------------------------------------- public API
    def show_samples(self, samples) -> None:
        """A replay's moment: the buffers hold exactly these samples (code, ts_ms, value),
        oldest first, and everything is redrawn at once (the clock is the replay's)."""
        for code in self.bank.codes():
            self.bank.series(code).clear()
        self.bank.add_samples(s for s in samples if s[0] in self._indicators)
        self._catch_up()

    def selected_indicators(self) -> list[str]:
        return list(self._selected)

    def select_indicator(self, code: str, *, add: bool = False) -> None:
        """Show an indicator in the detail chart; with `add`, beside those shown (compare)."""
        if code not in self._indicators:
            return
        if add and code in self._selected and len(self._selected) > 1:
            self._selected.remove(code)
        elif add:
            self._selected = (self._selected + [code])[-MAX_COMPARED:]
        else:
            self._selected = [code]
        if self._chart is not None:
            self._chart.show_indicators(self._selected)
        self.wall.set_selected(set(self._selected))
        self.selected_indicator_changed.emit(code)

    def is_stale(self, code: str) -> bool:
        return self.wall.state(code).colour == "stale"

    def domain_counts(self, domain: str) -> dict[str, int]:
        return self.wall.domain_counts(domain)

    # ------------------------------------------------------------------ data
    def _now_s(self) -> float:
        return self._clock.now_ms() / 1000.0

    def _backfill(self) -> None:
        """Fill the buffers from the cache, so the wall shows the last window at once."""
        since = self._clock.now_ms() - self.window_s * 1000
        for code in self._indicators:
            rows = self._store.samples_since(code, since)
            if rows:
                self.bank.add_samples((code, ts, value) for ts, value in rows)

    def _first_alarming(self) -> str | None:
        """The worst indicator now (red first), so the chart opens on what matters."""
        for colour in ("red", "orange", "yellow", "blue"):
            for code in self._indicators:
                if self.wall.state(code).colour == colour:
                    return code
        return None

    # ---------------------------------------------------------------- timers
    def _on_frame_timer_timeout(self) -> None:
        """The display tick. The wall and the chart take turns (each at 12.5 Hz): a second's
        worth of new samples repaints many tiles, and the chart's repaint is of the same
        order, so one tick never carries both."""
        self._frame += 1
        dirty = self.bank.take_dirty()
        self._wall_dirty |= dirty
        self._chart_dirty |= dirty
        if self._frame % 2 == 0:
            if self._wall_dirty:
                codes, self._wall_dirty = self._wall_dirty, set()
                self.wall.refresh_states(self._now_s(), codes)
                self.wall.repaint_tiles(codes)
            self.wall.flush(TILES_PER_TICK)
        elif self._chart is None:
            self._chart_dirty.clear()
        elif self._chart_dirty or self._follow_due:
            codes, self._chart_dirty = self._chart_dirty, set()
            self._chart.update_live(codes)
            if self._follow_due and self._chart.live:
                self._chart.follow_clock()
            self._follow_due = False

    def _on_state_timer_timeout(self) -> None:
        changed = self.wall.refresh_states(self._now_s())
        if changed:
            self.wall.repaint_tiles(changed)
        self._follow_due = True  # the chart's time axis slides once a second
        self._seconds += 1
        if self._seconds % SLIDE_EVERY_S == 0:
            # an hour's sparkline moves a pixel in ~20 s: tiles without new samples slide too
            self.wall.repaint_all()

    def _catch_up(self) -> None:
        """Everything at once (on show): what arrived while hidden."""
        dirty = self.bank.take_dirty() | self._wall_dirty | self._chart_dirty
        self._wall_dirty, self._chart_dirty = set(), set()
        self.wall.refresh_states(self._now_s())
        self.wall.repaint_all()
        self.wall.flush()
        if self._chart is not None:
            self._chart.update_live(dirty)
            if self._chart.live:
                self._chart.follow_clock()

    # ------------------------------------------------------------ visibility
    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        self._catch_up()
        self.frame_timer.start()
        self.state_timer.start()

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().hideEvent(event)
        self.frame_timer.stop()
        self.state_timer.stop()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.Resize and watched is self.wall_scroll.viewport():
            self.wall.set_fit_height(event.size().height())
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------ events
    def _on_wall_first_data_painted(self) -> None:
        """The window is ready when the wall has painted tiles with data on screen."""
        if not self._first_paint_done:
            self._first_paint_done = True
            self.first_paint.emit()

    def _on_wall_indicator_clicked(self, code: str, add: bool) -> None:
        self.select_indicator(code, add=add)


_DOMAIN_ORDER = ("气象", "水务", "交通", "能源", "环境", "公共安全", "卫生", "人群", "城市运行")


def _domain_rank(domain: str) -> int:
    return _DOMAIN_ORDER.index(domain) if domain in _DOMAIN_ORDER else len(_DOMAIN_ORDER)
