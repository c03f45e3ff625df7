"""SYNC.md check 5: kill -9 of the client during a write, a push, a pull page and a bundle
import, 200 times
(tests/killloop.py; bench/killloop.py runs the same loop for 1,000 cycles)."""
from __future__ import annotations

import pytest

from tests.killloop import check_cache, run_kill_loop

pytestmark = pytest.mark.platform

CYCLES = 200


def test_check_5_kill_9_during_write_push_pull_and_bundle_import_keeps_the_cache_whole(platform_proc, tmp_path):
    figures = run_kill_loop(platform_proc.url, tmp_path, CYCLES, seed=5)
    assert figures["cycles"] == CYCLES
    # the kills landed inside each phase, not only between them
    for phase in ("write", "push", "pull", "bundle"):
        assert figures["killed_in"].get(phase, 0) >= CYCLES // 25, figures
    assert figures["committed_writes"] > 0 and figures["outbox"] >= figures["committed_writes"]


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


def test_check_5_the_check_sees_a_half_imported_bundle(platform_proc, tmp_path):
    import sqlite3

    from commandcenter.sync import bundle as bundles

    run_kill_loop(platform_proc.url, tmp_path, 4, seed=2)  # the last clean session imports the stick
    db = tmp_path / "post.db"
    stick = bundles.read_bundle(tmp_path / "stick.ccb", bundles.load_keys(tmp_path / "post-keys"))
    assert check_cache(db, [], platform_proc.url, [(stick, True)]) == []
    conn = sqlite3.connect(db)
    conn.execute("DELETE FROM bundles WHERE bundle_id=?", (stick.bundle_id,))
    conn.commit()
    conn.close()
    assert any("half imported" in p for p in check_cache(db, [], platform_proc.url, [(stick, False)]))
    assert any("reported imported" in p for p in check_cache(db, [], platform_proc.url, [(stick, True)]))
