"""Sample history in the client store: rollups kept on ingest, retention, and chart series."""
from __future__ import annotations

import random

import pytest

from commandcenter.store import Store
from commandcenter.store.db import HOUR_MS, MINUTE_MS, SAMPLES_1H_KEEP_MS, SAMPLES_1M_KEEP_MS, SAMPLES_KEEP_MS

T0 = 1_784_080_800_000  # a whole hour
DAY_MS = 24 * HOUR_MS


def expected_rollups(raw: dict[tuple[str, int], float], width: int) -> dict[tuple[str, int], tuple]:
    """(indicator, bucket) -> (n, min, max, sum, last), computed in Python from raw samples."""
    groups: dict[tuple[str, int], list[tuple[int, float]]] = {}
    for (code, ts), value in raw.items():
        groups.setdefault((code, ts - ts % width), []).append((ts, value))
    out = {}
    for key, items in groups.items():
        values = [v for _, v in items]
        out[key] = (len(values), min(values), max(values), sum(values), max(items)[1])
    return out


def rollups(store: Store, table: str) -> dict[tuple[str, int], tuple]:
    return {
        (r[0], r[1]): (r[2], r[3], r[4], r[5], r[6])
        for r in store.conn.execute(f"SELECT indicator, bucket_ms, n, min, max, sum, last FROM {table}")
    }


def assert_rollups_match(store: Store, raw: dict[tuple[str, int], float]) -> None:
    for table, width in (("samples_1m", MINUTE_MS), ("samples_1h", HOUR_MS)):
        got, want = rollups(store, table), expected_rollups(raw, width)
        assert got.keys() == want.keys(), table
        for key in want:
            n, lo, hi, total, last = got[key]
            assert (n, lo, hi, last) == want[key][:3] + want[key][4:], (table, key)
            assert total == pytest.approx(want[key][3]), (table, key)


def test_rollups_equal_what_the_raw_samples_give_whatever_the_batches(store):
    rng = random.Random(7)
    raw: dict[tuple[str, int], float] = {}
    rows = []
    for code in ("rain_1h", "traffic_index", "power_load"):
        for k in range(0, 2 * 3600 + 600, 7):  # two hours and more, not on minute edges
            value = round(rng.uniform(-5, 50), 3)
            rows.append((code, T0 + k * 1000 + 123, value))
            raw[(code, T0 + k * 1000 + 123)] = value
    rng.shuffle(rows)
    # live-sized batches, a back-fill-sized one, and a single sample
    store.ingest_samples(rows[:64])
    store.ingest_samples(rows[64:5000])
    for k in range(5000, len(rows) - 1, 40):
        store.ingest_samples(rows[k:k + 40])
    store.ingest_samples(rows[-1:])

    assert_rollups_match(store, raw)
    assert rollups(store, "samples_1h")[("rain_1h", T0 + HOUR_MS)][0] == len(range(3600 // 7 + 1, 7200 // 7 + 1))


def test_a_repeated_batch_changes_no_rollup_and_a_corrected_value_replaces_the_old_one(store):
    rows = [("rain_1h", T0 + k * 1000, float(k % 13)) for k in range(0, 3 * 60)]
    store.ingest_samples(rows)
    before = (rollups(store, "samples_1m"), rollups(store, "samples_1h"))

    store.ingest_samples(rows)  # the same samples again (a back-fill overlapping the stream)
    store.ingest_samples(rows[10:20] + rows[10:20])

    assert (rollups(store, "samples_1m"), rollups(store, "samples_1h")) == before
    assert before[1][("rain_1h", T0)][0] == 180

    store.ingest_samples([("rain_1h", T0 + 5000, 99.0)])  # the platform corrected a sample
    raw = {(code, ts): v for code, ts, v in rows}
    raw[("rain_1h", T0 + 5000)] = 99.0
    assert_rollups_match(store, raw)
    assert rollups(store, "samples_1m")[("rain_1h", T0)][:3] == (60, 0.0, 99.0)


def test_prune_keeps_raw_for_48_h_minutes_for_30_days_and_hours_for_2_years(store):
    now = T0 + 800 * DAY_MS
    ages = {
        "raw_kept": SAMPLES_KEEP_MS - MINUTE_MS,
        "raw_gone": SAMPLES_KEEP_MS + 2 * HOUR_MS,
        "minute_gone": SAMPLES_1M_KEEP_MS + 2 * HOUR_MS,
        "all_gone": SAMPLES_1H_KEEP_MS + 2 * HOUR_MS,
    }
    for code, age in ages.items():
        start = now - age
        start -= start % HOUR_MS
        store.ingest_samples([(code, start + k * 1000, 1.0) for k in range(120)])

    removed = store.prune_samples(now)

    counts = {
        table: dict(store.conn.execute(f"SELECT indicator, COUNT(*) FROM {table} GROUP BY indicator").fetchall())
        for table in ("samples", "samples_1m", "samples_1h")
    }
    assert counts["samples"] == {"raw_kept": 120}
    assert counts["samples_1m"] == {"raw_kept": 2, "raw_gone": 2}
    assert counts["samples_1h"] == {"raw_kept": 1, "raw_gone": 1, "minute_gone": 1}
    assert removed == {"samples": 360, "samples_1m": 4, "samples_1h": 1}
    assert store.prune_samples(now) == {"samples": 0, "samples_1m": 0, "samples_1h": 0}


def test_series_picks_raw_minutes_or_hours_so_a_chart_gets_at_most_max_points(store):
    rows = [("power_load", T0 + k * 1000, float(k % 60)) for k in range(6 * 3600)]  # 6 h at 1 Hz
    store.ingest_samples(rows)

    ten_minutes = store.series("power_load", T0, T0 + 600_000 - 1)
    assert len(ten_minutes) == 600 and ten_minutes[0] == (T0, 0.0, 0.0, 0.0)  # raw: mean=min=max

    six_hours = store.series("power_load", T0, T0 + 6 * HOUR_MS, max_points=2000)
    assert len(six_hours) == 360  # minute buckets
    assert six_hours[1] == (T0 + MINUTE_MS, pytest.approx(29.5), 0.0, 59.0)

    hours = store.series("power_load", T0, T0 + 6 * HOUR_MS, max_points=100)
    assert [p[0] for p in hours] == [T0 + h * HOUR_MS for h in range(6)]
    assert hours[0][1:] == (pytest.approx(29.5), 0.0, 59.0)

    merged = store.series("power_load", T0, T0 + 6 * HOUR_MS, max_points=3)
    assert len(merged) == 3 and merged[1][0] == T0 + 2 * HOUR_MS
    assert store.series("power_load", T0 - DAY_MS, T0 - 1) == []
    assert store.series("rain_1h", T0, T0 + HOUR_MS) == []


def test_series_shows_the_pruned_part_of_a_range_from_minutes_not_as_a_hole(store):
    now = T0 + 3 * DAY_MS
    old = [("rain_1h", now - 50 * HOUR_MS + k * 1000, 2.0) for k in range(300)]  # raw pruned
    fresh = [("rain_1h", now - 10 * 60_000 + k * 1000, 4.0) for k in range(300)]
    store.ingest_samples(old + fresh)
    store.prune_samples(now)
    assert store.samples_since("rain_1h", 0)[0][0] == fresh[0][1]

    points = store.series("rain_1h", now - 51 * HOUR_MS, now)

    assert len(points) == 10  # 600 raw samples would fit, but only minutes cover the range
    assert points[0] == (old[0][1], 2.0, 2.0, 2.0) and points[-1][1:] == (4.0, 4.0, 4.0)


def test_migration_4_builds_rollups_for_samples_already_cached(tmp_path):
    import sqlite3

    from commandcenter.store.schema import MIGRATIONS

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)  # a cache as schema version 3 left it
    for version in (1, 2, 3):
        for statement in MIGRATIONS[version]:
            conn.execute(statement)
    raw = {("rain_1h", T0 + k * 1500): float(k) for k in range(200)}
    conn.executemany("INSERT INTO samples VALUES (?,?,?)", [(c, t, v) for (c, t), v in raw.items()])
    conn.execute("PRAGMA user_version=3")
    conn.commit()
    conn.close()

    store = Store(path)
    try:
        assert_rollups_match(store, raw)
    finally:
        store.close()
