"""The after-action report (演练评估报告 / AAR) of a finished drill run, from what happened.

Everything comes from the run's recording (drills/replay.py): the script, the run's events
(releases, read receipts, the players' answers found by each inject's watch, completions,
notes, the evaluators' P / S / M / U marks) and the drill city's documents at the end. The
report has, in Chinese or English:

- the overview: the drill, its kind, organiser and participants, when it ran, what was
  released, acknowledged, answered and completed, the drill city's incidents and tasks;
- the objectives: the rating and the evaluator's note, and per objective its evidence (the
  injects that test it, when each was released, read, answered and by whom, the response
  time against the expected one, the outcome);
- response times as bars (actual against expected), strengths, areas for improvement and
  the improvement plan (整改清单: corrective action, responsible department, date), drafted
  from the areas: the evaluators edit it before it is issued;
- the timeline of the run (exercise time and real time) and the coordinators' notes.

Plain HTML (no scripts, a CSP meta, every outside text escaped) that QTextDocument prints:
the bars are table cells, not SVG, so the PDF (ui/pdf.py) shows them too. No Qt here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from html import escape

from commandcenter.domain.catalog import Catalog
from commandcenter.drills.replay import Recording, Replay
from commandcenter.drills.run import RATINGS, DrillRun, InjectState
from commandcenter.drills.scenario import Inject, Objective, format_offset

TZ = timezone(timedelta(hours=8))
PLAN_DAYS = {"major": 14, "minor": 30}  # a corrective action's date after the run
BAR_SCALE_MIN = 5.0  # the bars' scale is at least this many minutes wide

WORDS = {
    "zh": {
        "title": "演练评估报告", "draft": "草稿：演练尚未结束，内容截至生成时间", "marking": "演练 EXERCISE — 本报告内容均为演练，不代表真实事件",
        "generated": "生成时间", "tz": "时间均为北京时间 (UTC+08:00)", "run": "场次", "overview": "一、演练概况",
        "kind": "演练类型", "organiser": "组织单位", "participants": "参演部门", "ran": "实施时间",
        "covered": "演练时段", "state": "状态", "counts": "注入与响应", "injects": "注入总数",
        "released": "已下达", "acknowledged": "已签收", "answered": "有响应行动", "met": "达成",
        "partial": "部分达成", "not_met": "未达成", "expired": "过期未完成", "skipped": "跳过",
        "city": "演练城市", "incidents": "事件", "tasks": "派发任务", "notices": "下达通知",
        "objectives": "二、目标评定", "objective": "目标", "rating": "评定", "by": "评估人", "note": "评估意见",
        "unrated": "未评定", "evidence": "依据", "inject": "注入", "time": "时间", "to": "接收方",
        "release": "下达", "ack": "签收", "answer": "响应行动", "resp": "响应用时", "expected": "要求",
        "result": "结果", "min": "分钟", "none": "无", "capability": "能力", "responsible": "责任部门",
        "chart": "三、响应时间", "chart_note": "条形为实际响应用时（演练时间，分钟），竖线处为要求时限；绿色为按时，橙色为超时，灰色为未响应。",
        "strengths": "四、亮点", "areas": "五、待改进", "plan": "六、整改清单", "action": "整改措施",
        "issue": "问题", "due": "完成时限", "plan_note": "整改清单由评估结果生成，经评估组审定后印发。",
        "timeline": "七、演练时间线", "what": "事项", "who": "人员", "notes": "八、导调备注", "no_notes": "无备注。",
        "nothing": "无。", "ev": {
            "play": "开始/继续演练", "pause": "暂停演练", "speed": "调整倍速为 {speed:g}×", "seek": "时钟跳转至 {to}",
            "end": "结束演练", "evaluated": "评估完成", "release": "下达 {inject}", "hold": "暂缓 {inject}",
            "unhold": "取消暂缓 {inject}", "skip": "跳过 {inject}", "acknowledge": "{inject} 已签收",
            "response": "{inject} 响应：{op}", "complete": "{inject} 评定：{outcome}", "expire": "{inject} 过期",
            "note": "备注：{text}", "mark": "目标 {objective} 评定为 {rating}",
        },
        "rating_names": {"P": "P 顺利完成", "S": "S 完成但存在一些问题", "M": "M 完成但存在重大问题",
                         "U": "U 未能完成"},
        "kinds": {"tabletop": "桌面推演", "drill": "单项演练", "functional": "功能演练", "full_scale": "实战演练"},
        "ikinds": {"inject": "注入", "contingency": "备用注入", "expected_action": "预期行动"},
        "states": {"scheduled": "待开始", "running": "进行中", "paused": "已暂停", "ended": "已结束",
                   "evaluated": "已评估"},
        "istates": {"pending": "未下达", "released": "已下达", "acknowledged": "已签收", "completed": "已完成",
                    "expired": "已过期", "skipped": "已跳过"},
        "s_in_time": "{inject}（{to}）在 {resp:.0f} 分钟内完成响应（要求 {exp:g} 分钟）：{what}",
        "s_met": "{inject} 评定为达成：{what}",
        "s_objective": "目标 {objective}「{title}」评定为 P，顺利完成",
        "a_late": "{inject}（{to}）响应用时 {resp:.0f} 分钟，超过要求的 {exp:g} 分钟：{what}",
        "a_none": "{inject}（{to}）下达后没有观察到预期的响应行动：{what}",
        "a_outcome": "{inject} 评定为{outcome}：{what}",
        "a_expired": "{inject} 到演练结束仍未完成：{what}",
        "a_action": "{inject} 预期行动（{to}）到演练结束未出现：{what}",
        "a_objective": "目标 {objective}「{title}」评定为 {rating}",
        "p_late": "修订相关处置流程，确保{what}在 {exp:g} 分钟内完成；组织值班人员复训",
        "p_none": "针对{inject}开展专项复盘，明确接收、签收与响应的责任链条，并组织桌面推演",
        "p_objective": "围绕「{title}」组织专项培训与复演",
    },
    "en": {
        "title": "After-action report", "draft": "DRAFT: the exercise has not ended; as of the time generated", "marking": "EXERCISE EXERCISE EXERCISE — everything in this report is an exercise",
        "generated": "Generated", "tz": "All times are China Standard Time (UTC+08:00)", "run": "Run",
        "overview": "1. Overview", "kind": "Kind of exercise", "organiser": "Organised by",
        "participants": "Participating departments", "ran": "Conducted", "covered": "Exercise time",
        "state": "State", "counts": "Injects and responses", "injects": "Injects", "released": "Released",
        "acknowledged": "Acknowledged", "answered": "Answered by an action", "met": "Met", "partial": "Partially met",
        "not_met": "Not met", "expired": "Expired", "skipped": "Skipped", "city": "Drill city",
        "incidents": "Incidents", "tasks": "Tasks dispatched", "notices": "Notices sent",
        "objectives": "2. Objectives", "objective": "Objective", "rating": "Rating", "by": "Evaluator",
        "note": "Evaluator's note", "unrated": "not rated", "evidence": "Evidence", "inject": "Inject",
        "time": "Time", "to": "To", "release": "Released", "ack": "Acknowledged", "answer": "Action",
        "resp": "Response", "expected": "Expected", "result": "Result", "min": "min", "none": "none",
        "capability": "Capability", "responsible": "Responsible",
        "chart": "3. Response times", "chart_note": "Bars are the response times (exercise minutes); the mark is the expected time. Green: in time, orange: late, grey: no response.",
        "strengths": "4. Strengths", "areas": "5. Areas for improvement", "plan": "6. Improvement plan",
        "action": "Corrective action", "issue": "Issue", "due": "Due", "plan_note": "Drafted from the evaluation; the evaluation team reviews it before it is issued.",
        "timeline": "7. Timeline", "what": "What", "who": "By", "notes": "8. Coordinators' notes", "no_notes": "No notes.",
        "nothing": "None.", "ev": {
            "play": "Exercise played", "pause": "Exercise paused", "speed": "Speed set to {speed:g}x",
            "seek": "Clock moved to {to}", "end": "Exercise ended", "evaluated": "Evaluation finished",
            "release": "{inject} released", "hold": "{inject} held", "unhold": "{inject} let go",
            "skip": "{inject} skipped", "acknowledge": "{inject} acknowledged", "response": "{inject} answered: {op}",
            "complete": "{inject} rated {outcome}", "expire": "{inject} expired", "note": "Note: {text}",
            "mark": "Objective {objective} rated {rating}",
        },
        "rating_names": {"P": "P performed without challenges", "S": "S performed with some challenges",
                         "M": "M performed with major challenges", "U": "U unable to be performed"},
        "kinds": {"tabletop": "Tabletop exercise", "drill": "Drill", "functional": "Functional exercise",
                  "full_scale": "Full-scale exercise"},
        "ikinds": {"inject": "inject", "contingency": "contingency", "expected_action": "expected action"},
        "states": {"scheduled": "scheduled", "running": "running", "paused": "paused", "ended": "ended",
                   "evaluated": "evaluated"},
        "istates": {"pending": "not released", "released": "released", "acknowledged": "acknowledged",
                    "completed": "completed", "expired": "expired", "skipped": "skipped"},
        "s_in_time": "{inject} ({to}) answered in {resp:.0f} min (expected {exp:g} min): {what}",
        "s_met": "{inject} met: {what}",
        "s_objective": "Objective {objective} \"{title}\" rated P",
        "a_late": "{inject} ({to}) took {resp:.0f} min, more than the {exp:g} min expected: {what}",
        "a_none": "{inject} ({to}): no expected action was seen after the release: {what}",
        "a_outcome": "{inject} rated {outcome}: {what}",
        "a_expired": "{inject} was still open when the exercise ended: {what}",
        "a_action": "{inject}: the expected action ({to}) was not seen by the end: {what}",
        "a_objective": "Objective {objective} \"{title}\" rated {rating}",
        "p_late": "Revise the procedure so that {what} within {exp:g} min; retrain the duty staff",
        "p_none": "Review {inject}: who receives, acknowledges and acts; hold a tabletop on it",
        "p_objective": "Training and a repeat exercise on \"{title}\"",
    },
}


@dataclass(frozen=True)
class PlanItem:
    issue: str
    action: str
    responsible: str
    due_ms: int
    objective: str


class ReportError(ValueError):
    pass


def build_aar(recording: Recording, catalog: Catalog | None, *, lang: str = "zh", generated_ms: int,
              require_ended: bool = True) -> str:
    """The report's HTML. ReportError for a run that has not ended (with require_ended)."""
    w = WORDS["en" if lang == "en" else "zh"]
    scenario = recording.scenario
    run = DrillRun(scenario, recording.run_id or "", recording.events)
    if require_ended and run.state not in ("ended", "evaluated"):
        raise ReportError(f"run {run.run_id} has not ended (it is {run.state}): end it in the console first")
    docs = Replay(recording).final
    text = _Text(lang, catalog)
    title = f"{w['title']}：{text.pick(scenario, 'title')}" if lang != "en" else f"{w['title']}: {scenario.title_en}"
    end_ms = next((e.wall_ms for e in reversed(recording.events) if e.kind == "end"), recording.end_ms)
    areas, strengths, plan = _judge(run, w, text, end_ms)
    out = [
        f'<!DOCTYPE html>\n<html lang="{"en" if lang == "en" else "zh-CN"}"><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f'<p class="marking"><b>{escape(w["marking"])}</b></p>',
        (f'<p class="marking" data-draft="1"><b>{escape(w["draft"])}</b></p>'
         if run.state not in ("ended", "evaluated") else ""),
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta" data-generated-ms="{int(generated_ms)}">{w["run"]} {escape(run.run_id)} · '
        f'{w["generated"]}: {_time(generated_ms)} · {w["tz"]}</p>',
        _overview(run, docs, recording, w, text, end_ms),
        _objectives(run, w, text),
        _chart(run, w, text),
        _list(w["strengths"], strengths, w, "strengths"),
        _list(w["areas"], areas, w, "areas"),
        _plan(plan, w),
        _timeline(run, w, text),
        _notes(run, w),
        "</body></html>\n",
    ]
    return "".join(out)


class _Text:
    def __init__(self, lang: str, catalog: Catalog | None) -> None:
        self.en = lang == "en"
        self.catalog = catalog

    def pick(self, obj, key: str) -> str:
        return getattr(obj, f"{key}_en" if self.en else f"{key}_zh", "") or getattr(obj, f"{key}_zh", "")

    def dept(self, code: str) -> str:
        d = self.catalog.departments.get(code) if self.catalog is not None else None
        if d is not None:
            return d.name_en if self.en else d.name_zh
        from commandcenter.domain.roles import LABELS

        if code in LABELS:
            return LABELS[code][1 if self.en else 0]
        return code

    def to(self, inj: Inject) -> str:
        return ("、" if not self.en else ", ").join(self.dept(a) for a in inj.to)


def _time(ms: int | None) -> str:
    if not ms:
        return ""
    return datetime.fromtimestamp(ms / 1000, TZ).strftime("%Y-%m-%d %H:%M:%S")


def _date(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, TZ).strftime("%Y-%m-%d")


def _t(t_s: float | None) -> str:
    return "" if t_s is None else format_offset(t_s)


def _event_t(run: DrillRun, inject_id: str, kind: str) -> float | None:
    return next((e.t_s for e in run.events if e.kind == kind and e.inject == inject_id), None)


def _ack_min(run: DrillRun, inj: Inject, st: InjectState) -> float | None:
    t = _event_t(run, inj.id, "acknowledge")
    return None if t is None or st.released_t_s is None else max(0.0, t - st.released_t_s) / 60


def _overview(run: DrillRun, docs: dict, rec: Recording, w: dict, text: _Text, end_ms: int) -> str:
    sc = run.scenario
    ex = sc.exercise
    states = [st.state for st in run.injects.values()]
    outcomes = [st.outcome for st in run.injects.values() if st.state == "completed"]
    answered = sum(1 for st in run.injects.values() if st.responses)
    released = sum(1 for st in run.injects.values() if st.released_ms is not None)
    acked = sum(1 for st in run.injects.values() if st.acknowledged_ms is not None)
    count = {e: sum(1 for (k, _), _d in docs.items() if k == e) for e in ("incident", "task", "notice")}
    rows = [
        (w["kind"], w["kinds"].get(ex.type, ex.type)),
        (w["organiser"], text.pick(ex, "organiser")),
        (w["participants"], ("、" if not text.en else ", ").join(text.dept(d) for d in ex.participants) or w["none"]),
        (w["ran"], f"{_time(rec.start_ms)} — {_time(end_ms)}"),
        (w["covered"], f"T+00:00 — {_t(run.t_s(end_ms))} / {_t(sc.duration_s)}"),
        (w["state"], w["states"].get(run.state, run.state)),
    ]
    out = [f'<h2>{w["overview"]}</h2>']
    summary = text.pick(ex, "summary")
    if summary:
        out.append(f"<p>{escape(summary)}</p>")
    out.append('<table class="kv" cellspacing="0" cellpadding="3">')
    out += [f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows]
    out.append("</table>")
    figures = [
        ("injects", len(sc.injects)), ("released", released), ("acknowledged", acked), ("answered", answered),
        ("met", outcomes.count("met")), ("partial", outcomes.count("partial")), ("not_met", outcomes.count("not_met")),
        ("expired", states.count("expired")), ("skipped", states.count("skipped")),
    ]
    out.append(f'<h3>{w["counts"]}</h3><table class="counts" cellspacing="0" cellpadding="3"><tr>')
    out.append("".join(f"<th>{w[k]}</th>" for k, _ in figures) + "</tr><tr>")
    out.append("".join(f'<td class="n" data-count="{k}">{v}</td>' for k, v in figures) + "</tr></table>")
    out.append(f'<p>{w["city"]}: {w["incidents"]} <span data-count="incidents">{count["incident"]}</span> · '
               f'{w["tasks"]} <span data-count="tasks">{count["task"]}</span> · '
               f'{w["notices"]} <span data-count="notices">{count["notice"]}</span></p>')
    return "".join(out)


def _objectives(run: DrillRun, w: dict, text: _Text) -> str:
    sc = run.scenario
    out = [f'<h2>{w["objectives"]}</h2><table class="grid" cellspacing="0" cellpadding="3">'
           f'<tr><th>{w["objective"]}</th><th>{w["rating"]}</th><th>{w["note"]}</th><th>{w["by"]}</th></tr>']
    for obj in sc.objectives:
        mark = run.marks.get(obj.id)
        rating = w["rating_names"][mark.rating] if mark else w["unrated"]
        out.append(f'<tr data-objective="{escape(obj.id)}"><td>{escape(obj.id)} {escape(text.pick(obj, "title"))}</td>'
                   f'<td class="rating" data-rating="{mark.rating if mark else ""}"><b>{escape(rating)}</b></td>'
                   f'<td>{escape(mark.text if mark else "")}</td><td>{escape(mark.by if mark else "")}</td></tr>')
    out.append("</table>")
    for obj in sc.objectives:
        out.append(_objective(run, obj, w, text))
    return "".join(out)


def _objective(run: DrillRun, obj: Objective, w: dict, text: _Text) -> str:
    mark = run.marks.get(obj.id)
    out = [f'<h3>{escape(obj.id)} {escape(text.pick(obj, "title"))} — '
           f'{escape(w["rating_names"][mark.rating] if mark else w["unrated"])}</h3>']
    facts = []
    if text.pick(obj, "capability"):
        facts.append(f'{w["capability"]}: {escape(text.pick(obj, "capability"))}')
    if obj.departments:
        facts.append(f'{w["responsible"]}: ' + escape(("、" if not text.en else ", ").join(text.dept(d) for d in obj.departments)))
    if facts:
        out.append(f'<p class="muted">{" · ".join(facts)}</p>')
    out.append(f'<p><b>{w["evidence"]}</b></p><table class="grid" cellspacing="0" cellpadding="3"><tr>'
               + "".join(f"<th>{w[k]}</th>" for k in ("inject", "time", "to", "release", "ack", "answer", "resp",
                                                       "expected", "result")) + "</tr>")
    for inj in run.scenario.injects:
        if obj.id not in inj.objectives:
            continue
        st = run.injects[inj.id]
        ack = _ack_min(run, inj, st)
        resp = st.response_min()
        answer = ""
        if st.responses:
            r = st.responses[0]
            answer = f'{r["op"]} · {r["by"]}'
        result = w["istates"].get(st.state, st.state)
        if st.state == "completed" and st.outcome:
            result += f' ({w[st.outcome]})'
        late = resp is not None and inj.respond_within_min is not None and resp > inj.respond_within_min
        minutes = w["min"]
        ack_text = "" if ack is None else f"+{ack:.0f} {minutes}"
        resp_text = "" if resp is None else f"{resp:.0f} {minutes}"
        resp_data = "" if resp is None else f"{resp:.1f}"
        exp_text = "" if inj.respond_within_min is None else f"{inj.respond_within_min:g} {minutes}"
        late_class = ' class="late"' if late else ""
        message = escape(text.pick(inj, "message")[:120])
        out.append(
            f'<tr data-inject="{inj.id}"><td><b>{inj.id}</b> {escape(w["ikinds"][inj.kind])}</td>'
            f'<td>{_t(inj.at_s)}</td><td>{escape(text.to(inj))}</td><td>{_t(st.released_t_s)}</td>'
            f'<td>{ack_text}</td><td>{escape(answer)}</td>'
            f'<td{late_class} data-response-min="{resp_data}">{resp_text}</td>'
            f'<td>{exp_text}</td><td>{escape(result)}</td></tr>'
            f'<tr><td colspan="9"><small>{message}</small></td></tr>')
    out.append("</table>")
    return "".join(out)


def _chart(run: DrillRun, w: dict, text: _Text) -> str:
    """Bars of table cells: each inject's response time against its expected one."""
    rows = []
    for inj in run.scenario.injects:
        st = run.injects[inj.id]
        if st.released_t_s is None and not st.responses:
            continue
        rows.append((inj, st.response_min(), inj.respond_within_min))
    if not rows:
        return f'<h2>{w["chart"]}</h2><p class="muted">{w["nothing"]}</p>'
    scale = max([BAR_SCALE_MIN] + [v for _, r, e in rows for v in (r, e) if v is not None]) * 1.1
    out = [f'<h2>{w["chart"]}</h2><p class="muted">{w["chart_note"]}</p>'
           '<table class="chart" width="100%" cellspacing="0" cellpadding="2">']
    for inj, resp, exp in rows:
        if resp is None:
            colour, width, label = "#b0b0b0", 2, w["none"]
        else:
            colour = "#e65100" if exp is not None and resp > exp else "#2e7d32"
            width, label = max(1, round(resp / scale * 100)), f"{resp:.0f} {w['min']}"
        mark = "" if exp is None else f' · {w["expected"]} {exp:g}'
        exp_at = None if exp is None else max(1, round(exp / scale * 100))
        cells = [f'<td bgcolor="{colour}" width="{width}%" style="background:{colour}">&nbsp;</td>']
        if exp_at is not None and exp_at > width:
            cells.append(f'<td width="{exp_at - width}%">&nbsp;</td>'
                         '<td width="1%" bgcolor="#000000" style="background:#000">&nbsp;</td>')
        cells.append("<td>&nbsp;</td>")
        out.append(f'<tr data-bar="{inj.id}"><td width="14%">{inj.id}</td><td width="66%">'
                   f'<table width="100%" cellspacing="0" cellpadding="0"><tr>{"".join(cells)}</tr></table></td>'
                   f'<td width="20%">{escape(label)}{escape(mark)}</td></tr>')
    out.append("</table>")
    return "".join(out)


def _judge(run: DrillRun, w: dict, text: _Text, end_ms: int) -> tuple[list[str], list[str], list[PlanItem]]:
    areas: list[str] = []
    strengths: list[str] = []
    plan: list[PlanItem] = []
    outcome_word = {k: w[k] for k in ("met", "partial", "not_met")}
    for inj in run.scenario.injects:
        st = run.injects[inj.id]
        what = text.pick(inj, "expected") or text.pick(inj, "message")[:60]
        resp, exp = st.response_min(), inj.respond_within_min
        to = text.to(inj)
        responsible = text.dept(next((a for a in inj.to if text.catalog is None or a in text.catalog.departments),
                                     inj.to[0]))
        objective = inj.objectives[0]
        if st.state == "completed" and st.outcome in ("partial", "not_met"):
            areas.append(w["a_outcome"].format(inject=inj.id, outcome=outcome_word[st.outcome], what=what))
            plan.append(PlanItem(areas[-1], w["p_none"].format(inject=inj.id), responsible,
                                 end_ms + PLAN_DAYS["major" if st.outcome == "not_met" else "minor"] * 86_400_000,
                                 objective))
        elif resp is not None and exp is not None and resp > exp:
            areas.append(w["a_late"].format(inject=inj.id, to=to, resp=resp, exp=exp, what=what))
            plan.append(PlanItem(areas[-1], w["p_late"].format(what=what, exp=exp), responsible,
                                 end_ms + PLAN_DAYS["minor"] * 86_400_000, objective))
        elif st.released_ms is not None and inj.watch is not None and not st.responses:
            areas.append(w["a_none"].format(inject=inj.id, to=to, what=what))
            plan.append(PlanItem(areas[-1], w["p_none"].format(inject=inj.id), responsible,
                                 end_ms + PLAN_DAYS["major"] * 86_400_000, objective))
        elif inj.kind == "expected_action" and not st.responses and st.state in ("expired", "pending") \
                and run.state in ("ended", "evaluated"):
            areas.append(w["a_action"].format(inject=inj.id, to=to, what=what))
            plan.append(PlanItem(areas[-1], w["p_none"].format(inject=inj.id), responsible,
                                 end_ms + PLAN_DAYS["major"] * 86_400_000, objective))
        elif resp is not None and exp is not None:  # answered in time (whether rated or not)
            strengths.append(w["s_in_time"].format(inject=inj.id, to=to, resp=resp, exp=exp, what=what))
        elif st.state == "expired" and st.released_ms is not None and not st.responses:
            areas.append(w["a_expired"].format(inject=inj.id, what=what))
            plan.append(PlanItem(areas[-1], w["p_none"].format(inject=inj.id), responsible,
                                 end_ms + PLAN_DAYS["minor"] * 86_400_000, objective))
        elif st.state == "completed" and st.outcome == "met":
            strengths.append(w["s_met"].format(inject=inj.id, what=what))
    for obj in run.scenario.objectives:
        mark = run.marks.get(obj.id)
        if mark is None:
            continue
        title = text.pick(obj, "title")
        if mark.rating == "P":
            strengths.append(w["s_objective"].format(objective=obj.id, title=title))
        elif mark.rating in RATINGS:
            areas.append(w["a_objective"].format(objective=obj.id, title=title, rating=mark.rating)
                         + (f"：{mark.text}" if mark.text and not text.en else f": {mark.text}" if mark.text else ""))
            who = text.dept(obj.departments[0]) if obj.departments else ""
            plan.append(PlanItem(areas[-1], w["p_objective"].format(title=title), who,
                                 end_ms + PLAN_DAYS["minor" if mark.rating == "S" else "major"] * 86_400_000, obj.id))
    return areas, strengths, plan


def _list(title: str, items: list[str], w: dict, key: str) -> str:
    if not items:
        return f'<h2>{title}</h2><p class="muted" data-{key}="0">{w["nothing"]}</p>'
    return (f'<h2>{title}</h2><ol data-{key}="{len(items)}">'
            + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ol>")


def _plan(plan: list[PlanItem], w: dict) -> str:
    out = [f'<h2>{w["plan"]}</h2>']
    if not plan:
        return out[0] + f'<p class="muted" data-plan="0">{w["nothing"]}</p>'
    out.append(f'<p class="muted">{w["plan_note"]}</p><table class="grid" data-plan="{len(plan)}" cellspacing="0" '
               f'cellpadding="3"><tr><th>#</th><th>{w["issue"]}</th><th>{w["action"]}</th>'
               f'<th>{w["responsible"]}</th><th>{w["due"]}</th><th>{w["objective"]}</th></tr>')
    for k, p in enumerate(plan, 1):
        out.append(f"<tr><td>{k}</td><td>{escape(p.issue)}</td><td>{escape(p.action)}</td>"
                   f"<td>{escape(p.responsible)}</td><td>{_date(p.due_ms)}</td><td>{escape(p.objective)}</td></tr>")
    out.append("</table>")
    return "".join(out)


def _timeline(run: DrillRun, w: dict, text: _Text) -> str:
    ev = w["ev"]
    outcome_word = {k: w[k] for k in ("met", "partial", "not_met")}
    marks = [(p.at_s, f"{p.id} {text.pick(p, 'title')}") for p in run.scenario.phases]
    out = [f'<h2>{w["timeline"]}</h2><table class="grid" data-events="{len(run.events)}" cellspacing="0" '
           f'cellpadding="3"><tr><th>T+</th><th>{w["time"]}</th><th>{w["what"]}</th><th>{w["who"]}</th></tr>']
    shown_phase = set()
    for e in run.events:
        for at, name in marks:
            if at <= e.t_s and name not in shown_phase and e.kind != "seek":
                shown_phase.add(name)
                out.append(f'<tr class="phase"><td>{_t(at)}</td><td></td><td><b>{escape(name)}</b></td><td></td></tr>')
        data = dict(e.data)
        fmt = ev.get(e.kind, e.kind)
        words = fmt.format(inject=e.inject or "", speed=float(data.get("speed", 0) or 0),
                           to=_t(data.get("to_s")) if data.get("to_s") is not None else "",
                           op=data.get("op", ""), outcome=outcome_word.get(data.get("outcome"), data.get("outcome", "")),
                           text=data.get("text", ""), objective=data.get("objective", ""),
                           rating=data.get("rating", ""))
        if e.kind == "complete" and data.get("text"):
            words += f" — {data['text']}"
        out.append(f'<tr data-kind="{e.kind}"><td>{_t(e.t_s)}</td><td>{_time(e.wall_ms)}</td>'
                   f'<td>{escape(words)}</td><td>{escape(e.by)}</td></tr>')
    out.append("</table>")
    return "".join(out)


def _notes(run: DrillRun, w: dict) -> str:
    notes = list(run.notes) + [dict(n, inject=st.id) for st in run.injects.values() for n in st.notes]
    notes.sort(key=lambda n: n["wall_ms"])
    if not notes:
        return f'<h2>{w["notes"]}</h2><p class="muted">{w["no_notes"]}</p>'
    return (f'<h2>{w["notes"]}</h2><ul>' + "".join(
        f'<li>{_t(n["t_s"])} {escape(n.get("inject", ""))} {escape(n["text"])} — {escape(n["by"])}</li>'
        for n in notes) + "</ul>")


_CSS = """
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", sans-serif; font-size: 10.5pt; color: #111; margin: 18px; }
h1 { font-size: 17pt; margin: 4px 0; } h2 { font-size: 13pt; margin: 18px 0 6px; border-bottom: 1px solid #999; }
h3 { font-size: 11pt; margin: 12px 0 4px; }
.marking { background: #ffb300; color: #000; padding: 4px 8px; }
.meta, .muted { color: #555; }
table.grid, table.kv, table.counts { border-collapse: collapse; margin: 4px 0; }
table.grid th, table.grid td, table.kv th, table.kv td, table.counts th, table.counts td {
  border: 1px solid #bbb; vertical-align: top; }
th { background: #eee; text-align: left; }
td.n { text-align: center; font-weight: bold; }
td.late { color: #e65100; font-weight: bold; }
small { color: #444; }
@page { size: A4; margin: 15mm; }
"""
