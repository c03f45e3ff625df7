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
- the same week by USB bundle instead (post → USB → center → USB → post), on copies taken
  before the post reconnected: bundle_ops and bundle_mb (the post's signed stick),
  bundle_export_s (the post writes it), bundle_import_center_s (the center's client verifies
  and imports it, to relay), bundle_import_platform_s (the platform verifies and imports it:
  pushes through the same path as online, conflicts counted), platform_export_s (the
  platform writes everything it holds) and bundle_import_post_s (a new post's cache verifies
  and imports that); bundle_ops_per_s (the platform's import) beside the online ops_per_s as
  a ratio.
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
from commandcenter.platform import bundles as platform_bundles  # noqa: E402
from commandcenter.store import Store  # noqa: E402
from commandcenter.store.db import ENTITY_TABLES  # noqa: E402
from commandcenter.sync import bundle as bundles  # noqa: E402
from commandcenter.sync.bundle_cli import export_store  # noqa: E402
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
    """The engine's pull path (SyncEngine._pull_all: its pages, the next one asked for while
    this one is applied) into a fresh cache: documents, seconds."""
    started = time.perf_counter()
    async with PlatformClient(url) as client:
        await SyncEngine(store, Hooks(), client)._pull_all()
    took = time.perf_counter() - started
    n = sum(store.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ENTITY_TABLES.values())
    return n, took


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


def _copy_sqlite(src: Path, dst: Path) -> None:
    """A consistent copy of a live SQLite file (the backup API), e.g. the running platform's."""
    import sqlite3

    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    try:
        a.backup(b)
    finally:
        a.close()
        b.close()


def _timed(fn):
    started = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - started


def _bundle_round_trip(work: Path, usb_platform: Path) -> dict:
    """post.ccb (written before the post reconnected) → the center's client and the platform
    (a copy from that moment) → the platform's stick → a new post's cache."""
    from commandcenter.platform.storage import PlatformStorage

    post_keys = bundles.load_keys(work / "post-keys")
    center_dir, platform_dir = work / "center-keys", platform_bundles.keys_dir(usb_platform)
    for folder in (center_dir, platform_dir):
        bundles.trust(folder, "post", post_keys.public_text)
    platform_keys = bundles.load_keys(platform_dir)
    bundles.trust(work / "newpost-keys", "center", platform_keys.public_text)
    stick = work / "post.ccb"
    # the center's client (a copy of its cache) takes the stick, to relay it
    _copy_sqlite(work / "center.db", work / "usb-center.db")
    center = Store(work / "usb-center.db", clock=SystemClock(), user="市指挥中心")
    try:
        def center_import():
            verified = bundles.read_bundle(stick, bundles.load_keys(center_dir))
            return center.import_ops(verified.ops, bundle_id=verified.bundle_id, origin_node=verified.origin,
                                     signer=verified.signer)
        center_result, center_s = _timed(center_import)
    finally:
        center.close()
    storage = PlatformStorage(usb_platform)
    try:
        counts, platform_s = _timed(lambda: platform_bundles.import_bundle(
            storage, bundles.read_bundle(stick, platform_keys)))
        _, export_s = _timed(lambda: platform_bundles.export_bundle(
            storage, work / "center.ccb", platform_keys, SystemClock().now_ms()))
    finally:
        storage.close()
    newpost = Store(work / "newpost.db", clock=SystemClock(), user="新前方指挥部")
    try:
        def post_import():
            verified = bundles.read_bundle(work / "center.ccb", bundles.load_keys(work / "newpost-keys"))
            return newpost.import_ops(verified.ops, bundle_id=verified.bundle_id, origin_node=verified.origin,
                                      signer=verified.signer, acknowledged_epoch=verified.manifest["epoch"])
        post_result, post_s = _timed(post_import)
        incidents = newpost.conn.execute("SELECT COUNT(*) FROM incidents").fetchone()[0]
    finally:
        newpost.close()
    return {
        "bundle_import_center_s": round(center_s, 2), "center_new": center_result.new,
        "bundle_import_platform_s": round(platform_s, 2), "platform_results": counts,
        "bundle_conflicts": counts.get("conflict", 0) + counts.get("merged", 0),
        "platform_export_s": round(export_s, 2), "center_bundle_mb": round((work / "center.ccb").stat().st_size / 1e6, 2),
        "bundle_import_post_s": round(post_s, 2), "post_new": post_result.new, "post_incidents": incidents,
    }


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
        # the same week by USB: the post's stick and the platform as they are now
        _copy_sqlite(work / "platform.db", work / "usb-platform.db")
        manifest, export_s = _timed(lambda: export_store(post, work / "post.ccb", bundles.load_keys(work / "post-keys")))
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
    usb = _bundle_round_trip(work, work / "usb-platform.db")
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
        "bundle_ops": manifest["ops"],
        "bundle_mb": round((work / "post.ccb").stat().st_size / 1e6, 2),
        "bundle_export_s": round(export_s, 2),
        **usb,
    }
    fig["bundle_ops_per_s"] = round(manifest["ops"] / usb["bundle_import_platform_s"])
    fig["bundle_ratio"] = round(fig["bundle_ops_per_s"] / fig["ops_per_s"], 2)
    print(f"{'figure':<28}{'value':>14}  goal")
    print(f"{'operations made offline':<28}{pending:>14}  {args.days} simulated days, a restart each day")
    print(f"{'drain_s':<28}{fig['drain_s']:>14}  < 60")
    print(f"{'ops_per_s (push)':<28}{fig['ops_per_s']:>14}")
    print(f"{'pull_ops_per_s':<28}{fig['pull_ops_per_s']:>14}  >= 20000 ({pulled} documents)")
    print(f"{'  baseline (storage.pull)':<28}{fig['pull_baseline_ops_per_s']:>14}  ratio {fig['pull_ratio']}")
    print(f"{'conflicts':<28}{conflicts:>14}  results {results}")
    print(f"{'bundle (post → USB)':<28}{fig['bundle_ops']:>14}  operations, {fig['bundle_mb']} MB signed")
    print(f"{'  bundle_export_s':<28}{fig['bundle_export_s']:>14}")
    print(f"{'  bundle_import_center_s':<28}{fig['bundle_import_center_s']:>14}  {fig['center_new']} new (to relay)")
    print(f"{'  bundle_import_platform_s':<28}{fig['bundle_import_platform_s']:>14}  {fig['platform_results']}")
    print(f"{'  bundle_ops_per_s':<28}{fig['bundle_ops_per_s']:>14}  ratio to online push {fig['bundle_ratio']}")
    print(f"{'  bundle_conflicts':<28}{fig['bundle_conflicts']:>14}")
    print(f"{'bundle (center → USB)':<28}{fig['center_bundle_mb']:>14}  MB, everything the platform holds")
    print(f"{'  platform_export_s':<28}{fig['platform_export_s']:>14}")
    print(f"{'  bundle_import_post_s':<28}{fig['bundle_import_post_s']:>14}  {fig['post_new']} operations into a "
          f"new post's cache, {fig['post_incidents']} incidents")
    print(json.dumps(fig, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
