"""A small typed hook registry (noun_did_verb), owned by the application, never global.

Models announce changes here; views subscribe in setup_hooks and unsubscribe in
teardown_hooks. Plain Python: the core never touches Qt.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Generic, TypeVar

T = TypeVar("T")


class Hook(Generic[T]):
    def __init__(self, name: str) -> None:
        self.name = name
        self._subscribers: list[Callable[[T], Any]] = []

    def append(self, fn: Callable[[T], Any]) -> None:
        if fn not in self._subscribers:
            self._subscribers.append(fn)

    def remove(self, fn: Callable[[T], Any]) -> None:
        if fn in self._subscribers:
            self._subscribers.remove(fn)

    def __call__(self, arg: T) -> None:
        for fn in list(self._subscribers):
            fn(arg)

    def __len__(self) -> int:
        return len(self._subscribers)


@dataclass(frozen=True)
class ChangeSet:
    """What a commit changed: entity kind -> ids. Views decide whether to redraw."""

    entities: dict[str, frozenset[str]] = field(default_factory=dict)
    outbox_changed: bool = False
    origin: str = "local"  # local | pull | import

    def touches(self, kind: str) -> bool:
        return bool(self.entities.get(kind))


@dataclass(frozen=True)
class ConnectionStatus:
    state: str  # online | offline | syncing
    pending: int  # operations in the outbox not yet acknowledged
    last_sync_ms: int | None = None
    error: str | None = None


class Hooks:
    def __init__(self) -> None:
        self.changes_did_commit: Hook[ChangeSet] = Hook("changes_did_commit")
        self.samples_did_arrive: Hook[list] = Hook("samples_did_arrive")
        # the ids of the units (resources) whose positions were just stored; read them back
        # with Store.latest_positions() / Store.trails()
        self.positions_did_arrive: Hook[list[str]] = Hook("positions_did_arrive")
        self.connection_did_change: Hook[ConnectionStatus] = Hook("connection_did_change")
