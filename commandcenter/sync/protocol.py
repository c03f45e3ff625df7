"""The wire protocol, shared by the client and the reference platform (SYNC.md).

Pydantic models validate everything that crosses the wire; a payload that does not fit is
rejected with the field that is wrong, and nothing is applied.
"""
from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

PROTOCOL_VERSION = 1
MAX_PUSH_OPS = 500
# the most samples one history answer holds; a full answer means "ask again from its last"
MAX_HISTORY_SAMPLES = 20_000
# GET /v1/history?indicator_since=CODE:SINCE_MS (repeated): each indicator from its own time,
# answered ordered by indicator then time; at most this many indicators in one request
HISTORY_SINCE_PARAM = "indicator_since"
MAX_HISTORY_INDICATORS = 1_000
# the most positions one live `positions` event carries, and one back-fill answer holds
MAX_STREAM_POSITIONS = 5_000
MAX_BACKFILL_POSITIONS = 50_000
ENTITIES = ("incident", "task", "resource", "alarm")


class WireOp(BaseModel):
    """One operation of a node's outbox: (node_id, local_seq) is its idempotency key."""

    model_config = ConfigDict(extra="forbid")

    op_id: str
    node_id: str = Field(min_length=1, max_length=64)
    local_seq: int = Field(ge=1)
    entity: Literal["incident", "task", "resource", "alarm", "log", "notice", "report"]
    entity_id: str = Field(min_length=1, max_length=64)
    op: str = Field(pattern=r"^[a-z]+\.[a-z_]+$")
    fields: dict[str, Any]
    base_version: int = Field(ge=0)
    hlc: str
    schema_version: int = Field(ge=1)
    user: str | None = None


class PushRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ops: list[WireOp] = Field(max_length=MAX_PUSH_OPS)


class OpResult(BaseModel):
    op_id: str
    result: Literal["applied", "merged", "conflict", "rejected"]
    reason: str | None = None
    server_seq: int | None = None
    # conflict / merged / rejected: what holds each field of ours that did not take effect,
    # {field: {"value": ..., "hlc": stamp of the winning write, "by": its author}} (issue 11)
    current: dict[str, dict[str, Any]] | None = None


class PushResponse(BaseModel):
    epoch: str
    results: list[OpResult]


class Change(BaseModel):
    seq: int
    entity: str
    entity_id: str
    doc: dict[str, Any]
    op_id: str | None = None
    # the stamp of each field's last write, for a client that merges bundles (issue 11)
    field_hlc: dict[str, str] | None = None
    field_by: dict[str, str | None] | None = None  # and its author


class PullResponse(BaseModel):
    epoch: str
    changes: list[Change]
    next: int
    has_more: bool


class Sample(BaseModel):
    indicator: str
    ts_ms: int
    value: float


class SamplesEvent(BaseModel):
    samples: list[Sample]


class ChangeNotice(BaseModel):
    seq: int


class Hello(BaseModel):
    epoch: str
    seq: int
    protocol: int = PROTOCOL_VERSION
    scenario: str | None = None
    scenario_time_ms: int | None = None
    drill_run: str | None = None  # a drill platform's run (docs/drills.md); None: live


class Position(BaseModel):
    """Where a unit (resource) was: telemetry like samples, not an operation."""

    model_config = ConfigDict(extra="ignore", allow_inf_nan=False)

    id: str = Field(min_length=1, max_length=64)
    ts_ms: int = Field(ge=0)
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    heading_deg: float = Field(ge=0, le=360)
    speed_mps: float = Field(ge=0, le=1000)


class PositionsEvent(BaseModel):
    """A batch of positions (the `positions` stream event, a GET /v1/positions answer).

    Parsed leniently with `parse_positions`: one bad item is dropped and described in
    `problems` (naming its index and field), never the whole batch or the connection."""

    positions: list[Position]
    problems: list[str] = []


def parse_positions(data: Any, max_items: int = MAX_STREAM_POSITIONS) -> PositionsEvent:
    """Validate a JSON list of positions item by item; never raises. `data` is the decoded
    JSON (a list, or an object with a `positions` list) or the event's raw text."""
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(data)
        except ValueError as exc:
            return PositionsEvent(positions=[], problems=[f"positions: not JSON ({exc})"])
    if isinstance(data, dict) and "positions" in data:
        data = data["positions"]
    if not isinstance(data, list):
        return PositionsEvent(positions=[], problems=[f"positions: expected a list, got {type(data).__name__}"])
    problems: list[str] = []
    if len(data) > max_items:
        problems.append(f"positions: {len(data)} items, more than {max_items}; the rest dropped")
        data = data[:max_items]
    good: list[Position] = []
    for index, item in enumerate(data):
        try:
            good.append(Position.model_validate(item))
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in first["loc"]) or "item"
            problems.append(f"positions[{index}].{where}: {first['msg']}")
    return PositionsEvent(positions=good, problems=problems)


def format_history_since(code: str, since_ms: int) -> str:
    """One `indicator_since` value: the code, a colon, the time (the code may hold colons)."""
    return f"{code}:{int(since_ms)}"


def parse_history_since(values: list[str]) -> dict[str, int]:
    """The `indicator_since` values of a history request as code -> since_ms. Raises
    ValueError naming the bad value (no colon, no code, not an integer, negative, too many)."""
    if len(values) > MAX_HISTORY_INDICATORS:
        raise ValueError(f"at most {MAX_HISTORY_INDICATORS} indicators, got {len(values)}")
    since: dict[str, int] = {}
    for value in values:
        code, sep, ms = value.rpartition(":")
        if not sep or not code.strip():
            raise ValueError(f"expected CODE:SINCE_MS, got {value!r}")
        try:
            since_ms = int(ms)
        except ValueError:
            raise ValueError(f"time of {code!r} must be an integer, got {ms!r}") from None
        if not 0 <= since_ms <= 2**62:
            raise ValueError(f"time of {code!r} must be between 0 and {2**62}, got {since_ms}")
        since[code.strip()] = min(since_ms, since.get(code.strip(), since_ms))
    return since
