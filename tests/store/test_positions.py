"""Unit positions in the local cache: telemetry beside the documents, pruned, migrated in."""
from __future__ import annotations

import sqlite3

import pytest

from commandcenter.store import Store
from commandcenter.store.schema import MIGRATIONS, SCHEMA_VERSION

T0 = 1_784_080_800_000


def track(unit: str, start_ms: int, n: int, lon: float = 121.47, step_s: int = 1) -> list[tuple]:
    """A unit driving east, one position every `step_s` seconds."""
    return [(unit, start_ms + i * step_s * 1000, lon + i * 0.0001, 31.23, 90.0, 9.5) for i in range(n)]


def test_positions_are_stored_read_back_newest_first_and_duplicates_ignored(store):
    assert store.ingest_positions(track("fire-1", T0, 5) + track("amb-1", T0 + 500, 3, lon=121.45)) == 8
    assert store.ingest_positions(track("fire-1", T0 + 3000, 4)) == 2  # two of them already held

    latest = store.latest_positions()
    assert latest == {
        "fire-1": (T0 + 6000, pytest.approx(121.4703), 31.23, 90.0),
        "amb-1": (T0 + 2500, pytest.approx(121.4502), 31.23, 90.0),
    }
    # the first of two positions at the same instant is kept
    assert store.trails(T0 + 3000, ["fire-1"])["fire-1"][0] == (T0 + 3000, pytest.approx(121.4703), 31.23)
    trails = store.trails(T0 + 2000)
    assert [ts for ts, _, _ in trails["fire-1"]] == [T0 + k * 1000 for k in range(2, 7)]  # oldest first
    assert trails["amb-1"] == [(T0 + 2500, pytest.approx(121.4502), 31.23)]
    assert store.trails(T0 + 5000, ["amb-1", "nobody"]) == {}
    assert list(store.trails(T0, ["amb-1"])) == ["amb-1"]
    assert store.ingest_positions([]) == 0


def test_positions_write_no_outbox_audit_or_resource_row_and_keep_full_durability(store):
    store.ingest_positions(track("fire-1", T0, 10))

    assert store.pending_count() == 0
    assert store.query("SELECT COUNT(*) AS n FROM audit")[0]["n"] == 0
    assert store.get("resource", "fire-1") is None
    assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL again for commands


def test_prune_removes_only_positions_older_than_the_cut(store):
    store.ingest_positions(track("fire-1", T0, 10) + track("amb-1", T0, 10))

    assert store.prune_positions(T0 + 4000) == 8
    assert store.prune_positions(T0 + 4000) == 0
    trails = store.trails(0)
    assert {uid: len(points) for uid, points in trails.items()} == {"fire-1": 6, "amb-1": 6}
    assert trails["fire-1"][0][0] == T0 + 4000
    assert store.prune_positions(T0 + 60_000) == 12 and store.latest_positions() == {}


def test_migration_3_adds_positions_to_a_version_2_file_and_keeps_its_data(tmp_path, clock):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for version in (1, 2):
        for statement in MIGRATIONS[version]:
            conn.execute(statement)
    conn.execute(
        "INSERT INTO resources(id, name, kind, department, status, lon, lat, heading, version, server_version) "
        "VALUES('fire-1', '黄浦消防车01', 'fire_engine', 'fire', 'on_scene', 121.48, 31.23, 45.0, 3, 7)"
    )
    conn.execute("INSERT INTO samples VALUES('rain_1h', ?, 12.5)", (T0,))
    conn.execute("INSERT INTO meta VALUES('cursor', '42')")
    conn.execute("PRAGMA user_version=2")
    conn.commit()
    conn.close()

    store = Store(path, clock=clock)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 3
        row = store.get("resource", "fire-1")
        assert (row["status"], row["heading"], row["server_version"]) == ("on_scene", 45.0, 7)
        assert store.samples_since("rain_1h", 0) == [(T0, 12.5)]
        assert store.cursor == 42
        assert store.ingest_positions(track("fire-1", T0, 3)) == 3
    finally:
        store.close()

    again = Store(path, clock=clock)
    try:
        assert again.latest_positions()["fire-1"][0] == T0 + 2000
        assert again.integrity_ok()
    finally:
        again.close()
