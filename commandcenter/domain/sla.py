"""Deadlines from SLA templates, and derived clock states (overdue is never stored)."""
from __future__ import annotations

from commandcenter.domain.catalog import SlaTemplate

MINUTE_MS = 60_000


class NoSlaTemplate(LookupError):
    pass


def pick_template(
    templates: list[SlaTemplate], category: str | tuple[str, ...], severity: str
) -> SlaTemplate:
    """The most specific template that matches.

    `category` is one key or several, most specific first (an event type code, then its
    category). A template on an earlier key beats one on a later key, any key beats "*", and
    within the same key a template for the severity beats one for "*".
    """
    keys = (category,) if isinstance(category, str) else tuple(category)
    ranked = {key: len(keys) - i for i, key in enumerate(keys)}
    matches = [
        t for t in templates if (t.category == "*" or t.category in ranked) and t.severity in ("*", severity)
    ]
    if not matches:
        raise NoSlaTemplate(f"no SLA template for category={'/'.join(keys)} severity={severity}")
    return max(matches, key=lambda t: (ranked.get(t.category, 0), t.severity != "*"))


def deadlines(
    templates: list[SlaTemplate], category: str | tuple[str, ...], severity: str, dispatched_ms: int
) -> tuple[int, int]:
    """(accept_by_ms, finish_by_ms) for a task dispatched at `dispatched_ms`."""
    t = pick_template(templates, category, severity)
    return (
        dispatched_ms + t.accept_minutes * MINUTE_MS,
        dispatched_ms + t.finish_minutes * MINUTE_MS,
    )


def clock_state(task: dict, now_ms: int) -> str:
    """What the board shows about a task's clock.

    'accept_overdue' when not signed for by its accept deadline, 'overdue' past the finish
    deadline (or an approved extension), 'warning' in the last 20% of the window, else 'ok';
    'done' for tasks that no longer run a clock.
    """
    status = task["status"]
    if status in ("verified", "closed"):
        return "done"
    if status in ("dispatched", "returned"):
        deadline, start = task["accept_by_ms"], task["dispatched_ms"]
        if now_ms > deadline:
            return "accept_overdue"
    else:
        deadline = task.get("extension_until_ms") or task["finish_by_ms"]
        start = task["dispatched_ms"]
        if now_ms > deadline:
            return "overdue"
    window = max(deadline - start, 1)
    return "warning" if (deadline - now_ms) < 0.2 * window else "ok"


def time_left_ms(task: dict, now_ms: int) -> int:
    """Milliseconds to the deadline that currently applies (negative when overdue)."""
    if task["status"] in ("dispatched", "returned"):
        return task["accept_by_ms"] - now_ms
    return (task.get("extension_until_ms") or task["finish_by_ms"]) - now_ms
