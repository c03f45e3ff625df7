"""Translators: ours and Qt's own, installed before the first widget. Chinese first."""
from __future__ import annotations

import logging

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

from commandcenter.paths import repo_root

log = logging.getLogger(__name__)


def install_translators(app, lang: str = "zh_CN") -> list[QTranslator]:
    """Install the app's and Qt's translators for `lang` ('en' is the source language)."""
    installed: list[QTranslator] = []
    if lang == "en":
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        app._cc_translators = installed
        return installed
    QLocale.setDefault(QLocale(lang))
    ours = QTranslator(app)
    qm = repo_root() / "resources" / "i18n" / f"commandcenter_{lang}.qm"
    if ours.load(str(qm)):
        app.installTranslator(ours)
        installed.append(ours)
    else:
        log.warning("no translation file %s (run `make translations`)", qm)
    qt = QTranslator(app)
    if qt.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        installed.append(qt)
    app._cc_translators = installed  # keep them alive as long as the app
    return installed
