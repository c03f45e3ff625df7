"""The detail chart of city vital signs: the history of one indicator or several compared.

One pyqtgraph plot per compared indicator (at most MAX_COMPARED), stacked, their time axes
linked: zoom or pan one and all follow. Thresholds are drawn as colour bands in the real
units of each indicator. A vertical time cursor follows the mouse across all the plots at
once and reads out every indicator's value at that time. The chart follows the clock ("live")
until somebody zooms or pans; the Live button brings it back.

Data: the history from the store when an indicator is shown or the range changes
(Store.series: raw samples for short ranges, 1-minute or hourly rollups for long ones, so a
30-day chart draws a few thousand points), then the panel's ring buffers on the display tick,
for these few curves only. Exports: the chart as PNG (a grab of what is shown) and each indicator's shown range as
CSV (commandcenter.interop.vitals_report.series_csv when available).
"""
from __future__ import annotations

import bisect
import time
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from commandcenter.domain.catalog import Indicator
from commandcenter.domain.levels import COLOUR_HEX, THRESHOLD_COLOURS
from commandcenter.live.ringbuffer import SeriesBank
from commandcenter.ui import labels
from commandcenter.ui.vitals import MAX_COMPARED  # the panel's limit (it imports this module lazily)

BAND_ALPHA = 40
CURVE_COLOUR = "#4cc9f0"
# the chart's ranges (seconds); the first one is the ring buffers' window
RANGES_S = (3600, 6 * 3600, 24 * 3600, 7 * 86400, 30 * 86400)
HISTORY_POINTS = 4000  # at most this many points per indicator from the store


def threshold_bands(ind: Indicator, lo: float, hi: float) -> list[tuple[str, float, float]]:
    """(colour, from, to) bands between thresholds, direction-aware, clipped to lo..hi:
    a value inside a band has that colour."""
    cuts = [(c, ind.thresholds[c]) for c in THRESHOLD_COLOURS if c in ind.thresholds]
    bands = []
    if ind.direction == "below":
        # red lowest: [.., red] red, [red, orange] orange ... [blue, ..] green
        edges = [lo] + [v for _, v in reversed(cuts)] + [hi]
        colours = [c for c, _ in reversed(cuts)]
        for i, colour in enumerate(colours):
            bands.append((colour, edges[i], edges[i + 1]))
    else:
        for i, (colour, value) in enumerate(cuts):
            top = cuts[i + 1][1] if i + 1 < len(cuts) else hi
            bands.append((colour, value, top))
    return [(c, max(lo, a), min(hi, b)) for c, a, b in bands if min(hi, b) > max(lo, a)]


class DetailChart(QWidget):
    """History of the selected indicators with bands, a shared cursor, zoom and pan."""

    live_changed = Signal(bool)

    def __init__(self, indicators: dict[str, Indicator], store, bank: SeriesBank, clock, window_s: int,
                 parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("vitalsDetail")
        self._indicators = indicators
        self._store = store
        self._bank = bank
        self._clock = clock
        self.window_s = window_s
        self._codes: list[str] = []
        self._plots: dict[str, pg.PlotItem] = {}
        self._curves: dict[str, pg.PlotDataItem] = {}
        self._history: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._cursors: dict[str, pg.InfiniteLine] = {}
        self._readouts: dict[str, pg.TextItem] = {}
        self._bands: dict[str, list[pg.LinearRegionItem]] = {}
        self._live = True
        self._moving_by_code = False
        self.cursor_s: float | None = None

        self.canvas = pg.GraphicsLayoutWidget(self)
        self.canvas.setObjectName("vitalsDetailCanvas")
        self.canvas.ci.setSpacing(2)
        self.canvas.scene().sigMouseMoved.connect(self._on_scene_mouse_moved)
        self.title = QLabel(self)
        self.title.setObjectName("vitalsDetailTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.live_button = QPushButton(self.tr("Live"), self)
        self.live_button.setObjectName("vitalsDetailLive")
        self.live_button.setCheckable(True)
        self.live_button.setChecked(True)
        self.live_button.clicked.connect(lambda checked: self.set_live(True))
        self.png_button = QPushButton(self.tr("PNG…"), self)
        self.png_button.setObjectName("vitalsDetailPng")
        self.png_button.clicked.connect(self._on_png_clicked)
        self.csv_button = QPushButton(self.tr("CSV…"), self)
        self.csv_button.setObjectName("vitalsDetailCsv")
        self.csv_button.clicked.connect(self._on_csv_clicked)
        self.range_combo = QComboBox(self)
        self.range_combo.setObjectName("vitalsDetailRange")
        names = {3600: self.tr("1 hour"), 6 * 3600: self.tr("6 hours"), 86400: self.tr("24 hours"),
                 7 * 86400: self.tr("7 days"), 30 * 86400: self.tr("30 days")}
        for seconds in sorted(set(RANGES_S) | {window_s}):
            self.range_combo.addItem(names.get(seconds, f"{seconds // 60} min"), seconds)
        self.range_combo.setCurrentIndex(self.range_combo.findData(window_s))
        self.range_combo.currentIndexChanged.connect(self._on_range_combo_changed)
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 0)
        bar.addWidget(self.title, 1)
        bar.addWidget(self.range_combo)
        bar.addWidget(self.live_button)
        bar.addWidget(self.png_button)
        bar.addWidget(self.csv_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.canvas, 1)

    # ------------------------------------------------------------ public
    @property
    def codes(self) -> list[str]:
        return list(self._codes)

    @property
    def live(self) -> bool:
        return self._live

    def plot(self, code: str) -> pg.PlotItem | None:
        return self._plots.get(code)

    def curve(self, code: str) -> pg.PlotDataItem | None:
        return self._curves.get(code)

    def bands(self, code: str) -> list[pg.LinearRegionItem]:
        return list(self._bands.get(code, []))

    def show_indicators(self, codes: list[str]) -> None:
        """Show these indicators (the first MAX_COMPARED known ones), each in its own plot."""
        codes = [c for c in dict.fromkeys(codes) if c in self._indicators][:MAX_COMPARED]
        if codes == self._codes:
            return
        self.canvas.clear()
        self._plots.clear()
        self._curves.clear()
        self._cursors.clear()
        self._readouts.clear()
        self._bands.clear()
        self._history.clear()
        self._codes = codes
        first = None
        for row, code in enumerate(codes):
            plot = self._make_plot(self._indicators[code], last=row == len(codes) - 1)
            self.canvas.addItem(plot, row=row, col=0)
            if first is None:
                first = plot
            else:
                plot.setXLink(first)
            self._plots[code] = plot
        if first is not None:
            first.getViewBox().sigXRangeChanged.connect(self._on_x_range_changed)
        self.title.setText("  ·  ".join(labels.name(self._indicators[c]) for c in codes))
        self._font_px = None
        self._scale_fonts()
        self._load_history()
        self.set_live(True)

    @property
    def range_s(self) -> int:
        return int(self.range_combo.currentData())

    def set_range(self, seconds: int) -> None:
        """Show the last `seconds` of history (one of the combo's ranges) and follow the clock."""
        index = self.range_combo.findData(int(seconds))
        if index < 0:
            raise ValueError(f"no range of {seconds} s")
        self.range_combo.setCurrentIndex(index)

    def set_live(self, live: bool) -> None:
        self._live = live
        self.live_button.setChecked(live)
        if live:
            self.follow_clock()
        self.live_changed.emit(live)

    def follow_clock(self) -> None:
        if not self._codes:
            return
        now_s = self._clock.now_ms() / 1000.0
        self._moving_by_code = True
        try:
            self._plots[self._codes[0]].setXRange(now_s - self.range_s, now_s, padding=0)
        finally:
            self._moving_by_code = False

    def update_live(self, dirty: set[str]) -> None:
        """On the display tick: append what the ring buffers got for the shown indicators.
        The time axis moves on the once-a-second tick (follow_clock), not here: moving it
        redraws the axes' text, the most costly part of a pyqtgraph frame."""
        for code in self._codes:
            if code in dirty:
                self._draw(code)

    def set_cursor(self, t_s: float) -> dict[str, float | None]:
        """Put the time cursor at `t_s` on every plot; returns each indicator's value there."""
        self.cursor_s = t_s
        values = {}
        for code in self._codes:
            self._cursors[code].setPos(t_s)
            value = self.value_at(code, t_s)
            values[code] = value
            ind = self._indicators[code]
            text = "—" if value is None else f"{value:.4g} {ind.unit}"
            self._readouts[code].setText(text)
            self._readouts[code].setPos(t_s, self._plots[code].getViewBox().viewRange()[1][1])
        return values

    def value_at(self, code: str, t_s: float) -> float | None:
        """The value of a shown indicator at a time (the sample at or before it)."""
        t, v = self._series(code)
        i = bisect.bisect_right(t.tolist(), t_s) - 1 if t.size else -1
        return float(v[i]) if i >= 0 else None

    def export_png(self, path: str | Path) -> bool:
        return self.grab().save(str(path), "PNG")

    def export_csv(self, code: str, path: str | Path) -> None:
        """The shown range of one indicator as CSV (time, ts_ms, value, unit, colour)."""
        from commandcenter.interop.layers import write_atomic

        t, v = self._series(code)
        lo, hi = self._plots[code].getViewBox().viewRange()[0]
        keep = (t >= lo) & (t <= hi)
        rows = [(int(round(ts * 1000)), float(value)) for ts, value in zip(t[keep], v[keep])]
        write_atomic(Path(path), _series_csv(self._indicators[code], rows))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._scale_fonts()

    def _scale_fonts(self) -> None:
        """Axis text readable on a 4K wall: it grows with the chart's width."""
        px = max(11, min(28, self.width() // 150))
        if px == getattr(self, "_font_px", None):
            return
        self._font_px = px
        font = self.font()
        font.setPixelSize(px)
        for plot in self._plots.values():
            for name in ("left", "bottom"):
                plot.getAxis(name).setTickFont(font)
        self.title.setFont(font)

    # ------------------------------------------------------------ building
    def _make_plot(self, ind: Indicator, *, last: bool) -> pg.PlotItem:
        axis = _TimeAxis(orientation="bottom")
        plot = pg.PlotItem(axisItems={"bottom": axis})
        plot.setMenuEnabled(False)
        # no grid: the axes draw it into their cached pictures, and replaying long translucent
        # lines in software is most of a frame (the threshold bands give the scale anyway)
        plot.showGrid(x=False, y=False)
        plot.getAxis("bottom").setStyle(showValues=last)
        plot.setLabel("left", ind.unit)
        plot.setTitle(labels.name(ind), size="11pt", justify="left")
        lo, hi = ind.typical
        red = ind.thresholds.get("red", hi)
        top = max(hi, red) * 1.15 if max(hi, red) > 0 else 1.0
        bottom = min(lo, min(ind.thresholds.values(), default=lo)) * 0.9
        for colour, a, b in threshold_bands(ind, bottom - abs(top) * 10, top + abs(top) * 10):
            fill = pg.mkColor(COLOUR_HEX[colour])
            fill.setAlpha(BAND_ALPHA)
            region = pg.LinearRegionItem((a, b), orientation="horizontal", movable=False, brush=fill,
                                         pen=pg.mkPen(COLOUR_HEX[colour], width=1, style=Qt.PenStyle.DashLine))
            region.setZValue(-10)
            plot.addItem(region, ignoreBounds=True)
            self._bands.setdefault(ind.code, []).append(region)
        curve = plot.plot(pen=pg.mkPen(CURVE_COLOUR, width=1))
        curve.setClipToView(True)
        curve.setDownsampling(auto=True, method="peak")  # about a point per pixel, peaks kept
        self._curves[ind.code] = curve
        cursor = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#e6edf8", width=1))
        plot.addItem(cursor, ignoreBounds=True)
        self._cursors[ind.code] = cursor
        readout = pg.TextItem("", color="#e6edf8", anchor=(0, 0))
        plot.addItem(readout, ignoreBounds=True)
        self._readouts[ind.code] = readout
        plot.setYRange(bottom, top, padding=0.02)
        return plot

    def _load_history(self) -> None:
        """The shown range from the store, at the resolution Store.series picks for it. A
        rollup bucket is drawn at its start with its mean."""
        now_ms = self._clock.now_ms()
        since_ms = now_ms - self.range_s * 1000
        for code in self._codes:
            rows = self._store.series(code, since_ms, now_ms, max_points=HISTORY_POINTS)
            t = np.fromiter((ts / 1000.0 for ts, *_ in rows), dtype=float, count=len(rows))
            v = np.fromiter((mean for _, mean, *_ in rows), dtype=float, count=len(rows))
            self._history[code] = (t, v)
            self._draw(code)

    def _series(self, code: str) -> tuple[np.ndarray, np.ndarray]:
        """Store history joined with the newer points of the ring buffer, oldest first."""
        t, v = self._history.get(code, (np.empty(0), np.empty(0)))
        buf = self._bank.get(code)
        if buf is not None:
            bt, bv = buf.window()
            if bt.size:
                newer = bt > (t[-1] if t.size else -np.inf)
                t = np.concatenate([t, bt[newer]])
                v = np.concatenate([v, bv[newer]])
        return t, v

    def _draw(self, code: str) -> None:
        t, v = self._series(code)
        self._curves[code].setData(t, v, skipFiniteCheck=True)

    # ------------------------------------------------------------ events
    def _on_range_combo_changed(self, _index: int) -> None:
        self._load_history()
        self.set_live(True)

    def _on_x_range_changed(self, *_args) -> None:
        if not self._moving_by_code and self._live:
            self.set_live(False)  # somebody zoomed or panned: stop following

    def _on_scene_mouse_moved(self, pos) -> None:
        for plot in self._plots.values():
            if plot.sceneBoundingRect().contains(pos):
                self.set_cursor(plot.getViewBox().mapSceneToView(pos).x())
                return

    def _on_png_clicked(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the chart"), "vitals.png", "PNG (*.png)")
        if path:
            self.export_png(path)

    def _on_csv_clicked(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        for code in self._codes:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the data"), f"{code}.csv", "CSV (*.csv)")
            if path:
                self.export_csv(code, path)


class _TimeAxis(pg.AxisItem):
    """Local clock times on the time axis. pyqtgraph's DateAxisItem recomputes its
    calendar-aware ticks on every range change, which made a one-second slide of the chart
    cost ~45 ms; plain ticks formatted as clock times cost a fraction."""

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph API)
        fmt = "%H:%M:%S" if spacing < 60 else "%H:%M" if spacing < 86_400 else "%m-%d"
        return [time.strftime(fmt, time.localtime(v)) for v in values]

    def tickSpacing(self, minVal, maxVal, size):  # noqa: N802 (pyqtgraph API)
        span = maxVal - minVal
        for major in (1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400):
            if span / major <= max(2, size / 110):
                return [(major, 0)]
        return [(span / 4, 0)]


def _series_csv(ind: Indicator, rows: list[tuple[int, float]]) -> bytes:
    try:
        from commandcenter.interop.vitals_report import series_csv
    except ImportError:  # the report module is optional here
        lines = ["ts_ms,value,unit,colour"] + [f"{ts},{value},{ind.unit},{ind.colour_of(value)}" for ts, value in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    return series_csv(ind, rows)
