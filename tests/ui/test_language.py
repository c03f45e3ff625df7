"""English is the second language: catalogue names and titles follow the interface language."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QLocale

from commandcenter.domain import commands
from commandcenter.ui import labels

UNIT = "310101002001"


@pytest.fixture
def english():
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    yield
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))


def test_names_follow_the_interface_language(catalog, english):
    dept = catalog.departments["fire"]
    assert labels.name(dept) == dept.name_en and labels.other_name(dept) == dept.name_zh
    assert labels.incident_title({"title": "积水", "title_en": "Waterlogging"}) == "Waterlogging"
    assert labels.incident_title({"title": "积水"}) == "积水"  # no English title: as reported


def test_chinese_is_the_default(catalog):
    dept = catalog.departments["fire"]
    assert labels.name(dept) == dept.name_zh
    assert labels.incident_title({"title": "积水", "title_en": "Waterlogging"}) == "积水"


def test_the_board_speaks_english(catalog, store, clock, hooks, qtbot, english):
    from commandcenter.ui.board import LinkageBoard

    op = commands.report_incident(clock.now_ms(), title="积水", category="waterlogging", severity="III",
                                  org_unit=UNIT, lon=121.4764, lat=31.2298)
    store.execute(op)
    store.execute(commands.Op("incident", op.entity_id, "incident.note", {"title_en": "Waterlogging"},
                              store.get("incident", op.entity_id)["version"]))
    incident = store.get("incident", op.entity_id)
    store.execute(commands.dispatch_task(incident, catalog, clock.now_ms(), department="fire", org_unit=UNIT))
    board = LinkageBoard(catalog, store, hooks, clock)
    qtbot.addWidget(board)
    board.refresh()
    top = board.model.index(0, 0)
    assert top.data() == "Waterlogging"
    assert board.model.index(0, 0, top).data() == catalog.departments["fire"].name_en
