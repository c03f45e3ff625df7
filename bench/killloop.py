"""SYNC.md check 5 as a long run: kill -9 of the client during a write, a push, a pull page
and a bundle import,
--cycles times (default 1,000), against the real platform process on 127.0.0.1
(tests/killloop.py: a forked, pre-imported worker; after each kill integrity_check, every
reported commit present, the cursor never ahead of the data; at the end one clean session
drains the outbox and brings everything back).

- cycle_ms: one fork, work until the kill, and the checks (mean);
- check_ms: the checks alone (integrity_check, outbox, the platform's feed against the cursor);
- baseline: a fork of the same process that exits at once (fork_ms), the floor of a cycle;
  ratio = cycle_ms / fork_ms;
- killed_in: how many kills landed inside each phase (or between phases).
One JSON line last.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from commandcenter.embedded import PlatformProcess  # noqa: E402
from tests.killloop import fork_baseline_ms, run_kill_loop  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cycles", type=int, default=1000, help="kill -9 cycles (default 1000)")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    if args.cycles < 1:
        parser.error("--cycles must be at least 1")
    work = Path(tempfile.mkdtemp(prefix="cc-killloop-"))
    platform = PlatformProcess(work / "platform.db")
    url = platform.start()
    try:
        started = time.perf_counter()
        try:
            fig = run_kill_loop(url, work, args.cycles, seed=args.seed)
        except AssertionError as exc:
            print(f"killloop: check 5 failed: {exc}", file=sys.stderr)
            return 1
        total_s = time.perf_counter() - started
    finally:
        platform.stop()
    fork_ms = fork_baseline_ms()
    fig.update(total_s=round(total_s, 1), fork_ms=round(fork_ms, 2),
               ratio=round(fig["cycle_ms"] / fork_ms, 1) if fork_ms else None)
    print(f"{'figure':<26}{'value':>12}  note")
    print(f"{'cycles':<26}{fig['cycles']:>12}  every one checked, none failed")
    print(f"{'total_s':<26}{fig['total_s']:>12}")
    print(f"{'cycle_ms':<26}{fig['cycle_ms']:>12}  baseline fork_ms {fig['fork_ms']}, ratio {fig['ratio']}")
    print(f"{'check_ms':<26}{fig['check_ms']:>12}")
    for phase, n in sorted(fig["killed_in"].items()):
        print(f"{'killed in ' + phase:<26}{n:>12}")
    print(f"{'committed writes reported':<26}{fig['committed_writes']:>12}  outbox {fig['outbox']}")
    print(json.dumps(fig, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
