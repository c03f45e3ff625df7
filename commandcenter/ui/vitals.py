"""City vital signs (城市体征): live curves per domain and a strip of value tiles.

Built for a wall of software-rendered screens (PERF.md): one plot per domain with all of its
indicators as curves (per-plot overhead dominates a wall of small charts), 1-px cosmetic pens,
no antialiasing, clip-to-view, and no finite check because the SeriesBank only keeps finite
points. Samples land in numpy ring buffers whenever they arrive; ONE 25 Hz timer hands each
changed curve to pyqtgraph once, and the text tiles change once a second. A hidden panel stops
both timers and catches up when shown.

Indicators of one domain have different units, so each curve is drawn on a common "alarm
scale": 0 is the good end of the indicator's typical range, 1 is its red threshold, and up is
always worse (an indicator that breaches downwards, like water pressure, is flipped). The
left axis is labelled in the real units of the domain's selected indicator, whose threshold
lines are drawn dashed in their colours; clicking a tile selects it.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from commandcenter.domain.catalog import Catalog, Indicator
from commandcenter.domain.hooks import Hooks
from commandcenter.domain.levels import COLOUR_HEX, THRESHOLD_COLOURS
from commandcenter.live.ringbuffer import SeriesBank
from commandcenter.ui.observing import ObservesHooks
from commandcenter.ui.theme import configure_plots
from commandcenter.ui import labels

FRAME_INTERVAL_MS = 40  # 25 Hz
TILE_INTERVAL_MS = 1000
STALE_INTERVALS = 3  # a tile with no sample for this many sample intervals is stale
DEFAULT_INTERVAL_S = 60.0  # assumed sample interval while a series has a single point
TILE_MIN_WIDTH = 210
# a plot column is at least this wide and a row at least this high, or the grid reflows
MIN_PLOT_WIDTH = 260
MIN_PLOT_HEIGHT = 80
TITLE_POINT_SIZE = 12
CURVE_COLOURS = (
    "#4cc9f0", "#f72585", "#b8f35d", "#ffd166", "#c77dff", "#ff8fab", "#2ec4b6", "#e9ecef",
)
STALE_TEXT = "—"


def alarm_scale(indicator: Indicator) -> tuple[float, float]:
    """(good, span) such that (value - good) / span is 0 at the good end of the typical range
    and 1 at the worst threshold; span is negative for indicators that breach downwards."""
    lo, hi = indicator.typical
    worst = None
    for colour in THRESHOLD_COLOURS:
        if colour in indicator.thresholds:
            worst = indicator.thresholds[colour]
    if indicator.direction == "below":
        good, worst = hi, (lo if worst is None else worst)
    else:
        good, worst = lo, (hi if worst is None else worst)
    span = worst - good
    if abs(span) < 1e-12:
        span = -1.0 if indicator.direction == "below" else 1.0
    return good, span


def format_value(value: float) -> str:
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


class _ScaleAxis(pg.AxisItem):
    """A left axis that labels the common alarm scale in one indicator's real units."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.enableAutoSIPrefix(False)
        self._good = 0.0
        self._span = 1.0

    def set_scale(self, good: float, span: float) -> None:
        self._good, self._span = good, span
        self.picture = None
        self.update()

    def tickValues(self, minVal: float, maxVal: float, size: float):
        good, span = self._good, self._span
        a, b = good + minVal * span, good + maxVal * span
        levels = super().tickValues(min(a, b), max(a, b), size)
        return [(spacing / abs(span), [(v - good) / span for v in values]) for spacing, values in levels]

    def tickStrings(self, values, scale, spacing):
        real = [self._good + v * self._span for v in values]
        return super().tickStrings(real, scale, spacing * abs(self._span))


def _title_follows_column(label: pg.LabelItem) -> None:
    """pyqtgraph sizes a plot at least as wide as its title; ours are elided to the column
    instead, so the label keeps only its minimum height."""

    def update_min() -> None:
        label.setMinimumHeight(label.item.boundingRect().height())
        label.setMinimumWidth(0)

    label.updateMin = update_min
    update_min()


class _PlotCanvas(pg.GraphicsLayoutWidget):
    """The plots' one graphics view; tells the panel when a frame has been painted."""

    def __init__(self, on_painted, parent: QWidget | None = None, on_resizing=None) -> None:
        super().__init__(parent)
        self.on_painted = on_painted
        self.on_resizing = on_resizing

    def resizeEvent(self, event) -> None:
        # reflow first: the layout then fits the new width when the view sizes it
        on_resizing = getattr(self, "on_resizing", None)  # None while Qt still constructs us
        if on_resizing is not None:
            on_resizing(event.size().width(), event.size().height())
        super().resizeEvent(event)

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.on_painted is not None:
            self.on_painted()


class ValueTile(QFrame):
    """An indicator's name and current value, in its threshold colour; grey "—" when stale."""

    def __init__(self, indicator: Indicator, curve_colour: str, on_press, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code = indicator.code
        self.setObjectName(f"vitalsTile_{indicator.code}")
        self.setToolTip(f"{labels.other_name(indicator)}\n{indicator.domain}")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setMinimumWidth(TILE_MIN_WIDTH - 10)
        self._curve_colour = curve_colour
        self._on_press = on_press
        self._unit = indicator.unit
        self.colour_name = "stale"
        self.selected = False

        self.name_label = QLabel(labels.name(indicator), self)
        self.name_label.setObjectName(f"vitalsTileName_{indicator.code}")
        self.name_label.setTextFormat(Qt.TextFormat.PlainText)
        self.value_label = QLabel(STALE_TEXT, self)
        self.value_label.setObjectName(f"vitalsTileValue_{indicator.code}")
        self.value_label.setTextFormat(Qt.TextFormat.PlainText)
        font = QFont(self.value_label.font())
        font.setPointSizeF(max(font.pointSizeF(), 9.0) * 1.6)
        font.setBold(True)
        self.value_label.setFont(font)
        self.value_label.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
        self.unit_label = QLabel(self)
        self.unit_label.setObjectName(f"vitalsTileUnit_{indicator.code}")
        self.unit_label.setTextFormat(Qt.TextFormat.PlainText)
        self.unit_label.setAlignment(Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignLeft)
        value_row = QHBoxLayout()
        value_row.setSpacing(6)
        value_row.addWidget(self.value_label)
        value_row.addWidget(self.unit_label, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 3, 8, 3)
        layout.setSpacing(0)
        layout.addWidget(self.name_label)
        layout.addLayout(value_row)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._restyle()

    def value_text(self) -> str:
        return self.value_label.text()

    def show_value(self, value: float, colour_name: str) -> None:
        text = format_value(value)
        if text == self.value_label.text() and colour_name == self.colour_name:
            return  # restyling costs more than the check
        self.value_label.setText(text)
        self.unit_label.setText(self._unit)
        if colour_name != self.colour_name:
            self.colour_name = colour_name
            self._restyle()

    def show_stale(self) -> None:
        if self.colour_name == "stale":
            return
        self.value_label.setText(STALE_TEXT)
        self.unit_label.setText(labels.other("stale"))
        self.colour_name = "stale"
        self._restyle()

    def set_selected(self, selected: bool) -> None:
        if selected != self.selected:
            self.selected = selected
            self._restyle()

    def _restyle(self) -> None:
        colour = COLOUR_HEX.get(self.colour_name, COLOUR_HEX["stale"])
        border = "#e8eef5" if self.selected else "#2a3a4d"
        self.setStyleSheet(
            f"QFrame#{self.objectName()} {{ border: 1px solid {border}; "
            f"border-left: 5px solid {self._curve_colour}; border-radius: 3px; }}"
        )
        self.value_label.setStyleSheet(f"color: {colour};")
        self.unit_label.setStyleSheet(f"color: {colour if self.colour_name == 'stale' else '#9aa8b8'};")
        self.name_label.setStyleSheet("color: #c8d3df;")

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._on_press(self.code)
        super().mousePressEvent(event)


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
    ) -> None:
        configure_plots()
        super().__init__(parent)
        self.setObjectName("vitalsPanel")
        self._catalog = catalog
        self._store = store
        self._hooks = hooks
        self._clock = clock
        self.window_s = int(window_s)
        # room for the window at 1 Hz; faster streams show the newest `capacity` points
        self.bank = SeriesBank(capacity or max(1024, self.window_s + 512))
        self._indicators = dict(catalog.indicators)
        self._domains: dict[str, list[Indicator]] = {}
        for ind in self._indicators.values():
            self._domains.setdefault(ind.domain, []).append(ind)
        self._scales = {code: alarm_scale(ind) for code, ind in self._indicators.items()}
        self._curves: dict[str, pg.PlotDataItem] = {}
        self._plots: dict[str, pg.PlotItem] = {}
        self._axes: dict[str, _ScaleAxis] = {}
        self._threshold_lines: dict[str, list[pg.InfiniteLine]] = {}
        self._selected: dict[str, str] = {}
        self._y_ranges: dict[str, tuple[float, float]] = {}
        self._tiles: dict[str, ValueTile] = {}
        self._tile_columns = 0
        self._data_drawn = False
        self._first_paint_done = False

        self.canvas = _PlotCanvas(self._on_canvas_painted, self, on_resizing=self._reflow_plots)
        self.canvas.setObjectName("vitalsCanvas")
        self._build_plots()

        self._tile_host = QWidget(self)
        self._tile_host.setObjectName("vitalsTiles")
        self._tile_grid = QGridLayout(self._tile_host)
        self._tile_grid.setContentsMargins(4, 4, 4, 4)
        self._tile_grid.setSpacing(6)
        for ind in self._ordered_indicators():
            tile = ValueTile(ind, self._curve_colour(ind), self._on_tile_pressed, self._tile_host)
            self._tiles[ind.code] = tile
        self.tile_scroll = QScrollArea(self)
        self.tile_scroll.setObjectName("vitalsTileScroll")
        self.tile_scroll.setWidgetResizable(True)
        self.tile_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tile_scroll.setWidget(self._tile_host)
        self.tile_scroll.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._reflow_tiles(max(1, (self.width() - 24) // TILE_MIN_WIDTH))

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setObjectName("vitalsSplitter")
        splitter.addWidget(self.tile_scroll)
        splitter.addWidget(self.canvas)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([260, 780])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        self.frame_timer = QTimer(self)
        self.frame_timer.setObjectName("vitalsFrameTimer")
        self.frame_timer.setInterval(FRAME_INTERVAL_MS)
        self.frame_timer.timeout.connect(self._on_frame_timer_timeout)
        self.tile_timer = QTimer(self)
        self.tile_timer.setObjectName("vitalsTileTimer")
        self.tile_timer.setInterval(TILE_INTERVAL_MS)
        self.tile_timer.timeout.connect(self._on_tile_timer_timeout)

        for domain, inds in self._domains.items():
            self._select(domain, inds[0].code)
        self._reflow_plots(max(self.canvas.width(), 3 * MIN_PLOT_WIDTH), max(self.canvas.height(), 3 * MIN_PLOT_HEIGHT))
        self.setup_hooks()
        self._backfill()
        self._follow_clock()

    # ------------------------------------------------------------------ hooks
    def _subscriptions(self) -> list:
        return [
            (self._hooks.samples_did_arrive, self._on_samples_arrived),
        ]

    def _on_teardown(self) -> None:
        self.frame_timer.stop()
        self.tile_timer.stop()

    def _on_samples_arrived(self, samples: list) -> None:
        """Only buffers here: drawing waits for the frame timer, whatever the message rate."""
        known = self._indicators
        self.bank.add_samples(s for s in samples if s[0] in known)

    # -------------------------------------------------------------- public API
    def curve(self, code: str) -> pg.PlotDataItem | None:
        return self._curves.get(code)

    def tile(self, code: str) -> ValueTile | None:
        return self._tiles.get(code)

    def plot(self, domain: str) -> pg.PlotItem | None:
        return self._plots.get(domain)

    def domains(self) -> list[str]:
        return list(self._domains)

    def scale_of(self, code: str) -> tuple[float, float]:
        """(good, span) of the alarm scale: real value = good + y * span."""
        return self._scales[code]

    def threshold_lines(self, domain: str) -> list[pg.InfiniteLine]:
        return list(self._threshold_lines.get(domain, []))

    def selected_indicators(self) -> dict[str, str]:
        """The indicator whose units and thresholds each domain's plot shows."""
        return dict(self._selected)

    def select_indicator(self, code: str) -> None:
        ind = self._indicators.get(code)
        if ind is None or self._selected.get(ind.domain) == code:
            return
        self._select(ind.domain, code)
        self.selected_indicator_changed.emit(code)

    def is_stale(self, code: str) -> bool:
        return self._tiles[code].colour_name == "stale"

    # ------------------------------------------------------------- building
    def _ordered_indicators(self) -> list[Indicator]:
        return [ind for inds in self._domains.values() for ind in inds]

    def _curve_colour(self, ind: Indicator) -> str:
        siblings = self._domains[ind.domain]
        return CURVE_COLOURS[siblings.index(ind) % len(CURVE_COLOURS)]

    def _build_plots(self) -> None:
        self._plot_columns = 0
        self._titles: dict[str, str] = {}
        self._title_width = 400
        title_font = QFont(self.font())
        title_font.setPointSizeF(TITLE_POINT_SIZE)
        self._title_metrics = QFontMetrics(title_font)
        tick_font = QFont(self.font())
        tick_font.setPointSizeF(max(tick_font.pointSizeF(), 9.0) * 0.95)
        first: pg.PlotItem | None = None
        for i, (domain, inds) in enumerate(self._domains.items()):
            left = _ScaleAxis(orientation="left")
            bottom = pg.DateAxisItem(orientation="bottom")
            # no context menu: a wall display follows the clock, and the menu's widgets cost
            # ~6 ms a plot at start-up
            plot = pg.PlotItem(enableMenu=False, axisItems={"left": left, "bottom": bottom})
            _title_follows_column(plot.titleLabel)
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            # no grid: a translucent grid costs ~6x the curves on the software rasterizer
            for axis in (left, bottom):
                axis.setTickFont(tick_font)
            left.setWidth(64)
            plot.setYRange(-0.05, 1.1, padding=0)
            if first is None:
                first = plot
            else:
                plot.setXLink(first)
            for ind in inds:
                pen = pg.mkPen(self._curve_colour(ind), width=1, cosmetic=True)
                curve = plot.plot(pen=pen, name=labels.name(ind), clipToView=True, skipFiniteCheck=True)
                curve.setObjectName(f"vitalsCurve_{ind.code}")
                self._curves[ind.code] = curve
            self._plots[domain] = plot
            self._axes[domain] = left
            self._y_ranges[domain] = (-0.05, 1.1)

    def _select(self, domain: str, code: str) -> None:
        ind = self._indicators[code]
        previous = self._selected.get(domain)
        self._selected[domain] = code
        plot, axis = self._plots[domain], self._axes[domain]
        good, span = self._scales[code]
        axis.set_scale(good, span)
        # the axis speaks the selected indicator's units; the title says which one it is
        name = f"{labels.name(ind)} ({ind.unit})" if ind.unit else labels.name(ind)
        self._titles[domain] = f"{domain} · {name}"
        self._set_title(domain)
        for line in self._threshold_lines.get(domain, []):
            plot.removeItem(line)
        lines = []
        for colour in THRESHOLD_COLOURS:
            value = ind.thresholds.get(colour)
            if value is None:
                continue
            pen = pg.mkPen(COLOUR_HEX[colour], width=1, style=Qt.PenStyle.DashLine, cosmetic=True)
            line = pg.InfiniteLine(pos=(value - good) / span, angle=0, pen=pen, movable=False)
            line.threshold_colour = colour
            line.threshold_value = value
            plot.addItem(line, ignoreBounds=True)
            lines.append(line)
        self._threshold_lines[domain] = lines
        for sibling in self._domains[domain]:
            self._curves[sibling.code].setZValue(10 if sibling.code == code else 0)
        if previous in self._tiles:
            self._tiles[previous].set_selected(False)
        if code in self._tiles:
            self._tiles[code].set_selected(True)

    def _reflow_plots(self, width: int, height: int) -> None:
        """Columns for the width (at most 3), but never so few that a row gets shorter than
        MIN_PLOT_HEIGHT; titles are elided to the column width so that a long one never pushes
        the grid off the side of a narrow dock."""
        if not getattr(self, "_plots", None):
            return  # not built yet
        count = len(self._plots)
        spacing = 12  # the layout's margins and spacing per column
        column = max(MIN_PLOT_WIDTH, max(p.minimumWidth() for p in self._plots.values()) + spacing)
        by_width = max(1, min(3, width // column))
        rows_that_fit = max(1, height // MIN_PLOT_HEIGHT)
        columns = min(3, max(by_width, -(-count // rows_that_fit)))
        self._title_width = max(60, width // columns - 24)
        for domain in self._plots:
            self._set_title(domain)
        if columns == self._plot_columns:
            return
        self._plot_columns = columns
        for plot in self._plots.values():
            if plot.scene() is not None:
                self.canvas.removeItem(plot)
        for i, plot in enumerate(self._plots.values()):
            self.canvas.addItem(plot, row=i // columns, col=i % columns)

    def _set_title(self, domain: str) -> None:
        """The plot's title elided to its column (the full title is the tool tip)."""
        title = self._titles.get(domain)
        if title is None:
            return
        plot = self._plots[domain]
        shown = self._title_metrics.elidedText(title, Qt.TextElideMode.ElideRight, self._title_width)
        plot.setTitle(shown, size=f"{TITLE_POINT_SIZE}pt")
        plot.titleLabel.setToolTip(title)

    def _reflow_tiles(self, columns: int) -> None:
        """Lay the tiles out in `columns` columns (only when the count changes: re-adding
        widgets to a grid is not free)."""
        columns = max(1, columns)
        if columns == self._tile_columns:
            return
        self._tile_columns = columns
        for tile in self._tiles.values():
            self._tile_grid.removeWidget(tile)
        for i, tile in enumerate(self._tiles.values()):
            self._tile_grid.addWidget(tile, i // columns, i % columns)

    def _backfill(self) -> None:
        """Fill the buffers from the cache, so the charts show the last window at once."""
        since = self._clock.now_ms() - self.window_s * 1000
        for code in self._indicators:
            rows = self._store.samples_since(code, since)
            if rows:
                self.bank.add_samples((code, ts, value) for ts, value in rows)

    # ---------------------------------------------------------------- timers
    def _on_frame_timer_timeout(self) -> None:
        dirty = self.bank.take_dirty()
        if not dirty:
            return
        t0 = self._clock.now_ms() / 1000.0 - self.window_s
        drew = False
        for code in dirty:
            curve = self._curves.get(code)
            if curve is None:
                continue
            t, v = self.bank.get(code).window_since(t0)
            good, span = self._scales[code]
            # copy x: pyqtgraph keeps the array, and the ring buffer reuses its memory
            curve.setData(t.copy(), (v - good) / span, skipFiniteCheck=True)
            drew = drew or t.size > 0
        if drew:
            self._data_drawn = True

    def _on_tile_timer_timeout(self) -> None:
        now_s = self._clock.now_ms() / 1000.0
        for code, tile in self._tiles.items():
            buf = self.bank.get(code)
            last = buf.last() if buf is not None else None
            if last is None:
                tile.show_stale()
                continue
            t, _ = buf.window(11)
            steps = np.diff(t)
            interval = float(np.median(steps)) if steps.size else DEFAULT_INTERVAL_S
            if not math.isfinite(interval) or interval <= 0:
                interval = DEFAULT_INTERVAL_S
            if now_s - last[0] > STALE_INTERVALS * interval:
                tile.show_stale()  # never the last value as if it were live
            else:
                tile.show_value(last[1], self._indicators[code].colour_of(last[1]))
        self._follow_clock()
        self._fit_y()

    def _follow_clock(self) -> None:
        if not self._plots:
            return
        now_s = self._clock.now_ms() / 1000.0
        next(iter(self._plots.values())).setXRange(now_s - self.window_s, now_s, padding=0)

    def _fit_y(self) -> None:
        """Keep 0..1 (typical to red) in view, and widen when a curve leaves it."""
        for domain, inds in self._domains.items():
            lo, hi = 0.0, 1.0
            for ind in inds:
                y = self._curves[ind.code].yData
                if y is not None and y.size:
                    lo, hi = min(lo, float(y.min())), max(hi, float(y.max()))
            wanted = (lo - 0.05, hi + 0.1)
            if wanted != self._y_ranges[domain]:
                self._y_ranges[domain] = wanted
                self._plots[domain].setYRange(*wanted, padding=0)

    def _on_canvas_painted(self) -> None:
        if self._data_drawn and not self._first_paint_done:
            self._first_paint_done = True
            self.canvas.on_painted = None
            self.first_paint.emit()

    def _on_tile_pressed(self, code: str) -> None:
        self.select_indicator(code)

    # ------------------------------------------------------------ visibility
    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._on_frame_timer_timeout()  # catch up at once with what arrived while hidden
        self._on_tile_timer_timeout()
        self.frame_timer.start()
        self.tile_timer.start()

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self.frame_timer.stop()
        self.tile_timer.stop()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._reflow_tiles((self.width() - 24) // TILE_MIN_WIDTH)
