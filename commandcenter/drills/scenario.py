"""The scenario format the city simulator plays and drills extend (commandcenter-scenario/1).

A scenario is a YAML file: a start time, a length, one sample curve per indicator (keyframes
at "T+HH:MM[:SS]" offsets, linearly interpolated, optional Gaussian noise) and a list of
incidents that appear at given offsets. It is read through `yaml.compose` so that every
error can name the file, the LINE and the field (``rainstorm-day.yaml:42: incidents[3].at:
...``): `commandcenter scenario check FILE` prints exactly that.

A drill (docs/drills.md) is a scenario with the exercise's script as well: `exercise` (what
kind of exercise, who runs it, who takes part), `phases`, `objectives` and `injects` (the
MSEL: INJ-001 at T+offset in a phase, an inject, a contingency inject or an expected action,
its mode, from, to, message, expected response, objectives and evaluation points, and an
incident it puts into the drill city when released). The city feed (indicators, incidents)
plays underneath, as in any scenario.
"""
from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from commandcenter.domain.catalog import Catalog
from commandcenter.domain.levels import ResponseLevel, Severity
from commandcenter.domain.roles import ROLES

FORMAT = "commandcenter-scenario/1"
SEVERITIES = tuple(s.name for s in Severity)

_OFFSET = re.compile(r"^T\+(\d+):([0-5]\d)(?::([0-5]\d))?$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

TOP_KEYS = ("format", "id", "title_zh", "title_en", "start", "duration", "indicators", "incidents",
            "exercise", "phases", "objectives", "injects")
CURVE_KEYS = ("keyframes", "noise")
INCIDENT_REQUIRED = ("at", "type", "severity", "org_unit", "lon", "lat", "title_zh", "title_en")
INCIDENT_OPTIONAL = ("description_zh", "description_en")

# -- the drill's script (docs/drills.md) ------------------------------------------------------
EXERCISE_TYPES = ("tabletop", "drill", "functional", "full_scale")
EXERCISE_KEYS = ("type", "organiser_zh", "organiser_en", "summary_zh", "summary_en", "participants")
PHASE_KEYS = ("id", "at", "title_zh", "title_en")
OBJECTIVE_KEYS = ("id", "title_zh", "title_en", "departments", "capability_zh", "capability_en")
OBJECTIVE_REQUIRED = ("id", "title_zh", "title_en")
INJECT_KINDS = ("inject", "contingency", "expected_action")
INJECT_MODES = ("phone", "radio", "system", "in_person", "email", "video")
INJECT_REQUIRED = ("id", "at", "phase", "kind", "mode", "to", "message_zh", "message_en", "objective")
INJECT_OPTIONAL = ("from_zh", "from_en", "expected_zh", "expected_en", "respond_within_min",
                   "evaluation", "notes", "incident", "watch")
# the player actions an inject can watch for in the drill's operation log (its answer)
WATCH_OPS = (
    "incident.report", "incident.verify", "incident.confirm", "incident.respond", "incident.contain",
    "incident.recover", "incident.close", "incident.update", "incident.set_response_level",
    "task.dispatch", "task.accept", "task.start", "task.feedback", "task.verify", "task.close",
    "task.return", "task.request_extension", "resource.assign", "resource.depart", "resource.arrive",
    "alarm.acknowledge", "alarm.convert", "notice.send", "notice.read", "report.submit", "log.write",
)
WATCH_KEYS = ("op", "department", "level")
INJECT_KEYS = INJECT_REQUIRED + INJECT_OPTIONAL
# an inject's incident: an incident without `at` (it comes when the inject is released)
INJECT_INCIDENT_REQUIRED = tuple(k for k in INCIDENT_REQUIRED if k != "at")
MAX_RESPOND_MIN = 24 * 60
_INJECT_ID = re.compile(r"^INJ-\d{3,}$")
_SHORT_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


class ScenarioError(ValueError):
    """A scenario problem at a place in the file: "{path}:{line}: {field}: {problem}"."""

    def __init__(self, path: str, line: int, field: str, problem: str):
        super().__init__(f"{path}:{line}: {field}: {problem}")
        self.path = path
        self.line = line
        self.field = field
        self.problem = problem


@dataclass(frozen=True)
class Curve:
    """Keyframes (seconds from start, value), strictly increasing in time, plus noise std dev."""

    keyframes: list[tuple[float, float]]
    noise: float = 0.0

    def value_at(self, t_s: float) -> float:
        """The noise-free value at `t_s`: linear between keyframes, held flat beyond the ends."""
        frames = self.keyframes
        if t_s <= frames[0][0]:
            return frames[0][1]
        if t_s >= frames[-1][0]:
            return frames[-1][1]
        k = bisect.bisect_right(frames, t_s, key=lambda kf: kf[0])
        (t0, v0), (t1, v1) = frames[k - 1], frames[k]
        return v0 + (v1 - v0) * (t_s - t0) / (t1 - t0)


@dataclass(frozen=True)
class ScenarioIncident:
    at_s: float
    type: str  # event type code
    severity: str  # I..IV
    org_unit: str
    lon: float
    lat: float
    title_zh: str
    title_en: str
    description_zh: str = ""
    description_en: str = ""


@dataclass(frozen=True)
class Exercise:
    """What kind of exercise a drill is, who runs it and who takes part."""

    type: str  # EXERCISE_TYPES
    organiser_zh: str
    organiser_en: str
    summary_zh: str = ""
    summary_en: str = ""
    participants: tuple[str, ...] = ()  # department codes


@dataclass(frozen=True)
class Phase:
    id: str
    at_s: float  # a phase lasts until the next one starts (the last until the end)
    title_zh: str
    title_en: str


@dataclass(frozen=True)
class Objective:
    id: str
    title_zh: str
    title_en: str
    departments: tuple[str, ...] = ()  # who is responsible for meeting it
    capability_zh: str = ""  # the capability it exercises (HSEEP "core capability")
    capability_en: str = ""


@dataclass(frozen=True)
class EvaluationPoint:
    zh: str
    en: str


@dataclass(frozen=True)
class Watch:
    """The player action that answers an inject: the first operation `op` on the drill
    database after the release (of `department`'s task, or setting response level `level`)."""

    op: str
    department: str | None = None
    level: str | None = None


@dataclass(frozen=True)
class Inject:
    """One row of the MSEL. `to` holds seat addresses: department codes or roles."""

    id: str  # INJ-001
    at_s: float
    phase: str
    kind: str  # INJECT_KINDS
    mode: str  # INJECT_MODES
    to: tuple[str, ...]
    message_zh: str
    message_en: str
    objectives: tuple[str, ...]
    from_zh: str = ""
    from_en: str = ""
    expected_zh: str = ""
    expected_en: str = ""
    respond_within_min: float | None = None
    evaluation: tuple[EvaluationPoint, ...] = ()
    notes: str = ""
    incident: ScenarioIncident | None = None  # at_s is the inject's; reported on release
    watch: Watch | None = None
    line: int = 0  # where it stands in the file (0: not from a file)

    @property
    def automatic(self) -> bool:
        """Released by the exercise clock (a contingency inject only ever by hand)."""
        return self.kind == "inject"


@dataclass
class Scenario:
    id: str
    title_zh: str
    title_en: str
    start: datetime  # timezone-aware
    duration_s: float
    indicators: dict[str, Curve] = field(default_factory=dict)
    incidents: list[ScenarioIncident] = field(default_factory=list)  # sorted by at_s
    exercise: Exercise | None = None
    phases: list[Phase] = field(default_factory=list)  # sorted by at_s
    objectives: list[Objective] = field(default_factory=list)  # file order
    injects: list[Inject] = field(default_factory=list)  # sorted by (at_s, id)

    def wall_time(self, t_s: float) -> datetime:
        """The scenario wall-clock time at offset `t_s`."""
        return self.start + timedelta(seconds=t_s)

    @property
    def is_drill(self) -> bool:
        return self.exercise is not None

    def inject(self, inject_id: str) -> Inject:
        for inj in self.injects:
            if inj.id == inject_id:
                return inj
        raise KeyError(inject_id)

    def phase_at(self, t_s: float) -> Phase | None:
        current = None
        for phase in self.phases:
            if phase.at_s <= t_s:
                current = phase
        return current


def parse_offset(text: str) -> int:
    """Seconds of a "T+HH:MM" or "T+HH:MM:SS" offset (hours may exceed 24)."""
    m = _OFFSET.match(text.strip()) if isinstance(text, str) else None
    if m is None:
        raise ValueError(f"{text!r} is not an offset like T+HH:MM or T+HH:MM:SS")
    hours, minutes, seconds = m.group(1), m.group(2), m.group(3) or "0"
    return int(hours) * 3600 + int(minutes) * 60 + int(seconds)


def format_offset(seconds: float) -> str:
    """The inverse of parse_offset ("T+HH:MM", with ":SS" only when needed)."""
    total = int(round(seconds))
    if total < 0:
        raise ValueError("offsets are not negative")
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"T+{h:02d}:{m:02d}" + (f":{s:02d}" if s else "")


def load_scenario(path: str | Path, catalog: Catalog | None = None) -> Scenario:
    """Read and validate a scenario file; with a catalog, codes and places are checked too."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(str(path), 0, "(file)", f"cannot read: {exc}") from None
    return parse_scenario(text, path=str(path), catalog=catalog)


def parse_scenario(text: str, path: str = "<scenario>", catalog: Catalog | None = None) -> Scenario:
    """Like load_scenario, from text; `path` is only used in error messages."""
    return _Reader(path, catalog).scenario(text)


class _Reader:
    def __init__(self, path: str, catalog: Catalog | None):
        self.path = path
        self.catalog = catalog
        self._constructor = SafeConstructor()

    # -- plumbing --------------------------------------------------------------------------

    def error(self, node: Node | None, field: str, problem: str) -> ScenarioError:
        line = node.start_mark.line + 1 if node is not None else 1
        return ScenarioError(self.path, line, field, problem)

    def value(self, node: Node) -> Any:
        return self._constructor.construct_object(node, deep=True)

    def mapping(
        self, node: Node, field: str, allowed: tuple[str, ...], required: tuple[str, ...] = ()
    ) -> dict[str, Node]:
        if not isinstance(node, MappingNode):
            raise self.error(node, field or "(document)", "must be a mapping (key: value)")
        out: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            where = f"{field}.{key}" if field else str(key)
            if key is None:
                raise self.error(key_node, field or "(document)", "keys must be plain strings")
            if key in out:
                raise self.error(key_node, where, "duplicate key")
            if allowed and key not in allowed:
                raise self.error(key_node, where, f"unknown key (expected one of {', '.join(allowed)})")
            out[key] = value_node
        for key in required:
            if key not in out:
                raise self.error(node, f"{field}.{key}" if field else key, "required field missing")
        return out

    def sequence(self, node: Node, field: str) -> list[Node]:
        if not isinstance(node, SequenceNode):
            raise self.error(node, field, "must be a list")
        return list(node.value)

    def text(self, node: Node, field: str) -> str:
        value = self.value(node) if isinstance(node, ScalarNode) else None
        if not isinstance(value, str) or not value.strip():
            raise self.error(node, field, "must be a non-empty string")
        return value

    def number(self, node: Node, field: str) -> float:
        value = self.value(node) if isinstance(node, ScalarNode) else None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise self.error(node, field, f"must be a number, got {_show(node)}")
        return float(value)

    def offset(self, node: Node, field: str) -> int:
        value = self.value(node) if isinstance(node, ScalarNode) else None
        try:
            return parse_offset(value)
        except ValueError:
            raise self.error(
                node, field, f"{_show(node)} is not an offset like \"T+HH:MM\" or \"T+HH:MM:SS\""
            ) from None

    # -- the format --------------------------------------------------------------------------

    def scenario(self, text: str) -> Scenario:
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else 1
            problem = exc.problem or exc.context or "invalid YAML"
            raise ScenarioError(self.path, line, "(yaml)", f"syntax error: {problem}") from None
        except yaml.YAMLError as exc:
            raise ScenarioError(self.path, 1, "(yaml)", f"syntax error: {exc}") from None
        if root is None:
            raise ScenarioError(self.path, 1, "(document)", "empty scenario")
        # The format first: a file of another kind gets one clear message, not a list of gaps.
        top = self.mapping(root, "", (), required=("format",))
        fmt = self.value(top["format"]) if isinstance(top["format"], ScalarNode) else None
        if fmt != FORMAT:
            raise self.error(top["format"], "format", f"must be {FORMAT!r}, got {_show(top['format'])}")
        top = self.mapping(root, "", TOP_KEYS, required=TOP_KEYS[:6])
        sid = self.text(top["id"], "id")
        if not _ID.match(sid):
            raise self.error(top["id"], "id", "letters, digits, '-', '_' and '.' only")
        start = self.start(top["start"])
        duration = self.offset(top["duration"], "duration")
        if duration <= 0:
            raise self.error(top["duration"], "duration", "must be longer than T+00:00")

        indicators: dict[str, Curve] = {}
        if "indicators" in top:
            node = top["indicators"]
            if not (isinstance(node, ScalarNode) and self.value(node) is None):
                for code, curve_node in self.mapping(node, "indicators", ()).items():
                    key_node = _key_node(node, code)
                    if self.catalog is not None and code not in self.catalog.indicators:
                        raise self.error(key_node, f"indicators.{code}", "unknown indicator code")
                    indicators[code] = self.curve(curve_node, f"indicators.{code}", duration)

        incidents: list[ScenarioIncident] = []
        if "incidents" in top:
            node = top["incidents"]
            if not (isinstance(node, ScalarNode) and self.value(node) is None):
                for i, item in enumerate(self.sequence(node, "incidents")):
                    incidents.append(self.incident(item, f"incidents[{i}]", duration))
        incidents.sort(key=lambda inc: inc.at_s)  # stable: equal times keep file order

        scenario = Scenario(
            id=sid,
            title_zh=self.text(top["title_zh"], "title_zh"),
            title_en=self.text(top["title_en"], "title_en"),
            start=start,
            duration_s=float(duration),
            indicators=indicators,
            incidents=incidents,
        )
        self.script(root, top, scenario)
        return scenario

    # -- the drill's script ---------------------------------------------------------------------

    def script(self, root: MappingNode, top: dict[str, Node], scenario: Scenario) -> None:
        """exercise, phases, objectives, injects: all four or none (a plain city scenario)."""
        parts = ("exercise", "phases", "objectives", "injects")
        given = [key for key in parts if key in top]
        if not given:
            return
        for key in parts:
            if key not in top:
                raise self.error(root, key, f"a drill needs {', '.join(parts)} (this file has {', '.join(given)})")
        duration = int(scenario.duration_s)
        scenario.exercise = self.exercise(top["exercise"])
        scenario.phases = self.phases(top["phases"], duration)
        scenario.objectives = self.objectives(top["objectives"])
        scenario.injects = self.injects(top["injects"], scenario)
        used = {oid for inj in scenario.injects for oid in inj.objectives}
        for k, obj in enumerate(scenario.objectives):
            if obj.id not in used:
                node = self.sequence(top["objectives"], "objectives")[k]
                raise self.error(node, f"objectives[{k}].id", f"objective {obj.id} is tested by no inject")

    def _optional_text(self, parts: dict[str, Node], key: str, field: str) -> str:
        return self.text(parts[key], f"{field}.{key}") if key in parts else ""

    def _departments(self, node: Node, field: str) -> tuple[str, ...]:
        codes = self._codes(node, field)
        if self.catalog is not None:
            for k, code in enumerate(codes):
                if code not in self.catalog.departments:
                    raise self.error(_item(node, k), f"{field}[{k}]" if isinstance(node, SequenceNode) else field,
                                     f"unknown department {code!r}")
        return codes

    def _codes(self, node: Node, field: str) -> tuple[str, ...]:
        """A code or a list of codes (each a non-empty string, no repeats)."""
        items = self.sequence(node, field) if isinstance(node, SequenceNode) else [node]
        if not items:
            raise self.error(node, field, "must not be empty")
        out: list[str] = []
        for k, item in enumerate(items):
            where = f"{field}[{k}]" if isinstance(node, SequenceNode) else field
            code = self.text(item, where).strip()
            if code in out:
                raise self.error(item, where, f"{code!r} is given twice")
            out.append(code)
        return tuple(out)

    def exercise(self, node: Node) -> Exercise:
        parts = self.mapping(node, "exercise", EXERCISE_KEYS, required=("type", "organiser_zh", "organiser_en"))
        etype = self.value(parts["type"]) if isinstance(parts["type"], ScalarNode) else None
        if etype not in EXERCISE_TYPES:
            raise self.error(parts["type"], "exercise.type",
                             f"must be one of {', '.join(EXERCISE_TYPES)}, got {_show(parts['type'])}")
        participants = (self._departments(parts["participants"], "exercise.participants")
                        if "participants" in parts else ())
        return Exercise(
            type=etype,
            organiser_zh=self.text(parts["organiser_zh"], "exercise.organiser_zh"),
            organiser_en=self.text(parts["organiser_en"], "exercise.organiser_en"),
            summary_zh=self._optional_text(parts, "summary_zh", "exercise"),
            summary_en=self._optional_text(parts, "summary_en", "exercise"),
            participants=participants,
        )

    def phases(self, node: Node, duration: int) -> list[Phase]:
        items = self.sequence(node, "phases")
        if not items:
            raise self.error(node, "phases", "a drill needs at least one phase")
        out: list[Phase] = []
        for k, item in enumerate(items):
            field = f"phases[{k}]"
            parts = self.mapping(item, field, PHASE_KEYS, required=PHASE_KEYS)
            pid = self.text(parts["id"], f"{field}.id")
            if not _SHORT_ID.match(pid):
                raise self.error(parts["id"], f"{field}.id", "a letter, then letters, digits, '-' or '_'")
            if any(p.id == pid for p in out):
                raise self.error(parts["id"], f"{field}.id", f"phase {pid} is defined twice")
            at = self.offset(parts["at"], f"{field}.at")
            if k == 0 and at != 0:
                raise self.error(parts["at"], f"{field}.at", "the first phase starts at T+00:00")
            if out and at <= out[-1].at_s:
                raise self.error(parts["at"], f"{field}.at",
                                 f"phases must start in order: {format_offset(at)} is not after "
                                 f"{format_offset(out[-1].at_s)} ({out[-1].id})")
            if at >= duration:
                raise self.error(parts["at"], f"{field}.at",
                                 f"{format_offset(at)} is not before the scenario end {format_offset(duration)}")
            out.append(Phase(pid, float(at), self.text(parts["title_zh"], f"{field}.title_zh"),
                             self.text(parts["title_en"], f"{field}.title_en")))
        return out

    def objectives(self, node: Node) -> list[Objective]:
        items = self.sequence(node, "objectives")
        if not items:
            raise self.error(node, "objectives", "a drill needs at least one objective")
        out: list[Objective] = []
        for k, item in enumerate(items):
            field = f"objectives[{k}]"
            parts = self.mapping(item, field, OBJECTIVE_KEYS, required=OBJECTIVE_REQUIRED)
            oid = self.text(parts["id"], f"{field}.id")
            if not _SHORT_ID.match(oid):
                raise self.error(parts["id"], f"{field}.id", "a letter, then letters, digits, '-' or '_'")
            if any(o.id == oid for o in out):
                raise self.error(parts["id"], f"{field}.id", f"objective {oid} is defined twice")
            out.append(Objective(
                id=oid,
                title_zh=self.text(parts["title_zh"], f"{field}.title_zh"),
                title_en=self.text(parts["title_en"], f"{field}.title_en"),
                departments=self._departments(parts["departments"], f"{field}.departments")
                if "departments" in parts else (),
                capability_zh=self._optional_text(parts, "capability_zh", field),
                capability_en=self._optional_text(parts, "capability_en", field),
            ))
        return out

    def injects(self, node: Node, scenario: Scenario) -> list[Inject]:
        items = self.sequence(node, "injects")
        if not items:
            raise self.error(node, "injects", "a drill needs at least one inject")
        out: list[Inject] = []
        seen: dict[str, int] = {}
        for k, item in enumerate(items):
            inj = self.inject(item, f"injects[{k}]", scenario)
            if inj.id in seen:
                raise self.error(self.mapping(item, "", ())["id"], f"injects[{k}].id",
                                 f"{inj.id} is used twice (first on line {seen[inj.id]})")
            seen[inj.id] = inj.line
            out.append(inj)
        out.sort(key=lambda inj: (inj.at_s, inj.id))
        return out

    def inject(self, node: Node, field: str, scenario: Scenario) -> Inject:
        parts = self.mapping(node, field, INJECT_KEYS, required=INJECT_REQUIRED)
        iid = self.text(parts["id"], f"{field}.id").strip()
        if not _INJECT_ID.match(iid):
            raise self.error(parts["id"], f"{field}.id", f"an inject number looks like INJ-001, got {_show(parts['id'])}")
        duration = int(scenario.duration_s)
        at = self.offset(parts["at"], f"{field}.at")
        if at > duration:
            raise self.error(parts["at"], f"{field}.at",
                             f"{format_offset(at)} is after the scenario end {format_offset(duration)}")
        phase = self.text(parts["phase"], f"{field}.phase").strip()
        index = next((i for i, p in enumerate(scenario.phases) if p.id == phase), None)
        if index is None:
            raise self.error(parts["phase"], f"{field}.phase",
                             f"unknown phase {phase!r} (phases: {', '.join(p.id for p in scenario.phases)})")
        begins = scenario.phases[index].at_s
        ends = scenario.phases[index + 1].at_s if index + 1 < len(scenario.phases) else duration + 1
        if not begins <= at < ends:
            raise self.error(parts["at"], f"{field}.at",
                             f"{format_offset(at)} is outside phase {phase} "
                             f"({format_offset(begins)} .. "
                             f"{format_offset(ends) if ends <= duration else 'the end'})")
        kind = self._choice(parts["kind"], f"{field}.kind", INJECT_KINDS)
        mode = self._choice(parts["mode"], f"{field}.mode", INJECT_MODES)
        to = self._codes(parts["to"], f"{field}.to")
        if self.catalog is not None:
            for k, code in enumerate(to):
                if code not in self.catalog.departments and (code not in ROLES or code == "seat"):
                    raise self.error(_item(parts["to"], k), f"{field}.to",
                                     f"{code!r} is neither a department nor a role "
                                     f"({', '.join(r for r in ROLES if r != 'seat')})")
        objectives = self._codes(parts["objective"], f"{field}.objective")
        known = {o.id for o in scenario.objectives}
        for k, oid in enumerate(objectives):
            if oid not in known:
                raise self.error(_item(parts["objective"], k), f"{field}.objective",
                                 f"unknown objective {oid!r} (objectives: {', '.join(sorted(known))})")
        if kind != "expected_action" and "from_zh" not in parts:
            what = "an inject" if kind == "inject" else "a contingency inject"
            raise self.error(node, f"{field}.from_zh", f"{what} needs its sender (from_zh, from_en)")
        if ("from_zh" in parts) != ("from_en" in parts):
            missing = "from_en" if "from_zh" in parts else "from_zh"
            raise self.error(node, f"{field}.{missing}", "give the sender in both languages")
        if ("expected_zh" in parts) != ("expected_en" in parts):
            missing = "expected_en" if "expected_zh" in parts else "expected_zh"
            raise self.error(node, f"{field}.{missing}", "give the expected response in both languages")
        respond = None
        if "respond_within_min" in parts:
            respond = self.number(parts["respond_within_min"], f"{field}.respond_within_min")
            if not 0 < respond <= MAX_RESPOND_MIN:
                raise self.error(parts["respond_within_min"], f"{field}.respond_within_min",
                                 f"must be more than 0 and at most {MAX_RESPOND_MIN} minutes, got {respond:g}")
        evaluation: list[EvaluationPoint] = []
        if "evaluation" in parts:
            for k, point in enumerate(self.sequence(parts["evaluation"], f"{field}.evaluation")):
                where = f"{field}.evaluation[{k}]"
                pp = self.mapping(point, where, ("zh", "en"), required=("zh", "en"))
                evaluation.append(EvaluationPoint(self.text(pp["zh"], f"{where}.zh"), self.text(pp["en"], f"{where}.en")))
        incident = None
        if "incident" in parts:
            incident = self.incident(parts["incident"], f"{field}.incident", duration, at_s=at)
        watch = self.watch(parts["watch"], f"{field}.watch") if "watch" in parts else None
        return Inject(
            id=iid, at_s=float(at), phase=phase, kind=kind, mode=mode, to=to,
            message_zh=self.text(parts["message_zh"], f"{field}.message_zh"),
            message_en=self.text(parts["message_en"], f"{field}.message_en"),
            objectives=objectives,
            from_zh=self._optional_text(parts, "from_zh", field),
            from_en=self._optional_text(parts, "from_en", field),
            expected_zh=self._optional_text(parts, "expected_zh", field),
            expected_en=self._optional_text(parts, "expected_en", field),
            respond_within_min=respond,
            evaluation=tuple(evaluation),
            notes=self._optional_text(parts, "notes", field),
            incident=incident,
            watch=watch,
            line=node.start_mark.line + 1,
        )

    def watch(self, node: Node, field: str) -> Watch:
        parts = self.mapping(node, field, WATCH_KEYS, required=("op",))
        op = self._choice(parts["op"], f"{field}.op", WATCH_OPS)
        department = level = None
        if "department" in parts:
            department = self._departments(parts["department"], f"{field}.department")
            if len(department) != 1:
                raise self.error(parts["department"], f"{field}.department", "one department")
            department = department[0]
        if "level" in parts:
            if op != "incident.set_response_level":
                raise self.error(parts["level"], f"{field}.level", "only for op incident.set_response_level")
            codes = tuple(lv.value.code for lv in ResponseLevel)
            node_level = parts["level"]
            level = node_level.value if isinstance(node_level, ScalarNode) else None  # 2 and "2" alike
            if level not in codes:
                raise self.error(node_level, f"{field}.level",
                                 f"a response level {', '.join(codes)} (1 is the highest), got {_show(node_level)}")
        return Watch(op, department, level)

    def _choice(self, node: Node, field: str, choices: tuple[str, ...]) -> str:
        value = self.value(node) if isinstance(node, ScalarNode) else None
        if value not in choices:
            raise self.error(node, field, f"must be one of {', '.join(choices)}, got {_show(node)}")
        return value

    def start(self, node: Node) -> datetime:
        value = self.value(node) if isinstance(node, ScalarNode) else None
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            except ValueError:
                raise self.error(node, "start", f"{_show(node)} is not an ISO 8601 date-time") from None
        if not isinstance(value, datetime):
            raise self.error(node, "start", f"must be an ISO 8601 date-time, got {_show(node)}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise self.error(node, "start", "needs a UTC offset, e.g. 2026-07-15T06:00:00+08:00")
        return value

    def curve(self, node: Node, field: str, duration: int) -> Curve:
        parts = self.mapping(node, field, CURVE_KEYS, required=("keyframes",))
        frames_node = parts["keyframes"]
        items = self.sequence(frames_node, f"{field}.keyframes")
        if not items:
            raise self.error(frames_node, f"{field}.keyframes", "needs at least one keyframe")
        frames: list[tuple[float, float]] = []
        for k, item in enumerate(items):
            where = f"{field}.keyframes[{k}]"
            pair = self.sequence(item, where)
            if len(pair) != 2:
                raise self.error(item, where, "must be [offset, value]")
            t = self.offset(pair[0], f"{where}[0]")
            v = self.number(pair[1], f"{where}[1]")
            if frames and t <= frames[-1][0]:
                raise self.error(
                    pair[0], f"{where}[0]",
                    f"keyframe times must increase: {format_offset(t)} is not after "
                    f"{format_offset(frames[-1][0])}",
                )
            if t > duration:
                raise self.error(
                    pair[0], f"{where}[0]", f"{format_offset(t)} is after the scenario end {format_offset(duration)}"
                )
            frames.append((float(t), v))
        noise = 0.0
        if "noise" in parts:
            noise = self.number(parts["noise"], f"{field}.noise")
            if noise < 0:
                raise self.error(parts["noise"], f"{field}.noise", "must be >= 0")
        return Curve(keyframes=frames, noise=noise)

    def incident(self, node: Node, field: str, duration: int, at_s: int | None = None) -> ScenarioIncident:
        """An incident of the city feed, or (with `at_s`) an inject's, which has no `at`."""
        if at_s is not None:
            parts = self.mapping(node, field, INJECT_INCIDENT_REQUIRED + INCIDENT_OPTIONAL,
                                 required=INJECT_INCIDENT_REQUIRED)
        else:
            parts = self.mapping(node, field, INCIDENT_REQUIRED + INCIDENT_OPTIONAL, required=INCIDENT_REQUIRED)
        at = self.offset(parts["at"], f"{field}.at") if at_s is None else at_s
        if at_s is None and at > duration:
            raise self.error(
                parts["at"], f"{field}.at", f"{format_offset(at)} is after the scenario end {format_offset(duration)}"
            )
        etype = self.text(parts["type"], f"{field}.type")
        severity = self.value(parts["severity"]) if isinstance(parts["severity"], ScalarNode) else None
        if severity not in SEVERITIES:
            raise self.error(
                parts["severity"], f"{field}.severity",
                f"must be one of {', '.join(SEVERITIES)}, got {_show(parts['severity'])}",
            )
        org_unit = self.value(parts["org_unit"]) if isinstance(parts["org_unit"], ScalarNode) else None
        if isinstance(org_unit, int) and not isinstance(org_unit, bool):
            org_unit = parts["org_unit"].value  # an unquoted code is still a code
        if not isinstance(org_unit, str) or not org_unit:
            raise self.error(parts["org_unit"], f"{field}.org_unit", "must be an org unit code")
        lon = self.number(parts["lon"], f"{field}.lon")
        lat = self.number(parts["lat"], f"{field}.lat")
        if not -180 <= lon <= 180:
            raise self.error(parts["lon"], f"{field}.lon", f"{lon} is not a longitude")
        if not -90 <= lat <= 90:
            raise self.error(parts["lat"], f"{field}.lat", f"{lat} is not a latitude")
        if self.catalog is not None:
            if etype not in self.catalog.event_types:
                raise self.error(parts["type"], f"{field}.type", f"unknown event type {etype!r}")
            unit = self.catalog.org_units.get(org_unit)
            if unit is None:
                raise self.error(parts["org_unit"], f"{field}.org_unit", f"unknown org unit {org_unit!r}")
            if not unit.contains(lon, lat):
                raise self.error(
                    parts["lon"], f"{field}.lon",
                    f"({lon}, {lat}) is outside org unit {org_unit} ({unit.name_en})",
                )
        descriptions = {}
        for key in INCIDENT_OPTIONAL:
            descriptions[key] = self.text(parts[key], f"{field}.{key}") if key in parts else ""
        return ScenarioIncident(
            at_s=float(at),
            type=etype,
            severity=severity,
            org_unit=org_unit,
            lon=lon,
            lat=lat,
            title_zh=self.text(parts["title_zh"], f"{field}.title_zh"),
            title_en=self.text(parts["title_en"], f"{field}.title_en"),
            **descriptions,
        )


def _item(node: Node, k: int) -> Node:
    """The k-th item of a list node, or the node itself when it is one scalar."""
    return node.value[k] if isinstance(node, SequenceNode) else node


def _key_node(mapping: MappingNode, key: str) -> Node:
    for key_node, _value in mapping.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            return key_node
    return mapping


def _show(node: Node) -> str:
    if isinstance(node, ScalarNode):
        return repr(node.value)
    return "a list" if isinstance(node, SequenceNode) else "a mapping"
