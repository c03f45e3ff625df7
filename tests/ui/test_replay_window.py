"""`drill replay`: the drill window on a replay cache, scrubbed with the replay bar: the board,
the notices, the command log and the console show the recorded moment, forward and back;
the window's clock is the moment's; nothing can be done on a replay. And the command line's
refusals."""
from __future__ import annotations

import pytest

from commandcenter.paths import DataDir
from tests.cli_run import run_cli
from tests.drills.recording import make_recording
from tests.ui.conftest import run, until

pytestmark = pytest.mark.platform


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    return make_recording(tmp_path_factory.mktemp("recorded"))


def test_the_replay_bar_scrubs_the_whole_picture(recorded, tmp_path, qloop, qtbot):
    from PySide6.QtCore import QCoreApplication, QEvent

    from commandcenter.ui.replay import open_replay

    db, marks = recorded
    session, controller = open_replay(DataDir(tmp_path / "data"), db, size=(1400, 860))
    window, bar, store = session.window, controller.bar, session.store
    try:
        async def main():
            window.show()
            await until(lambda: window.map_view.is_ready, 30, "the map")
            bar.set_moment(bar.end_ms)  # the slider, as a user drags it
            await until(lambda: session.clock.now_ms() == bar.end_ms, 5, "the end shown")
            await until(lambda: window.board.model.rowCount() >= 1, 5, "the incident on the board")
            assert len(store.query("SELECT id FROM log")) == 30
            await until(lambda: window.notices.tree.topLevelItemCount() == 2, 5, "the inject's notices")
            console = window.drill_console
            assert console.state["state"] == "ended" and console.state["marks"]["OBJ-1"]["rating"] == "S"
            assert not console.release_button.isVisible()  # a replay is watched, not run
            assert "REPLAY" in window.banner.label.text()
            # back before the release: no notice, no incident, INJ-001 pending
            bar.set_moment(marks["before_release"])
            await until(lambda: session.clock.now_ms() == bar.moment, 5, "the earlier moment shown")
            await until(lambda: window.notices.tree.topLevelItemCount() == 0, 5, "no notice yet")
            assert store.query("SELECT id FROM incidents WHERE title='暴雨'") == []
            assert next(i for i in console.state["injects"] if i["id"] == "INJ-001")["state"] == "pending"
            assert controller.last_seek_ms < 1000
            # and forward again
            bar.step(10**9)
            await until(lambda: window.notices.tree.topLevelItemCount() == 2, 5, "forward again")
            # nobody acts on a replay
            assert store.seat.role == "observer"

        run(qloop, main(), 90)
    finally:
        run(qloop, session.aclose())
        window.close()
        window.deleteLater()
        for _ in range(3):
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_drill_replay_refuses_what_is_no_recording(tmp_path, capsys):
    data = tmp_path / "data"
    (tmp_path / "live.db").write_bytes(b"")
    from commandcenter.platform.storage import PlatformStorage

    PlatformStorage(tmp_path / "live.db").close()
    for argv, code, words in [
        (["drill", "replay", "no-such-run"], 2, "no recorded run 'no-such-run'"),
        (["drill", "replay", str(tmp_path / "live.db"), "--at", "T+1:2"], 2, "--at:"),
        (["drill", "replay", str(tmp_path / "live.db"), "--out", str(tmp_path / "x.jpg")], 2, "must be a .png"),
        (["drill", "replay", str(tmp_path / "live.db"), "--out", str(tmp_path / "x.png")], 1,
         "not a drill run's database"),
    ]:
        got, _out, err = run_cli([*argv, "--data-dir", str(data)], capsys)
        assert got == code and words in err, (argv, err)
    assert not (tmp_path / "x.png").exists()
