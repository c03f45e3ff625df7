"""SYNC.md check 9: a randomized test (hypothesis, stateful) with 2-6 nodes, random edits,
random connectivity and USB bundles between nodes: after everyone syncs, every node's cache
holds the same rows as the platform, and they equal a reference model.

The nodes are real Store files; they sync with the real platform process on 127.0.0.1 through
the real engine's push and pull (SyncEngine._push_all/_pull_all, what a session runs). The
reference model is independent of the merge code: per field, the value of the operation with
the greatest HLC stamp wins (SYNC.md, "Merge"); a log entry is written once and never lost;
an incident created anywhere exists everywhere, once. Workflow statuses are checked for
convergence (every node equals the platform), not against the model: which transition wins a
race is the platform's decision by arrival order, recorded as a conflict for the loser.
"""
from __future__ import annotations

import asyncio
import itertools
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from commandcenter.domain import commands, integrated, machines
from commandcenter.domain.clock import ManualClock
from commandcenter.domain.hooks import Hooks
from commandcenter.embedded import PlatformProcess
from commandcenter.store import Store
from commandcenter.sync import bundle as bundles
from commandcenter.sync.client import PlatformClient
from commandcenter.sync.engine import SyncEngine

pytestmark = pytest.mark.platform

START_MS = 1_784_080_800_000
COMMUNITY = "310101002001"
LEVELS = ("1", "2", "3", "4")
ACTIONS = ("verify", "confirm", "respond", "contain", "close")
_run = itertools.count()


@pytest.fixture(scope="module")
def platform_url(tmp_path_factory):
    proc = PlatformProcess(tmp_path_factory.mktemp("check9") / "platform.db")
    try:
        yield proc.start()
    finally:
        proc.stop()


async def _sync(store: Store, url: str) -> None:
    """One connection's push and pull, as the engine's session does them."""
    async with PlatformClient(url) as client:
        engine = SyncEngine(store, Hooks(), client)
        hello = await client.health()
        if store.epoch is not None and store.epoch != hello["epoch"]:
            store.begin_epoch(hello["epoch"])
        await engine._push_all()
        await engine._pull_all()


def _fields(store: Store, incident_id: str) -> dict | None:
    row = store.get("incident", incident_id)
    if row is None:
        return None
    return {k: row.get(k) for k in ("title", "status", "generation", "response_level", "severity")}


def _logs(store: Store, incident_ids: list[str]) -> set[tuple[str, str]]:
    if not incident_ids:
        return set()
    marks = ",".join("?" * len(incident_ids))
    rows = store.query(f"SELECT id, text FROM log WHERE incident_id IN ({marks})", incident_ids)
    return {(r["id"], r["text"]) for r in rows}


def make_machine(url: str):
    class Posts(RuleBasedStateMachine):
        """Nodes edit offline and sync when the dice say so."""

        def __init__(self) -> None:
            super().__init__()
            self.dir = Path(tempfile.mkdtemp(prefix=f"cc-check9-{next(_run)}-"))
            self.nodes: list[Store] = []
            self.clocks: list[ManualClock] = []
            self.incidents: list[str] = []  # created in this example
            self.levels: dict[str, tuple[str, str]] = {}  # incident -> (hlc, level): the model
            self.log_entries: set[tuple[str, str]] = set()
            self.texts = itertools.count()

        @initialize(n=st.integers(min_value=2, max_value=6), skews=st.lists(
            st.integers(min_value=-120_000, max_value=120_000), min_size=6, max_size=6))
        def start(self, n: int, skews: list[int]) -> None:
            for i in range(n):
                clock = ManualClock(START_MS + skews[i])  # each post's own, slightly wrong, clock
                self.clocks.append(clock)
                self.nodes.append(Store(self.dir / f"node{i}.db", clock=clock, user=f"post-{i}"))

        def _tick(self, ms: int) -> None:
            for clock in self.clocks:
                clock.advance(ms)

        def _record(self, store: Store, incident_id: str | None = None) -> None:
            """The model learns the newest op this node just made (its stamp is in the outbox)."""
            op = store.query("SELECT op, entity_id, fields, hlc FROM outbox WHERE node_id=? "
                             "ORDER BY local_seq DESC LIMIT 1", (store.node_id,))[0]
            if op["op"] == "incident.set_response_level":
                import json

                level = json.loads(op["fields"])["response_level"]
                best = self.levels.get(op["entity_id"])
                if best is None or op["hlc"] > best[0]:
                    self.levels[op["entity_id"]] = (op["hlc"], level)

        @rule(node=st.integers(0, 5), step=st.integers(1, 90_000))
        def report(self, node: int, step: int) -> None:
            store = self.nodes[node % len(self.nodes)]
            self._tick(step)
            op = commands.report_incident(store.clock.now_ms(), title=f"事件{len(self.incidents)}",
                                          category="waterlogging", severity="III", org_unit=COMMUNITY,
                                          lon=121.47, lat=31.22)
            store.execute(op)
            self.incidents.append(op.entity_id)

        @precondition(lambda self: self.incidents)
        @rule(node=st.integers(0, 5), which=st.integers(0, 10**6), level=st.sampled_from(LEVELS),
              step=st.integers(1, 90_000))
        def set_level(self, node: int, which: int, level: str, step: int) -> None:
            store = self.nodes[node % len(self.nodes)]
            row = store.get("incident", self.incidents[which % len(self.incidents)])
            if row is None or row["status"] in ("closed", "cancelled"):
                return  # this post has not heard of it yet, or it is closed here
            self._tick(step)
            store.execute(commands.set_response_level(row, level, store.clock.now_ms()))
            self._record(store)

        @precondition(lambda self: self.incidents)
        @rule(node=st.integers(0, 5), which=st.integers(0, 10**6), step=st.integers(1, 90_000))
        def write_log(self, node: int, which: int, step: int) -> None:
            store = self.nodes[node % len(self.nodes)]
            incident_id = self.incidents[which % len(self.incidents)]
            if store.get("incident", incident_id) is None:
                return
            self._tick(step)
            op = integrated.write_log(store.clock.now_ms(), text=f"记录{next(self.texts)}", incident_id=incident_id)
            store.execute(op)
            self.log_entries.add((op.entity_id, op.fields["text"]))

        @precondition(lambda self: self.incidents)
        @rule(node=st.integers(0, 5), which=st.integers(0, 10**6), action=st.sampled_from(ACTIONS),
              step=st.integers(1, 90_000))
        def move(self, node: int, which: int, action: str, step: int) -> None:
            store = self.nodes[node % len(self.nodes)]
            row = store.get("incident", self.incidents[which % len(self.incidents)])
            if row is None:
                return
            try:
                op = commands.transition("incident", row, action, store.clock.now_ms())
            except (commands.CommandError, machines.TransitionError):
                return  # not from this status: the board would not offer it
            self._tick(step)
            store.execute(op)

        @rule(node=st.integers(0, 5))
        def sync(self, node: int) -> None:
            """This post has a link for a moment."""
            asyncio.run(_sync(self.nodes[node % len(self.nodes)], url))

        @rule(src=st.integers(0, 5), dst=st.integers(0, 5))
        def carry(self, src: int, dst: int) -> None:
            """A USB stick from one post to another: a signed bundle of everything src holds
            (its own and relayed operations), verified and imported at dst."""
            a, b = self.nodes[src % len(self.nodes)], self.nodes[dst % len(self.nodes)]
            if a is b:
                return
            keys = bundles.load_keys(self.dir / "keys")  # one key: trust is tested elsewhere
            path = self.dir / f"stick-{next(self.texts)}.ccb"
            bundles.write_bundle(path, a.bundle_ops(), keys, bundle_id=path.stem, origin_node=a.node_id,
                                 epoch=a.epoch, schema=9, created_ms=a.clock.now_ms())
            stick = bundles.read_bundle(path, keys)
            b.import_ops(stick.ops, bundle_id=stick.bundle_id, origin_node=stick.origin)

        @invariant()
        def nothing_is_lost_locally(self) -> None:
            # every operation any node made is still in its outbox (acknowledged or pending)
            for store in self.nodes:
                seqs = [r["local_seq"] for r in store.query(
                    "SELECT local_seq FROM outbox WHERE node_id=? ORDER BY local_seq", (store.node_id,))]
                assert seqs == list(range(1, len(seqs) + 1))

        def teardown(self) -> None:
            try:
                if self.nodes:
                    self._converge_and_check()
            finally:
                for store in self.nodes:
                    store.close()
                shutil.rmtree(self.dir, ignore_errors=True)

        def _converge_and_check(self) -> None:
            # everyone pushes, then everyone pulls what the others pushed
            for store in self.nodes:
                asyncio.run(_sync(store, url))
            for store in self.nodes:
                asyncio.run(_sync(store, url))
            platform = Store(self.dir / "platform-view.db", clock=ManualClock(START_MS), user="observer")
            try:
                asyncio.run(_sync(platform, url))
                for store in self.nodes:
                    assert store.pending_count() == 0
                for incident_id in self.incidents:
                    expected = _fields(platform, incident_id)
                    assert expected is not None, f"incident {incident_id} never reached the platform"
                    for i, store in enumerate(self.nodes):
                        assert _fields(store, incident_id) == expected, f"node {i} differs on {incident_id}"
                    if incident_id in self.levels:
                        assert expected["response_level"] == self.levels[incident_id][1], "the newest stamp must win"
                    else:
                        assert expected["response_level"] is None
                assert _logs(platform, self.incidents) == self.log_entries
                for store in self.nodes:
                    assert _logs(store, self.incidents) == self.log_entries
            finally:
                platform.close()

    return Posts


def test_check_9_random_nodes_edits_and_connectivity_converge_to_the_model(platform_url):
    machine = make_machine(platform_url)
    machine.TestCase.settings = settings(
        max_examples=int(__import__("os").environ.get("CC_CHECK9_EXAMPLES", "25")), stateful_step_count=30, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    machine.TestCase("runTest").runTest()
