"""Conflicts you can see (issue 11): the platform answers a losing push with what won (value,
stamp, author), and the client keeps one conflict row per field with both values. Against the
real platform process over HTTP."""
from __future__ import annotations

import asyncio
import json

import pytest

from commandcenter.domain import commands
from commandcenter.domain.clock import ManualClock
from commandcenter.domain.hooks import Hooks
from commandcenter.embedded import PlatformProcess
from commandcenter.store import Store
from commandcenter.store.conflicts import accept_theirs, open_conflicts, reapply_mine
from commandcenter.sync.client import PlatformClient
from commandcenter.sync.engine import SyncEngine

pytestmark = pytest.mark.platform
START_MS = 1_784_080_800_000


@pytest.fixture(scope="module")
def platform_url(tmp_path_factory):
    proc = PlatformProcess(tmp_path_factory.mktemp("conflict-values") / "platform.db")
    try:
        yield proc.start()
    finally:
        proc.stop()


async def _sync(store: Store, url: str) -> None:
    async with PlatformClient(url) as client:
        engine = SyncEngine(store, Hooks(), client)
        await engine._push_all()
        await engine._pull_all()


def _pair(tmp_path, url):
    a = Store(tmp_path / "a.db", clock=ManualClock(START_MS), user="张三")
    b = Store(tmp_path / "b.db", clock=ManualClock(START_MS - 60_000), user="李四")  # b's clock is behind
    op = commands.report_incident(START_MS, title="积水", category="waterlogging", severity="III",
                                  org_unit="310101002001", lon=121.47, lat=31.22)
    a.execute(op)
    asyncio.run(_sync(a, url))
    asyncio.run(_sync(b, url))
    return a, b, op.entity_id


def test_the_loser_of_a_field_gets_both_values_the_winners_author_and_time(tmp_path, platform_url):
    a, b, incident = _pair(tmp_path, platform_url)
    a.clock.advance(10_000)
    a.execute(commands.set_response_level(a.get("incident", incident), "2", a.clock.now_ms()))
    b.clock.advance(10_000)  # b writes later in real time, but its stamp is older
    b.execute(commands.set_response_level(b.get("incident", incident), "3", b.clock.now_ms()))
    asyncio.run(_sync(a, platform_url))
    asyncio.run(_sync(b, platform_url))
    asyncio.run(_sync(a, platform_url))

    assert a.get("incident", incident)["response_level"] == b.get("incident", incident)["response_level"] == "2"
    assert open_conflicts(a) == []
    (conflict,) = [c for c in open_conflicts(b) if c.field == "response_level"]
    assert (conflict.mine, conflict.theirs) == ("3", "2")
    assert conflict.author == "张三"
    assert conflict.at_ms == START_MS + 10_000  # the winning write's time, from its stamp
    assert conflict.result == "conflict" and conflict.reappliable

    # b re-applies its value: a new operation, newer than the winner, wins everywhere
    reapply_mine(b, conflict.id)
    asyncio.run(_sync(b, platform_url))
    asyncio.run(_sync(a, platform_url))
    assert a.get("incident", incident)["response_level"] == "3"
    assert open_conflicts(b) == []


def test_a_late_transition_is_a_status_conflict_with_the_status_that_won(tmp_path, platform_url):
    a, b, incident = _pair(tmp_path, platform_url)
    for action in ("verify", "confirm"):
        a.clock.advance(1_000)
        a.execute(commands.transition("incident", a.get("incident", incident), action, a.clock.now_ms()))
    b.clock.advance(1_000)
    b.execute(commands.transition("incident", b.get("incident", incident), "verify", b.clock.now_ms()))
    asyncio.run(_sync(a, platform_url))
    asyncio.run(_sync(b, platform_url))
    (conflict,) = open_conflicts(b)
    assert conflict.field == "status" and conflict.theirs == "confirmed"
    assert conflict.author == "张三" and not conflict.reappliable
    accept_theirs(b, conflict.id)
    assert open_conflicts(b) == []
    assert b.get("incident", incident)["status"] == "confirmed"
    audit = b.query("SELECT action, detail FROM audit WHERE action='conflict.accept_theirs'")
    assert json.loads(audit[0]["detail"])["kept"] == "confirmed"


def test_a_replayed_push_still_names_what_won(tmp_path, platform_url):
    """The response to a push was lost and the batch comes again: the stored result, with the
    values that hold now."""
    a, b, incident = _pair(tmp_path, platform_url)
    a.clock.advance(5_000)
    a.execute(commands.set_response_level(a.get("incident", incident), "1", a.clock.now_ms()))
    asyncio.run(_sync(a, platform_url))
    b.clock.advance(1_000)
    b.execute(commands.set_response_level(b.get("incident", incident), "4", b.clock.now_ms()))
    ops = b.pending_ops()

    async def push_twice():
        async with PlatformClient(platform_url) as client:
            first = await client.push(ops)
            second = await client.push(ops)
        return first, second

    first, second = asyncio.run(push_twice())
    assert first.results[0].result == second.results[0].result == "conflict"
    assert second.results[0].current["response_level"]["value"] == "1"
    assert second.results[0].current["response_level"]["by"] == "张三"


def test_a_write_applied_first_then_overwritten_by_an_older_made_newer_stamped_one_is_a_conflict(
        tmp_path, platform_url):
    """SYNC.md check 2, the loser arriving first: a's write is applied, then b's newer-stamped
    write (made before a's reached the platform, so b never saw it) overwrites it; a's pull
    finds its value gone and keeps the loser in its conflict list, with b's author and time."""
    a, b, incident = _pair(tmp_path, platform_url)
    b.clock.advance(70_000)  # b's clock runs behind: this is START + 10 s
    a.clock.advance(5_000)
    a.execute(commands.set_response_level(a.get("incident", incident), "3", a.clock.now_ms()))
    b.clock.advance(15_000)  # START + 25 s
    b.execute(commands.set_response_level(b.get("incident", incident), "1", b.clock.now_ms()))
    a.clock.advance(25_000)  # a reaches the platform at START + 30 s, after b wrote
    asyncio.run(_sync(a, platform_url))
    assert open_conflicts(a) == []
    asyncio.run(_sync(b, platform_url))
    asyncio.run(_sync(a, platform_url))
    assert a.get("incident", incident)["response_level"] == "1"
    (lost,) = open_conflicts(a)
    assert (lost.field, lost.mine, lost.theirs) == ("response_level", "3", "1")
    assert lost.author == "李四" and lost.at_ms == START_MS + 25_000
    assert open_conflicts(b) == []
    # an ordinary later edit by b, made after a's value was on the platform, is no conflict
    b.clock.advance(60_000)
    a.clock.advance(1_000)
    a.execute(commands.set_response_level(a.get("incident", incident), "2", a.clock.now_ms()))
    asyncio.run(_sync(a, platform_url))
    asyncio.run(_sync(b, platform_url))
    b.execute(commands.set_response_level(b.get("incident", incident), "4", b.clock.now_ms()))
    asyncio.run(_sync(b, platform_url))
    asyncio.run(_sync(a, platform_url))
    assert a.get("incident", incident)["response_level"] == "4"
    assert len(open_conflicts(a)) == 1


@pytest.fixture
def own_platform_url(tmp_path):
    """A platform of its own: the shared one holds later stamps from the other tests."""
    proc = PlatformProcess(tmp_path / "own-platform.db")
    try:
        yield proc.start()
    finally:
        proc.stop()


def test_a_write_the_platform_refused_is_one_conflict_not_also_an_overwritten_one(tmp_path, own_platform_url):
    """The loser's push is refused (conflict row with both values); the pull that brings the
    winner must not count the same decision again as "overwritten": it never was on the platform."""
    platform_url = own_platform_url
    a = Store(tmp_path / "a.db", clock=ManualClock(START_MS), user="张三")
    b = Store(tmp_path / "b.db", clock=ManualClock(START_MS), user="李四")
    op = commands.report_incident(START_MS, title="积水", category="waterlogging", severity="III",
                                  org_unit="310101002001", lon=121.47, lat=31.22)
    a.execute(op)
    asyncio.run(_sync(a, platform_url))
    asyncio.run(_sync(b, platform_url))
    b.clock.advance(5_000)  # b decides first, offline
    b.execute(commands.set_response_level(b.get("incident", op.entity_id), "3", b.clock.now_ms()))
    a.clock.advance(10_000)  # a decides later and reaches the platform first
    a.execute(commands.set_response_level(a.get("incident", op.entity_id), "2", a.clock.now_ms()))
    asyncio.run(_sync(a, platform_url))
    b.clock.advance(60_000)  # b's link comes back a minute later
    asyncio.run(_sync(b, platform_url))
    assert b.get("incident", op.entity_id)["response_level"] == "2"
    rows = [c for c in open_conflicts(b) if c.field == "response_level"]
    assert [(c.mine, c.theirs, c.author) for c in rows] == [("3", "2", "张三")]
