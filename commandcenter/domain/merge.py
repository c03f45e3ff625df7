"""How one operation merges into one document (SYNC.md, "Merge"), shared by the platform's
push (platform/storage.py) and a client importing another node's operations from a bundle
(store/db.py `import_ops`), so both come to the same document.

Pure: a document, its per-field hybrid-clock stamps and authors in, the outcome out. Nothing
here touches a database.

- Workflow status: transitions are validated by the entity's state machine and merge as max
  over (generation, rank); a late or backward move is a conflict, never applied.
- Scalar fields: last writer wins per field on the hlc (the node id, last in the stamp,
  breaks ties); a field that loses is reported with the winning value, stamp and author.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from commandcenter.domain import machines
from commandcenter.domain.commands import CREATE_OPS

# Fields an operation may not set directly: the platform owns them.
RESERVED = frozenset({"id", "version", "hlc"})
# Fields that change with every write; losing them alone is not worth a conflict.
NOISE = frozenset({"updated_ms"})
HLC = re.compile(r"^(\d{13}):(\d{5}):(.+)$")


@dataclass
class Merge:
    """The outcome of one operation. `doc` is the document to write (None: nothing changes);
    `current` names each field of ours that did not take effect with what won it:
    {field: {"value", "hlc", "by"}}."""

    result: str  # applied | merged | conflict | rejected
    reason: str | None = None
    doc: dict | None = None
    field_hlc: dict = field(default_factory=dict)
    field_by: dict = field(default_factory=dict)
    current: dict[str, dict] = field(default_factory=dict)


def hlc_wall_ms(stamp: str | None) -> int | None:
    match = HLC.match(stamp or "")
    return None if match is None else int(match.group(1))


def winner(name: str, doc: Mapping, field_hlc: Mapping, field_by: Mapping) -> dict:
    """What holds a field now: its value, the stamp that wrote it, and who."""
    return {"value": doc.get(name), "hlc": field_hlc.get(name), "by": field_by.get(name)}


def merge(
    entity: str,
    entity_id: str,
    op: str,
    fields: Mapping[str, Any],
    hlc: str,
    user: str | None,
    doc: dict | None,
    field_hlc: Mapping[str, str] | None,
    field_by: Mapping[str, str] | None = None,
) -> Merge:
    """Merge operation `op` (e.g. "incident.close") stamped `hlc` by `user` into `doc` (None
    when the document does not exist). The inputs are not modified."""
    if HLC.match(hlc) is None:
        return Merge("rejected", f"malformed hlc {hlc!r}")
    kind, action = op.split(".", 1)
    if kind != entity:
        return Merge("rejected", f"operation {op} does not apply to a {entity}")
    machine = machines.MACHINES.get(entity)
    if op in CREATE_OPS:
        if doc is not None:
            return Merge("merged", f"{entity} {entity_id} exists already")
        new = {k: v for k, v in fields.items() if k not in RESERVED}
        if machine is not None:
            new.setdefault("status", machine.initial)
            if new["status"] not in machine.states:
                return Merge("rejected", f"unknown {entity} status {new['status']!r}")
        new["id"] = entity_id
        return Merge("applied", None, new, {k: hlc for k in new}, {k: user for k in new})
    if doc is None:
        return Merge("rejected", f"unknown {entity} {entity_id}")
    doc, field_hlc, field_by = dict(doc), dict(field_hlc or {}), dict(field_by or {})
    if machine is not None and action in machine.actions:
        return _transition(entity, machine, action, fields, hlc, user, doc, field_hlc, field_by)
    return _set_fields(entity, action, fields, hlc, user, doc, field_hlc, field_by)


def _transition(entity, machine, action, fields, hlc, user, doc, field_hlc, field_by) -> Merge:
    current = doc.get("status")
    generation = int(doc.get("generation") or 0)
    if current not in machine.states:
        return Merge("rejected", f"{entity} has unknown status {current!r}")
    sources, target = machine.actions[action]
    new_generation = action in machines.GENERATION_ACTIONS
    if new_generation and isinstance(fields.get("generation"), int):
        made_in = fields["generation"] - 1
    elif hlc >= field_hlc.get("generation", ""):
        made_in = generation
    else:
        # Stamped before the current generation began: the author had not seen the reopen.
        made_in = generation - 1
    target_generation = made_in + 1 if new_generation else made_in
    if made_in == generation and current in sources:
        doc["status"] = target
        field_hlc["status"] = hlc
        field_by["status"] = user
        if new_generation:
            doc["generation"] = generation + 1
            field_hlc["generation"] = hlc
            field_by["generation"] = user
        for name, value in fields.items():
            if name in RESERVED or name in ("status", "generation"):
                continue
            if hlc > field_hlc.get(name, ""):
                doc[name] = value
                field_hlc[name] = hlc
                field_by[name] = user
        return Merge("applied", None, doc, field_hlc, field_by)
    status_now = {"status": winner("status", doc, field_hlc, field_by)}
    if (generation, machine.rank(current)) >= (target_generation, machine.rank(target)):
        return Merge(
            "conflict", f"{entity} is already {current} (generation {generation}); {action} not applied",
            current=status_now,
        )
    return Merge("rejected", f"cannot {action} a {entity} that is {current}", current=status_now)


def _set_fields(entity, action, fields, hlc, user, doc, field_hlc, field_by) -> Merge:
    allowed_in = machines.TASK_SIDE_ACTIONS.get(action) if entity == "task" else None
    if allowed_in is not None and doc.get("status") not in allowed_in:
        return Merge("conflict", f"task is {doc.get('status')}; {action} not applied",
                     current={"status": winner("status", doc, field_hlc, field_by)})
    fields = {k: v for k, v in fields.items() if k not in RESERVED}
    if "status" in fields or "generation" in fields:
        return Merge("rejected", "status changes only through a transition")
    won: list[str] = []
    lost: list[str] = []
    for name, value in fields.items():
        if hlc > field_hlc.get(name, ""):
            doc[name] = value
            field_hlc[name] = hlc
            field_by[name] = user
            won.append(name)
        else:
            lost.append(name)
    lost_real = sorted(n for n in lost if n not in NOISE)
    current = {n: winner(n, doc, field_hlc, field_by) for n in lost_real}
    if fields and not won:
        return Merge("conflict", "the platform has newer values of " + ", ".join(sorted(lost)), current=current)
    if lost_real:
        return Merge("merged", "kept the platform's newer " + ", ".join(lost_real), doc, field_hlc, field_by,
                     current=current)
    return Merge("applied", None, doc, field_hlc, field_by)
