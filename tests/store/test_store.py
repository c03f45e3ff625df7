"""The local cache: atomic commands, outbox, audit chain, node id, clock, pull merge."""
from __future__ import annotations

import shutil
import sqlite3

import pytest

from commandcenter.domain import commands as c
from commandcenter.domain.ids import uuid7
from commandcenter.store import Store, StoreError
from commandcenter.store.hlc import HybridClock, Timestamp
from commandcenter.store.schema import SCHEMA_VERSION


def report(store, title="积水", **kw):
    op = c.report_incident(store.clock.now_ms(), title=title, category="waterlogging", severity="III",
                           org_unit="310101", lon=121.49, lat=31.23, **kw)
    store.execute(op)
    return store.get("incident", op.entity_id)


def test_pragmas_and_schema(store):
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_command_writes_row_outbox_and_audit_together(store, hooks):
    seen = []
    hooks.changes_did_commit.append(seen.append)
    row = report(store)
    assert row["status"] == "reported" and row["version"] == 1
    ops = store.pending_ops()
    assert [o["op"] for o in ops] == ["incident.report"]
    assert ops[0]["op_id"] == f"{store.node_id}:1"
    audit = store.query("SELECT * FROM audit")
    assert len(audit) == 1 and audit[0]["entity_id"] == row["id"]
    assert seen and seen[0].entities == {"incident": frozenset({row["id"]})}


def test_a_failing_command_changes_nothing(store, hooks):
    row = report(store)
    seen = []
    hooks.changes_did_commit.append(seen.append)
    good = c.transition("incident", row, "verify", 1)
    stale = c.transition("incident", row, "confirm", 2)  # made against version 1, applied at 2
    with pytest.raises(StoreError, match="changed meanwhile"):
        store.execute([good, stale])
    assert store.get("incident", row["id"])["status"] == "reported"
    assert store.pending_count() == 1
    assert len(store.query("SELECT * FROM audit")) == 1
    assert not seen
    # and the clock did not keep a stamp of the rolled-back write
    assert store.meta("hlc") == store.hlc.last.encode()


def test_local_seq_is_gapless_and_survives_reopen(tmp_path, clock):
    s = Store(tmp_path / "a.db", clock=clock)
    row = report(s)
    s.execute(c.transition("incident", row, "verify", 1))
    node = s.node_id
    s.close()
    s = Store(tmp_path / "a.db", clock=clock)
    assert s.node_id == node
    row = s.get("incident", row["id"])
    s.execute(c.transition("incident", row, "confirm", 2))
    assert [o["local_seq"] for o in s.pending_ops()] == [1, 2, 3]
    s.close()


def test_a_copied_file_takes_a_new_node_id(tmp_path, clock):
    s = Store(tmp_path / "a.db", clock=clock)
    report(s)
    node = s.node_id
    s.close()
    shutil.copy(tmp_path / "a.db", tmp_path / "b.db")
    t = Store(tmp_path / "b.db", clock=clock)
    assert t.node_id != node and t.meta("previous_node_id") == node
    report(t, "second")
    # the copied op keeps its origin; the new one starts the new node's sequence at 1 (pushed
    # after it, in stamp order)
    assert [(o["node_id"], o["local_seq"]) for o in t.pending_ops()] == [(node, 1), (t.node_id, 1)]
    t.close()


def test_audit_chain_detects_changed_and_removed_rows(tmp_path, clock):
    s = Store(tmp_path / "a.db", clock=clock)
    row = report(s)
    for action in ("verify", "confirm", "respond"):
        s.execute(c.transition("incident", row, action, 1))
        row = s.get("incident", row["id"])
    assert s.verify_audit() is None
    raw = sqlite3.connect(tmp_path / "a.db")
    raw.execute("UPDATE audit SET user='mallory' WHERE seq=2")
    raw.commit()
    assert s.verify_audit() == 2
    raw.execute("UPDATE audit SET user='local' WHERE seq=2")
    raw.commit()
    assert s.verify_audit() is None
    raw.execute("DELETE FROM audit WHERE seq=3")
    raw.commit()
    assert s.verify_audit() == 4
    raw.close()
    s.close()


def test_newer_schema_is_refused(tmp_path, clock):
    raw = sqlite3.connect(tmp_path / "new.db")
    raw.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    raw.close()
    with pytest.raises(StoreError, match="newer"):
        Store(tmp_path / "new.db", clock=clock)


def test_push_results_acknowledge_and_keep_conflicts(store):
    row = report(store)
    store.execute(c.transition("incident", row, "verify", 1))
    ops = store.pending_ops()
    store.record_push_results([
        {"op_id": ops[0]["op_id"], "result": "applied"},
        {"op_id": ops[1]["op_id"], "result": "conflict", "reason": "already closed"},
    ])
    assert store.pending_count() == 0
    conflicts = store.query("SELECT * FROM conflicts")
    assert len(conflicts) == 1 and "already closed" in conflicts[0]["kind"]


def server_doc(row, **kw):
    doc = {k: v for k, v in row.items()}
    doc.update(kw)
    return doc


def test_pull_inserts_and_moves_cursor_with_the_data(store):
    iid = uuid7()
    doc = {"id": iid, "title": "remote", "status": "confirmed", "generation": 0, "severity": "II",
           "category": "flood", "version": 3, "hlc": Timestamp(store.clock.now_ms() + 5, 0, "srv").encode(),
           "new_server_field": "kept"}
    store.apply_pull([{"seq": 7, "entity": "incident", "entity_id": iid, "doc": doc}], 7, "epoch-1")
    row = store.get("incident", iid)
    assert row["title"] == "remote" and row["new_server_field"] == "kept"
    assert store.cursor == 7 and store.epoch == "epoch-1"
    assert store.hlc.last.wall_ms >= store.clock.now_ms() + 5


def pulled(store, row, seq, **kw):
    doc = server_doc(row, **kw)
    store.apply_pull([{"seq": seq, "entity": "incident", "entity_id": row["id"], "doc": doc}], seq, "e")
    return store.get("incident", row["id"])


def test_pull_skips_documents_older_than_the_version_held(store):
    row = report(store)
    store.record_push_results([{"op_id": o["op_id"], "result": "applied"} for o in store.pending_ops()], "e")
    now = pulled(store, row, 5, status="responding", version=5)
    assert now["status"] == "responding" and now["server_version"] == 5
    now = pulled(store, row, 6, status="confirmed", version=3)  # a late, older document
    assert now["status"] == "responding"
    assert store.cursor == 6  # the cursor still moves past it


def test_pull_applies_moves_the_platform_validated_even_to_an_earlier_rank(store):
    row = report(store)
    store.record_push_results([{"op_id": o["op_id"], "result": "applied"} for o in store.pending_ops()], "e")
    pulled(store, row, 1, status="closed", version=4)
    reopened = pulled(store, row, 2, status="reported", generation=1, version=5)
    assert reopened["status"] == "reported" and reopened["generation"] == 1


def test_pull_keeps_fields_of_operations_still_pending(store):
    row = report(store)
    for action in ("confirm", "respond"):
        store.execute(c.transition("incident", row, action, 1))
        row = store.get("incident", row["id"])
    store.record_push_results([{"op_id": o["op_id"], "result": "applied"} for o in store.pending_ops()], "e")
    store.execute(c.set_response_level(row, "2", 2))
    now = pulled(store, row, 1, status="responding", response_level=None, title="server title", version=4)
    assert now["response_level"] == "2"  # our pending write survives until pushed
    assert now["title"] == "server title"  # other fields take the server's value
    before = now["version"]
    with pytest.raises(StoreError, match="changed meanwhile"):
        store.execute(c.transition("incident", row, "contain", 3))  # made against the old row
    assert store.get("incident", row["id"])["version"] == before


def test_a_new_platform_epoch_requeues_what_the_old_one_acknowledged(store):
    row = report(store)
    store.execute(c.transition("incident", row, "verify", 1))
    ops = store.pending_ops()
    store.record_push_results([{"op_id": o["op_id"], "result": "applied"} for o in ops], "epoch-A")
    pulled(store, row, 9, status="verifying", version=2)
    assert store.pending_count() == 0 and store.cursor == 9
    store.execute(c.transition("incident", store.get("incident", row["id"]), "confirm", 2))
    assert store.begin_epoch("epoch-B") == 2
    assert [o["local_seq"] for o in store.pending_ops()] == [1, 2, 3]  # nothing lost, in order
    assert store.cursor == 0 and store.epoch == "epoch-B" and store.meta("previous_epoch") == "e"
    assert store.get("incident", row["id"])["server_version"] is None
    # the new epoch's versions count from 1 again and are applied
    assert pulled(store, row, 1, status="confirmed", version=1)["status"] == "confirmed"


def test_a_failed_pull_page_leaves_cursor_and_data(store):
    good = {"id": uuid7(), "title": "a", "status": "reported", "generation": 0, "version": 1}
    bad = {"id": uuid7(), "status": "reported", "version": 1}  # title NOT NULL
    with pytest.raises(sqlite3.IntegrityError):
        store.apply_pull([
            {"seq": 1, "entity": "incident", "entity_id": good["id"], "doc": good},
            {"seq": 2, "entity": "incident", "entity_id": bad["id"], "doc": bad},
        ], 2, "e")
    assert store.cursor == 0 and store.get("incident", good["id"]) is None


def test_samples_ingest_in_batches(store):
    n = store.ingest_samples([("rain_1h", 1000 + i, float(i)) for i in range(500)])
    assert n == 500
    assert store.samples_since("rain_1h", 1400)[:2] == [(1400, 400.0), (1401, 401.0)]
    assert store.latest_samples()["rain_1h"] == (1499, 499.0)
    assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # back to FULL


def test_hlc_is_monotonic_and_merges_remote():
    clk = HybridClock("a")
    t1 = clk.tick(100)
    t2 = clk.tick(100)
    t3 = clk.tick(50)  # wall clock went back
    assert t1 < t2 < t3
    remote = Timestamp(10_000_000, 4, "b")
    t4, flagged = clk.receive(remote, 100)
    assert t4 > remote and flagged
    assert Timestamp.decode(t4.encode()) == t4
    assert t3.encode() < t4.encode()  # fixed width: strings sort like timestamps


def test_uuid7_is_time_ordered_and_valid():
    import uuid

    a, b = uuid7(1000), uuid7(2000)
    assert a < b and uuid.UUID(a).version == 7 and uuid.UUID(a).variant == uuid.RFC_4122


def test_sqlite_utils_sees_the_same_database(store):
    report(store)
    assert store.db["incidents"].count == 1
    assert "server_version" in store.db["tasks"].columns_dict
