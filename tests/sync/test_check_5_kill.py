"""SYNC.md check 5: kill -9 of the client during a write, a push and a pull page, 200 times
(tests/killloop.py; bench/killloop.py runs the same loop for 1,000 cycles)."""
from __future__ import annotations

import time

import pytest

from tests.killloop import check_cache, run_kill_loop

pytestmark = pytest.mark.platform

CYCLES = 200


def test_check_5_kill_9_during_write_push_and_pull_keeps_the_cache_whole(platform_proc, tmp_path):
    started = time.monotonic()
    figures = run_kill_loop(platform_proc.url, tmp_path, CYCLES, seed=5)
    took = time.monotonic() - started
    assert figures["cycles"] == CYCLES
    # the kills landed inside each phase, not only between them
    for phase in ("write", "push", "pull"):
        assert figures["killed_in"].get(phase, 0) >= CYCLES // 25, figures
    assert figures["committed_writes"] > 0 and figures["outbox"] >= figures["committed_writes"]
    assert took < 120, figures  # ~60 s budget on the 2-core machine, with a margin for load


def test_check_5_the_check_sees_a_lost_write_and_a_cursor_ahead(platform_proc, tmp_path):
    """The checks of the loop can fail: a reported commit that is not there, a cursor past data."""
    import sqlite3

    run_kill_loop(platform_proc.url, tmp_path, 3, seed=1)
    db = tmp_path / "post.db"
    assert check_cache(db, [], platform_proc.url) == []
    lost = check_cache(db, [("nobody:1", "incident", "none")], platform_proc.url)
    assert lost and "lost" in lost[0]
    conn = sqlite3.connect(db)
    conn.execute("UPDATE incidents SET server_version=NULL WHERE id=(SELECT id FROM incidents LIMIT 1)")
    conn.commit()
    conn.close()
    assert any("ahead of the data" in p for p in check_cache(db, [], platform_proc.url))
