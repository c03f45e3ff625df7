"""SYNC.md check 5: kill -9 of the client during a write, a push, a pull page and a bundle
import, many times.

The calling process has imported everything once; each cycle forks a worker (no Python
start-up per cycle) that opens the same cache file and runs phases in a random order for ever:
`write` (Store.execute), `push` (SyncEngine._push_all), `pull` (SyncEngine._pull_all, pages
of PULL_PAGE_IN_LOOP documents) against the real platform process, and `bundle` (a signed USB
bundle of a third node, verified and imported as `bundle import` does). The worker reports
through a pipe "begin PHASE", "end PHASE", "commit OP_ID" after each committed write and
"imported BUNDLE_ID" after each committed import, BEFORE going on.
The parent waits until the cycle's target phase has begun, waits a random moment inside it and
sends SIGKILL. Then, on the file the worker left:
- `PRAGMA integrity_check` is ok;
- every write the worker reported committed is in the outbox and its row is in the cache, and
  local_seq is gapless;
- the cursor is never ahead of the data: every document of the platform's feed at or below the
  stored cursor is in the cache at that platform version or newer;
- a bundle import is all or nothing: a bundle the worker reported imported is recorded with
  every one of its operations in the outbox and their rows in the cache; one it did not has
  either all of its new operations or none.
Between cycles a second node (the parent) pushes new incidents, so pulls bring foreign rows,
and a third (a field post, offline) adds work to the bundle on the stick.

`phases` is the hook for more phases (the lead adds a bundle import): name -> async function
of a WorkerContext; its name can then be a kill target like the others.
"""
from __future__ import annotations

import asyncio
import json
import os
import random
import select
import signal
import sqlite3
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Awaitable, Callable

from commandcenter.domain import commands, integrated
from commandcenter.domain.clock import ManualClock, SystemClock
from commandcenter.domain.hooks import Hooks
from commandcenter.store import Store
from commandcenter.sync import bundle as bundles
from commandcenter.sync import engine as engine_module
from commandcenter.sync.bundle_cli import export_store
from commandcenter.sync.client import PlatformClient
from commandcenter.sync.engine import SyncEngine

COMMUNITY = "310101002001"
PULL_PAGE_IN_LOOP = 3
# how long after a phase began the kill may come, at most (seconds): about each phase's length
KILL_WITHIN_S = {"write": 0.003, "push": 0.02, "pull": 0.02, "bundle": 0.03}
FIELD_OPS_PER_BUNDLE = 12  # the third node's new operations on each new stick


@dataclass
class WorkerContext:
    store: Store
    engine: SyncEngine
    rng: random.Random
    say: Callable[[str], None]
    incidents: list[str] = field(default_factory=list)
    work: Path | None = None  # the loop's folder: stick.ccb and post-keys/ are there


async def phase_write(ctx: WorkerContext) -> None:
    s = ctx.store
    if not ctx.incidents or ctx.rng.random() < 0.5:
        op = commands.report_incident(s.clock.now_ms(), title="前方上报", category="waterlogging",
                                      severity="III", org_unit=COMMUNITY, lon=121.47, lat=31.22)
        ctx.incidents.append(op.entity_id)
    else:
        op = integrated.write_log(s.clock.now_ms(), text="前方记录", incident_id=ctx.rng.choice(ctx.incidents))
    s.execute(op)
    seq = s.conn.execute("SELECT MAX(local_seq) FROM outbox WHERE node_id=?", (s.node_id,)).fetchone()[0]
    ctx.say(f"commit {s.node_id}:{seq} {op.entity} {op.entity_id}")


async def phase_push(ctx: WorkerContext) -> None:
    await ctx.engine._push_all()


async def phase_pull(ctx: WorkerContext) -> None:
    await ctx.engine._pull_all()


async def phase_bundle(ctx: WorkerContext) -> None:
    """`bundle import` of the stick: verify everything, then one all-or-nothing transaction."""
    stick = bundles.read_bundle(ctx.work / STICK, bundles.load_keys(ctx.work / "post-keys"))
    ctx.say(f"importing {stick.bundle_id}")
    ctx.store.import_ops(stick.ops, bundle_id=stick.bundle_id, origin_node=stick.origin, signer=stick.signer,
                         path=str(ctx.work / STICK))
    ctx.say(f"imported {stick.bundle_id}")


PHASES: dict[str, Callable[[WorkerContext], Awaitable[None]]] = {
    "write": phase_write, "push": phase_push, "pull": phase_pull, "bundle": phase_bundle,
}
STICK = "stick.ccb"


def _worker(db: Path, url: str, fd: int, seed: int, phases: dict) -> None:
    """The forked child: never returns."""
    try:
        engine_module.PULL_PAGE = PULL_PAGE_IN_LOOP

        def say(line: str) -> None:
            os.write(fd, (line + "\n").encode())

        async def main() -> None:
            store = Store(db, clock=SystemClock(), user="post")
            rng = random.Random(seed)
            ids = [r["id"] for r in store.query("SELECT id FROM incidents WHERE hlc LIKE ?",
                                                (f"%{store.node_id}",))]
            async with PlatformClient(url) as client:
                ctx = WorkerContext(store, SyncEngine(store, Hooks(), client), rng, say, ids, db.parent)
                names = list(phases)
                say("ready")
                while True:
                    name = rng.choice(names)
                    say(f"begin {name}")
                    await phases[name](ctx)
                    say(f"end {name}")

        asyncio.run(main())
    except BaseException:  # noqa: BLE001
        os._exit(3)
    os._exit(0)


def _read_lines(fd: int, until: str | None, timeout: float, buf: bytearray) -> bool:
    """Read from the pipe into `buf` until a line `until` arrives (True) or EOF/timeout."""
    deadline = time.monotonic() + timeout
    while True:
        if until is not None and (until + "\n").encode() in buf:
            return True
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            return False
        chunk = os.read(fd, 65536)
        if not chunk:
            return until is None
        buf += chunk


def platform_feed(url: str) -> list[dict]:
    """Every change of the platform's feed: [{seq, entity, entity_id, version}]."""
    out, since = [], 0
    while True:
        with urllib.request.urlopen(f"{url}/v1/sync/pull?since={since}&limit=1000", timeout=10) as r:
            page = json.loads(r.read())
        out += [{"seq": c["seq"], "entity": c["entity"], "entity_id": c["entity_id"],
                 "version": c["doc"].get("version")} for c in page["changes"]]
        since = page["next"]
        if not page["has_more"]:
            return out


TABLES = {"incident": "incidents", "log": "log", "task": "tasks"}


def check_cache(db: Path, committed: list[tuple[str, str, str]], url: str,
                sticks: list[tuple[bundles.Bundle, bool]] = ()) -> list[str]:
    """What check 5 asserts on the file a killed worker left; returns the problems found.
    `sticks`: the bundles the worker began importing, each with whether it reported the
    import committed."""
    problems: list[str] = []
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            problems.append(f"integrity_check: {ok}")
        ops = {r[0] for r in conn.execute("SELECT op_id FROM outbox")}
        for op_id, entity, entity_id in committed:
            if op_id not in ops:
                problems.append(f"committed write {op_id} lost from the outbox")
            elif conn.execute(f"SELECT 1 FROM {TABLES[entity]} WHERE id=?", (entity_id,)).fetchone() is None:
                problems.append(f"committed write {op_id}: {entity} {entity_id} not in the cache")
        for stick, reported in sticks:
            keys = [(o["node_id"], o["local_seq"]) for o in stick.ops]
            here = [k for k in keys if conn.execute(
                "SELECT 1 FROM outbox WHERE node_id=? AND local_seq=?", k).fetchone() is not None]
            mine = conn.execute("SELECT COUNT(*) FROM outbox WHERE origin=?", (f"bundle:{stick.bundle_id}",)).fetchone()[0]
            recorded = conn.execute("SELECT ops FROM bundles WHERE bundle_id=? AND direction='import'",
                                    (stick.bundle_id,)).fetchone()
            if reported and (recorded is None or len(here) != len(keys)):
                problems.append(f"bundle {stick.bundle_id} reported imported: recorded {recorded}, "
                                f"{len(here)} of its {len(keys)} operations here")
            if recorded is None and mine:
                problems.append(f"bundle {stick.bundle_id} half imported: {mine} operations without its record")
            if recorded is not None and (recorded[0] != mine or len(here) != len(keys)):
                problems.append(f"bundle {stick.bundle_id} recorded with {recorded[0]} new operations, "
                                f"{mine} in the outbox, {len(here)} of {len(keys)} here")
            if recorded is not None:
                for o in stick.ops:
                    if o["entity"] in TABLES and conn.execute(
                            f"SELECT 1 FROM {TABLES[o['entity']]} WHERE id=?", (o["entity_id"],)).fetchone() is None:
                        problems.append(f"bundle {stick.bundle_id}: {o['entity']} {o['entity_id']} not in the cache")
                        break
        seqs = [r[0] for r in conn.execute(
            "SELECT local_seq FROM outbox WHERE node_id=(SELECT value FROM meta WHERE key='node_id') "
            "ORDER BY local_seq")]
        if seqs != list(range(1, len(seqs) + 1)):
            problems.append("local_seq has a gap")
        row = conn.execute("SELECT value FROM meta WHERE key='cursor'").fetchone()
        cursor = int(row[0]) if row and row[0] else 0
        for change in platform_feed(url):
            if change["seq"] > cursor or change["entity"] not in TABLES:
                continue
            got = conn.execute(f"SELECT server_version FROM {TABLES[change['entity']]} WHERE id=?",
                               (change["entity_id"],)).fetchone()
            if got is None or got[0] is None or got[0] < change["version"]:
                problems.append(f"cursor {cursor} ahead of the data: change {change['seq']} "
                                f"({change['entity']} {change['entity_id']} v{change['version']}) has {got}")
    finally:
        conn.close()
    return problems


def run_kill_loop(url: str, work: Path, cycles: int, *, seed: int = 5,
                  phases: dict[str, Callable[[WorkerContext], Awaitable[None]]] | None = None,
                  kill_within_s: dict[str, float] | None = None,
                  progress: Callable[[int, dict], None] | None = None) -> dict:
    """Run `cycles` fork/kill cycles on work/post.db; returns figures (see the module doc)
    and raises AssertionError at the first cycle whose file breaks check 5."""
    phases = dict(PHASES if phases is None else phases)
    within = {**KILL_WITHIN_S, **(kill_within_s or {})}
    rng = random.Random(seed)
    db = work / "post.db"
    Store(db, clock=SystemClock(), user="post").close()  # the file and its node id, once
    other = Store(work / "center.db", clock=ManualClock(1_784_080_800_000), user="center")
    fieldpost = Store(work / "field.db", clock=SystemClock(), user="field")
    field_keys = bundles.load_keys(work / "field-keys")
    bundles.trust(work / "post-keys", "field", field_keys.public_text)
    post_keys = bundles.load_keys(work / "post-keys")
    stick = _new_stick(fieldpost, field_keys, post_keys, work)
    targets = list(phases)
    killed_in: Counter = Counter()
    committed_total = 0
    cycle_s: list[float] = []
    check_s: list[float] = []
    try:
        for cycle in range(cycles):
            started = time.perf_counter()
            if cycle % 2 == 0:  # another node's work for the pulls to bring
                for _ in range(2):
                    other.execute(commands.report_incident(
                        other.clock.now_ms(), title="中心上报", category="waterlogging", severity="IV",
                        org_unit=COMMUNITY, lon=121.48, lat=31.23))
                asyncio.run(_push(other, url))
            target = targets[cycle % len(targets)]
            if target == "bundle":  # the field post's newer work on the stick
                stick = _new_stick(fieldpost, field_keys, post_keys, work)
            r, w = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(r)
                _worker(db, url, w, seed * 100_003 + cycle, phases)
            os.close(w)
            buf = bytearray()
            try:
                began = _read_lines(r, f"begin {target}", 10.0, buf)
                if began:
                    time.sleep(rng.uniform(0, within.get(target, 0.02)))
                os.kill(pid, signal.SIGKILL)
                _, status = os.waitpid(pid, 0)
                _read_lines(r, None, 5.0, buf)
            finally:
                os.close(r)
            lines = buf.decode().splitlines()
            if not began:
                raise AssertionError(f"cycle {cycle}: the worker never began {target}: {lines[-5:]} "
                                     f"(exit status {status})")
            open_phase = None
            committed = []
            imported = importing = False
            for line in lines:
                word, _, rest = line.partition(" ")
                if word == "begin":
                    open_phase = rest
                elif word == "end":
                    open_phase = None
                elif word == "commit":
                    committed.append(tuple(rest.split(" ")))
                elif word in ("importing", "imported"):
                    importing = True
                    imported = imported or word == "imported"
            killed_in[open_phase or "between"] += 1
            committed_total += len(committed)
            t = time.perf_counter()
            problems = check_cache(db, committed, url, [(stick, imported)] if importing else [])
            check_s.append(time.perf_counter() - t)
            if problems:
                raise AssertionError(f"cycle {cycle} (killed in {open_phase}): " + "; ".join(problems[:5]))
            cycle_s.append(time.perf_counter() - started)
            if progress is not None:
                progress(cycle, dict(killed_in))
        # a last clean session: everything reaches the platform once and comes back
        final = Store(db, clock=SystemClock(), user="post")
        try:
            final.import_ops(stick.ops, bundle_id=stick.bundle_id, origin_node=stick.origin, signer=stick.signer)
            asyncio.run(_push(final, url, pull=True))
            asyncio.run(_push(other, url, pull=True))
            pending = final.pending_count()
            outbox = final.conn.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
            problems = check_cache(db, [], url)
            feed = platform_feed(url)
            missing = [c for c in feed if c["entity"] in TABLES and final.get(c["entity"], c["entity_id"]) is None]
            on_platform = {(c["entity"], c["entity_id"]) for c in feed}
            unrelayed = [o for o in stick.ops if (o["entity"], o["entity_id"]) not in on_platform]
        finally:
            final.close()
    finally:
        other.close()
        fieldpost.close()
    if pending or problems or missing or unrelayed:
        raise AssertionError(f"after the loop: {pending} pending, {problems[:3]}, {len(missing)} rows missing, "
                             f"{len(unrelayed)} of the field post's operations never relayed")
    return {
        "cycles": cycles,
        "killed_in": dict(killed_in),
        "committed_writes": committed_total,
        "outbox": outbox,
        "cycle_ms": round(1000 * sum(cycle_s) / len(cycle_s), 1) if cycle_s else 0.0,
        "check_ms": round(1000 * sum(check_s) / len(check_s), 1) if check_s else 0.0,
    }


def _new_stick(fieldpost: Store, field_keys: bundles.Keys, post_keys: bundles.Keys, work: Path) -> bundles.Bundle:
    """The field post (offline) does some more work and writes its whole outbox to the stick,
    as `bundle export` does; returns the stick as the post will verify it."""
    for i in range(FIELD_OPS_PER_BUNDLE // 2):
        op = commands.report_incident(fieldpost.clock.now_ms(), title="前方积水", category="waterlogging",
                                      severity="IV", org_unit=COMMUNITY, lon=121.46, lat=31.21)
        fieldpost.execute(op)
        fieldpost.execute(integrated.write_log(fieldpost.clock.now_ms(), text=f"水深{i}0厘米", incident_id=op.entity_id))
    export_store(fieldpost, work / STICK, field_keys)
    return bundles.read_bundle(work / STICK, post_keys)


async def _push(store: Store, url: str, pull: bool = False) -> None:
    async with PlatformClient(url) as client:
        engine = SyncEngine(store, Hooks(), client)
        await engine._push_all()
        if pull:
            await engine._pull_all()


def fork_baseline_ms(n: int = 20) -> float:
    """A fork of this (pre-imported) process that exits at once, waited for: a cycle's floor."""
    started = time.perf_counter()
    for _ in range(n):
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
    return 1000 * (time.perf_counter() - started) / n
