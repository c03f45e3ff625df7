"""The wire protocol, shared by the client and the reference platform (SYNC.md).

Pydantic models validate everything that crosses the wire; a payload that does not fit is
rejected with the field that is wrong, and nothing is applied.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

PROTOCOL_VERSION = 1
MAX_PUSH_OPS = 500
# the most samples one history answer holds; a full answer means "ask again from its last"
MAX_HISTORY_SAMPLES = 20_000
ENTITIES = ("incident", "task", "resource", "alarm")


class WireOp(BaseModel):
    """One operation of a node's outbox: (node_id, local_seq) is its idempotency key."""

    model_config = ConfigDict(extra="forbid")

    op_id: str
    node_id: str = Field(min_length=1, max_length=64)
    local_seq: int = Field(ge=1)
    entity: Literal["incident", "task", "resource", "alarm"]
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


class PushResponse(BaseModel):
    epoch: str
    results: list[OpResult]


class Change(BaseModel):
    seq: int
    entity: str
    entity_id: str
    doc: dict[str, Any]
    op_id: str | None = None


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
