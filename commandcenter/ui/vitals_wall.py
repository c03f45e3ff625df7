"""The wall of indicator tiles (城市体征墙): every indicator as a tile, grouped by domain, in ONE
painted widget.

PERF.md: many small plots cost more than the points they draw. A wall of 64+ pyqtgraph plots
would be 64 scenes, 64 view boxes and 64 axis sets; here each tile is a rectangle painted with
QPainter: the name, the current value in its threshold colour, a trend arrow, and a sparkline
of the last hour. One display timer (owned by the panel) asks the wall to repaint only the
tiles whose series changed; staleness is checked once a second. A tile whose indicator has
sent nothing for `STALE_INTERVALS` of its own sample intervals shows "—" and how long it has
been silent, greyed: never its last value as if it were live.

Each domain starts with a header carrying its city-health summary: how many of its
indicators are in each colour. The wall scales with its width so a 4K wall is readable from
across the room, and lays out its tiles to fill the width.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget
from shiboken6 import VoidPtr

from commandcenter.domain.catalog import Indicator
from commandcenter.domain.levels import COLOUR_HEX
from commandcenter.live.ringbuffer import SeriesBank
from commandcenter.ui import labels

STALE_INTERVALS = 3  # no sample for this many of the indicator's intervals: stale
STALE_MIN_S = 10.0  # ...and never sooner: a busy second must not grey a 1 Hz wall
DEFAULT_INTERVAL_S = 60.0  # assumed interval while a series has a single point
TREND_WINDOW_S = 300.0  # the trend compares the last five minutes with the five before
BASE_TILE_WIDTH = 200  # px at scale 1 (a 1920 px wide wall has ~9 columns)
MIN_TILE_WIDTH = 150  # px at scale 1: smaller tiles are not readable; the wall scrolls instead
TILE_ASPECT = 0.5  # height / width
GAP = 6
STATE_ORDER = ("red", "orange", "yellow", "blue", "green", "stale")
BACKGROUND = QColor("#0b1220")
TILE_BACKGROUND = QColor("#121c2e")
TILE_SELECTED = QColor("#1d2d4a")
TEXT = QColor("#e6edf8")
TEXT_DIM = QColor("#8fa3bf")


@dataclass
class TileState:
    """What one tile shows; computed once a second (and when the series changes)."""

    colour: str = "stale"  # a COLOUR_HEX key
    value: float | None = None
    silent_s: float | None = None  # how long since the last sample, when stale
    trend: int = 0  # -1 falling, 0 steady, 1 rising


def sample_interval(t: np.ndarray) -> float:
    """The usual spacing of a series' newest points (seconds)."""
    steps = np.diff(t[-11:])
    interval = float(np.median(steps)) if steps.size else DEFAULT_INTERVAL_S
    return interval if math.isfinite(interval) and interval > 0 else DEFAULT_INTERVAL_S


def tile_state(indicator: Indicator, t: np.ndarray, v: np.ndarray, now_s: float) -> TileState:
    """The state of a tile from its series (oldest first) at `now_s`."""
    if t.size == 0:
        return TileState()
    last_t, last_v = float(t[-1]), float(v[-1])
    silent = now_s - last_t
    if silent > max(STALE_MIN_S, STALE_INTERVALS * sample_interval(t)):
        return TileState(colour="stale", value=None, silent_s=silent)
    return TileState(colour=indicator.colour_of(last_v), value=last_v, trend=trend_of(indicator, t, v))


def trend_of(indicator: Indicator, t: np.ndarray, v: np.ndarray) -> int:
    """Rising, falling or steady: the mean of the last five minutes against the five before,
    compared with 2% of the indicator's typical range (so noise reads as steady)."""
    end = t[-1]
    recent = v[t > end - TREND_WINDOW_S]
    before = v[(t <= end - TREND_WINDOW_S) & (t > end - 2 * TREND_WINDOW_S)]
    if recent.size == 0 or before.size == 0:
        return 0
    lo, hi = indicator.typical
    span = abs(hi - lo) or 1.0
    delta = float(recent.mean() - before.mean())
    if abs(delta) < 0.02 * span:
        return 0
    return 1 if delta > 0 else -1


def format_value(value: float) -> str:
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def format_silence(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.0f} h"


def polyline(xs: np.ndarray, ys: np.ndarray) -> QPolygonF:
    """An open polygon of the points (xs[i], ys[i]), filled from the arrays in bulk (not one
    QPointF per point): QPolygonF stores its points as consecutive pairs of doubles. (What
    pyqtgraph's arrayToQPath does; the wall must not import pyqtgraph, ~0.3 s at start-up.)"""
    n = int(min(xs.size, ys.size))
    poly = QPolygonF()
    poly.resize(n)
    if n:
        points = np.frombuffer(VoidPtr(poly.data(), n * 16, True), dtype=np.float64).reshape(n, 2)
        points[:, 0] = xs[:n]
        points[:, 1] = ys[:n]
    return poly


class TileWall(QWidget):
    """All indicators as painted tiles grouped by domain. Reads the panel's SeriesBank."""

    indicator_clicked = Signal(str, bool)  # code, added to the comparison (Ctrl held)
    first_data_painted = Signal()

    def __init__(self, indicators: list[Indicator], bank: SeriesBank, window_s: int, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("vitalsWall")
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.MinimumExpanding)
        self._bank = bank
        self.window_s = window_s
        self._domains: dict[str, list[Indicator]] = {}
        for ind in indicators:
            self._domains.setdefault(ind.domain, []).append(ind)
        self._indicators = {ind.code: ind for ind in indicators}
        self._states: dict[str, TileState] = {code: TileState() for code in self._indicators}
        self._rects: dict[str, QRect] = {}
        self._headers: dict[str, QRect] = {}
        self._selected: set[str] = set()
        self._pending: dict[str, None] = {}  # tiles waiting for a repaint, in order
        self._scale = 1.0
        self._laid_out_width = -1
        self._fit_height = 0
        self._height = 0
        self.painted_with_data = False
        self._now_s = 0.0

    # ------------------------------------------------------------ public
    def state(self, code: str) -> TileState:
        return self._states[code]

    def tile_rect(self, code: str) -> QRect:
        self._ensure_layout()
        return QRect(self._rects[code])

    def domain_counts(self, domain: str) -> dict[str, int]:
        """The city-health summary of a domain: indicators per colour (stale included)."""
        counts = {state: 0 for state in STATE_ORDER}
        for ind in self._domains.get(domain, []):
            counts[self._states[ind.code].colour] += 1
        return counts

    def domains(self) -> list[str]:
        return list(self._domains)

    def set_selected(self, codes: set[str]) -> None:
        self._selected = set(codes)
        self.update()

    def refresh_states(self, now_s: float, codes=None) -> set[str]:
        """Recompute the states (all, or `codes`); returns the codes whose tile changed look."""
        self._now_s = now_s
        changed = set()
        for code in codes if codes is not None else self._indicators:
            buf = self._bank.get(code)
            if buf is None:
                t = v = np.empty(0)
            else:
                t, v = buf.window_since(now_s - 2 * TREND_WINDOW_S - 60)
            state = tile_state(self._indicators[code], t, v, now_s)
            if t.size == 0 and buf is not None and buf.last() is not None:
                state = TileState(colour="stale", silent_s=now_s - buf.last()[0])  # silent for long
            if state != self._states[code]:
                changed.add(code)
            self._states[code] = state
        return changed

    def repaint_tiles(self, codes) -> None:
        """Queue these tiles for repainting; `flush` paints a few of them per display tick."""
        for code in codes:
            if code in self._rects or code in self._indicators:
                self._pending[code] = None

    def repaint_all(self) -> None:
        self.repaint_tiles(self._indicators)

    def flush(self, max_tiles: int = 0) -> int:
        """Repaint up to `max_tiles` queued tiles (all when 0), oldest first: when a second's
        samples of 64 indicators arrive together, their tiles are spread over a few ticks
        rather than one long frame. Returns how many are still queued."""
        self._ensure_layout()
        codes = list(self._pending)
        if max_tiles:
            codes = codes[:max_tiles]
        domains = set()
        for code in codes:
            del self._pending[code]
            self.update(self._rects[code])
            domains.add(self._indicators[code].domain)
        for domain in domains:
            self.update(self._headers[domain])
        return len(self._pending)

    # ------------------------------------------------------------ layout
    def set_fit_height(self, height: int) -> None:
        """The height the wall should fit in when it can (the scroll area's viewport): on a
        wall screen every tile is in view; below a readable size it scrolls instead."""
        if height != self._fit_height:
            self._fit_height = height
            self._laid_out_width = -1
            self._ensure_layout()
            self.update()

    def _ensure_layout(self) -> None:
        width = max(self.width(), 200)
        if width == self._laid_out_width:
            return
        self._laid_out_width = width
        self._scale = max(1.0, min(2.4, width / 1920.0 * 1.15)) if width > 1920 else 1.0
        target = BASE_TILE_WIDTH * self._scale
        # on a big wall a tile may shrink well below its scaled size and stay readable
        smallest = MIN_TILE_WIDTH * max(1.0, self._scale * 0.6)
        while True:
            height = self._place(width, target)
            if self._fit_height <= 0 or height <= self._fit_height or target <= smallest:
                break
            target = max(smallest, target * 0.93)
        self._height = height
        self.setMinimumHeight(height)
        self.updateGeometry()

    def _place(self, width: int, target: float) -> int:
        """Lay the tiles out with tiles about `target` px wide; returns the height used."""
        columns = max(1, int((width - GAP) // (target + GAP)))
        tile_w = int((width - GAP) / columns - GAP)
        tile_h = int(max(56 * self._scale, tile_w * TILE_ASPECT))
        header_h = int(26 * self._scale)
        self._rects.clear()
        self._headers.clear()
        # Domains flow like words: each is a block (its header above its tiles) as wide as
        # its tiles need, placed beside the previous block while the width allows.
        x, y, row_h = GAP, GAP, 0
        for domain, inds in self._domains.items():
            cols = min(len(inds), columns)
            rows = math.ceil(len(inds) / cols)
            block_w = cols * (tile_w + GAP) - GAP
            block_h = header_h + GAP // 2 + rows * (tile_h + GAP)
            if x > GAP and x + block_w > width - GAP:
                x, y, row_h = GAP, y + row_h + GAP, 0
            self._headers[domain] = QRect(x, y, block_w, header_h)
            top = y + header_h + GAP // 2
            for i, ind in enumerate(inds):
                r, c = divmod(i, cols)
                self._rects[ind.code] = QRect(x + c * (tile_w + GAP), top + r * (tile_h + GAP), tile_w, tile_h)
            x += block_w + 3 * GAP
            row_h = max(row_h, block_h)
        return y + row_h + GAP

    def sizeHint(self) -> QSize:
        self._ensure_layout()
        return QSize(self._laid_out_width, self._height)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._ensure_layout()

    # ------------------------------------------------------------ input
    def code_at(self, pos) -> str | None:
        self._ensure_layout()
        for code, rect in self._rects.items():
            if rect.contains(pos):
                return code
        return None

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt API)
        code = self.code_at(event.position().toPoint())
        if code is not None and event.button() == Qt.MouseButton.LeftButton:
            add = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
            self.indicator_clicked.emit(code, add)
        super().mousePressEvent(event)

    # ------------------------------------------------------------ painting
    def paintEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self._ensure_layout()
        painter = QPainter(self)
        painter.fillRect(event.rect(), BACKGROUND)
        # no antialiasing: software-rendered walls (PERF.md); 1-px cosmetic lines read fine
        region = event.region()  # only the tiles asked for, not their bounding box
        for domain, rect in self._headers.items():
            if region.intersects(rect):
                self._paint_header(painter, domain, rect)
        drew_data = False
        for code, rect in self._rects.items():
            if region.intersects(rect):
                drew_data = self._paint_tile(painter, self._indicators[code], rect) or drew_data
        painter.end()
        # the wall is "painted with data" once a paint happened while any tile has live data
        # (the tile may be scrolled out of view; the wall is on screen and current)
        drew_data = drew_data or any(st.colour != "stale" for st in self._states.values())
        if drew_data and not self.painted_with_data:
            self.painted_with_data = True
            self.first_data_painted.emit()

    def _font(self, px: float, bold: bool = False) -> QFont:
        font = QFont(self.font())
        font.setPixelSize(max(9, int(px)))
        font.setBold(bold)
        return font

    def _paint_header(self, painter: QPainter, domain: str, rect: QRect) -> None:
        painter.setFont(self._font(rect.height() * 0.62, bold=True))
        painter.setPen(TEXT)
        metrics = QFontMetrics(painter.font())
        name = labels.domain(domain)
        painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, name)
        x = rect.left() + metrics.horizontalAdvance(name) + rect.height()
        painter.setFont(self._font(rect.height() * 0.5, bold=True))
        chip = rect.height() * 0.62
        for state, count in self.domain_counts(domain).items():
            if not count:
                continue
            colour = QColor(COLOUR_HEX[state])
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            box = QRectF(x, rect.center().y() - chip / 2, chip * 1.9, chip)
            painter.drawRoundedRect(box, chip / 3, chip / 3)
            painter.setPen(QColor("#0b1220") if state in ("yellow", "green") else QColor("#ffffff"))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, str(count))
            x += box.width() + chip / 3

    def _paint_tile(self, painter: QPainter, ind: Indicator, rect: QRect) -> bool:
        state = self._states[ind.code]
        stale = state.colour == "stale"
        colour = QColor(COLOUR_HEX[state.colour])
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(TILE_SELECTED if ind.code in self._selected else TILE_BACKGROUND)
        radius = 4 * self._scale
        painter.drawRoundedRect(QRectF(rect), radius, radius)
        if not stale and state.colour != "green":
            tint = QColor(colour)
            tint.setAlpha(38)
            painter.setBrush(tint)
            painter.drawRoundedRect(QRectF(rect), radius, radius)
        bar = max(4, int(5 * self._scale))
        painter.setBrush(colour)
        painter.drawRect(QRect(rect.left(), rect.top() + 2, bar, rect.height() - 4))
        if ind.code in self._selected:
            painter.setPen(QPen(QColor("#8fb3ff"), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(rect).adjusted(1, 1, -1, -1), radius, radius)

        pad = int(6 * self._scale) + bar
        inner = rect.adjusted(pad, int(4 * self._scale), -int(6 * self._scale), -int(4 * self._scale))
        h = inner.height()
        name_h = h * 0.22
        value_h = h * 0.36
        painter.setFont(self._font(name_h * 0.85))
        painter.setPen(TEXT_DIM)
        name_rect = QRect(inner.left(), inner.top(), inner.width(), int(name_h))
        name = QFontMetrics(painter.font()).elidedText(labels.name(ind), Qt.TextElideMode.ElideRight, inner.width())
        painter.drawText(name_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)

        value_rect = QRect(inner.left(), inner.top() + int(name_h), inner.width(), int(value_h))
        if stale:
            painter.setFont(self._font(value_h * 0.8, bold=True))
            painter.setPen(QColor(COLOUR_HEX["stale"]))
            text = "—"
            painter.drawText(value_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
            painter.setFont(self._font(value_h * 0.42))
            silent = (labels.other("stale") + " " + format_silence(state.silent_s)) if state.silent_s is not None \
                else labels.other("no_data")
            painter.drawText(value_rect.adjusted(int(value_h), 0, 0, 0),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, silent)
        else:
            painter.setFont(self._font(value_h * 0.85, bold=True))
            painter.setPen(TEXT if state.colour == "green" else colour)
            value_text = format_value(state.value)
            metrics = QFontMetrics(painter.font())
            painter.drawText(value_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, value_text)
            x = value_rect.left() + metrics.horizontalAdvance(value_text) + int(4 * self._scale)
            painter.setFont(self._font(value_h * 0.42))
            painter.setPen(TEXT_DIM)
            unit_w = QFontMetrics(painter.font()).horizontalAdvance(ind.unit)
            painter.drawText(QRect(x, value_rect.top(), unit_w + 4, value_rect.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, ind.unit)
            self._paint_trend(painter, state.trend, QRect(value_rect.right() - int(value_h), value_rect.top(),
                                                         int(value_h), value_rect.height()))
        spark = QRect(inner.left(), inner.top() + int(name_h + value_h), inner.width(),
                      inner.height() - int(name_h + value_h))
        return self._paint_sparkline(painter, ind, spark, colour) or not stale

    def _paint_trend(self, painter: QPainter, trend: int, rect: QRect) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(TEXT_DIM)
        c = QPointF(rect.center())
        s = rect.height() * 0.22
        path = QPainterPath()
        if trend > 0:
            path.moveTo(c.x(), c.y() - s)
            path.lineTo(c.x() + s, c.y() + s * 0.6)
            path.lineTo(c.x() - s, c.y() + s * 0.6)
        elif trend < 0:
            path.moveTo(c.x(), c.y() + s)
            path.lineTo(c.x() + s, c.y() - s * 0.6)
            path.lineTo(c.x() - s, c.y() - s * 0.6)
        else:
            path.moveTo(c.x() + s, c.y())
            path.lineTo(c.x() - s * 0.6, c.y() - s)
            path.lineTo(c.x() - s * 0.6, c.y() + s)
        path.closeSubpath()
        painter.drawPath(path)

    def _paint_sparkline(self, painter: QPainter, ind: Indicator, rect: QRect, colour: QColor) -> bool:
        buf = self._bank.get(ind.code)
        if buf is None or rect.height() < 6:
            return False
        t0 = self._now_s - self.window_s
        t, v = buf.window_since(t0)
        if t.size < 2:
            return False
        # about one point per pixel column: the shape of an hour, not its 3,600 samples
        step = max(1, t.size // max(2, rect.width()))
        t, v = t[::step], v[::step]
        lo, hi = float(v.min()), float(v.max())
        tlo, thi = ind.typical
        lo, hi = min(lo, tlo), max(hi, thi)
        red = ind.thresholds.get("red")
        show_red = red is not None and lo <= red <= hi * 1.5
        if show_red:
            hi = max(hi, red)
        span = (hi - lo) or 1.0
        xs = rect.left() + (t - t0) / self.window_s * rect.width()
        ys = rect.bottom() - (v - lo) / span * rect.height()
        line = QColor(colour) if colour != QColor(COLOUR_HEX["green"]) else QColor("#4cc9f0")
        painter.setPen(QPen(line, max(1.0, 1.4 * self._scale)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPolyline(polyline(xs, ys))
        if show_red:
            y = rect.bottom() - (red - lo) / span * rect.height()
            painter.setPen(QPen(QColor(COLOUR_HEX["red"]), 1, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
        return True

