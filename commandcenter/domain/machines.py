"""State machines of ARCHITECTURE.md as data: states in forward order and allowed actions.

A transition table is the single source of truth; the store, the platform's merge and the UI
(which actions to offer) all read it.
"""
from __future__ import annotations

from dataclasses import dataclass


class TransitionError(ValueError):
    """A command asked for a transition the machine does not allow."""

    def __init__(self, machine: str, state: str, action: str) -> None:
        super().__init__(f"{machine}: cannot {action} from {state}")
        self.machine = machine
        self.state = state
        self.action = action


@dataclass(frozen=True)
class Machine:
    name: str
    states: tuple[str, ...]  # forward order; rank = index
    initial: str
    actions: dict[str, tuple[frozenset[str], str]]  # action -> (from states, to state)

    def rank(self, state: str) -> int:
        return self.states.index(state)

    def allowed(self, state: str) -> list[str]:
        """Actions allowed from a state, in table order."""
        return [a for a, (src, _) in self.actions.items() if state in src]

    def target(self, state: str, action: str) -> str:
        """The state after `action`, or TransitionError."""
        try:
            src, dst = self.actions[action]
        except KeyError:
            raise TransitionError(self.name, state, action) from None
        if state not in src:
            raise TransitionError(self.name, state, action)
        return dst


def _m(name: str, states: str, initial: str, table: dict[str, tuple[str, str]]) -> Machine:
    return Machine(
        name,
        tuple(states.split()),
        initial,
        {a: (frozenset(src.split()), dst) for a, (src, dst) in table.items()},
    )


INCIDENT = _m(
    "incident",
    "reported verifying confirmed responding contained recovery closed cancelled",
    "reported",
    {
        "verify": ("reported", "verifying"),
        "confirm": ("reported verifying", "confirmed"),
        "respond": ("confirmed", "responding"),
        "contain": ("responding", "contained"),
        "recover": ("contained", "recovery"),
        "close": ("contained recovery", "closed"),
        "cancel": ("reported verifying confirmed", "cancelled"),
        # reopen raises the generation (see commands.reopen_incident)
        "reopen": ("closed cancelled", "reported"),
    },
)

TASK = _m(
    "task",
    "dispatched returned accepted in_progress feedback verified closed",
    "dispatched",
    {
        "accept": ("dispatched", "accepted"),  # 签收
        "return": ("dispatched", "returned"),  # 退单, with a reason code
        "redispatch": ("returned", "dispatched"),  # 重派 after arbitration
        "start": ("accepted", "in_progress"),
        "feedback": ("accepted in_progress", "feedback"),  # 反馈
        "reject_feedback": ("feedback", "in_progress"),  # 核查不通过: rework
        "verify": ("feedback", "verified"),  # 核查
        "close": ("verified", "closed"),  # 办结
    },
)

RESOURCE = _m(
    "resource",
    "available assigned en_route on_scene returning out_of_service",
    "available",
    {
        "assign": ("available", "assigned"),
        "depart": ("assigned", "en_route"),
        "arrive": ("en_route", "on_scene"),
        "leave": ("on_scene", "returning"),
        "release": ("assigned returning", "available"),
        "disable": ("available assigned en_route on_scene returning", "out_of_service"),
        "restore": ("out_of_service", "available"),
    },
)

ALARM = _m(
    "alarm",
    "raised acknowledged converted dismissed cleared",
    "raised",
    {
        "acknowledge": ("raised", "acknowledged"),
        "convert": ("raised acknowledged", "converted"),
        "dismiss": ("raised acknowledged", "dismissed"),
        "clear": ("raised acknowledged converted dismissed", "cleared"),
        # the value got worse after a seat acknowledged or dismissed it: it must be answered
        # again; like a reopen it raises the generation (see domain.alarms.reraise_alarm)
        "reraise": ("acknowledged dismissed", "raised"),
    },
)

# Transitions that start a new generation of the row (a status may then move "back").
GENERATION_ACTIONS = frozenset({"reopen", "reraise"})

MACHINES = {m.name: m for m in (INCIDENT, TASK, RESOURCE, ALARM)}

# Actions on a task that keep its state (not transitions of the machine), and the states they
# are allowed in.
TASK_SIDE_ACTIONS = {
    "request_extension": frozenset({"accepted", "in_progress"}),  # 延期
    "approve_extension": frozenset({"accepted", "in_progress"}),
    "escalate": frozenset({"dispatched", "accepted", "in_progress"}),
    "remind": frozenset({"dispatched", "accepted", "in_progress"}),  # 催办
    "supervise": frozenset({"dispatched", "returned", "accepted", "in_progress", "feedback"}),  # 督办
    "follow_up": frozenset({"closed"}),  # 回访
}

RETURN_REASONS = {
    "wrong_area": ("属地不符", "Not in our area"),
    "unclear_ownership": ("权属不清", "Ownership unclear"),
    "overlapping_duty": ("职能交叉", "Overlapping duties"),
}

OPEN_TASK_STATES = frozenset({"dispatched", "returned", "accepted", "in_progress", "feedback"})
