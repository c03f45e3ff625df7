"""UI test helpers: a qasync loop (pytest-qt does not drive asyncio) and polling waits."""
from __future__ import annotations

import asyncio
import time

import pytest


@pytest.fixture
def qloop(qapp):
    """The one qasync event loop of the app, as the composition root makes it."""
    import qasync

    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    yield loop
    loop.close()  # also stops its executor thread (asyncio.to_thread runs there)
    asyncio.set_event_loop(None)


def run(loop, coro, timeout: float = 60.0):
    return loop.run_until_complete(asyncio.wait_for(coro, timeout))


async def until(condition, timeout: float, what: str, interval: float = 0.05):
    """Wait until condition() is true, letting the loop run; fail naming what was awaited."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for: {what}")
        await asyncio.sleep(interval)


@pytest.fixture
def make_view(qtbot, catalog, store, hooks):
    """Map views on the test's store, shown at `size` and ready; shut down cleanly afterwards.
    (tests/ui/test_map_view.py has its own, which can also make hidden, not-yet-ready views.)"""
    from commandcenter.ui.map_view import MapView

    views = []

    def make(size=(1000, 800), **kwargs):
        view = MapView(catalog, store, hooks, **kwargs)
        views.append(view)
        view.resize(*size)
        view.show()
        with qtbot.waitSignal(view.map_ready, timeout=20_000):
            pass
        qtbot.wait(150)  # the first frame of the layers
        return view

    yield make
    for view in views:
        view.shutdown()
        view.close()
        view.deleteLater()
    qtbot.wait(50)
