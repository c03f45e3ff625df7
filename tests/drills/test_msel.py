"""MSEL CSV out of a drill and back (`export msel`, `import msel`): the round trip keeps every
inject and the rest of the file; a bad CSV names its line and column and changes nothing."""
from __future__ import annotations

import csv
import dataclasses
import io
import shutil
from pathlib import Path

import pytest

from commandcenter.drills.msel import COLUMNS, MselError, export_msel, import_msel
from commandcenter.drills.scenario import load_scenario
from tests.cli_run import run_cli

REPO = Path(__file__).resolve().parents[2]
TINY = Path(__file__).parent / "data" / "tiny-drill.yaml"


def _drills() -> list[Path]:
    return [TINY] + sorted(p for p in (REPO / "scenarios").glob("drill-*.yaml"))


def _bare(injects):
    return [dataclasses.replace(inj, line=0) for inj in injects]


@pytest.mark.parametrize("drill", _drills(), ids=lambda p: p.stem)
def test_the_round_trip_keeps_every_inject_and_the_rest_of_the_file(drill, tmp_path, capsys, catalog):
    work = tmp_path / drill.name
    shutil.copy(drill, work)
    csv_path = tmp_path / "msel.csv"
    code, out, err = run_cli(["export", "msel", str(work), "--out", str(csv_path)], capsys)
    assert code == 0, err
    before = load_scenario(drill, catalog)
    assert f"exported {len(before.injects)} injects" in out
    data = csv_path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with its byte-order mark
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["id"] for r in rows] == [i.id for i in before.injects]
    first = before.injects[0]
    assert rows[0]["message_zh"] == first.message_zh and rows[0]["to"] == "; ".join(first.to)

    code, out, err = run_cli(["import", "msel", str(csv_path), "--into", str(work)], capsys)
    assert code == 0, err
    after = load_scenario(work, catalog)
    assert _bare(after.injects) == _bare(before.injects)
    assert (after.phases, after.objectives, after.exercise) == (before.phases, before.objectives, before.exercise)
    assert (after.indicators, after.incidents) == (before.indicators, before.incidents)
    # everything before the injects section is the file as it was, comments and all
    original, rewritten = drill.read_text(encoding="utf-8"), work.read_text(encoding="utf-8")
    assert rewritten[:rewritten.index("\ninjects:")] == original[:original.index("\ninjects:")]
    # and the second trip changes nothing at all
    again = tmp_path / "again.csv"
    assert run_cli(["export", "msel", str(work), "--out", str(again)], capsys)[0] == 0
    assert again.read_bytes() == data
    assert run_cli(["import", "msel", str(again), "--into", str(work)], capsys)[0] == 0
    assert work.read_text(encoding="utf-8") == rewritten


def _exported(tmp_path: Path) -> tuple[Path, Path, list[dict]]:
    work = tmp_path / "drill.yaml"
    shutil.copy(TINY, work)
    scenario = load_scenario(work)
    text = export_msel(scenario).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    return work, tmp_path / "m.csv", rows


def _write(path: Path, rows: list[dict], columns=COLUMNS) -> None:
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8"))


def _row_line(rows: list[dict], index: int) -> int:
    return 2 + index  # the header is line 1; no cell here spans lines


# (row index, column, new value, column the error names, words of the problem)
BAD_CELLS = [
    (2, "to", "waterx", "to", "'waterx' is neither a department nor a role"),
    (0, "time", "T+1:5", "time", "is not an offset"),
    (1, "phase", "P7", "phase", "unknown phase 'P7'"),
    (0, "incident_lon", "121.49", "incident_lon", "outside org unit"),
    (0, "incident_lat", "north", "incident_lat", "must be a number"),
    (1, "respond_within_min", "soon", "respond_within_min", "must be a number"),
    (0, "evaluation_en", "one\ntwo", "evaluation_en", "2 evaluation points in English, 1 in Chinese"),
    (2, "id", "INJ-001", "id", "INJ-001 is used twice (first on line 2)"),
    (1, "watch_op", "", "watch_op", "watch_department is given but no watch_op"),
    (1, "watch_op", "task.fly", "watch_op", "must be one of"),
    (0, "incident_type", "meteor", "incident_type", "unknown event type 'meteor'"),
    (2, "objective", "OBJ-9", "objective", "unknown objective 'OBJ-9'"),
    (2, "message_en", "", "message_en", "must be a non-empty string"),
]


@pytest.mark.parametrize("index,column,value,named,problem", BAD_CELLS, ids=[f"{b[1]}-{b[0]}" for b in BAD_CELLS])
def test_a_bad_row_names_the_csv_line_and_column_and_changes_nothing(index, column, value, named, problem,
                                                                     tmp_path, capsys):
    work, csv_path, rows = _exported(tmp_path)
    rows[index][column] = value
    _write(csv_path, rows)
    before = work.read_bytes()
    code, out, err = run_cli(["import", "msel", str(csv_path), "--into", str(work)], capsys)
    assert code == 1, out
    line = _row_line(rows, index)
    assert err.startswith(f"commandcenter: error: {csv_path}:{line}: {named}: "), err
    assert problem in err, err
    assert work.read_bytes() == before


def test_an_objective_no_row_tests_any_more_is_named(tmp_path, capsys):
    work, csv_path, rows = _exported(tmp_path)
    for row in rows:
        row["objective"] = "OBJ-1"
    _write(csv_path, rows)
    code, _out, err = run_cli(["import", "msel", str(csv_path), "--into", str(work)], capsys)
    assert code == 1 and f"{csv_path}:0: objective: objective OBJ-2 is tested by no inject" in err


@pytest.mark.parametrize("content,line,column,problem", [
    (b"", 1, "(header)", "empty file"),
    (b"id,time,phase,kind,mode,to,message_zh,message_en,objective,colour\n", 1, "colour", "unknown column"),
    (b"id,time,phase,kind,mode,to,message_zh,message_en\n", 1, "objective", "required column missing"),
    (b"id,time,phase,kind,mode,to,message_zh,message_en,objective\n", 2, "(rows)", "no injects"),
    ("id,time,phase,kind,mode,to,message_zh,message_en,objective\nINJ-001,T+00:05,P1,inject,system,water,"
     "暴雨,rain,OBJ-1\n".encode("gbk"), 2, "(encoding)", "not UTF-8"),
    (b"id,time,phase,kind,mode,to,message_zh,message_en,objective\nINJ-001,T+00:05,P1,inject,system,water,a,b,"
     b"OBJ-1,extra\n", 2, "column 10", "10 cells, the header has 9"),
], ids=["empty", "unknown-column", "missing-column", "no-rows", "gbk", "extra-cell"])
def test_a_bad_csv_file_names_the_line(content, line, column, problem, tmp_path, capsys):
    work, csv_path, _rows = _exported(tmp_path)
    csv_path.write_bytes(content)
    before = work.read_bytes()
    code, _out, err = run_cli(["import", "msel", str(csv_path), "--into", str(work)], capsys)
    assert code == 1
    assert f"{csv_path}:{line}: {column}: " in err and problem in err, err
    assert work.read_bytes() == before


def test_import_to_another_file_leaves_the_drill_alone(tmp_path, capsys):
    work, csv_path, rows = _exported(tmp_path)
    rows[0]["message_en"] = "Red rainstorm warning"
    _write(csv_path, rows)
    before = work.read_bytes()
    new = tmp_path / "new.yaml"
    code, out, err = run_cli(["import", "msel", str(csv_path), "--into", str(work), "--out", str(new)], capsys)
    assert code == 0, err
    assert work.read_bytes() == before
    assert load_scenario(new).inject("INJ-001").message_en == "Red rainstorm warning"


def test_the_command_line_refuses_what_it_cannot_do(tmp_path, capsys):
    work, csv_path, _rows = _exported(tmp_path)
    city = REPO / "scenarios" / "rainstorm-day.yaml"
    cases = [
        (["export", "msel", str(city), "--out", str(csv_path)], 1, "not a drill"),
        (["export", "msel", str(tmp_path / "no.yaml"), "--out", str(csv_path)], 2, "no such drill file"),
        (["export", "msel", str(work), "--out", str(tmp_path / "m.txt")], 2, "must be a .csv file"),
        (["export", "msel", str(work), "--out", str(tmp_path / "no" / "m.csv")], 2, "folder does not exist"),
        (["import", "msel", str(tmp_path / "no.csv"), "--into", str(work)], 2, "no such MSEL file"),
        (["import", "msel", str(csv_path), "--into", str(tmp_path / "no.yaml")], 2, "no such drill file"),
    ]
    for argv, code, words in cases:
        got, _out, err = run_cli(argv, capsys)
        assert (got, words in err) == (code, True), (argv, err)
    assert not csv_path.exists() and not (tmp_path / "m.txt").exists()


def test_importing_into_a_broken_drill_names_the_drill(tmp_path, catalog):
    work, csv_path, rows = _exported(tmp_path)
    _write(csv_path, rows)
    broken = work.read_text(encoding="utf-8").replace("  type: functional", "  type: party")
    with pytest.raises(ValueError) as info:
        import_msel(csv_path.read_bytes(), str(csv_path), broken, "drill.yaml", catalog)
    assert not isinstance(info.value, MselError) and "drill.yaml:" in str(info.value)
    assert "exercise.type" in str(info.value)
