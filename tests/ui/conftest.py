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
