"""The command view against the real platform over HTTP on 127.0.0.1 (a child process).

The simulator's incident appears on the board; a task dispatched in the client's incident
panel reaches the platform; with the platform killed the status bar says offline within 5 s,
dispatching still works, and after a restart the queue drains into the platform.
"""
from __future__ import annotations

import asyncio
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea

from commandcenter.domain import commands
from commandcenter.embedded import PlatformProcess
from commandcenter.paths import DataDir
from commandcenter.sync.client import PlatformClient
from tests.ui.conftest import run, until

pytestmark = pytest.mark.platform


@pytest.fixture
def session_factory(tmp_path, qloop):
    from commandcenter.ui.app import ClientSession

    sessions = []

    def make(url):
        session = ClientSession(DataDir(tmp_path / "client").ensure(), url, mode="demo", size=(1280, 800))
        sessions.append(session)
        return session

    yield make
    from PySide6.QtCore import QCoreApplication, QEvent

    for session in sessions:
        run(qloop, session.aclose())
        session.window.close()
        session.window.deleteLater()
    # the map's page goes before its profile, each by a deferred delete: let them happen
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def board_titles(board) -> list[str]:
    model = board.model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


async def dispatch_from_panel(qtbot, window, incident_id: str, department: str) -> None:
    """Open the incident, choose the department, scroll to the button and click it, as a
    dispatcher does (after the panel has laid itself out)."""
    detail = window.detail
    detail.show_incident(incident_id)
    combo = detail.department_combo
    combo.setCurrentIndex(combo.findData(department))
    button = detail.dispatch_button
    await until(lambda: button.isVisible() and button.height() > 0, 5, "the dispatch form laid out")
    assert button.isEnabled(), detail.message()
    scroll = detail.findChild(QScrollArea, "incidentDetailScroll")
    scroll.ensureWidgetVisible(button)
    await asyncio.sleep(0.05)
    qtbot.mouseClick(detail.dispatch_button, Qt.MouseButton.LeftButton)
    assert not detail.message(), detail.message()


async def platform_tasks(url: str) -> list[dict]:
    async with PlatformClient(url) as client:
        page = await client.pull(0, 1000)
    return [c.doc for c in page.changes if c.entity == "task"]


def test_simulated_incident_reaches_the_board_and_a_dispatch_reaches_the_platform(
    tmp_path, qloop, qtbot, small_scenario, session_factory
):
    with PlatformProcess(tmp_path / "platform.db", scenario=small_scenario, speed=600) as platform:
        session = session_factory(platform.url)
        window = session.window

        async def main():
            window.show()
            session.start()
            await until(lambda: "贵州路积水" in board_titles(window.board), 20, "the simulator's incident on the board")
            iid = session.store.query("SELECT id FROM incidents WHERE title = ?", ("贵州路积水",))[0]["id"]
            await dispatch_from_panel(qtbot, window, iid, "fire")
            assert any(t["department"] == "fire" for t in session.store.tasks_for(iid))
            found = []

            async def reached():
                found[:] = [t for t in await platform_tasks(platform.url)
                            if t["incident_id"] == iid and t["department"] == "fire"]
                return bool(found)

            deadline = time.monotonic() + 10
            while not await reached():
                assert time.monotonic() < deadline, "the dispatched task never reached the platform"
                await asyncio.sleep(0.1)
            assert found[0]["status"] == "dispatched" and found[0]["level"] == "community"
            await until(lambda: window.connection.pending() == 0, 5, "nothing pending")

        run(qloop, main(), 60)


def test_offline_within_5_s_dispatch_still_works_and_the_queue_drains(tmp_path, qloop, qtbot, session_factory):
    platform = PlatformProcess(tmp_path / "platform.db")
    platform.start()
    try:
        session = session_factory(platform.url)
        window, store = session.window, session.store
        op = commands.report_incident(store.clock.now_ms(), title="积水 test", category="waterlogging",
                                      severity="III", org_unit="310101002001", lon=121.4764, lat=31.2298)
        store.execute(op)

        async def main():
            window.show()
            session.start()
            await until(lambda: window.connection.state() == "online" and window.connection.pending() == 0,
                        15, "online with the report pushed")
            platform.kill()
            killed = time.monotonic()
            await until(lambda: window.connection.state() == "offline", 5, "offline shown in the status bar")
            assert time.monotonic() - killed < 5
            await dispatch_from_panel(qtbot, window, op.entity_id, "water")
            await dispatch_from_panel(qtbot, window, op.entity_id, "police")
            assert {t["department"] for t in store.tasks_for(op.entity_id)} == {"water", "police"}
            await until(lambda: window.connection.pending() == 2, 3, "two operations pending")
            await asyncio.to_thread(platform.restart)
            await until(lambda: window.connection.pending() == 0, 20, "the queue drained after the restart")
            tasks = await platform_tasks(platform.url)
            assert {t["department"] for t in tasks if t["incident_id"] == op.entity_id} == {"water", "police"}

        run(qloop, main(), 90)
    finally:
        platform.stop()


def test_a_platform_alarm_reaches_the_alarm_list_and_converts_into_an_incident(tmp_path, qloop, qtbot, session_factory):
    """The demo storm breaches rain_1h: the platform raises the alarm, the client lists it, the
    seat converts it, and the incident and the converted alarm reach the platform."""
    from commandcenter.paths import scenarios_dir

    scenario = scenarios_dir() / "rainstorm-day.yaml"
    with PlatformProcess(tmp_path / "platform.db", scenario=scenario, speed=60,
                         extra_args=["--start-at", "7200"]) as platform:
        session = session_factory(platform.url)
        window = session.window

        async def main():
            window.show()
            session.start()
            await until(lambda: bool(window.alarms.ids()), 30, "an alarm in the client's list")
            alarm_id = window.alarms.ids()[0]  # the worst first
            incident_id = window.alarms.convert(alarm_id)
            assert incident_id and session.store.get("incident", incident_id) is not None
            assert window.detail.incident_id() == incident_id

            async def on_platform():
                docs, cursor = {}, 0
                async with PlatformClient(platform.url) as client:
                    while True:
                        page = await client.pull(cursor, 1000)
                        docs.update({(c.entity, c.doc["id"]): c.doc for c in page.changes})
                        cursor = page.next
                        if not page.has_more:
                            break
                return docs.get(("incident", incident_id)), docs.get(("alarm", alarm_id))

            deadline = time.monotonic() + 15
            while True:
                incident, alarm = await on_platform()
                if incident is not None and alarm is not None and alarm["status"] == "converted":
                    break
                assert time.monotonic() < deadline, "the conversion never reached the platform"
                await asyncio.sleep(0.2)
            assert alarm["incident_id"] == incident_id

        run(qloop, main(), 90)
