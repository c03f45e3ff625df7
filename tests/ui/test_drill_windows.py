"""A drill room on one drill platform (a real child process): the coordinator's window (the
console and the banner) and two department seats on other clients. An inject the coordinator
releases in the console appears in the addressed seat's Notices, not in the other seat's;
the seat's read receipt shows in the console as acknowledged."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from commandcenter.domain.roles import Seat
from commandcenter.embedded import PlatformProcess
from commandcenter.paths import DataDir
from tests.ui.conftest import run, until

pytestmark = pytest.mark.platform
FLOOD = Path(__file__).resolve().parents[2] / "scenarios" / "drill-flood.yaml"
RUN = "room-1"


@pytest.fixture
def drill_platform(tmp_path):
    proc = PlatformProcess(tmp_path / "drill" / "platform.db", scenario=FLOOD, extra_args=["--drill", RUN, "--units", "0"])
    proc.start()
    try:
        yield proc
    finally:
        proc.stop()


@pytest.fixture
def sessions(tmp_path, qloop):
    from commandcenter.ui.app import ClientSession
    from commandcenter.ui.drill_console import DrillLink

    made = []

    def make(name: str, url: str, seat: Seat, console: bool):
        link = DrillLink(url, RUN, "防汛防台功能演练", console=console)
        session = ClientSession(DataDir(tmp_path / name).ensure(), url, mode="drill", size=(1400, 860), drill=link)
        session.store.seat = seat
        session.store.user = name
        made.append(session)
        return session

    yield make
    from PySide6.QtCore import QCoreApplication, QEvent

    for session in made:
        run(qloop, session.aclose())
        session.window.close()
        session.window.deleteLater()
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def notice_texts(window) -> list[str]:
    tree = window.notices.tree
    return [tree.topLevelItem(k).text(3) for k in range(tree.topLevelItemCount())]


def inject_state(console, inject_id: str) -> str | None:
    if not console.state:
        return None
    return next(i["state"] for i in console.state["injects"] if i["id"] == inject_id)


def test_an_inject_released_in_the_console_reaches_the_addressed_seat(drill_platform, sessions, qloop, qtbot):
    url = drill_platform.url
    coordinator = sessions("coordinator", url, Seat("commander"), console=True)
    water = sessions("水务 张伟", url, Seat("seat", "water"), console=False)
    police = sessions("公安 李强", url, Seat("seat", "police"), console=False)
    console = coordinator.window.drill_console
    assert console is not None and water.window.drill_console is None and police.window.drill_console is None
    for s in (coordinator, water, police):
        banner = s.window.banner
        assert banner is not None and banner.isVisibleTo(s.window) is not False
        assert "演练 EXERCISE" in banner.label.text() and RUN in banner.label.text()
        assert s.store.mode == "drill" and s.store.run_id == RUN

    async def main():
        for s in (coordinator, water, police):
            s.window.show()
            s.start()
        await until(lambda: console.state is not None, 15, "the console shows the run")
        assert console.state["state"] == "scheduled"
        qtbot.mouseClick(console.play_button, Qt.MouseButton.LeftButton)
        await until(lambda: console.state["state"] == "running", 10, "the run playing")
        console.select_inject("INJ-002")  # 风暴潮预报, to water and emergency
        assert console.release_button.isEnabled()
        qtbot.mouseClick(console.release_button, Qt.MouseButton.LeftButton)
        await until(lambda: inject_state(console, "INJ-002") == "released", 10, "INJ-002 released")
        await until(lambda: any("INJ-002" in t for t in notice_texts(water.window)), 20,
                    "the inject in the water seat's Notices")
        assert not any("INJ-002" in t for t in notice_texts(police.window))
        # the water seat reads it, as its operator does
        notices = water.window.notices
        row = next(k for k, t in enumerate(notice_texts(water.window)) if "INJ-002" in t)
        notices.tree.setCurrentItem(notices.tree.topLevelItem(row))
        assert notices.read_button.isEnabled()
        qtbot.mouseClick(notices.read_button, Qt.MouseButton.LeftButton)
        await until(lambda: inject_state(console, "INJ-002") == "acknowledged", 20, "acknowledged in the console")
        st = next(i for i in console.state["injects"] if i["id"] == "INJ-002")
        assert st["acknowledged_by"] == "水务 张伟" and st["released_by"] == "coordinator"
        # the banner follows the exercise clock, on the seats' windows too
        assert "T+00:" in coordinator.window.banner.label.text()
        await until(lambda: "T+00:" in water.window.banner.label.text(), 10, "the seat's banner clock")

    run(qloop, main(), 120)


def test_a_refused_command_shows_the_platforms_reason_in_the_console(drill_platform, sessions, qloop, qtbot):
    coordinator = sessions("coordinator", drill_platform.url, Seat("commander"), console=True)
    console = coordinator.window.drill_console

    async def main():
        coordinator.window.show()
        coordinator.start()
        await until(lambda: console.state is not None, 15, "the console shows the run")
        ok = await console.send({"action": "pause"})  # a scheduled run cannot pause
        assert ok is False
        assert console.message.isVisibleTo(console) and "only a running run can pause" in console.message.text()
        console.seek_to.setText("T+9:99")
        qtbot.mouseClick(console.seek_button, Qt.MouseButton.LeftButton)
        assert "T+01:30" in console.message.text()
        assert console.state["state"] == "scheduled" and console.state["events"] == 0

    run(qloop, main(), 60)
