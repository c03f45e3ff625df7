"""The dark control-room theme: Fusion + a dark palette + a small stylesheet, big fonts.

Command rooms are dim and screens are read from metres away for 12-hour shifts: dark
surfaces, high-contrast text, a default font of about 12 pt, and the state colours of
domain.levels so a colour means the same thing in every view. Call apply_dark_theme once,
before the first widget is created (pyqtgraph reads its config when a plot is built).
"""
from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication

from commandcenter.domain.levels import COLOUR_HEX

# Surfaces and text of the theme; state colours come from domain.levels.COLOUR_HEX.
COLOURS = {
    "window": "#0f1620",
    "base": "#0b1118",
    "alternate": "#141e2a",
    "panel": "#16212e",
    "border": "#2a3a4d",
    "text": "#e8eef5",
    "muted": "#9aa8b8",
    "disabled": "#5b6878",
    "accent": COLOUR_HEX["blue"],
    "button": "#1c2a3a",
    "link": "#6fb1ff",
}

CJK_FAMILY = "Noto Sans CJK SC"
DEFAULT_POINT_SIZE = 12

_STYLESHEET = """
QToolTip { color: %(text)s; background-color: %(panel)s; border: 1px solid %(border)s; }
QDockWidget::title { background: %(panel)s; padding: 4px 8px; }
QTreeView, QTableView, QListView { alternate-background-color: %(alternate)s; }
QHeaderView::section { background: %(panel)s; color: %(muted)s; padding: 4px 6px;
    border: 0; border-right: 1px solid %(border)s; border-bottom: 1px solid %(border)s; }
QPushButton { padding: 4px 12px; }
QPushButton:disabled { color: %(disabled)s; }
QStatusBar { background: %(panel)s; }
"""


def ui_font(point_size: float = DEFAULT_POINT_SIZE) -> QFont:
    """The UI font: Noto Sans CJK SC when installed (Chinese text without tofu or mixed
    glyph heights), then the platform's default family as fallback."""
    font = QFont(QApplication.font())
    families = [CJK_FAMILY] if CJK_FAMILY in QFontDatabase.families() else []
    # the platform's font, not the application's: applying the theme twice gives one result
    default_family = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).family()
    if default_family and default_family not in families:
        families.append(default_family)
    if families:
        font.setFamilies(families)
    font.setPointSizeF(point_size)
    return font


def dark_palette() -> QPalette:
    c = {k: QColor(v) for k, v in COLOURS.items()}
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: c["window"],
        QPalette.ColorRole.WindowText: c["text"],
        QPalette.ColorRole.Base: c["base"],
        QPalette.ColorRole.AlternateBase: c["alternate"],
        QPalette.ColorRole.ToolTipBase: c["panel"],
        QPalette.ColorRole.ToolTipText: c["text"],
        QPalette.ColorRole.PlaceholderText: c["muted"],
        QPalette.ColorRole.Text: c["text"],
        QPalette.ColorRole.Button: c["button"],
        QPalette.ColorRole.ButtonText: c["text"],
        QPalette.ColorRole.BrightText: QColor(COLOUR_HEX["red"]),
        QPalette.ColorRole.Highlight: c["accent"],
        QPalette.ColorRole.HighlightedText: QColor("#ffffff"),
        QPalette.ColorRole.Link: c["link"],
        QPalette.ColorRole.Light: c["border"],
        QPalette.ColorRole.Midlight: c["panel"],
        QPalette.ColorRole.Mid: c["border"],
        QPalette.ColorRole.Dark: c["base"],
        QPalette.ColorRole.Shadow: QColor("#000000"),
    }
    for role, colour in roles.items():
        pal.setColor(role, colour)
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.HighlightedText,
    ):
        pal.setColor(QPalette.ColorGroup.Disabled, role, c["disabled"])
    pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Highlight, c["border"])
    return pal


def apply_dark_theme(app: QApplication, point_size: float = DEFAULT_POINT_SIZE, *, plots: bool = True) -> None:
    """Style the whole application; idempotent. `plots=False` leaves pyqtgraph alone (and
    unimported) for the charts to configure when they are built: see configure_plots."""
    app.setStyle("Fusion")
    app.setPalette(dark_palette())
    app.setFont(ui_font(point_size))
    app.setStyleSheet(_STYLESHEET % COLOURS)
    if plots:
        configure_plots()


def configure_plots() -> None:
    """pyqtgraph's global options for our charts; idempotent. Called before a plot is built
    (pyqtgraph reads its config then), so start-up need not import pyqtgraph before the map."""
    import pyqtgraph as pg

    # antialias off: on the software rasterizer it costs ~50x per curve (PERF.md)
    pg.setConfigOptions(
        background=COLOURS["base"],
        foreground=COLOURS["muted"],
        antialias=False,
    )
