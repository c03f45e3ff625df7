"""The theme: dark, big, CJK-capable, and pyqtgraph configured for the software rasterizer."""
from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtGui import QFontDatabase, QPalette

from commandcenter.ui.theme import CJK_FAMILY, COLOURS, apply_dark_theme


@pytest.fixture
def themed(qapp):
    """Apply the theme and put the application back afterwards (it is shared by all tests)."""
    saved = (qapp.style().name(), qapp.palette(), qapp.font(), qapp.styleSheet())
    saved_pg = {k: pg.getConfigOption(k) for k in ("background", "foreground", "antialias")}
    apply_dark_theme(qapp)
    yield qapp
    style, palette, font, sheet = saved
    qapp.setStyleSheet(sheet)
    qapp.setStyle(style)
    qapp.setPalette(palette)
    qapp.setFont(font)
    pg.setConfigOptions(**saved_pg)


def test_dark_high_contrast_palette(themed):
    pal = themed.palette()
    window = pal.color(QPalette.ColorRole.Window)
    text = pal.color(QPalette.ColorRole.WindowText)
    sheet = themed.styleSheet()
    themed.setStyleSheet("")  # with a sheet, style() is a QStyleSheetStyle wrapping the base
    assert themed.style().name().lower() == "fusion"
    themed.setStyleSheet(sheet)
    assert window.lightness() < 40
    assert text.lightness() > 200
    assert pal.color(QPalette.ColorRole.Base).lightness() < 40
    assert pal.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text) != text


def test_big_font_with_cjk_first(themed):
    font = themed.font()
    assert 11 <= font.pointSizeF() <= 13
    if CJK_FAMILY in QFontDatabase.families():
        assert font.families()[0] == CJK_FAMILY


def test_pyqtgraph_is_dark_and_not_antialiased(themed):
    assert pg.getConfigOption("antialias") is False
    assert pg.getConfigOption("background") == COLOURS["base"]


def test_applying_twice_changes_nothing(themed):
    sheet, font = themed.styleSheet(), themed.font()
    apply_dark_theme(themed)
    assert themed.styleSheet() == sheet
    assert themed.font() == font
