"""Response plans (应急预案) and the response-level decision (issue 5, "Integrated command").

A plan says, for each response level (四级 lowest .. 一级 highest), which departments take a
task at which administrative level, and which one leads. Levels are cumulative: raising an
incident to 二级 under a plan dispatches the tasks of 四级, 三级 and 二级 that are not dispatched
yet. Lowering the level dispatches nothing and cancels nothing (work under way goes on; the
commander closes what is no longer needed), but it is logged like any decision.

Plans are data (resources/city/plans.json, loaded by commandcenter/catalog.py), so a city
edits them without code.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from commandcenter.domain.levels import OrgLevel, ResponseLevel

# Ids of plan tasks, log entries of decisions: derived from what they are, so two nodes that
# apply the same decision offline make the same rows and the platform merges them.
NAMESPACE = uuid.UUID("5d3b0a4e-6f1c-4e2a-9b8d-7c6e5f4a3b21")

LEVEL_CODES = tuple(level.value.code for level in ResponseLevel)  # "1".."4", highest first


@dataclass(frozen=True)
class PlanTask:
    department: str
    org_level: OrgLevel  # where the task goes: the incident's own org unit at this level
    lead: bool
    action_zh: str
    action_en: str


@dataclass(frozen=True)
class ResponsePlan:
    code: str
    name_zh: str
    name_en: str
    applies_to: tuple[str, ...]  # event type codes or categories ("*" for any)
    levels: dict[str, tuple[PlanTask, ...]]  # response level code -> its own tasks

    def tasks_up_to(self, level: str) -> list[tuple[str, PlanTask]]:
        """(level, task) of `level` and every lower level, lowest level first."""
        rank = int(level)
        out = []
        for code in sorted(self.levels, key=int, reverse=True):
            if int(code) >= rank:
                out.extend((code, t) for t in self.levels[code])
        return out


def plans_for(plans: dict[str, ResponsePlan], event_type: str, category: str | None) -> list[ResponsePlan]:
    """The plans that apply to an event type: those naming it first, then its category, then "*"."""
    def rank(plan: ResponsePlan) -> int:
        if event_type in plan.applies_to:
            return 0
        if category is not None and category in plan.applies_to:
            return 1
        return 2 if "*" in plan.applies_to else 3

    return sorted((p for p in plans.values() if rank(p) < 3), key=lambda p: (rank(p), p.code))


def plan_task_id(incident_id: str, plan: str, department: str, org_unit: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"plan-task/{incident_id}/{plan}/{department}/{org_unit}"))


def decision_log_id(incident_id: str, version: int, level: str | None) -> str:
    return str(uuid.uuid5(NAMESPACE, f"response-level/{incident_id}/{version}/{level}"))
