"""The MSEL (master scenario events list) as CSV, out of a drill file and back into one.

Coordinators keep the MSEL in a spreadsheet; `export msel` writes a drill's injects as one row
each (UTF-8 with a byte-order mark, so Excel reads the Chinese), `import msel` puts the rows
back as the drill's `injects:` section. The rest of the drill file (the city feed, phases,
objectives, comments) is kept byte for byte; only that section is rewritten.

The import is checked as a whole before anything is written: the new file is parsed and
validated like any drill (scenario.py), and an error in a row names the CSV file, its line and
the column (``msel.csv:7: to: 'waterx' is neither a department nor a role``). Exporting,
importing and exporting again gives the same CSV.
"""
from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from commandcenter.domain.catalog import Catalog
from commandcenter.drills.scenario import Inject, Scenario, ScenarioError, format_offset, parse_scenario

# column -> the inject's field (scenario.py) it fills; the order is the CSV's
COLUMNS = (
    "id", "time", "phase", "kind", "mode", "from_zh", "from_en", "to", "message_zh", "message_en",
    "expected_zh", "expected_en", "respond_within_min", "objective", "evaluation_zh", "evaluation_en",
    "watch_op", "watch_department", "watch_level", "notes",
    "incident_type", "incident_severity", "incident_org_unit", "incident_lon", "incident_lat",
    "incident_title_zh", "incident_title_en", "incident_description_zh", "incident_description_en",
)
REQUIRED = ("id", "time", "phase", "kind", "mode", "to", "message_zh", "message_en", "objective")
LIST_SEPARATOR = "; "  # `to` and `objective`: "emergency; water"
_LIST_SPLIT = re.compile(r"[;；,，]")  # read: either width of ; or , as well
_INCIDENT = ("type", "severity", "org_unit", "lon", "lat", "title_zh", "title_en", "description_zh",
             "description_en")
_TEXT_FIELDS = ("from_zh", "from_en", "message_zh", "message_en", "expected_zh", "expected_en", "notes")


class MselError(ValueError):
    """A problem in a MSEL file: "{path}:{line}: {column}: {problem}" (line 0: the file)."""

    def __init__(self, path: str, line: int, column: str, problem: str) -> None:
        super().__init__(f"{path}:{line}: {column}: {problem}")
        self.path, self.line, self.column, self.problem = path, line, column, problem


# -- out ---------------------------------------------------------------------------------------

def export_msel(scenario: Scenario) -> bytes:
    """The drill's injects as CSV bytes (UTF-8 with BOM, CRLF rows), in time order."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerow(COLUMNS)
    for inj in scenario.injects:
        writer.writerow([_cell(inj, column) for column in COLUMNS])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _cell(inj: Inject, column: str) -> str:
    if column == "time":
        return format_offset(inj.at_s)
    if column in ("to", "objective"):
        return LIST_SEPARATOR.join(inj.to if column == "to" else inj.objectives)
    if column == "respond_within_min":
        return "" if inj.respond_within_min is None else _number(inj.respond_within_min)
    if column in ("evaluation_zh", "evaluation_en"):
        return "\n".join(getattr(p, column[-2:]) for p in inj.evaluation)
    if column.startswith("watch_"):
        value = getattr(inj.watch, column[6:]) if inj.watch is not None else None
        return value or ""
    if column.startswith("incident_"):
        if inj.incident is None:
            return ""
        value = getattr(inj.incident, column[9:])
        return _number(value) if isinstance(value, float) else value
    return getattr(inj, column)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


# -- in ----------------------------------------------------------------------------------------

@dataclass
class _Row:
    line: int
    cells: dict[str, str]


def read_msel(data: bytes, path: str) -> list[_Row]:
    """The CSV's rows, its header checked; blank rows are skipped."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise MselError(path, line, "(encoding)", "not UTF-8 text (save the file as CSV UTF-8)") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if not header or not any(h.strip() for h in header):
            raise MselError(path, 1, "(header)", f"empty file: expected a header ({', '.join(REQUIRED)}, ...)")
        names = [h.strip().lower() for h in header]
        for k, name in enumerate(names):
            if name not in COLUMNS:
                raise MselError(path, 1, header[k].strip() or f"column {k + 1}",
                                f"unknown column (expected {', '.join(COLUMNS)})")
            if names.index(name) != k:
                raise MselError(path, 1, name, "the column is there twice")
        for name in REQUIRED:
            if name not in names:
                raise MselError(path, 1, name, "required column missing")
        rows: list[_Row] = []
        line = reader.line_num + 1
        for record in reader:
            if any(cell.strip() for cell in record):
                if len(record) > len(names):
                    raise MselError(path, line, f"column {len(names) + 1}",
                                    f"{len(record)} cells, the header has {len(names)}")
                cells = {name: (record[k] if k < len(record) else "") for k, name in enumerate(names)}
                rows.append(_Row(line, cells))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise MselError(path, reader.line_num, "(csv)", str(exc)) from None
    if not rows:
        raise MselError(path, 2, "(rows)", "no injects: the MSEL has a header and nothing else")
    return rows


def import_msel(data: bytes, csv_path: str, drill_text: str, drill_path: str,
                catalog: Catalog | None = None) -> tuple[str, Scenario]:
    """The drill file's text with its injects replaced by the CSV's, and the drill it now is.

    Raises MselError for a bad CSV, or for a row the drill will not take (naming the CSV's
    line and column); ScenarioError when the drill file itself is broken."""
    try:  # the drill must be good before its injects are replaced
        parse_scenario(drill_text, path=drill_path, catalog=catalog)
    except ScenarioError as exc:
        if not _in_injects(exc.field):
            raise
    rows = read_msel(data, csv_path)
    first: dict[str, int] = {}
    for row in rows:
        _check_cells(row, csv_path)
        iid = row.cells["id"].strip()
        if iid in first:
            raise MselError(csv_path, row.line, "id", f"{iid} is used twice (first on line {first[iid]})")
        first[iid] = row.line
    new_text = splice_injects(drill_text, injects_yaml(rows))
    try:
        scenario = parse_scenario(new_text, path=drill_path, catalog=catalog)
    except ScenarioError as exc:
        raise _locate(exc, rows, csv_path) from None
    if not scenario.is_drill:
        raise MselError(csv_path, 0, "(file)", f"{drill_path} is not a drill (no exercise, phases, objectives)")
    return new_text, scenario


def _in_injects(field: str) -> bool:
    return field == "injects" or field.startswith("injects[") or field.startswith("injects.")


def _check_cells(row: _Row, path: str) -> None:
    """What the YAML check cannot see: one column's parts must agree with another's."""
    cells = row.cells
    zh = _lines(cells.get("evaluation_zh", ""))
    en = _lines(cells.get("evaluation_en", ""))
    if len(zh) != len(en):
        raise MselError(path, row.line, "evaluation_en",
                        f"{len(en)} evaluation points in English, {len(zh)} in Chinese (one per line in each)")
    watch = [c for c in ("watch_department", "watch_level") if cells.get(c, "").strip()]
    if watch and not cells.get("watch_op", "").strip():
        raise MselError(path, row.line, "watch_op", f"{watch[0]} is given but no watch_op")
    given = [c for c in COLUMNS if c.startswith("incident_") and cells.get(c, "").strip()]
    if given and not cells.get("incident_type", "").strip():
        raise MselError(path, row.line, "incident_type", f"{given[0]} is given but no incident_type")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _items(text: str) -> list[str]:
    return [part.strip() for part in _LIST_SPLIT.split(text) if part.strip()]


_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _q(text: str) -> str:
    """A code as it is (INJ-001, water); anything else as a YAML double-quoted scalar (JSON's
    escapes are YAML's; line separators escaped too)."""
    if _PLAIN.match(text) and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _num_or_text(text: str) -> str:
    """A number as a YAML number, anything else quoted (so the drill check names it)."""
    try:
        value = float(text)
    except ValueError:
        return _q(text)
    return text.strip() if math.isfinite(value) else _q(text)


def injects_yaml(rows: list[_Row]) -> str:
    """The `injects:` section for the rows, in their order, one field a line."""
    out = ["injects:"]
    for row in rows:
        c = {k: v.strip() if k not in _TEXT_FIELDS else v for k, v in row.cells.items()}
        out.append(f"  - id: {_q(c['id'])}")
        out.append(f"    at: {_q(c['time'])}")
        for key in ("phase", "kind", "mode"):
            out.append(f"    {key}: {_q(c[key])}")
        for key in ("from_zh", "from_en"):
            if c.get(key, "").strip():
                out.append(f"    {key}: {_q(c[key].strip())}")
        out.append(f"    to: [{', '.join(_q(x) for x in _items(c['to']))}]")
        for key in ("message_zh", "message_en", "expected_zh", "expected_en"):
            if c.get(key, "").strip() or key.startswith("message"):
                out.append(f"    {key}: {_q(c.get(key, '').strip())}")
        if c.get("respond_within_min"):
            out.append(f"    respond_within_min: {_num_or_text(c['respond_within_min'])}")
        out.append(f"    objective: [{', '.join(_q(x) for x in _items(c['objective']))}]")
        points = list(zip(_lines(c.get("evaluation_zh", "")), _lines(c.get("evaluation_en", ""))))
        if points:
            out.append("    evaluation:")
            out += [f"      - {{zh: {_q(zh)}, en: {_q(en)}}}" for zh, en in points]
        if c.get("watch_op"):
            parts = [f"op: {_q(c['watch_op'])}"]
            if c.get("watch_department"):
                parts.append(f"department: {_q(c['watch_department'])}")
            if c.get("watch_level"):
                parts.append(f"level: {_q(c['watch_level'])}")
            out.append(f"    watch: {{{', '.join(parts)}}}")
        if c.get("notes", "").strip():
            out.append(f"    notes: {_q(c['notes'].strip())}")
        if c.get("incident_type"):
            out.append("    incident:")
            for key in _INCIDENT:
                value = c.get(f"incident_{key}", "")
                if not value and key.startswith("description"):
                    continue
                out.append(f"      {key}: {_num_or_text(value) if key in ('lon', 'lat') else _q(value)}")
    return "\n".join(out) + "\n"


_TOP_KEY = re.compile(r"^[^\s#]")


def splice_injects(text: str, section: str) -> str:
    """`text` with its top-level `injects:` section replaced by `section` (appended when the
    file has none). Comment lines at the margin just before the next key stay with it."""
    lines = text.splitlines(keepends=True)
    start = next((k for k, line in enumerate(lines) if re.match(r"^injects\s*:", line)), None)
    if start is None:
        head = text if text.endswith("\n") or not text else text + "\n"
        return head + section
    end = next((k for k in range(start + 1, len(lines)) if _TOP_KEY.match(lines[k])), len(lines))
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1  # blank lines and margin comments before the next key are the next key's
    return "".join(lines[:start]) + section + "".join(lines[end:])


_FIELD = re.compile(r"^injects\[(\d+)\](?:\.([a-z_]+))?(?:\[\d+\])?(?:\.([a-z_]+))?")


def _locate(exc: ScenarioError, rows: list[_Row], csv_path: str) -> MselError | ScenarioError:
    """A drill error in a generated inject, as the CSV's line and column."""
    m = _FIELD.match(exc.field)
    if m is None:
        if exc.field.startswith("objectives"):  # an objective the MSEL no longer tests
            return MselError(csv_path, 0, "objective", exc.problem)
        return exc
    row = rows[int(m.group(1))]
    key, sub = m.group(2), m.group(3)
    if key is None:
        column = "id"
    elif key == "at":
        column = "time"
    elif key in ("incident", "watch"):
        column = f"{key}_{sub}" if sub else f"{key}_type" if key == "incident" else "watch_op"
    elif key == "evaluation":
        column = f"evaluation_{sub}" if sub else "evaluation_zh"
    else:
        column = key
    return MselError(csv_path, row.line, column, exc.problem)


def write_text_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
