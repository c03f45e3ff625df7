"""Seek in a recorded drill (issue 12): a 6-hour run of the flood drill with 20,000 operations,
scrubbed to random moments, forward and back.

The recording is made the way a drill platform makes it: a drill database (PlatformStorage
with its run), the drill file recorded, its events, and 20,000 operations pushed through the
platform's own path (reports, dispatches, task steps, response levels, log entries, notices
read) by a dozen seats; their arrival times are then spread over six hours (the real run
would have taken six hours to make them).

- open_s: reading the recording and building the snapshot index (one pass, at open);
- seek_ms: the documents and the run (clock, injects) at a random moment, p50 and p95 of
  `--seeks` seeks (goal p95 < 200);
- seek_store_ms: the same moment written into the replay's cache as the views read it
  (Store.show_state, only what differs from the moment shown before), p95;
- baseline: the same seeks replayed from zero (no snapshots), p95: replay_from_zero_ms, and
  seek_ms beside it as a ratio.
One JSON line last.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from commandcenter.catalog import load_catalog  # noqa: E402
from commandcenter.domain import commands, integrated  # noqa: E402
from commandcenter.drills.replay import Recording, Replay  # noqa: E402
from commandcenter.drills.run import DrillRun  # noqa: E402
from commandcenter.drills.scenario import load_scenario  # noqa: E402
from commandcenter.platform.storage import PlatformStorage  # noqa: E402
from commandcenter.store import Store  # noqa: E402

FLOOD = ROOT / "scenarios" / "drill-flood.yaml"
RUN = "bench-replay"
HOURS = 6
SEATS = ["room", "water", "fire", "police", "transport", "power", "health", "urban_mgmt", "housing", "gas",
         "street_office", "emergency"]


def build(path: Path, n_ops: int, seed: int = 12) -> None:
    catalog = load_catalog()
    rng = random.Random(seed)
    storage = PlatformStorage(path, drill_run=RUN)
    storage.drill_script(FLOOD.read_text(encoding="utf-8"))
    units = [u for u in catalog.org_units.values() if u.level.value.code == "community"]
    departments = list(catalog.departments)
    now = 1_800_000_000_000
    incidents: list[str] = []
    tasks: list[str] = []
    made = 0
    while made < n_ops:
        batch = []
        for _ in range(100):
            now += 1
            roll = rng.random()
            if roll < 0.08 or not incidents:
                u = rng.choice(units)
                op = commands.report_incident(now, title=f"险情 {len(incidents) + 1}", category="waterlogging",
                                              severity=rng.choice("III IV".split()), org_unit=u.code,
                                              lon=u.center[0], lat=u.center[1])
                incidents.append(op.entity_id)
                batch.append(("room", op))
            elif roll < 0.30:
                inc = storage.get("incident", rng.choice(incidents))
                if inc is None or inc["status"] in ("closed", "cancelled"):
                    continue
                op = commands.dispatch_task(inc, catalog, now, department=rng.choice(departments),
                                            org_unit=inc["org_unit"])
                tasks.append(op.entity_id)
                batch.append(("room", op))
            elif roll < 0.80 and tasks:
                task = storage.get("task", rng.choice(tasks))
                if task is None:
                    continue
                step = {"dispatched": "accept", "accepted": "start", "in_progress": "feedback",
                        "feedback": "verify", "verified": "close"}.get(task["status"])
                if step is None:
                    continue
                try:
                    op = commands.task_action(task, step, now, **({"text": "已处置"} if step == "feedback" else {}))
                except Exception:
                    continue
                batch.append((task["department"], op))
            elif roll < 0.88:
                inc = storage.get("incident", rng.choice(incidents))
                if inc is None or inc["status"] in ("closed", "cancelled"):
                    continue
                batch.append(("room", commands.set_response_level(inc, rng.choice("1234"), now)))
            else:
                batch.append((rng.choice(SEATS), integrated.write_log(
                    now, text=f"现场情况 {made}", incident_id=rng.choice(incidents), user="seat", role="field")))
        by_node: dict[str, list] = {}
        for node, op in batch:
            by_node.setdefault(node, []).append(op)
        for node, ops in by_node.items():
            made += sum(1 for r in storage.submit_many(ops, now, node_id=f"seat-{node}", user=node)
                        if r.result != "rejected")
    # the run's events: played at 1x from the start, a pause, a speed change, a seek
    scenario = load_scenario(FLOOD, catalog)
    start = 1_800_000_000_000
    span = HOURS * 3600 * 1000
    run = DrillRun(scenario, RUN)
    run.play(start, "导调")
    run.pause(start + span // 6, "导调")
    run.play(start + span // 5, "导调")
    run.set_speed(2, start + span // 3, "导调")
    for k, inj in enumerate(scenario.injects[:12]):
        if inj.kind != "expected_action":
            run.release(inj.id, start + (k + 1) * span // 14, "导调")
    storage.add_drill_events(RUN, [e.to_dict() for e in run.events])
    with storage._lock:
        storage._conn.begin_write()
        total = storage._conn.execute("SELECT COUNT(*) FROM ops").fetchone()[0]
        storage._conn.execute("UPDATE ops SET received_ms = ? + (rowid - 1) * ? / ?", (start, span, max(1, total)))
        storage._conn.execute("COMMIT")
    storage.close()


def p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=20_000)
    parser.add_argument("--seeks", type=int, default=200)
    parser.add_argument("--baseline-seeks", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "platform.db"
        t0 = time.perf_counter()
        build(db, args.ops)
        build_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        recording = Recording(db)
        replay = Replay(recording)
        open_s = time.perf_counter() - t0
        rng = random.Random(7)
        lo, hi = recording.start_ms, recording.end_ms
        moments = [rng.randint(lo, hi) for _ in range(args.seeks)]
        seek = []
        for w in moments:
            t0 = time.perf_counter()
            replay.docs_at(w)
            replay.run_at(w)
            seek.append((time.perf_counter() - t0) * 1000)
        store = Store(Path(tmp) / "replay.db", mode="drill", run_id=RUN)
        shown = None
        store_ms = []
        for w in moments:
            t0 = time.perf_counter()
            docs = replay.docs_at(w)
            store.show_state(docs, shown)
            shown = docs
            store_ms.append((time.perf_counter() - t0) * 1000)
        store.close()
        zero = Replay(recording, every=10**9)
        base = []
        for w in moments[:args.baseline_seeks]:
            t0 = time.perf_counter()
            zero.docs_at(w)
            base.append((time.perf_counter() - t0) * 1000)
        fig = {
            "ops": len(recording.ops), "documents": len(replay.final), "hours": HOURS, "build_s": build_s,
            "open_s": open_s, "seek_ms_p50": p(seek, 0.5), "seek_ms": p(seek, 0.95), "seek_ms_max": max(seek),
            "seek_store_ms": p(store_ms, 0.95), "seek_store_ms_p50": p(store_ms, 0.5),
            "replay_from_zero_ms": p(base, 0.95), "snapshot_every": replay.every,
        }
        fig["seek_vs_zero"] = fig["seek_ms"] / fig["replay_from_zero_ms"]
    print(f"{fig['ops']:,} operations over {HOURS} h, {fig['documents']:,} documents; {args.seeks} seeks")
    print(f"{'figure':<22}{'value':>12}  goal")
    for name, goal in [("open_s", ""), ("seek_ms_p50", ""), ("seek_ms", "p95 < 200"), ("seek_ms_max", ""),
                       ("seek_store_ms_p50", ""), ("seek_store_ms", "p95"), ("replay_from_zero_ms", "baseline p95"),
                       ("seek_vs_zero", "ratio")]:
        print(f"{name:<22}{fig[name]:>12.2f}  {goal}")
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in fig.items()}))


if __name__ == "__main__":
    main()
