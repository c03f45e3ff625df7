"""The vital-signs panel: samples become curves and tiles, on timers that pause when hidden."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from commandcenter.domain.levels import COLOUR_HEX
from commandcenter.ui.vitals import STALE_TEXT, VitalsPanel, alarm_scale

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

MIN = 60_000


@pytest.fixture
def make_panel(qtbot, catalog, store, hooks, clock):
    panels = []

    def make(show=True):
        panel = VitalsPanel(catalog, store, hooks, clock)
        qtbot.addWidget(panel)
        panels.append(panel)
        panel.resize(1280, 800)
        if show:
            panel.show()
            qtbot.waitExposed(panel)
        return panel

    yield make
    for panel in panels:
        panel.teardown_hooks()


def real_curve(panel, code):
    """The curve's points in the indicator's own units."""
    curve = panel.curve(code)
    good, span = panel.scale_of(code)
    if curve.xData is None:
        return [], []
    return list(curve.xData), list(good + curve.yData * span)


def test_streamed_samples_reach_the_curve_and_the_tile(make_panel, hooks, clock, qtbot, catalog):
    panel = make_panel()
    now = clock.now_ms()
    hooks.samples_did_arrive(
        [("rain_1h", now - 2 * MIN, 10.0), ("rain_1h", now - MIN, 30.0), ("rain_1h", now, 55.0)]
    )
    qtbot.waitUntil(lambda: len(real_curve(panel, "rain_1h")[0]) == 3, timeout=1000)
    xs, ys = real_curve(panel, "rain_1h")
    assert xs == [(now - 2 * MIN) / 1000, (now - MIN) / 1000, now / 1000]
    assert np.allclose(ys, [10.0, 30.0, 55.0])

    tile = panel.tile("rain_1h")
    qtbot.waitUntil(lambda: tile.value_text() == "55.0", timeout=2000)
    assert tile.colour_name == catalog.indicators["rain_1h"].colour_of(55.0) == "orange"
    assert COLOUR_HEX["orange"] in tile.value_label.styleSheet()
    assert tile.unit_label.text() == "mm"


def test_backfill_from_the_cache_and_stale_tiles(make_panel, store, clock):
    now = clock.now_ms()
    old = [("rain_24h", now - m * MIN, 120.0 + m) for m in range(40, 51)]  # last one 40 min ago
    fresh = [("wind_speed", now - m * MIN, 5.0 + m) for m in range(0, 6)]
    too_old = [("temperature", now - 2 * 3600_000, 30.0)]  # outside the hour window
    store.ingest_samples(old + fresh + too_old)

    panel = make_panel()
    assert len(real_curve(panel, "rain_24h")[0]) == 11
    assert real_curve(panel, "temperature")[0] == []

    stale = panel.tile("rain_24h")
    assert stale.value_text() == STALE_TEXT and stale.colour_name == "stale"
    assert COLOUR_HEX["stale"] in stale.value_label.styleSheet()
    assert panel.tile("temperature").colour_name == "stale"  # no data at all
    live = panel.tile("wind_speed")
    assert live.value_text() == "5.00" and live.colour_name == "green"


def test_a_live_tile_goes_stale_when_samples_stop(make_panel, hooks, clock, qtbot):
    panel = make_panel()
    now = clock.now_ms()
    hooks.samples_did_arrive([("aqi", now - m * MIN, 160.0) for m in range(5, -1, -1)])
    tile = panel.tile("aqi")
    qtbot.waitUntil(lambda: tile.value_text() == "160", timeout=2000)
    assert tile.colour_name == "red"

    clock.advance(3 * MIN - 1000)  # within three intervals: still live
    with qtbot.waitSignal(panel.tile_timer.timeout, timeout=2000):
        pass
    assert tile.value_text() == "160"
    clock.advance(2000)  # now past three one-minute intervals
    with qtbot.waitSignal(panel.tile_timer.timeout, timeout=2000):
        pass
    assert tile.value_text() == STALE_TEXT
    assert tile.colour_name == "stale"


def test_timers_run_only_while_shown_and_catch_up_on_show(make_panel, hooks, clock, qtbot):
    panel = make_panel()
    assert panel.frame_timer.isActive() and panel.tile_timer.isActive()
    assert panel.frame_timer.interval() <= 40

    panel.hide()
    assert not panel.frame_timer.isActive() and not panel.tile_timer.isActive()
    hooks.samples_did_arrive([("pm25", clock.now_ms(), 80.0)])
    qtbot.wait(100)
    assert real_curve(panel, "pm25")[0] == []  # buffered, not drawn while hidden

    panel.show()
    assert panel.frame_timer.isActive() and panel.tile_timer.isActive()
    assert np.allclose(real_curve(panel, "pm25")[1], [80.0])
    assert panel.tile("pm25").colour_name == "orange"


def test_first_paint_is_emitted_once_data_is_on_screen(make_panel, store, clock, qtbot):
    store.ingest_samples([("power_load", clock.now_ms() - m * MIN, 30000.0) for m in range(10)])
    panel = make_panel(show=False)
    with qtbot.waitSignal(panel.first_paint, timeout=3000):
        panel.show()


def test_clicking_a_tile_shows_its_thresholds(make_panel, qtbot, catalog):
    panel = make_panel()
    indicator = catalog.indicators["rain_24h"]
    domain = indicator.domain
    assert panel.selected_indicators()[domain] != "rain_24h"

    with qtbot.waitSignal(panel.selected_indicator_changed, timeout=1000) as blocker:
        qtbot.mouseClick(panel.tile("rain_24h"), Qt.MouseButton.LeftButton)
    assert blocker.args == ["rain_24h"]
    assert panel.selected_indicators()[domain] == "rain_24h"
    assert panel.tile("rain_24h").selected

    good, span = panel.scale_of("rain_24h")
    lines = panel.threshold_lines(domain)
    shown = {line.threshold_colour: good + line.value() * span for line in lines}
    assert shown == pytest.approx(indicator.thresholds)
    for line in lines:
        assert line.pen.style() == Qt.PenStyle.DashLine
        assert line.pen.color().name() == COLOUR_HEX[line.threshold_colour]


def test_samples_of_unknown_indicators_are_ignored(make_panel, hooks, clock, qtbot):
    panel = make_panel()
    hooks.samples_did_arrive([("not_in_catalog", clock.now_ms(), 1.0)])
    assert "not_in_catalog" not in panel.bank


def test_the_alarm_scale_puts_red_at_one_and_worse_upwards(catalog):
    for code in ("rain_1h", "pumps_running", "water_pressure"):
        indicator = catalog.indicators[code]
        good, span = alarm_scale(indicator)
        red = indicator.thresholds["red"]
        assert (red - good) / span == pytest.approx(1.0)
        typical_good = indicator.typical[1] if indicator.direction == "below" else indicator.typical[0]
        assert (typical_good - good) / span == pytest.approx(0.0)
        # a value past red is above the red line, whichever way the indicator breaches
        worse = red * 1.1 if indicator.direction == "above" else red * 0.9
        assert (worse - good) / span > 1.0


def test_a_panel_deleted_without_teardown_stops_listening(qtbot, catalog, store, hooks, clock):
    panel = VitalsPanel(catalog, store, hooks, clock)
    panel.deleteLater()
    qtbot.waitUntil(lambda: len(hooks.samples_did_arrive) == 0, timeout=1000)


def test_plots_reflow_to_the_width_instead_of_running_off_the_side(catalog, store, hooks, clock, qtbot):
    from commandcenter.ui.vitals import VitalsPanel

    panel = VitalsPanel(catalog, store, hooks, clock, window_s=300)
    qtbot.addWidget(panel)
    panel.resize(1800, 700)
    panel.show()
    qtbot.waitUntil(lambda: panel.canvas.ci.layout.columnCount() == 3)
    panel.resize(620, 1000)  # a narrow, tall dock: two columns of readable rows
    qtbot.waitUntil(lambda: panel._plot_columns == 2)
    qtbot.wait(50)
    right = max(p.mapRectToScene(p.boundingRect()).right() for p in (panel.plot(d) for d in panel.domains()))
    assert right <= panel.canvas.width() + 1, (right, panel.canvas.width())
    assert all(panel.plot(d).titleLabel.toolTip() for d in panel.domains())  # full titles kept
    panel.resize(620, 420)  # narrow and short: rows would be slivers, so three columns
    qtbot.waitUntil(lambda: panel._plot_columns == 3)
