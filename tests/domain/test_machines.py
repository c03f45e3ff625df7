"""Every allowed and every forbidden transition of the four state machines.

The expected tables are written out here independently of machines.py, so a change in the
machine that nobody meant shows up as a failure.
"""
from __future__ import annotations

import itertools

import pytest

from commandcenter.domain import machines
from commandcenter.domain.machines import TransitionError

EXPECTED = {
    "incident": {
        ("reported", "verify"): "verifying",
        ("reported", "confirm"): "confirmed",
        ("verifying", "confirm"): "confirmed",
        ("confirmed", "respond"): "responding",
        ("responding", "contain"): "contained",
        ("contained", "recover"): "recovery",
        ("contained", "close"): "closed",
        ("recovery", "close"): "closed",
        ("reported", "cancel"): "cancelled",
        ("verifying", "cancel"): "cancelled",
        ("confirmed", "cancel"): "cancelled",
        ("closed", "reopen"): "reported",
        ("cancelled", "reopen"): "reported",
    },
    "task": {
        ("dispatched", "accept"): "accepted",
        ("dispatched", "return"): "returned",
        ("returned", "redispatch"): "dispatched",
        ("accepted", "start"): "in_progress",
        ("accepted", "feedback"): "feedback",
        ("in_progress", "feedback"): "feedback",
        ("feedback", "reject_feedback"): "in_progress",
        ("feedback", "verify"): "verified",
        ("verified", "close"): "closed",
    },
    "resource": {
        ("available", "assign"): "assigned",
        ("assigned", "depart"): "en_route",
        ("en_route", "arrive"): "on_scene",
        ("on_scene", "leave"): "returning",
        ("assigned", "release"): "available",
        ("returning", "release"): "available",
        **{(s, "disable"): "out_of_service" for s in ("available", "assigned", "en_route", "on_scene", "returning")},
        ("out_of_service", "restore"): "available",
    },
    "alarm": {
        ("raised", "acknowledge"): "acknowledged",
        ("raised", "convert"): "converted",
        ("acknowledged", "convert"): "converted",
        ("raised", "dismiss"): "dismissed",
        ("acknowledged", "dismiss"): "dismissed",
        **{(s, "clear"): "cleared" for s in ("raised", "acknowledged", "converted", "dismissed")},
        ("acknowledged", "reraise"): "raised",
        ("dismissed", "reraise"): "raised",
    },
}


def all_pairs():
    for name, machine in machines.MACHINES.items():
        for state, action in itertools.product(machine.states, machine.actions):
            yield name, state, action


@pytest.mark.parametrize("name,state,action", list(all_pairs()))
def test_transition_table(name, state, action):
    machine = machines.MACHINES[name]
    expected = EXPECTED[name].get((state, action))
    if expected is None:
        with pytest.raises(TransitionError) as err:
            machine.target(state, action)
        assert err.value.state == state and err.value.action == action
        assert action not in machine.allowed(state)
    else:
        assert machine.target(state, action) == expected
        assert action in machine.allowed(state)


def test_machines_have_exactly_the_expected_actions():
    for name, machine in machines.MACHINES.items():
        assert {a for (_, a) in EXPECTED[name]} == set(machine.actions), name


def test_unknown_action_is_refused():
    with pytest.raises(TransitionError):
        machines.TASK.target("dispatched", "teleport")


def test_terminal_states_offer_nothing_but_reopen():
    assert machines.INCIDENT.allowed("closed") == ["reopen"]
    assert machines.TASK.allowed("closed") == []
    assert machines.ALARM.allowed("cleared") == []
