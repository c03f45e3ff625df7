"""The audit chain says which entry is bad and why: changed, removed, moved, inserted, and
(with the store's recorded tip) the newest entries removed."""
from __future__ import annotations

import sqlite3

import pytest

from commandcenter.domain import commands as c
from commandcenter.store import Store, audit


def chain(n: int) -> list[dict]:
    """n valid entries, as the store writes them."""
    rows, prev = [], audit.GENESIS
    for seq in range(1, n + 1):
        entry = {"seq": seq, "ts_ms": 1_784_080_800_000 + seq * 1000, "user": "u", "action": "task.accept",
                 "entity": "task", "entity_id": f"t{seq}", "detail": '{"note":""}'}
        digest = audit.entry_hash(prev, entry)
        rows.append({**entry, "prev_hash": prev, "hash": digest})
        prev = digest
    return rows


def test_an_intact_chain_passes_and_counts_its_entries():
    rows = chain(5)
    assert audit.check_chain(rows) == (5, None)
    assert audit.check_chain(rows, (5, rows[-1]["hash"])) == (5, None)
    assert audit.verify_chain(rows) is None
    assert audit.check_chain([], None) == (0, None)


def test_a_changed_entry_is_a_hash_mismatch_named_with_its_action_entity_and_time():
    rows = chain(4)
    rows[2] = {**rows[2], "detail": '{"note":"forged"}'}
    _, found = audit.check_chain(rows)
    assert (found.seq, found.problem) == (3, audit.HASH_MISMATCH)
    assert found.message == ("audit entry 3 (task.accept, task t3, 2026-07-15T10:00:03+08:00): hash mismatch: "
                             "the entry was changed after it was written")
    assert audit.verify_chain(rows) == 3  # the old contract still holds


def test_a_removed_middle_entry_is_a_gap_at_the_next_one():
    rows = chain(5)
    del rows[1]
    _, found = audit.check_chain(rows)
    assert (found.seq, found.problem, found.expected_seq) == (3, audit.GAP, 2)
    assert "gap: entry 2 is missing" in found.message
    del rows[1]
    assert "entries 2..3 are missing" in audit.check_chain(rows)[1].message


def test_renumbered_after_a_removal_is_a_broken_link():
    rows = chain(4)
    del rows[1]
    rows[1] = {**rows[1], "seq": 2}
    rows[2] = {**rows[2], "seq": 3}
    _, found = audit.check_chain(rows)
    assert (found.seq, found.problem) == (2, audit.BROKEN_LINK)


def test_two_swapped_entries_are_found_at_the_first_of_them():
    rows = chain(4)
    a, b = dict(rows[1]), dict(rows[2])
    rows[1] = {**b, "seq": 2}
    rows[2] = {**a, "seq": 3}
    _, found = audit.check_chain(rows)
    assert found.seq == 2 and found.problem == audit.BROKEN_LINK


def test_the_newest_entries_removed_are_found_only_against_the_tip():
    rows = chain(5)
    tip = (5, rows[-1]["hash"])
    assert audit.check_chain(rows[:3]) == (3, None)  # a chain alone cannot tell
    _, found = audit.check_chain(rows[:3], tip)
    assert (found.seq, found.problem) == (4, audit.TRUNCATED)
    assert "ends at entry 3" in found.message and "entries 4..5 removed" in found.message
    _, found = audit.check_chain([], tip)
    assert found.seq == 1 and found.problem == audit.TRUNCATED


def test_a_rewritten_chain_or_an_appended_entry_disagrees_with_the_tip():
    rows = chain(3)
    other = chain(3)
    other[-1] = dict(other[-1])
    _, found = audit.check_chain(rows, (3, "f" * 64))
    assert (found.seq, found.problem) == (3, audit.TIP_MISMATCH)
    _, found = audit.check_chain(rows, (2, rows[1]["hash"]))
    assert (found.seq, found.problem) == (3, audit.UNRECORDED)
    assert "inserted" in found.message
    assert audit.check_chain(rows, audit.decode_tip("garbage"))[1].problem == audit.TIP_MISMATCH


def test_tips_round_trip():
    assert audit.decode_tip(audit.encode_tip(7, "ab")) == (7, "ab")
    assert audit.decode_tip(None) is None


def make_cache(path, clock, n_transitions=3):
    s = Store(path, clock=clock)
    s.execute(c.report_incident(clock.now_ms(), title="积水", category="water", severity="IV",
                                org_unit="310101", lon=121.47, lat=31.23, incident_id="inc-1"))
    row = s.get("incident", "inc-1")
    for action in ("verify", "confirm", "respond")[:n_transitions]:
        clock.advance(60_000)
        s.execute(c.transition("incident", row, action, clock.now_ms()))
        row = s.get("incident", "inc-1")
    return s


def test_verify_file_reads_a_real_cache_without_writing(tmp_path, clock):
    s = make_cache(tmp_path / "cache.db", clock)
    s.close()
    before = (tmp_path / "cache.db").read_bytes()
    result = audit.verify_file(tmp_path / "cache.db")
    assert result.intact and result.checked == 4
    assert (tmp_path / "cache.db").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache.db"]


def test_verify_file_names_a_missing_or_foreign_file(tmp_path):
    with pytest.raises(audit.AuditFileError, match="no such cache file"):
        audit.verify_file(tmp_path / "nope.db")
    (tmp_path / "junk.db").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(audit.AuditFileError, match="junk.db: cannot read the audit log"):
        audit.verify_file(tmp_path / "junk.db")
    other = sqlite3.connect(tmp_path / "other.db")
    other.execute("CREATE TABLE t(x)")
    other.close()
    with pytest.raises(audit.AuditFileError, match="no audit table"):
        audit.verify_file(tmp_path / "other.db")


def test_filters_select_entries_for_the_view_and_the_export(tmp_path, clock):
    s = make_cache(tmp_path / "cache.db", clock)
    s.execute(c.report_incident(clock.now_ms(), title="火情", category="fire", severity="III",
                                org_unit="310101", lon=121.47, lat=31.23, incident_id="inc-2"), user="王五")
    conn = s.conn
    assert [r[0] for r in audit.page(conn, audit.AuditFilter())] == [5, 4, 3, 2, 1]
    assert [r[0] for r in audit.page(conn, audit.AuditFilter(), before_seq=3, limit=1)] == [2]
    assert [r[0] for r in audit.page(conn, audit.AuditFilter(user="王五"))] == [5]
    assert [r[0] for r in audit.page(conn, audit.AuditFilter(text="火情"))] == [5]
    assert [r[0] for r in audit.page(conn, audit.AuditFilter(action="incident.verify"))] == [2]
    assert len(audit.page(conn, audit.AuditFilter(action="incident."))) == 5
    assert audit.page(conn, audit.AuditFilter(action="incident.ver")) == []  # not a prefix match
    assert audit.page(conn, audit.AuditFilter(text="%")) == []  # LIKE wildcards are literal
    t2 = clock.now_ms() - 3 * 60_000 + 60_000  # the second entry's time
    assert [r[0] for r in audit.page(conn, audit.AuditFilter(since_ms=t2, until_ms=t2 + 1))] == [2]
    assert audit.distinct_values(conn, "user") == ["local", "王五"]
    data, n = audit.export_csv(conn, audit.AuditFilter(entity="incident", user="local"))
    text = data.decode("utf-8-sig").splitlines()
    assert n == 4 and text[0].startswith("seq,time,ts_ms,user,role,action")
    assert text[1].startswith("1,2026-07-15T10:00:00+08:00,")
    s.close()


def test_a_note_that_looks_like_a_formula_is_quoted_in_the_csv(tmp_path, clock):
    s = make_cache(tmp_path / "cache.db", clock, 0)
    row = s.get("incident", "inc-1")
    s.execute(c.set_response_level(row, "4", clock.now_ms(), plan="=HYPERLINK(\"x\")"))
    data, _ = audit.export_csv(s.conn, audit.AuditFilter(action="incident.set_response_level"))
    assert "'=HYPERLINK" in data.decode("utf-8-sig")
    s.close()


def test_the_store_records_the_tip_in_the_same_transaction(tmp_path, clock):
    s = make_cache(tmp_path / "cache.db", clock)
    last = s.query("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")[0]
    assert audit.decode_tip(s.meta(audit.TIP_KEY)) == (last["seq"], last["hash"])
    s.close()
