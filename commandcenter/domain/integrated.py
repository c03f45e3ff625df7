"""Integrated command (综合指挥): the command log, notices, incident reports, response levels
under a plan, and the clock-driven escalation rule. Commands only: they validate and return
Ops; the store writes them (row + outbox + audit in one transaction).

Rules that run on the clock (escalation, report reminders) make rows with ids derived from
what they are (uuid5), so a field post that escalates offline and the platform (or another
client) that escalates the same task make the same rows; the platform merges the duplicates.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Iterable

from commandcenter.domain import machines
from commandcenter.domain.catalog import Catalog
from commandcenter.domain.commands import CommandError, Op, dispatch_task, sla_keys, task_action
from commandcenter.domain.ids import uuid7
from commandcenter.domain.levels import OrgLevel, ResponseLevel
from commandcenter.domain.plans import NAMESPACE, LEVEL_CODES, ResponsePlan, decision_log_id, plan_task_id
from commandcenter.domain.sla import MINUTE_MS, pick_template

LOG_KINDS = ("decision", "response_level", "dispatch", "escalation", "report", "supervision", "note")
NOTICE_KINDS = ("escalation", "report_due", "supervision", "reminder", "inject")  # inject: a drill's
REPORT_KINDS = ("initial", "update", "final")  # 初报 续报 终报
SATISFACTION = ("satisfied", "basically", "unsatisfied")  # 满意 基本满意 不满意


@dataclass(frozen=True)
class ReportRule:
    """Deadlines of incident reports for one severity (minutes): the initial report after the
    incident is reported, an update every `update_minutes` while it is open, the final report
    after it is closed."""

    severity: str  # "I".."IV" or "*"
    initial_minutes: int
    update_minutes: int
    final_minutes: int


def _id(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


# ------------------------------------------------------------------ command log
def write_log(
    now_ms: int,
    *,
    text: str,
    kind: str = "note",
    incident_id: str | None = None,
    user: str | None = None,
    role: str | None = None,
    mode: str = "live",
    log_id: str | None = None,
    **extra: Any,
) -> Op:
    """One entry of the command log (指挥日志): who decided what, when."""
    if kind not in LOG_KINDS:
        raise CommandError(f"unknown log kind {kind!r}", "kind")
    if not text.strip():
        raise CommandError("a log entry needs text", "text")
    lid = log_id or uuid7(now_ms)
    return Op(
        "log",
        lid,
        "log.write",
        {
            "id": lid, "incident_id": incident_id, "ts_ms": now_ms, "user": user, "role": role,
            "kind": kind, "text": text.strip(), "mode": mode, **extra,
        },
    )


# ---------------------------------------------------------------------- notices
def send_notice(
    now_ms: int,
    *,
    org_unit: str | None,
    kind: str,
    text: str,
    department: str | None = None,
    task_id: str | None = None,
    incident_id: str | None = None,
    mode: str = "live",
    notice_id: str | None = None,
) -> Op:
    if kind not in NOTICE_KINDS:
        raise CommandError(f"unknown notice kind {kind!r}", "kind")
    nid = notice_id or uuid7(now_ms)
    return Op(
        "notice",
        nid,
        "notice.send",
        {
            "id": nid, "org_unit": org_unit, "department": department, "kind": kind, "text": text,
            "task_id": task_id, "incident_id": incident_id, "created_ms": now_ms, "read_ms": None,
            "read_by": None, "mode": mode,
        },
    )


def read_notice(row: dict, now_ms: int, user: str) -> Op:
    if row.get("read_ms"):
        raise CommandError("the notice is read already", "read_ms")
    return Op("notice", row["id"], "notice.read", {"read_ms": now_ms, "read_by": user}, row["version"])


# ----------------------------------------------------------------- task extras
def supervise_task(row: dict, now_ms: int, *, text: str) -> Op:
    """督办: the commander puts an open task under supervision, with what is expected."""
    if row["status"] not in machines.TASK_SIDE_ACTIONS["supervise"]:
        raise machines.TransitionError("task", row["status"], "supervise")
    if not text.strip():
        raise CommandError("supervision needs a text (what is expected by when)", "text")
    return Op(
        "task", row["id"], "task.supervise",
        {"supervised_ms": now_ms, "supervision": text.strip(), "updated_ms": now_ms}, row["version"],
        note=text.strip(),
    )


def follow_up_task(row: dict, now_ms: int, *, satisfaction: str, note: str = "") -> Op:
    """回访: after a task is closed, the caller is asked whether it was settled."""
    if row["status"] not in machines.TASK_SIDE_ACTIONS["follow_up"]:
        raise machines.TransitionError("task", row["status"], "follow_up")
    if row.get("followed_up_ms"):
        raise CommandError("the task has been followed up already", "followed_up_ms")
    if satisfaction not in SATISFACTION:
        raise CommandError(f"satisfaction must be one of {', '.join(SATISFACTION)}", "satisfaction")
    return Op(
        "task", row["id"], "task.follow_up",
        {"followed_up_ms": now_ms, "satisfaction": satisfaction, "updated_ms": now_ms}, row["version"],
        note=note,
    )


def arbitrate_return(
    task: dict, incident: dict, catalog: Catalog, now_ms: int, *, department: str | None = None,
    org_unit: str | None = None, user: str | None = None, role: str | None = None, note: str = "",
) -> list[Op]:
    """审定 then 重派: a returned task goes back to the same department and org unit (the return
    is overruled) or to the ones the dispatcher names, with deadlines that start now; the
    decision goes to the command log with the reason the department gave."""
    from commandcenter.domain.machines import RETURN_REASONS

    department = department or task["department"]
    org_unit = org_unit or task["org_unit"]
    fresh = dispatch_task(incident, catalog, now_ms, department=department, org_unit=org_unit,
                          lead=bool(task.get("lead"))).fields
    op = task_action(task, "redispatch", now_ms,
                     **{k: fresh[k] for k in ("department", "org_unit", "level", "accept_by_ms", "finish_by_ms")})
    reason = RETURN_REASONS.get(task.get("return_reason") or "", ("", ""))[0]
    old_dept = catalog.departments.get(task["department"])
    new_dept = catalog.departments.get(department)
    new_unit = catalog.org_units.get(org_unit)
    same = (department, org_unit) == (task["department"], task["org_unit"])
    text = (f"【审定】{old_dept.name_zh if old_dept else task['department']}退单（{reason or '无理由'}）"
            + ("不予认可，原单重派" if same else
               f"，改派{new_dept.name_zh if new_dept else department}（{new_unit.name_zh if new_unit else org_unit}）")
            + (f"。{note.strip()}" if note.strip() else ""))
    return [op, write_log(now_ms, text=text, kind="decision", incident_id=task["incident_id"], user=user, role=role,
                          mode=task.get("mode", "live"), task_id=task["id"])]


def remind_task(task: dict, catalog: Catalog, now_ms: int, *, text: str = "") -> list[Op]:
    """催办: counted on the task and sent to the department at its org unit as a notice."""
    op = task_action(task, "remind", now_ms)
    dept = catalog.departments.get(task["department"])
    body = f"【催办】请{dept.name_zh if dept else task['department']}加快办理" + (f"：{text.strip()}" if text.strip() else "")
    return [op, send_notice(now_ms, org_unit=task["org_unit"], department=task["department"], kind="reminder",
                            text=body, task_id=task["id"], incident_id=task["incident_id"], mode=task.get("mode", "live"))]


def supervise_with_notice(task: dict, catalog: Catalog, now_ms: int, *, text: str, user: str | None = None) -> list[Op]:
    """督办: the supervision on the task, a notice to the department and an entry in the log."""
    op = supervise_task(task, now_ms, text=text)
    dept = catalog.departments.get(task["department"])
    body = f"【督办】{dept.name_zh if dept else task['department']}：{text.strip()}"
    return [
        op,
        send_notice(now_ms, org_unit=task["org_unit"], department=task["department"], kind="supervision", text=body,
                    task_id=task["id"], incident_id=task["incident_id"], mode=task.get("mode", "live")),
        write_log(now_ms, text=body, kind="supervision", incident_id=task["incident_id"], user=user, role="commander",
                  mode=task.get("mode", "live"), task_id=task["id"]),
    ]


def dispatch_joint(
    incident: dict,
    catalog: Catalog,
    now_ms: int,
    *,
    lead: tuple[str, str],
    cooperating: Iterable[tuple[str, str]] = (),
    open_tasks: Iterable[dict] = (),
    note: str = "",
) -> list[Op]:
    """派单 to one lead unit (首接负责/牵头) and co-operating units, each (department, org unit).
    An incident has one lead among its open tasks: a second lead is refused."""
    open_tasks = list(open_tasks)
    leads = [t for t in open_tasks if t.get("lead") and t["status"] in machines.OPEN_TASK_STATES]
    if leads:
        raise CommandError(f"the incident has a lead unit already ({leads[0]['department']})", "lead")
    pairs = [lead, *cooperating]
    if len(set(d for d, _ in pairs)) != len(pairs):
        raise CommandError("a department appears twice in one dispatch", "department")
    return [
        dispatch_task(incident, catalog, now_ms, department=dept, org_unit=org, lead=(i == 0), note=note)
        for i, (dept, org) in enumerate(pairs)
    ]


# ------------------------------------------------------------------------ units
def assign_unit(unit: dict, incident: dict, now_ms: int) -> Op:
    """派遣: an available unit goes to an incident. The unit carries the incident and its
    place (`goal_lon`, `goal_lat`), which the platform's fleet drives to."""
    if incident["status"] in ("closed", "cancelled"):
        raise CommandError("the incident is no longer open", "status")
    target = machines.RESOURCE.target(unit["status"], "assign")
    return Op(
        "resource", unit["id"], "resource.assign",
        {"status": target, "incident_id": incident["id"], "goal_lon": incident.get("lon"),
         "goal_lat": incident.get("lat"), "updated_ms": now_ms},
        unit["version"],
    )


# -------------------------------------------------------------- response level
def decide_response_level(
    incident: dict,
    catalog: Catalog,
    now_ms: int,
    *,
    level: str | None,
    plan: ResponsePlan | None,
    open_tasks: Iterable[dict] = (),
    user: str | None = None,
    role: str | None = None,
    reason: str = "",
) -> list[Op]:
    """Raise or lower an incident's response level (一级..四级) under a plan (预案).

    Raising dispatches the plan's tasks of the new level and every lower one that the incident
    does not already have (same department at the same org unit, open); lowering or ending
    the response (level None) dispatches nothing. Always one command-log entry: who, when,
    from which level to which, under which plan, why."""
    if incident["status"] in ("closed", "cancelled"):
        raise CommandError("the incident is no longer open", "status")
    if level is not None and level not in LEVEL_CODES:
        raise CommandError(f"unknown response level {level!r}", "response_level")
    if level is not None and plan is None:
        raise CommandError("a response level is decided under a plan", "plan")
    old = incident.get("response_level")
    if level == old and (plan is None or plan.code == incident.get("response_plan")):
        raise CommandError("the incident is at that level already", "response_level")
    ops = [
        Op(
            "incident", incident["id"], "incident.set_response_level",
            {"response_level": level, "response_plan": plan.code if plan else None, "updated_ms": now_ms},
            incident["version"], note=reason,
        )
    ]
    dispatched = 0
    if level is not None and plan is not None and (old is None or int(level) < int(old) or plan.code != incident.get("response_plan")):
        have = {(t["department"], t["org_unit"]) for t in open_tasks if t["status"] in machines.OPEN_TASK_STATES}
        has_lead = any(t.get("lead") for t in open_tasks if t["status"] in machines.OPEN_TASK_STATES)
        home = incident.get("org_unit")
        for _lvl, item in plan.tasks_up_to(level):
            unit = catalog.ancestor_at(home, item.org_level) if home in catalog.org_units else None
            if unit is None:
                unit = _city(catalog)
            if (item.department, unit.code) in have:
                continue
            lead = item.lead and not has_lead
            has_lead = has_lead or lead
            op = dispatch_task(
                incident, catalog, now_ms, department=item.department, org_unit=unit.code, lead=lead,
                note=f"{plan.name_zh}: {item.action_zh}",
                task_id=plan_task_id(incident["id"], plan.code, item.department, unit.code),
            )
            op.fields["plan"] = plan.code
            ops.append(op)
            have.add((item.department, unit.code))
            dispatched += 1
    names = {lv.value.code: lv.value.zh for lv in ResponseLevel}
    text = (
        f"响应级别 {names.get(old, '无') if old else '无'} → {names.get(level, '结束响应') if level else '结束响应'}"
        + (f"（{plan.name_zh}）" if plan else "")
        + (f"，派发预案任务 {dispatched} 项" if dispatched else "")
        + (f"。{reason.strip()}" if reason.strip() else "")
    )
    ops.append(
        write_log(
            now_ms, text=text, kind="response_level", incident_id=incident["id"], user=user, role=role,
            mode=incident.get("mode", "live"), log_id=decision_log_id(incident["id"], incident["version"], level),
            from_level=old, to_level=level, plan=plan.code if plan else None, tasks=dispatched,
        )
    )
    return ops


def _city(catalog: Catalog):
    return next(u for u in catalog.org_units.values() if u.level == OrgLevel.CITY)


# ---------------------------------------------------------------------- reports
def report_rule(rules: list[ReportRule], severity: str) -> ReportRule:
    exact = [r for r in rules if r.severity == severity]
    fallback = [r for r in rules if r.severity == "*"]
    if not (exact or fallback):
        raise CommandError(f"no report deadlines for severity {severity}", "severity")
    return (exact or fallback)[0]


def next_report(incident: dict, reports: list[dict], rules: list[ReportRule]) -> tuple[str, int, int] | None:
    """(kind, number, due_ms) of the report the incident owes next, or None when it owes none:
    the initial report (初报) after it is reported, an update (续报 n) every update interval while
    it is open, the final report (终报) after it is closed. A cancelled incident owes nothing,
    nor does one of a severity the rules do not name."""
    if incident["status"] == "cancelled":
        return None
    severity = incident.get("severity") or "*"
    if not any(r.severity in (severity, "*") for r in rules):
        return None  # this severity owes no report (sla.json "reports")
    rule = report_rule(rules, severity)
    mine = sorted(reports, key=lambda r: r["submitted_ms"])
    if any(r["kind"] == "final" for r in mine):
        return None
    if not any(r["kind"] == "initial" for r in mine):
        return ("initial", 0, incident["reported_ms"] + rule.initial_minutes * MINUTE_MS)
    if incident["status"] == "closed":
        return ("final", 0, incident["updated_ms"] + rule.final_minutes * MINUTE_MS)
    updates = sum(1 for r in mine if r["kind"] == "update")
    return ("update", updates + 1, mine[-1]["submitted_ms"] + rule.update_minutes * MINUTE_MS)


def submit_report(
    incident: dict, reports: list[dict], now_ms: int, *, kind: str, text: str, author: str | None,
    report_id: str | None = None,
) -> Op:
    """初报 first, then 续报 1..n, then 终报 once; nothing after the final report."""
    if kind not in REPORT_KINDS:
        raise CommandError(f"unknown report kind {kind!r}", "kind")
    if not text.strip():
        raise CommandError("a report needs text", "text")
    kinds = [r["kind"] for r in reports]
    if "final" in kinds:
        raise CommandError("the final report has been filed", "kind")
    if kind == "initial" and "initial" in kinds:
        raise CommandError("the initial report has been filed; file an update", "kind")
    if kind != "initial" and "initial" not in kinds:
        raise CommandError("file the initial report first", "kind")
    number = kinds.count("update") + 1 if kind == "update" else 0
    rid = report_id or uuid7(now_ms)
    return Op(
        "report", rid, "report.submit",
        {
            "id": rid, "incident_id": incident["id"], "kind": kind, "number": number, "text": text.strip(),
            "author": author, "submitted_ms": now_ms, "mode": incident.get("mode", "live"),
        },
    )


# ------------------------------------------------------------------- escalation
def escalation_window_ms(catalog: Catalog, severity: str, category: str) -> int:
    """How long the new holder has before the rule looks at an escalated task again: the
    accept window of its SLA template."""
    template = pick_template(catalog.sla, sla_keys(catalog, category), severity)
    return template.accept_minutes * MINUTE_MS


def escalation_ops(task: dict, incident: dict, catalog: Catalog, now_ms: int) -> list[Op]:
    """Escalate one due task one level up (村居 → 街镇 → 区县 → 市) with a notice to both levels
    and a command-log entry. The ids depend on the task and its escalation count only."""
    unit = catalog.org_units.get(task["org_unit"])
    if unit is None or unit.parent is None or unit.parent not in catalog.org_units:
        raise CommandError("a city-level task cannot escalate further", "org_unit")
    parent = catalog.org_units[unit.parent]
    n = int(task.get("escalations") or 0) + 1
    why = "未签收超时" if task["status"] == "dispatched" else "办理超期"
    why_en = "not signed for in time" if task["status"] == "dispatched" else "overdue"
    window = escalation_window_ms(catalog, incident.get("severity") or "IV", incident.get("category") or "")
    dept = catalog.departments.get(task["department"])
    dept_name = dept.name_zh if dept else task["department"]
    mode = task.get("mode", "live")
    escalate = Op(
        "task", task["id"], "task.escalate",
        {
            "org_unit": parent.code, "level": parent.level.code, "escalations": n,
            "escalated_from": task["org_unit"], "next_escalation_ms": now_ms + window, "updated_ms": now_ms,
        },
        task["version"], note=why_en,
    )
    title = incident.get("title") or task["incident_id"]
    text_up = f"【升级】{dept_name}任务{why}，由{unit.name_zh}升级至{parent.name_zh}：{title}"
    text_down = f"【已升级】{dept_name}任务{why}，已升级至{parent.name_zh}：{title}"
    return [
        escalate,
        send_notice(now_ms, org_unit=parent.code, department=task["department"], kind="escalation", text=text_up,
                    task_id=task["id"], incident_id=task["incident_id"], mode=mode,
                    notice_id=_id("escalation-notice", task["id"], n, "up")),
        send_notice(now_ms, org_unit=unit.code, department=task["department"], kind="escalation", text=text_down,
                    task_id=task["id"], incident_id=task["incident_id"], mode=mode,
                    notice_id=_id("escalation-notice", task["id"], n, "down")),
        write_log(now_ms, text=text_up, kind="escalation", incident_id=task["incident_id"], user="system",
                  role="system", mode=mode, log_id=_id("escalation-log", task["id"], n),
                  task_id=task["id"], from_org_unit=unit.code, to_org_unit=parent.code, reason=why_en),
    ]


def escalation_due(task: dict, now_ms: int) -> bool:
    """Below city level, not looked at again before its window, and either not signed for by
    its accept deadline or still open past its finish deadline (or approved extension)."""
    if task["level"] == OrgLevel.CITY.code:
        return False
    if now_ms <= (task.get("next_escalation_ms") or 0):
        return False
    if task["status"] == "dispatched":
        return now_ms > task["accept_by_ms"]
    if task["status"] in ("accepted", "in_progress"):
        return now_ms > (task.get("extension_until_ms") or task["finish_by_ms"])
    return False


def report_reminder_ops(incident: dict, due: tuple[str, int, int], catalog: Catalog, now_ms: int) -> list[Op]:
    """A notice (to the incident's district and the city) that a report is overdue; one per
    report owed, whoever notices first."""
    kind, number, due_ms = due
    names = {"initial": "初报", "update": f"续报{number}", "final": "终报"}
    text = f"【催报】{incident.get('title') or incident['id']}：{names[kind]}已超时"
    home = incident.get("org_unit")
    district = catalog.ancestor_at(home, OrgLevel.DISTRICT) if home in catalog.org_units else None
    city = _city(catalog)
    targets = [u for u in (district, city) if u is not None]
    return [
        send_notice(now_ms, org_unit=u.code, kind="report_due", text=text, incident_id=incident["id"],
                    mode=incident.get("mode", "live"),
                    notice_id=_id("report-due", incident["id"], kind, number, u.code))
        for u in targets
    ]
