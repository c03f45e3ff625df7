"""The vital-signs panel: a painted wall of tiles grouped by domain and a detail chart, on one
display timer that pauses when hidden. Real widgets offscreen, a real store, grabs of pixels."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest

from commandcenter.domain.levels import COLOUR_HEX
from commandcenter.ui.vitals import VitalsPanel
from commandcenter.ui.vitals_chart import threshold_bands
from commandcenter.ui.vitals_wall import tile_state

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

MIN = 60_000


@pytest.fixture
def make_panel(qtbot, catalog, store, hooks, clock):
    panels = []

    def make(show=True, size=(1280, 900)):
        panel = VitalsPanel(catalog, store, hooks, clock)
        qtbot.addWidget(panel)
        panels.append(panel)
        panel.resize(*size)
        if show:
            panel.show()
            qtbot.waitExposed(panel)
        return panel

    yield make
    for panel in panels:
        panel.teardown_hooks()


def tile_pixels(panel, code, colour_hex) -> int:
    """How many pixels of a tile (grabbed from the screen) have this colour."""
    rect = panel.wall.tile_rect(code)
    image = panel.wall.grab(rect).toImage()
    want = QColor(colour_hex)
    return sum(1 for y in range(0, image.height(), 2) for x in range(0, image.width(), 2)
               if image.pixelColor(x, y) == want)


def test_streamed_samples_reach_the_tile_and_the_detail_chart(make_panel, hooks, clock, qtbot, catalog):
    panel = make_panel()
    panel.select_indicator("rain_1h")
    now = clock.now_ms()
    hooks.samples_did_arrive([("rain_1h", now - 2 * MIN, 10.0), ("rain_1h", now - MIN, 30.0), ("rain_1h", now, 55.0)])
    qtbot.waitUntil(lambda: panel.wall.state("rain_1h").value == 55.0, timeout=1000)
    assert panel.wall.state("rain_1h").colour == catalog.indicators["rain_1h"].colour_of(55.0) == "orange"
    curve = panel.chart.curve("rain_1h")
    qtbot.waitUntil(lambda: curve.xData is not None and len(curve.xData) == 3, timeout=1000)
    assert list(curve.xData) == [(now - 2 * MIN) / 1000, (now - MIN) / 1000, now / 1000]
    assert np.allclose(curve.yData, [10.0, 30.0, 55.0])
    # the tile is painted in its colour: its colour bar and value are orange on screen
    qtbot.waitUntil(lambda: tile_pixels(panel, "rain_1h", COLOUR_HEX["orange"]) > 20, timeout=2000)


def test_backfill_from_the_cache_and_stale_tiles(make_panel, store, clock):
    now = clock.now_ms()
    old = [("rain_24h", now - m * MIN, 120.0 + m) for m in range(40, 51)]  # last one 40 min ago
    fresh = [("wind_speed", now - m * MIN, 5.0 + m) for m in range(0, 6)]
    store.ingest_samples(old + fresh)
    panel = make_panel()
    stale = panel.wall.state("rain_24h")
    assert stale.colour == "stale" and stale.value is None and stale.silent_s == pytest.approx(40 * 60)
    assert panel.wall.state("temperature").colour == "stale"  # no data at all
    live = panel.wall.state("wind_speed")
    assert live.value == 5.0 and live.colour == "green"
    assert tile_pixels(panel, "rain_24h", COLOUR_HEX["stale"]) > 20


def test_a_live_tile_goes_stale_when_samples_stop(make_panel, hooks, clock, qtbot):
    panel = make_panel()
    now = clock.now_ms()
    hooks.samples_did_arrive([("aqi", now - m * MIN, 160.0) for m in range(5, -1, -1)])
    qtbot.waitUntil(lambda: panel.wall.state("aqi").value == 160.0, timeout=2000)
    assert panel.wall.state("aqi").colour == "red"
    clock.advance(3 * MIN - 1000)  # within three intervals: still live
    with qtbot.waitSignal(panel.state_timer.timeout, timeout=2000):
        pass
    assert panel.wall.state("aqi").value == 160.0
    clock.advance(2000)  # now past three one-minute intervals
    with qtbot.waitSignal(panel.state_timer.timeout, timeout=2000):
        pass
    assert panel.is_stale("aqi") and panel.wall.state("aqi").value is None


def test_timers_run_only_while_shown_and_catch_up_on_show(make_panel, hooks, clock, qtbot):
    panel = make_panel()
    assert panel.frame_timer.isActive() and panel.state_timer.isActive()
    assert panel.frame_timer.interval() <= 40
    panel.hide()
    assert not panel.frame_timer.isActive() and not panel.state_timer.isActive()
    hooks.samples_did_arrive([("pm25", clock.now_ms(), 80.0)])
    qtbot.wait(100)
    assert panel.wall.state("pm25").value is None  # buffered, not shown while hidden
    panel.show()
    assert panel.frame_timer.isActive() and panel.state_timer.isActive()
    assert panel.wall.state("pm25").value == 80.0 and panel.wall.state("pm25").colour == "orange"


def test_first_paint_is_emitted_once_data_is_on_screen(make_panel, store, clock, qtbot):
    store.ingest_samples([("power_load", clock.now_ms() - m * MIN, 30000.0) for m in range(10)])
    panel = make_panel(show=False)
    with qtbot.waitSignal(panel.first_paint, timeout=3000):
        panel.show()


def test_domain_headers_count_indicators_by_colour(make_panel, hooks, clock, qtbot, catalog):
    panel = make_panel()
    now = clock.now_ms()
    weather = [i for i in catalog.indicators.values() if i.domain == "气象"]
    red = catalog.indicators["rain_1h"].thresholds["red"] + 1
    hooks.samples_did_arrive([("rain_1h", now, red)])
    qtbot.waitUntil(lambda: panel.domain_counts("气象")["red"] == 1, timeout=2000)
    counts = panel.domain_counts("气象")
    assert sum(counts.values()) == len(weather)
    assert counts["stale"] == len(weather) - 1


def test_clicking_a_tile_opens_it_in_the_chart_with_its_bands_and_ctrl_compares(make_panel, qtbot, catalog):
    panel = make_panel()
    rect = panel.wall.tile_rect("river_level_huangpu")
    QTest.mouseClick(panel.wall, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    assert panel.selected_indicators() == ["river_level_huangpu"]
    ind = catalog.indicators["river_level_huangpu"]
    bands = panel.chart.bands("river_level_huangpu")
    lows = sorted(round(b.getRegion()[0], 6) for b in bands)
    assert lows == sorted(round(v, 6) for v in ind.thresholds.values())
    rect = panel.wall.tile_rect("rain_1h")
    QTest.mouseClick(panel.wall, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, rect.center())
    assert panel.chart.codes == ["river_level_huangpu", "rain_1h"]


def test_the_time_cursor_reads_every_compared_indicator_at_once(make_panel, hooks, clock, qtbot):
    panel = make_panel()
    now = clock.now_ms()
    hooks.samples_did_arrive([("rain_1h", now - m * MIN, 10.0 + m) for m in range(10, -1, -1)]
                             + [("wind_speed", now - m * MIN, 3.0 + m) for m in range(10, -1, -1)])
    panel.select_indicator("rain_1h")
    panel.select_indicator("wind_speed", add=True)
    qtbot.waitUntil(lambda: panel.chart.curve("wind_speed").xData is not None, timeout=1000)
    values = panel.chart.set_cursor((now - 4 * MIN) / 1000)
    assert values == {"rain_1h": 14.0, "wind_speed": 7.0}
    assert panel.chart.plot("rain_1h").getViewBox().viewRange()[0] == pytest.approx(
        panel.chart.plot("wind_speed").getViewBox().viewRange()[0])


def test_zooming_stops_following_the_clock_and_live_resumes(make_panel, qtbot, clock):
    panel = make_panel()
    assert panel.chart.live
    plot = panel.chart.plot(panel.selected_indicators()[0])
    lo, hi = plot.getViewBox().viewRange()[0]
    plot.setXRange(lo, lo + (hi - lo) / 4, padding=0)
    assert not panel.chart.live
    panel.chart.live_button.click()
    assert panel.chart.live
    assert plot.getViewBox().viewRange()[0][1] == pytest.approx(clock.now_ms() / 1000, abs=1)


def test_chart_exports_png_and_csv(make_panel, hooks, clock, qtbot, tmp_path):
    panel = make_panel()
    now = clock.now_ms()
    hooks.samples_did_arrive([("aqi", now - m * MIN, 50.0 + m) for m in range(5, -1, -1)])
    panel.select_indicator("aqi")
    qtbot.waitUntil(lambda: panel.chart.curve("aqi").xData is not None, timeout=1000)
    assert panel.chart.export_png(tmp_path / "c.png") and (tmp_path / "c.png").stat().st_size > 1000
    panel.chart.export_csv("aqi", tmp_path / "c.csv")
    text = (tmp_path / "c.csv").read_text(encoding="utf-8-sig")
    assert text.count("\n") >= 6 and "55" in text


def test_samples_of_unknown_indicators_are_ignored(make_panel, hooks, clock, qtbot):
    panel = make_panel()
    hooks.samples_did_arrive([("no_such_indicator", clock.now_ms(), 1.0)])
    qtbot.wait(100)
    assert "no_such_indicator" not in panel.bank


def test_a_wall_at_4k_scales_its_tiles_and_keeps_every_indicator_in_view(make_panel, qtbot, catalog):
    panel = make_panel(size=(3840, 2160))
    panel.splitter.setSizes([1500, 600])
    qtbot.wait(50)
    big = panel.wall.tile_rect("rain_1h")
    small_panel = make_panel(size=(1280, 900))
    small = small_panel.wall.tile_rect("rain_1h")
    assert big.width() > 1.4 * small.width()
    bottom = max(panel.wall.tile_rect(code).bottom() for code in catalog.indicators)
    assert bottom < panel.wall_scroll.viewport().height()  # the whole wall without scrolling


def test_band_colours_follow_the_direction(catalog):
    pressure = catalog.indicators["water_pressure"]
    assert pressure.direction == "below"
    bands = threshold_bands(pressure, 0.0, 1.0)
    red = next(b for b in bands if b[0] == "red")
    assert red[1] == 0.0 and red[2] == pressure.thresholds["red"]


def test_tile_state_is_never_the_last_value_when_silent(catalog):
    ind = catalog.indicators["aqi"]
    t = np.array([0.0, 60.0, 120.0])
    v = np.array([50.0, 60.0, 70.0])
    assert tile_state(ind, t, v, 150.0).value == 70.0
    silent = tile_state(ind, t, v, 120.0 + 3 * 60 + 1)
    assert silent.colour == "stale" and silent.value is None


def test_long_ranges_draw_the_stores_rollups_and_short_ones_raw_samples(make_panel, store, clock, qtbot):
    now = clock.now_ms()
    day = 24 * 60 * MIN
    # eight days of one sample a minute, then pruned as the store's retention would (raw 48 h)
    store.ingest_samples([("aqi", now - m * MIN, 40.0 + (m % 50)) for m in range(8 * 24 * 60, 0, -1)])
    store.prune_samples(now)
    panel = make_panel()
    panel.select_indicator("aqi")
    chart = panel.chart
    assert chart.range_s == 3600
    x1h = chart.curve("aqi").xData
    assert 55 <= len(x1h) <= 61 and x1h[0] >= now / 1000 - 3600  # raw minutes of the last hour
    chart.set_range(30 * 86400)
    assert chart.live
    x30 = chart.curve("aqi").xData
    # the whole eight days, older than the raw samples kept: from the minute rollups
    assert x30[0] <= (now - 7 * day) / 1000 and len(x30) <= 4000 + 10
    lo, hi = chart.plot("aqi").getViewBox().viewRange()[0]
    assert hi - lo == pytest.approx(30 * 86400, rel=0.01)
    with pytest.raises(ValueError):
        chart.set_range(17)
