"""The drill's script in a scenario file (docs/drills.md): phases, objectives, injects, and
errors that name the file, the line and the field; `scenario check` on the command line."""
from __future__ import annotations

from pathlib import Path

import pytest

from commandcenter.drills.scenario import ScenarioError, load_scenario, parse_scenario
from tests.cli_run import run_cli

REPO = Path(__file__).resolve().parents[2]
TINY = Path(__file__).parent / "data" / "tiny-drill.yaml"
TEXT = TINY.read_text(encoding="utf-8")


def _line_of(text: str, needle: str, nth: int = 1) -> int:
    return [i + 1 for i, line in enumerate(text.splitlines()) if needle in line][nth - 1]


def _fail(text: str, catalog) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, path="d.yaml", catalog=catalog)
    return info.value


def test_the_script_is_read(catalog):
    s = load_scenario(TINY, catalog)
    assert s.is_drill
    assert s.exercise.type == "functional" and s.exercise.participants == ("emergency", "water")
    assert [p.id for p in s.phases] == ["P1", "P2"] and s.phases[1].at_s == 3600
    assert [o.id for o in s.objectives] == ["OBJ-1", "OBJ-2"]
    # sorted by time, whatever the file's order
    assert [i.id for i in s.injects] == ["INJ-001", "INJ-002", "INJ-003"]
    first = s.inject("INJ-001")
    assert first.at_s == 300 and first.to == ("emergency", "commander") and first.objectives == ("OBJ-1",)
    assert first.respond_within_min == 30 and first.automatic
    assert first.evaluation[0].en == "Response activated within 30 minutes"
    assert first.watch.op == "incident.set_response_level" and first.watch.level == "4"
    assert first.incident.type == "rainstorm" and first.incident.at_s == 300
    assert first.line == _line_of(TEXT, "id: INJ-001")
    assert s.inject("INJ-002").to == ("water",) and s.inject("INJ-002").watch.department == "water"
    assert not s.inject("INJ-003").automatic  # a contingency inject: only by hand
    assert s.phase_at(3599).id == "P1" and s.phase_at(3600).id == "P2"


def test_a_city_scenario_is_not_a_drill(catalog):
    s = load_scenario(REPO / "scenarios" / "rainstorm-day.yaml", catalog)
    assert not s.is_drill and s.injects == [] and s.phases == []


# (what to change, the field the error names, words of the problem, the line's needle)
BROKEN = [
    ("    phase: P2\n    kind: expected_action", "    phase: P9\n    kind: expected_action",
     "injects[0].phase", "unknown phase 'P9'", "phase: P9"),
    ('  - id: INJ-001\n    at: "T+00:05"', '  - id: INJ-001\n    at: "T+01:05"',
     "injects[1].at", "outside phase P1", 'at: "T+01:05"'),
    ("  - id: INJ-003", "  - id: INJ-001", "injects[2].id", "INJ-001 is used twice", ("id: INJ-001", 2)),
    ("  - id: INJ-003", "  - id: INJ-3", "injects[2].id", "looks like INJ-001", "id: INJ-3"),
    ("    to: dispatcher", "    to: waterx", "injects[2].to", "'waterx' is neither a department nor a role",
     "to: waterx"),
    ("    objective: OBJ-2\n    watch", "    objective: OBJ-7\n    watch", "injects[0].objective",
     "unknown objective 'OBJ-7'", "objective: OBJ-7"),
    ("    kind: contingency", "    kind: surprise", "injects[2].kind", "must be one of inject", "kind: surprise"),
    ("    mode: phone", "    mode: pigeon", "injects[2].mode", "must be one of phone", "mode: pigeon"),
    ("    respond_within_min: 30", "    respond_within_min: -5", "injects[1].respond_within_min",
     "more than 0", "respond_within_min: -5"),
    ("{op: task.accept, department: water}", "{op: task.fly, department: water}", "injects[0].watch.op",
     "must be one of", "op: task.fly"),
    ("{op: incident.set_response_level, level: 4}", "{op: incident.set_response_level, level: 5}",
     "injects[1].watch.level", "a response level 1, 2, 3, 4", "level: 5"),
    ('  - {id: P2, at: "T+01:00"', '  - {id: P2, at: "T+00:00"', "phases[1].at", "phases must start in order",
     '{id: P2, at: "T+00:00"'),
    ("  type: functional", "  type: party", "exercise.type", "must be one of tabletop", "type: party"),
    ("  participants: [emergency, water]", "  participants: [emergency, wter]", "exercise.participants[1]",
     "unknown department 'wter'", "participants:"),
    ("      org_unit: \"310104014001\"\n      lon: 121.437", "      org_unit: \"310101002001\"\n      lon: 121.437",
     "injects[1].incident.lon", "outside org unit 310101002001", ("lon: 121.437", 2)),
    ("    from_en: A resident\n", "", "injects[2].from_en", "both languages", "  - id: INJ-003"),
    ("    from_zh: 市民\n    from_en: A resident\n", "", "injects[2].from_zh",
     "a contingency inject needs its sender", "  - id: INJ-003"),
    ("    objective: OBJ-2\n    watch", "    objective: OBJ-1\n    watch", "objectives[1].id",
     "OBJ-2 is tested by no inject", None),
]


@pytest.mark.parametrize("old,new,field,problem,needle", BROKEN, ids=[b[2] for b in BROKEN])
def test_a_broken_script_names_the_line_and_the_field(old, new, field, problem, needle, catalog):
    assert TEXT.count(old) >= 1, old
    text = TEXT.replace(old, new, 1)
    if field == "objectives[1].id":  # both INJ-002 and INJ-003 test OBJ-2: move both away
        text = text.replace("    objective: OBJ-2\n", "    objective: OBJ-1\n")
        needle = "  - id: OBJ-2"
    err = _fail(text, catalog)
    assert err.field == field, str(err)
    assert problem in err.problem, str(err)
    needle, nth = needle if isinstance(needle, tuple) else (needle, 1)
    assert err.line == _line_of(text, needle, nth), str(err)


def test_a_script_needs_all_four_sections(catalog):
    text = TEXT.replace("objectives:\n", "objectivez:\n")
    assert _fail(text, catalog).field == "objectivez"  # unknown key first
    cut = TEXT[:TEXT.index("injects:")]
    err = _fail(cut, catalog)
    assert err.field == "injects" and "a drill needs exercise, phases, objectives, injects" in err.problem


def test_scenario_check_accepts_every_shipped_file(capsys):
    files = sorted(str(p) for p in (REPO / "scenarios").glob("*.yaml"))
    assert len(files) >= 4  # the city day and the three drills
    code, out, err = run_cli(["scenario", "check", *files], capsys)
    assert code == 0, err
    assert out.count(": ok (") == len(files)
    drills = [line for line in out.splitlines() if "drill:" in line]
    assert len(drills) >= 3
    for name in ("drill-flood", "drill-chemical-fire", "drill-crowd-crush"):
        assert any(name in line for line in drills), out


def test_scenario_check_names_file_line_and_field_and_exits_1(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    text = TEXT.replace("    phase: P2\n    kind: expected_action", "    phase: P9\n    kind: expected_action")
    bad.write_text(text, encoding="utf-8")
    good = tmp_path / "good.yaml"
    good.write_text(TEXT, encoding="utf-8")
    code, out, err = run_cli(["scenario", "check", str(good), str(bad)], capsys)
    assert code == 1
    assert f"{good}: ok" in out
    assert err.strip() == (f"commandcenter: error: {bad}:{_line_of(text, 'phase: P9')}: injects[0].phase: "
                           "unknown phase 'P9' (phases: P1, P2)")
    assert not (tmp_path / "D").exists()


def test_scenario_check_of_a_missing_file_is_exit_2(tmp_path, capsys):
    code, _out, err = run_cli(["scenario", "check", str(tmp_path / "nope.yaml")], capsys)
    assert code == 2 and "no such scenario file" in err
