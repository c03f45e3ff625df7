"""`commandcenter audit verify|export` on a real cache file tampered with through sqlite3, as
someone covering their tracks would: exit 0 and a count when intact, else exit 1 and one line
naming the first bad entry; the cache is never written."""
from __future__ import annotations

import csv
import io
import sqlite3

import pytest

from tests.cli_run import run_cli as run
from commandcenter.domain import commands as c
from commandcenter.domain.clock import ManualClock
from commandcenter.store import Store, audit

T0 = 1_784_080_800_000  # 2026-07-15 10:00 +08:00




@pytest.fixture
def data(tmp_path):
    """A closed cache with 5 entries: an incident reported and moved through 4 states."""
    root = tmp_path / "data"
    clock = ManualClock(T0)
    store = Store(root / "cache.db", clock=clock)
    store.execute(c.report_incident(T0, title="积水 <script>", category="water", severity="IV", org_unit="310101",
                                    lon=121.47, lat=31.23, incident_id="inc-1"))
    for action in ("verify", "confirm", "respond", "contain"):
        clock.advance(60_000)
        store.execute(c.transition("incident", store.get("incident", "inc-1"), action, clock.now_ms()))
    store.close()
    return root


def tamper(root, *statements, tip=True):
    """Change the cache behind the store's back. With `tip`, first record the tip as the store
    does with every entry (a no-op once the store writes it itself)."""
    raw = sqlite3.connect(root / "cache.db")
    if not tip:  # a cache written before the store kept the tip
        raw.execute("DELETE FROM meta WHERE key = ?", (audit.TIP_KEY,))
    if tip:
        seq, digest = raw.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        raw.execute("INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)",
                    (audit.TIP_KEY, audit.encode_tip(seq, digest)))
    for sql in statements:
        raw.execute(sql)
    raw.commit()
    raw.close()


def verify(root, capsys):
    before = (root / "cache.db").read_bytes()
    names = sorted(p.name for p in root.iterdir())
    result = run(["audit", "verify", "--data-dir", str(root)], capsys)
    assert (root / "cache.db").read_bytes() == before  # nothing written
    assert sorted(p.name for p in root.iterdir()) == names  # nor beside it
    return result


def test_an_intact_log_exits_0_with_the_count(data, capsys):
    code, out, err = verify(data, capsys)
    assert code == 0 and err == ""
    assert "audit log intact: 5 entries checked" in out
    assert "no tip recorded" not in out  # the store records the tip with every commit
    tamper(data)
    code, out, _ = verify(data, capsys)
    assert code == 0 and "5 entries checked" in out and "no tip" not in out


def test_a_changed_detail_names_the_entry_its_action_entity_and_time(data, capsys):
    tamper(data, "UPDATE audit SET detail = replace(detail, 'confirmed', 'cancelled') WHERE seq=3")
    code, out, err = verify(data, capsys)
    assert code == 1 and out == ""
    assert err.count("\n") == 1
    assert "audit entry 3 (incident.confirm, incident inc-1, 2026-07-15T10:02:00+08:00): hash mismatch" in err
    assert str(data / "cache.db") in err


def test_a_deleted_middle_row_is_a_gap(data, capsys):
    tamper(data, "DELETE FROM audit WHERE seq=2")
    code, _, err = verify(data, capsys)
    assert code == 1 and "audit entry 3 (incident.confirm" in err and "gap: entry 2 is missing" in err


def test_a_deleted_last_row_is_found_against_the_recorded_tip(data, capsys):
    tamper(data, "DELETE FROM audit WHERE seq=5")
    code, _, err = verify(data, capsys)
    assert code == 1 and "audit entry 5: truncated: the log ends at entry 4" in err


def test_a_deleted_last_row_without_a_tip_cannot_be_seen(data, capsys):
    """The limit of a chain alone (a cache from before the tip): documented, not hidden."""
    tamper(data, "DELETE FROM audit WHERE seq=5", tip=False)
    code, out, _ = verify(data, capsys)
    assert code == 0 and "4 entries checked" in out and "cannot be detected" in out


def test_swapped_rows_are_a_broken_link(data, capsys):
    tamper(data, "UPDATE audit SET seq = -2 WHERE seq = 2", "UPDATE audit SET seq = 2 WHERE seq = 3",
           "UPDATE audit SET seq = 3 WHERE seq = -2")
    code, _, err = verify(data, capsys)
    assert code == 1 and "audit entry 2 (incident.confirm" in err and "broken link" in err


def test_an_inserted_row_with_a_valid_hash_is_not_recorded_by_the_store(data, capsys):
    tamper(data)
    raw = sqlite3.connect(data / "cache.db")
    prev = raw.execute("SELECT hash FROM audit WHERE seq=5").fetchone()[0]
    entry = {"seq": 6, "ts_ms": T0 + 600_000, "user": "mallory", "action": "incident.close", "entity": "incident",
             "entity_id": "inc-1", "detail": "{}"}
    raw.execute("INSERT INTO audit VALUES(:seq,:ts_ms,:user,:action,:entity,:entity_id,:detail,:p,:h)",
                {**entry, "p": prev, "h": audit.entry_hash(prev, entry)})
    raw.commit()
    raw.close()
    code, _, err = verify(data, capsys)
    assert code == 1 and "audit entry 6 (incident.close" in err and "not recorded by the store" in err


def test_no_cache_or_not_a_database_exits_1_naming_the_file(tmp_path, capsys):
    empty = tmp_path / "empty"
    code, out, err = run(["audit", "verify", "--data-dir", str(empty)], capsys)
    assert code == 1 and f"{empty / 'cache.db'}: no such cache file" in err and out == ""
    assert not empty.exists()  # not even the folder
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "cache.db").write_bytes(b"not a database at all" * 200)
    before = (bad / "cache.db").read_bytes()
    code, _, err = run(["audit", "verify", "--data-dir", str(bad)], capsys)
    assert code == 1 and str(bad / "cache.db") in err and err.count("\n") == 1
    assert (bad / "cache.db").read_bytes() == before


def test_export_writes_the_selected_entries_as_csv(data, tmp_path, capsys):
    out = tmp_path / "audit.csv"
    before = (data / "cache.db").read_bytes()
    code, stdout, err = run(["audit", "export", "--out", str(out), "--data-dir", str(data),
                             "--since", "2026-07-15T10:01", "--until", "2026-07-15T10:03+08:00",
                             "--action", "incident."], capsys)
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline="")))
    assert [r["action"] for r in rows] == ["incident.verify", "incident.confirm"]
    assert rows[0]["time"] == "2026-07-15T10:01:00+08:00" and "exported 2 audit entries" in stdout
    assert (data / "cache.db").read_bytes() == before
    code, _, _ = run(["audit", "export", "--out", str(out), "--data-dir", str(data), "--user", "nobody"], capsys)
    assert code == 0 and out.read_bytes().decode("utf-8-sig").count("\n") == 1  # the header only


@pytest.mark.parametrize("args, message", [
    (["--out", "{tmp}/x.txt"], "--out must be a .csv file"),
    (["--out", "{tmp}/missing/x.csv"], "--out folder does not exist"),
    (["--out", "{tmp}"], "--out is a folder"),
    (["--out", "{tmp}/x.csv", "--since", "2026-07-16", "--until", "2026-07-15"], "--since must be before --until"),
    (["--out", "{tmp}/x.csv", "--since", "yesterday"], "not an ISO 8601 time"),
])
def test_export_refuses_bad_arguments_and_writes_nothing(data, tmp_path, capsys, args, message):
    argv = ["audit", "export", "--data-dir", str(data)] + [a.format(tmp=tmp_path) for a in args]
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = run(argv, capsys)
    assert code == 2 and message in err and err.count("\n") == 1 and out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == before
