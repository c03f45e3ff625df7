"""Replay of a recorded drill: the documents at any moment are the platform's, seeking from
snapshots gives what replaying from zero gives, the run's clock and injects at the moment,
the replay's cache shows exactly the moment (rows of a later moment removed when going
back), and a file that is no recording is named."""
from __future__ import annotations

import random

import pytest

from commandcenter.drills.replay import Recording, RecordingError, Replay
from commandcenter.platform.storage import PlatformStorage
from commandcenter.store import Store
from tests.drills.recording import make_recording


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    return make_recording(tmp_path_factory.mktemp("recorded"))


def test_the_documents_at_the_end_are_the_platforms(recorded):
    db, _ = recorded
    replay = Replay(Recording(db))
    storage = PlatformStorage(db, drill_run="rec-1")
    try:
        for entity in ("incident", "task", "notice", "log", "alarm", "resource"):
            theirs = {d["id"]: d for d in storage.documents(entity)}
            mine = {eid: d for (e, eid), d in replay.final.items() if e == entity}
            assert mine.keys() == theirs.keys(), entity
            for eid, doc in theirs.items():
                assert mine[eid] == doc, (entity, eid)
    finally:
        storage.close()


def test_a_moment_before_the_release_has_no_inject_and_the_run_stood_as_it_was(recorded):
    db, marks = recorded
    replay = Replay(Recording(db))
    before = replay.docs_at(marks["before_release"])
    assert not [d for (e, _), d in before.items() if e == "notice"]
    after = replay.docs_at(replay.recording.end_ms)
    notices = [d for (e, _), d in after.items() if e == "notice"]
    assert len(notices) == 2 and all(d["inject"] == "INJ-001" for d in notices)
    assert any(d["read_by"] == "water" for d in notices)
    run_then = replay.run_at(marks["before_release"])
    assert run_then.state == "running" and run_then.injects["INJ-001"].state == "pending"
    run_end = replay.run_at(replay.recording.end_ms)
    assert run_end.state == "ended"
    assert run_end.injects["INJ-001"].responses  # the answer is in the recording
    assert replay.recording.scenario.id == "tiny-drill"


def test_seeking_from_snapshots_gives_what_replaying_from_zero_gives(recorded):
    db, _ = recorded
    rec = Recording(db)
    fine, zero = Replay(rec, every=4), Replay(rec, every=10**9)
    rng = random.Random(5)
    lo, hi = rec.start_ms, rec.end_ms
    for w in [lo - 1, lo, hi, hi + 1] + [rng.randint(lo, hi) for _ in range(40)]:
        assert fine.docs_at(w) == zero.docs_at(w), w


def test_the_replay_cache_shows_exactly_the_moment_forward_and_back(recorded, tmp_path):
    db, marks = recorded
    replay = Replay(Recording(db), every=8)
    store = Store(tmp_path / "replay.db", mode="drill", run_id="rec-1")
    try:
        end = replay.docs_at(replay.recording.end_ms)
        store.show_state(end)
        assert len(store.query("SELECT id FROM log")) == 30
        early = replay.docs_at(marks["before_release"])
        store.show_state(early, end)  # back: what came later is gone
        assert store.query("SELECT id FROM log") == [] and store.query("SELECT id FROM notices") == []
        store.show_state(end, early)  # and forward again
        assert len(store.query("SELECT id FROM notices")) == 2
        incident = store.query("SELECT * FROM incidents WHERE title='暴雨'")[0]
        assert incident["response_level"] == "4" and incident["mode"] == "drill"
    finally:
        store.close()
    live = Store(tmp_path / "live.db")
    with pytest.raises(Exception, match="only a drill replay"):
        live.show_state({})
    live.close()


def test_a_file_that_is_no_recording_is_named(tmp_path):
    with pytest.raises(RecordingError, match="no such recording"):
        Recording(tmp_path / "nope.db")
    live = PlatformStorage(tmp_path / "live.db")
    live.close()
    with pytest.raises(RecordingError, match="not a drill run's database"):
        Recording(tmp_path / "live.db")
    (tmp_path / "junk.db").write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(RecordingError, match="cannot read the recording"):
        Recording(tmp_path / "junk.db")
