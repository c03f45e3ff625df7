"""HTML to PDF with Qt's own text engine (QTextDocument + QPdfWriter): A4, selectable text,
Chinese set in Noto Sans CJK. Here because only ui/ may import Qt; the reports themselves
(interop/sitrep.py) are plain HTML that QTextDocument understands (tables, headings, no
scripts).

No web engine: printing a page through Chromium would start a renderer process for a few
pages of tables. QTextDocument ignores most CSS (no @page, no borders on collapsed tables), so
the PDF is plainer than the HTML, with the same content.
"""
from __future__ import annotations

import os
from pathlib import Path

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei")
DPI = 300
FONT_PT = 10


def _ensure_app():
    """A QGuiApplication for fonts and painting: the running app's, else a headless one for
    the command line (kept for the process: Qt allows one per process)."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QGuiApplication

    app = QCoreApplication.instance()
    if app is None:
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication(["commandcenter"])
    return app


def _logical_dpi() -> int:
    from PySide6.QtGui import QGuiApplication

    screen = QGuiApplication.primaryScreen()
    return round(screen.logicalDotsPerInch()) if screen is not None else 96


def cjk_family() -> str | None:
    """The first installed font family that has Chinese, or None."""
    from PySide6.QtGui import QFontDatabase

    installed = set(QFontDatabase.families())
    return next((f for f in CJK_FAMILIES if f in installed), None)


def html_to_pdf(html: str, path: str | Path, *, title: str = "") -> int:
    """Print `html` to an A4 PDF at `path` (written next to it first, then renamed: a failed
    print leaves no half file). Returns the number of pages."""
    _ensure_app()
    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPdfWriter, QTextDocument

    target = Path(path)
    tmp = target.with_name(f".{target.name}.part")
    writer = QPdfWriter(str(tmp))
    writer.setResolution(DPI)
    writer.setTitle(title)
    writer.setCreator("commandcenter")
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter))
    doc = QTextDocument()
    font = QFont(cjk_family() or "sans-serif")
    font.setPointSizeF(FONT_PT)
    doc.setDefaultFont(font)
    doc.setHtml(html)
    # the page in the document's own pixels (fonts in pt are laid out at the screen's logical
    # dpi, 96 offscreen): print_() scales that to the writer's resolution, so a 10 pt font is
    # 10 pt on paper, and pageCount() is the PDF's
    doc.setPageSize(writer.pageLayout().paintRectPixels(_logical_dpi()).size().toSizeF())
    try:
        doc.print_(writer)
        pages = doc.pageCount()
        del writer  # finishes the file
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return pages
