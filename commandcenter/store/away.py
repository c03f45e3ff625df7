""""What changed while you were away" (issue 11): after a field post reconnects (or imports a
USB bundle), a summary of what arrived: new and changed incidents, tasks, escalations, alarms.

`AwayTracker` is plain Python (the Sync dock feeds it hooks): when the link comes back after
being down, it notes when this cache last heard from the platform (`meta.last_pull_ms`) and
collects the ids every pull (or import) touches until the engine reports it is caught up
(online again). Then `summarize()` reads those rows and says what is new since that time.
A short blip (less than `min_away_ms`) or a catch-up that brought nothing makes no summary.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from commandcenter.domain.hooks import ChangeSet, ConnectionStatus

MIN_AWAY_MS = 60_000
SUMMARY_KINDS = ("incident", "task", "escalation", "alarm")
_MAX_ITEMS = 200


@dataclass(frozen=True)
class AwayItem:
    kind: str  # incident | task | escalation | alarm
    entity: str
    entity_id: str
    incident_id: str | None  # where the board opens it
    title: str
    detail: str  # e.g. the status, the department, the alarm colour
    new: bool  # created while away (else changed)
    at_ms: int | None


@dataclass(frozen=True)
class AwaySummary:
    since_ms: int | None  # when the cache last heard from the platform (None: never)
    until_ms: int
    via: str  # "link" (reconnect) or "bundle"
    items: tuple[AwayItem, ...]
    counts: dict[str, int] = field(default_factory=dict)  # kind -> how many (items may be capped)

    @property
    def away_ms(self) -> int | None:
        return None if self.since_ms is None else self.until_ms - self.since_ms

    @property
    def empty(self) -> bool:
        return not any(self.counts.values())


def summarize(store, touched: dict[str, set[str]], since_ms: int | None, until_ms: int, via: str = "link") -> AwaySummary:
    """What the touched rows say arrived since `since_ms`: incidents (new or changed), tasks
    (new or changed), escalations (tasks escalated since), alarms (raised or changed)."""
    since = since_ms or 0
    items: list[AwayItem] = []
    counts = dict.fromkeys(SUMMARY_KINDS, 0)

    ours = ":" + str(store.node_id)

    def echo(row: dict) -> bool:
        """The newest change of the row is our own (pushed, and come back by pull): not news."""
        return str(row.get("hlc") or "").endswith(ours)

    def add(item: AwayItem) -> None:
        counts[item.kind] += 1
        if len(items) < _MAX_ITEMS:
            items.append(item)

    for incident_id in sorted(touched.get("incident", ())):
        row = store.get("incident", incident_id)
        if row is None or echo(row):
            continue
        new = (row.get("reported_ms") or 0) >= since
        add(AwayItem("incident", "incident", incident_id, incident_id, row.get("title") or incident_id[:8],
                     f"{row.get('severity') or ''} {row.get('status') or ''}".strip(), new,
                     row.get("reported_ms") if new else row.get("updated_ms")))
    for task_id in sorted(touched.get("task", ())):
        row = store.get("task", task_id)
        if row is None or echo(row):
            continue
        incident = store.get("incident", row["incident_id"]) if row.get("incident_id") else None
        title = (incident or {}).get("title") or (row.get("incident_id") or "")[:8]
        new = (row.get("dispatched_ms") or 0) >= since
        escalated = (row.get("escalations") or 0) > 0 and (row.get("updated_ms") or 0) >= since
        kind = "escalation" if escalated else "task"
        detail = f"{row.get('department') or ''} · {row.get('level') or ''} · {row.get('status') or ''}"
        add(AwayItem(kind, "task", task_id, row.get("incident_id"), title, detail, new,
                     row.get("updated_ms") or row.get("dispatched_ms")))
    for alarm_id in sorted(touched.get("alarm", ())):
        row = store.get("alarm", alarm_id)
        if row is None or echo(row):
            continue
        new = (row.get("raised_ms") or 0) >= since
        add(AwayItem("alarm", "alarm", alarm_id, row.get("incident_id"), row.get("indicator") or alarm_id[:8],
                     f"{row.get('colour') or ''} {row.get('status') or ''}".strip(), new,
                     row.get("raised_ms") if new else row.get("updated_ms")))
    order = {k: i for i, k in enumerate(("escalation", "alarm", "incident", "task"))}
    items.sort(key=lambda it: (order[it.kind], not it.new, -(it.at_ms or 0)))
    return AwaySummary(since_ms, until_ms, via, tuple(items), counts)


class AwayTracker:
    """Feed it connection statuses and commits; `on_summary` is called with each summary."""

    def __init__(self, store, on_summary: Callable[[AwaySummary], None], *, min_away_ms: int = MIN_AWAY_MS) -> None:
        self._store = store
        self._on_summary = on_summary
        self.min_away_ms = min_away_ms
        self._state: str | None = None  # None: no status yet this session
        self._collecting = False
        self._since_ms: int | None = None
        self._touched: dict[str, set[str]] = {}
        self.last: AwaySummary | None = None

    def connection_changed(self, status: ConnectionStatus) -> None:
        previous, self._state = self._state, status.state
        if status.state in ("syncing", "online") and previous in (None, "offline") and not self._collecting:
            # the link is back (or this is the session's first connection): catch-up begins.
            # A catch-up cut short by another outage goes on collecting from the same time.
            last = self._store.meta("last_pull_ms")
            self._since_ms = int(last) if last else None
            self._touched = {}
            self._collecting = True
        if status.state == "online" and self._collecting:
            self._collecting = False
            self._finish("link")

    def changes_committed(self, changes: ChangeSet) -> None:
        if changes.origin == "import":
            # a USB bundle: its own summary at once (since the last contact of any kind)
            last = self._store.meta("last_pull_ms")
            touched = {k: set(v) for k, v in changes.entities.items()}
            self._emit(summarize(self._store, touched, int(last) if last else None,
                                 self._store.clock.now_ms(), via="bundle"))
            return
        if self._collecting and changes.origin == "pull":
            for kind, ids in changes.entities.items():
                self._touched.setdefault(kind, set()).update(ids)

    def _finish(self, via: str) -> None:
        now = self._store.clock.now_ms()
        if self._since_ms is None:
            return  # a cache's first sync: everything is new, nothing was missed
        if now - self._since_ms < self.min_away_ms:
            return  # a blip, not an absence
        self._emit(summarize(self._store, self._touched, self._since_ms, now, via=via))

    def _emit(self, summary: AwaySummary) -> None:
        if summary.empty:
            return
        self.last = summary
        self._on_summary(summary)
