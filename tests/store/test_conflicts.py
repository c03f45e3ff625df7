"""Settling a conflict: accept theirs (a local, audited decision) or re-apply mine (a new,
ordinary operation). Conflict rows are written here in the format record_push_results writes
(docs/sync.md, "Conflict rows"); the end-to-end path with the real platform is in
tests/sync/test_sync_checks.py (check 2)."""
from __future__ import annotations

import json

import pytest

from commandcenter.domain import commands as c
from commandcenter.domain.roles import RoleError, Seat
from commandcenter.store import conflicts


def _incident(store, title="贵州路积水"):
    op = c.report_incident(store.clock.now_ms(), title=title, category="waterlogging", severity="III",
                           org_unit="310101", lon=121.49, lat=31.23)
    store.execute(op)
    return store.get("incident", op.entity_id)


def _lost_update(store, row, field, mine, theirs, author="post-7 张伟"):
    """Our incident.update of `field` lost to the platform's newer value."""
    op = c.Op("incident", row["id"], "incident.update", {field: mine, "updated_ms": store.clock.now_ms()}, row["version"])
    store.execute(op)
    op_id = store.pending_ops()[-1]["op_id"]
    store.record_push_results([{"op_id": op_id, "result": "acked-for-test"}])
    store.conn.execute(
        "INSERT INTO conflicts(entity, entity_id, field, local_value, remote_value, author, at_ms, op_id, kind) "
        "VALUES(?,?,?,?,?,?,?,?,?)",
        ("incident", row["id"], field, json.dumps(mine, ensure_ascii=False), json.dumps(theirs, ensure_ascii=False),
         author, store.clock.now_ms() - 5000, op_id, "conflict: the platform has newer values of " + field),
    )
    # the platform's value arrives by pull
    store.conn.execute(f"UPDATE incidents SET {field}=? WHERE id=?", (theirs, row["id"]))
    return conflicts.open_conflicts(store)[0]


def test_an_open_conflict_shows_both_values_the_author_and_the_item(store):
    row = _incident(store)
    conflict = _lost_update(store, row, "description", "水深30厘米", "水深50厘米，车辆无法通行")
    assert (conflict.field, conflict.mine, conflict.theirs) == ("description", "水深30厘米", "水深50厘米，车辆无法通行")
    assert conflict.author == "post-7 张伟" and conflict.title == "贵州路积水"
    assert conflict.incident_id == row["id"] and conflict.op == "incident.update"
    assert conflict.result == "conflict" and "newer values" in conflict.reason
    assert conflict.reappliable


def test_accept_theirs_settles_it_with_an_audit_entry_and_sends_nothing(store):
    row = _incident(store)
    conflict = _lost_update(store, row, "description", "mine", "theirs")
    pending = store.pending_count()
    audit_before = store.conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0]
    settled = conflicts.accept_theirs(store, conflict.id, user="值班员")
    assert settled.resolution == "theirs" and settled.resolved_ms is not None
    assert conflicts.open_conflicts(store) == []
    assert store.pending_count() == pending  # nothing to push
    assert store.get("incident", row["id"])["description"] == "theirs"
    entry = store.query("SELECT * FROM audit ORDER BY seq DESC LIMIT 1")[0]
    assert store.conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0] == audit_before + 1
    assert (entry["action"], entry["user"], entry["entity_id"]) == ("conflict.accept_theirs", "值班员", row["id"])
    assert json.loads(entry["detail"])["kept"] == "theirs"
    assert store.verify_audit() is None


def test_reapply_mine_is_a_new_operation_that_restores_my_value(store):
    row = _incident(store)
    conflict = _lost_update(store, row, "description", "mine", "theirs")
    settled = conflicts.reapply_mine(store, conflict.id, user="值班员")
    assert settled.resolution == "mine"
    assert store.get("incident", row["id"])["description"] == "mine"
    op = store.pending_ops()[-1]
    assert op["op"] == "incident.update" and op["fields"]["description"] == "mine"
    assert op["base_version"] == store.get("incident", row["id"])["version"] - 1
    entry = store.query("SELECT * FROM audit ORDER BY seq DESC LIMIT 1")[0]
    assert entry["action"] == "incident.update" and "re-applied after conflict" in entry["detail"]


def test_a_conflict_is_settled_once(store):
    row = _incident(store)
    conflict = _lost_update(store, row, "description", "mine", "theirs")
    conflicts.accept_theirs(store, conflict.id)
    audit_count = store.conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0]
    with pytest.raises(conflicts.ConflictError, match="settled already"):
        conflicts.reapply_mine(store, conflict.id)
    with pytest.raises(conflicts.ConflictError, match="settled already"):
        conflicts.accept_theirs(store, conflict.id)
    assert store.conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0] == audit_count
    assert store.get("incident", row["id"])["description"] == "theirs"


def test_a_status_conflict_cannot_be_reapplied(store):
    row = _incident(store)
    store.conn.execute(
        "INSERT INTO conflicts(entity, entity_id, field, local_value, remote_value, author, at_ms, op_id, kind) "
        "VALUES('incident', ?, 'status', '\"responding\"', '\"closed\"', 'center', 1, 'x:1', "
        "'conflict: incident is already closed (generation 0); respond not applied')", (row["id"],))
    conflict = conflicts.open_conflicts(store)[0]
    assert not conflict.reappliable
    pending = store.pending_count()
    with pytest.raises(conflicts.ConflictError, match="status conflict cannot be re-applied"):
        conflicts.reapply_mine(store, conflict.id)
    assert store.pending_count() == pending and conflicts.open_count(store) == 1


def test_reapply_is_checked_against_the_seat_and_a_refusal_changes_nothing(store):
    row = _incident(store)
    conflict = _lost_update(store, row, "description", "mine", "theirs")
    pending = store.pending_count()
    with pytest.raises(RoleError):
        conflicts.reapply_mine(store, conflict.id, seat=Seat("observer"))
    assert store.pending_count() == pending and conflicts.open_count(store) == 1
    assert store.get("incident", row["id"])["description"] == "theirs"


def test_old_rows_without_values_are_shown_without_values(store):
    row = _incident(store)
    store.conn.execute(
        "INSERT INTO conflicts(entity, entity_id, field, local_value, remote_value, author, at_ms, op_id, kind) "
        "VALUES('incident', ?, 'incident.respond', NULL, NULL, 'local', 1, NULL, 'rejected: cannot respond')",
        (row["id"],))
    conflict = conflicts.open_conflicts(store)[0]
    assert conflict.field is None and not conflict.has_values and not conflict.reappliable
    assert conflict.result == "rejected"
