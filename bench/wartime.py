"""A week offline, measured (issue 11): a field post makes 10,000 operations over a simulated
7 days without a network (closing and reopening its cache every simulated day: restarts),
while the center goes on online and decides differently on some of the same incidents. Then
the post reconnects to the real platform process on 127.0.0.1 through the real sync engine.

- drain_s: from the engine's start until the post's outbox is empty (goal < 60 s here);
- ops_per_s: operations pushed per second during the drain;
- pull_ops_per_s: a fresh client pulls everything (every document the platform holds) through
  the real engine's pull path (HTTP pages + Store.apply_pull), documents per second (goal >=
  20,000 on loopback); baseline: the platform's storage.pull of the same pages in-process
  (no HTTP, no client cache);
- conflicts: conflict rows the post got (the center's later decisions win);
- the same for a USB bundle round trip when bundles are available (bundle_export_s,
  bundle_import_s on the center and on the platform).
One JSON line last.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from commandcenter.domain import commands, integrated  # noqa: E402
from commandcenter.domain.clock import ManualClock, SystemClock  # noqa: E402
from commandcenter.domain.hooks import Hooks  # noqa: E402
from commandcenter.embedded import PlatformProcess  # noqa: E402
from commandcenter.store import Store  # noqa: E402
from commandcenter.sync.client import PlatformClient  # noqa: E402
from commandcenter.sync.engine import SyncEngine  # noqa: E402

DAY = 24 * 3_600_000
COMMUNITY = "310101002001"


def _report(store: Store, rng: random.Random, title: str) -> str:
    op = commands.report_incident(store.clock.now_ms(), title=title, category="waterlogging", severity="III",
                                  org_unit=COMMUNITY, lon=121.47 + rng.random() / 50, lat=31.22 + rng.random() / 50)
    store.execute(op)
    return op.entity_id


async def _drain(store: Store, url: str, timeout_s: float = 600.0) -> float:
    client = PlatformClient(url)
    engine = SyncEngine(store, Hooks(), client)
    started = time.perf_counter()
    task = asyncio.ensure_future(engine.run())
    try:
        while store.pending_count() or engine.status.state != "online":
            if time.perf_counter() - started > timeout_s:
                raise SystemExit(f"wartime: the outbox did not drain in {timeout_s:.0f} s")
            await asyncio.sleep(0.02)
        return time.perf_counter() - started
    finally:
        await engine.stop()
        await task
        await client.aclose()


async def _pull_everything(store: Store, url: str) -> tuple[int, float]:
    """The engine's pull path (its page size) into a fresh cache: documents, seconds."""
    from commandcenter.sync.engine import PULL_PAGE

    n = 0
    started = time.perf_counter()
    async with PlatformClient(url) as client:
        while True:
            page = await client.pull(store.cursor, PULL_PAGE)
            store.apply_pull([c.model_dump() for c in page.changes], page.next, page.epoch)
            n += len(page.changes)
            if not page.has_more:
                break
    return n, time.perf_counter() - started


def _storage_pull_baseline(db: Path) -> tuple[int, float]:
    from commandcenter.platform.storage import PlatformStorage
    from commandcenter.sync.engine import PULL_PAGE

    storage = PlatformStorage(db)
    try:
        n, since = 0, 0
        started = time.perf_counter()
        while True:
            page = storage.pull(since, PULL_PAGE)
            n += len(page.changes)
            since = page.next
            if not page.has_more:
                break
        return n, time.perf_counter() - started
    finally:
        storage.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ops", type=int, default=10_000, help="operations the post makes offline")
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="cc-wartime-"))
    platform = PlatformProcess(work / "platform.db")
    url = platform.start()
    try:
        now = SystemClock().now_ms()
        start = now - args.days * DAY
        # the center, online: the incidents the post will work on
        center = Store(work / "center.db", clock=ManualClock(start), user="市指挥中心")
        shared = [_report(center, rng, f"共享事件{i}") for i in range(300)]
        asyncio.run(_drain(center, url))
        # the post pulls them, then loses its link for a week
        clock = ManualClock(start + 60_000)
        post = Store(work / "post.db", clock=clock, user="前方指挥部")
        asyncio.run(_pull_everything(post, url))
        per_day = args.ops // args.days
        made = 0
        own: list[str] = []
        for day in range(args.days):
            for i in range(per_day if day < args.days - 1 else args.ops - made):
                clock.advance(max(1, DAY // per_day))
                r = rng.random()
                if r < 0.15 or not own:
                    own.append(_report(post, rng, f"前方上报{made}"))
                elif r < 0.25:
                    row = post.get("incident", rng.choice(shared))
                    if row["status"] not in ("closed", "cancelled"):
                        post.execute(commands.set_response_level(row, rng.choice("234"), clock.now_ms()))
                    else:
                        post.execute(integrated.write_log(clock.now_ms(), text="巡查", incident_id=row["id"]))
                else:
                    post.execute(integrated.write_log(clock.now_ms(), text=f"前方记录{made}",
                                                      incident_id=rng.choice(own)))
                made += 1
            post.close()  # a restart every simulated day
            post = Store(work / "post.db", clock=clock, user="前方指挥部")
        pending = post.pending_count()
        # meanwhile (later in the week) the center decides response levels on 100 shared incidents
        center.clock.set_ms(now - DAY // 2)
        for iid in rng.sample(shared, 100):
            row = center.get("incident", iid)
            center.execute(commands.set_response_level(row, "1", center.clock.now_ms()))
        asyncio.run(_drain(center, url))
        # reconnect
        drain_s = asyncio.run(_drain(post, url))
        conflicts = post.conn.execute("SELECT COUNT(*) FROM conflicts").fetchone()[0]
        results = dict(post.conn.execute("SELECT result, COUNT(*) FROM outbox GROUP BY result").fetchall())
        fresh = Store(work / "fresh.db", clock=SystemClock(), user="新客户端")
        pulled, pull_s = asyncio.run(_pull_everything(fresh, url))
        fresh.close()
        post.close()
        center.close()
    finally:
        platform.stop()
    base_n, base_s = _storage_pull_baseline(work / "platform.db")
    fig = {
        "ops": pending,
        "drain_s": round(drain_s, 2),
        "ops_per_s": round(pending / drain_s),
        "pulled": pulled,
        "pull_s": round(pull_s, 3),
        "pull_ops_per_s": round(pulled / pull_s),
        "pull_baseline_ops_per_s": round(base_n / base_s),
        "pull_ratio": round((base_n / base_s) / (pulled / pull_s), 2),
        "conflicts": conflicts,
        "results": results,
    }
    print(f"{'figure':<28}{'value':>14}  goal")
    print(f"{'operations made offline':<28}{pending:>14}  {args.days} simulated days, a restart each day")
    print(f"{'drain_s':<28}{fig['drain_s']:>14}  < 60")
    print(f"{'ops_per_s (push)':<28}{fig['ops_per_s']:>14}")
    print(f"{'pull_ops_per_s':<28}{fig['pull_ops_per_s']:>14}  >= 20000 ({pulled} documents)")
    print(f"{'  baseline (storage.pull)':<28}{fig['pull_baseline_ops_per_s']:>14}  ratio {fig['pull_ratio']}")
    print(f"{'conflicts':<28}{conflicts:>14}  results {results}")
    print(json.dumps(fig, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
