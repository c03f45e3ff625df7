"""Named layouts (issue 13, part 1): each role's arrangement of the docks, from the Layout
menu or --layout, remembered per screen set-up; the names the command line offers are the
ones the window knows."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from commandcenter.paths import DataDir
from commandcenter.ui.layouts import LAYOUTS, screens_key
from tests.ui.test_main_window import close_session, open_session


@pytest.fixture
def data(tmp_path):
    return DataDir(tmp_path / "data").ensure()


def visible(window) -> set[str]:
    return {name for name, dock in window.named_docks().items() if dock.isVisible()}


def test_the_command_line_offers_the_windows_layouts():
    from commandcenter.cli import LAYOUT_NAMES, build_parser

    assert LAYOUT_NAMES == tuple(LAYOUTS)
    assert build_parser().parse_args(["demo", "--layout", "commander_wall"]).layout == "commander_wall"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--layout", "video_disco"])


@pytest.mark.parametrize("code", list(LAYOUTS))
def test_each_layout_shows_its_docks_and_only_them(code, data, qtbot):
    session = open_session(data, qtbot, size=(1600, 900))
    window = session.window
    try:
        window.show()
        qtbot.waitUntil(lambda: window.dock_map.isVisible())
        window.layout_actions[code].trigger()  # the Layout menu
        qtbot.wait(50)
        layout = LAYOUTS[code]
        expected = {n for n in layout.docks() if n in window.named_docks()}
        # a tabbed dock behind another is visible to Qt only in front; count the groups' fronts
        fronts = {group[0] for column in (layout.left, layout.right) for group, _ in column
                  if group[0] in window.named_docks()}
        assert fronts <= visible(window) <= expected
        hidden = set(window.named_docks()) - expected
        assert not (visible(window) & hidden)
        left = {n for group, _ in layout.left for n in group if n in window.named_docks()}
        for name in left:
            assert window.dockWidgetArea(window.named_docks()[name]) == Qt.DockWidgetArea.LeftDockWidgetArea
        first_left = window.named_docks()[layout.left[0][0][0]]
        first_right = window.named_docks()[layout.right[0][0][0]]
        share = first_left.width() / (first_left.width() + first_right.width())
        assert abs(share - layout.left_share / 100) < 0.12, share
        assert window.layout_name == code and window.layout_actions[code].isChecked()
    finally:
        close_session(session)


def test_a_layout_is_remembered_for_the_screens_it_was_chosen_on(data, qtbot):
    session = open_session(data, qtbot)
    window = session.window
    window.show()
    qtbot.waitUntil(lambda: window.dock_map.isVisible())
    window.apply_named_layout("department_seat")
    key = window.screens_key()
    assert session.window.settings.value(f"layouts/{key}") == "department_seat"
    # the saved arrangement was made on other screens (a wall, then this laptop)
    window.settings.setValue("window/screens", "3840x2160+3840x2160")
    window.settings.sync()
    session.store.close()  # keep the settings as they are: no layout save on close
    window._shut_down = True
    window.close()
    again = open_session(data, qtbot)
    try:
        again.window.show()
        qtbot.waitUntil(lambda: again.window.dock_board.isVisible())
        assert again.window.layout_name == "department_seat"
        assert not again.window.dock_vitals.isVisible()
    finally:
        close_session(again)
    assert screens_key([(3840, 2160), (1920, 1080)]) == "3840x2160+1920x1080"


@pytest.mark.webengine
def test_snapshot_renders_a_layout_that_hides_the_vitals(tmp_path):
    """department_seat shows no vitals: the picture must not wait for their first paint."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    out = tmp_path / "seat.png"
    done = subprocess.run(
        [sys.executable, "-m", "commandcenter", "--data-dir", str(tmp_path / "D"), "snapshot", "--out", str(out),
         "--size", "1000x700", "--layout", "department_seat", "--seconds", "600"],
        capture_output=True, text=True, cwd=repo, timeout=180, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert out.stat().st_size > 10_000


def test_snapshot_refuses_a_layout_with_a_single_view(tmp_path, capsys):
    from tests.cli_run import run_cli

    code, _out, err = run_cli(["snapshot", "--out", str(tmp_path / "x.png"), "--view", "map", "--layout",
                               "field_laptop", "--data-dir", str(tmp_path / "D")], capsys)
    assert code == 2 and "--layout arranges the whole window" in err
    assert not (tmp_path / "x.png").exists()
