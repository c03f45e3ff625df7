"""The audit log is a hash chain: each entry carries the previous entry's hash."""
from __future__ import annotations

import hashlib
import json
from typing import Iterable

GENESIS = "0" * 64


def entry_hash(prev_hash: str, entry: dict) -> str:
    body = json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


AUDIT_FIELDS = ("seq", "ts_ms", "user", "action", "entity", "entity_id", "detail")


def verify_chain(rows: Iterable[dict]) -> int | None:
    """The seq of the first entry that does not match its hash or its predecessor, or None.

    A removed row shows as a gap in seq or a prev_hash that does not match.
    """
    prev = GENESIS
    expected_seq = 1
    for row in rows:
        entry = {k: row[k] for k in AUDIT_FIELDS}
        if row["seq"] != expected_seq or row["prev_hash"] != prev or entry_hash(prev, entry) != row["hash"]:
            return row["seq"]
        prev = row["hash"]
        expected_seq += 1
    return None
