"""Situation report (态势报告 / 情况报告) of one incident or of all open ones, as one standalone
HTML page for people outside the command room: leaders, the next shift, an archive.

One incident: its header (severity, response level and plan, status, place), every
department's tasks (status, lead or co-operating, org unit, the clocks, escalations), the
units, the command-log timeline, the reports (初报/续报/终报) and the alarms converted into it.
All open incidents: counts by severity, status and response level, then a condensed section
per incident (the newest log entries only).

Like the vitals summary: no scripts (a CSP meta forbids them), no network, print-friendly
(A4), every text from outside (titles, log text, reports, names) escaped. The page is plain
enough for QTextDocument, so ui/pdf.py prints the same HTML to PDF. No Qt here.
"""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from html import escape
from pathlib import Path

from commandcenter.interop.readonly import connect_readonly
from commandcenter.domain.catalog import Catalog
from commandcenter.domain.levels import ResponseLevel, Severity
from commandcenter.domain.machines import OPEN_TASK_STATES

TZ = timezone(timedelta(hours=8))
CONDENSED_LOG = 10  # log entries per incident in the all-incidents report
UNIT_BUSY = ("assigned", "en_route", "on_scene")
SEVERITIES = ("I", "II", "III", "IV")
OVER = ' class="over"'
INCIDENT_STATES = ("reported", "verifying", "confirmed", "responding", "contained", "recovery")


class SitrepError(Exception):
    """The report cannot be made: an unknown incident, or an unreadable cache."""


WORDS = {
    "zh": {
        "title_one": "突发事件情况报告", "title_all": "突发事件态势报告", "generated": "生成时间",
        "tz": "时间均为北京时间 (UTC+08:00)", "summary": "概况", "open_incidents": "在办事件",
        "by_severity": "按事件级别", "by_status": "按状态", "by_level": "按响应级别", "none": "无",
        "severity": "事件级别", "level": "响应级别", "plan": "预案", "status": "状态", "place": "地点",
        "category": "事件类型", "reported": "报告时间", "updated": "更新时间", "id": "编号",
        "description": "情况描述", "tasks": "部门任务", "department": "部门", "role": "角色",
        "lead": "牵头", "coop": "协同", "org_unit": "处置单位", "dispatched": "派单", "accept_by": "签收时限",
        "accepted": "签收", "finish_by": "办结时限", "finished": "办结", "escalations": "升级",
        "overdue": "已超时", "no_tasks": "尚未派发任务。", "units": "力量", "unit": "力量名称",
        "kind": "类型", "no_units": "无相关力量。", "linked": "关联本事件", "busy": "相关部门执勤中",
        "log": "指挥日志", "time": "时间", "user": "人员", "text": "内容", "no_log": "暂无日志。",
        "log_more": "仅列出最近 {n} 条，共 {total} 条。", "reports": "信息报送", "no_reports": "尚未报送。",
        "author": "报送人", "alarms": "转为本事件的告警", "indicator": "指标", "value": "数值",
        "raised": "告警时间", "colour": "颜色", "no_open": "当前没有在办事件。", "return_reason": "退单原因",
        "initial": "初报", "update": "续报", "final": "终报", "extension": "延期至",
        "lk_decision": "决策", "lk_response_level": "响应级别", "lk_dispatch": "派单", "lk_escalation": "升级",
        "lk_report": "报送", "lk_supervision": "督办", "lk_note": "记录",
    },
    "en": {
        "title_one": "Incident situation report", "title_all": "Situation report", "generated": "Generated",
        "tz": "All times are China Standard Time (UTC+08:00)", "summary": "Overview",
        "open_incidents": "Open incidents", "by_severity": "By severity", "by_status": "By status",
        "by_level": "By response level", "none": "none", "severity": "Severity", "level": "Response level",
        "plan": "Plan", "status": "Status", "place": "Place", "category": "Event type", "reported": "Reported",
        "updated": "Updated", "id": "Id", "description": "Description", "tasks": "Department tasks",
        "department": "Department", "role": "Role", "lead": "lead", "coop": "co-operating",
        "org_unit": "Org unit", "dispatched": "Dispatched", "accept_by": "Accept by", "accepted": "Accepted",
        "finish_by": "Finish by", "finished": "Finished", "escalations": "Escalations", "overdue": "overdue",
        "no_tasks": "No tasks dispatched yet.", "units": "Units", "unit": "Unit", "kind": "Kind",
        "no_units": "No units involved.", "linked": "linked to this incident",
        "busy": "committed, of the departments involved", "log": "Command log", "time": "Time",
        "user": "By", "text": "Entry", "no_log": "No log entries yet.",
        "log_more": "The newest {n} of {total} entries.", "reports": "Reports", "no_reports": "No reports filed yet.",
        "author": "Author", "alarms": "Alarms converted into this incident", "indicator": "Indicator",
        "value": "Value", "raised": "Raised", "colour": "Colour", "no_open": "No open incidents.",
        "return_reason": "Return reason", "initial": "Initial report", "update": "Update", "final": "Final report",
        "extension": "extended to",
        "lk_decision": "decision", "lk_response_level": "response level", "lk_dispatch": "dispatch",
        "lk_escalation": "escalation", "lk_report": "report", "lk_supervision": "supervision", "lk_note": "note",
    },
}
STATUS = {
    "zh": {"reported": "已报告", "verifying": "核实中", "confirmed": "已确认", "responding": "处置中",
           "contained": "已控制", "recovery": "恢复中", "closed": "已结案", "cancelled": "已撤销",
           "dispatched": "已派单", "returned": "已退单", "accepted": "已签收", "in_progress": "处置中",
           "feedback": "已反馈", "verified": "已核查", "available": "待命", "assigned": "已指派",
           "en_route": "途中", "on_scene": "到场", "returning": "返回中", "out_of_service": "停用",
           "raised": "已告警", "acknowledged": "已确认", "converted": "已转事件", "dismissed": "已排除",
           "cleared": "已解除"},
    "en": {"in_progress": "in progress", "en_route": "en route", "on_scene": "on scene",
           "out_of_service": "out of service"},
}

_CSS = """
@page{size:A4;margin:15mm}
body{font-family:"Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei","PingFang SC",sans-serif;
margin:16px;color:#1f2933;background:#fff;font-size:10.5pt}
h1{font-size:17pt;margin:0 0 4px} h2{font-size:13.5pt;margin:18px 0 6px;border-bottom:2px solid #9aa5b1}
h3{font-size:11.5pt;margin:12px 0 4px}
p.meta{color:#52606d;margin:2px 0}
table{border-collapse:collapse;margin:4px 0 10px;width:100%}
th,td{border:1px solid #9aa5b1;padding:2px 5px;text-align:left;vertical-align:top}
th{background:#e4e9f0} td.n{text-align:right}
.over{color:#c81e1e;font-weight:bold} .muted{color:#7b8794}
.incident{page-break-before:auto}
@media print{body{margin:0} h2,h3{page-break-after:avoid} tr{page-break-inside:avoid}}
"""


# ---------------------------------------------------------------- reading the cache
def _connect(source: str | Path | sqlite3.Connection) -> tuple[sqlite3.Connection, bool]:
    if isinstance(source, sqlite3.Connection):
        return source, False
    path = Path(source).resolve()
    if not path.is_file():
        raise SitrepError(f"no cache at {path}: run the client (or the demo) first")
    return connect_readonly(path), True  # nothing is created beside it


def _rows(conn: sqlite3.Connection, sql: str, params=()) -> list[dict]:
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    return [dict(r) for r in cursor.execute(sql, params)]


def read_incidents(source, incident_id: str | None) -> list[dict]:
    """The incidents of the report, each with its tasks, log, reports, alarms and units."""
    conn, own = _connect(source)
    try:
        if incident_id is not None:
            incidents = _rows(conn, "SELECT * FROM incidents WHERE id=?", (incident_id,))
            if not incidents:
                raise SitrepError(f"--incident: unknown incident {incident_id!r}")
        else:
            incidents = _rows(conn, "SELECT * FROM incidents WHERE status NOT IN ('closed','cancelled') "
                                    "ORDER BY CASE severity WHEN 'I' THEN 1 WHEN 'II' THEN 2 WHEN 'III' THEN 3 "
                                    "ELSE 4 END, reported_ms")
        for inc in incidents:
            iid = inc["id"]
            inc["tasks"] = _rows(conn, "SELECT * FROM tasks WHERE incident_id=? ORDER BY lead DESC, dispatched_ms",
                                 (iid,))
            inc["log"] = _rows(conn, "SELECT * FROM log WHERE incident_id=? ORDER BY ts_ms, id", (iid,))
            inc["reports"] = _rows(conn, "SELECT * FROM reports WHERE incident_id=? ORDER BY submitted_ms", (iid,))
            inc["alarms"] = _rows(conn, "SELECT * FROM alarms WHERE incident_id=? ORDER BY raised_ms", (iid,))
            inc["units"] = _units(conn, iid, {t["department"] for t in inc["tasks"]
                                              if t["status"] in OPEN_TASK_STATES}, inc.get("org_unit"))
        return incidents
    except sqlite3.DatabaseError as exc:
        raise SitrepError(f"cannot read the cache: {exc}") from None
    finally:
        if own:
            conn.close()


def _units(conn: sqlite3.Connection, incident_id: str, departments: set[str], org_unit: str | None) -> list[dict]:
    """Units linked to the incident (an `incident_id` the platform sends along), else the
    committed units of the departments with open tasks in the incident's district: the cache
    does not say more about who went where."""
    linked = _rows(conn, "SELECT * FROM resources WHERE json_extract(extra, '$.incident_id') = ? ORDER BY name",
                   (incident_id,))
    for u in linked:
        u["link"] = "linked"
    if linked or not departments:
        return linked
    district = (org_unit or "")[:6]
    busy = _rows(conn, f"SELECT * FROM resources WHERE department IN ({','.join('?' * len(departments))}) "
                       f"AND status IN ({','.join('?' * len(UNIT_BUSY))}) AND substr(COALESCE(org_unit,''),1,6)=? "
                       "ORDER BY department, name", [*sorted(departments), *UNIT_BUSY, district])
    for u in busy:
        u["link"] = "busy"
    return busy


# ------------------------------------------------------------------------ HTML
def sitrep_html(catalog: Catalog, source, incident_id: str | None, lang: str, generated_ms: int) -> str:
    """The report as one standalone HTML page. `source` is the cache's path (opened read-only)
    or an open connection; `incident_id` None reports every open incident. SitrepError for an
    unknown incident or an unreadable cache."""
    lang = "en" if lang.startswith("en") else "zh"
    incidents = read_incidents(source, incident_id)
    return render(catalog, incidents, single=incident_id is not None, lang=lang, generated_ms=generated_ms)


def render(catalog: Catalog, incidents: list[dict], *, single: bool, lang: str, generated_ms: int) -> str:
    w = WORDS[lang]
    title = w["title_one"] if single else w["title_all"]
    if single:
        title += f": {incidents[0]['title']}"
    out = [
        f'<!DOCTYPE html>\n<html lang="{"en" if lang == "en" else "zh-CN"}"><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta" data-generated-ms="{int(generated_ms)}">{w["generated"]}: {_time(generated_ms)} · '
        f'{w["tz"]}</p>',
    ]
    if not single:
        out.append(_summary(incidents, w, lang))
    for inc in incidents:
        out.append(_incident(catalog, inc, w, lang, generated_ms, condensed=not single))
    out.append("</body></html>\n")
    return "".join(out)


def _summary(incidents: list[dict], w: dict, lang: str) -> str:
    out = [f'<h2>{w["summary"]}</h2><p data-open="{len(incidents)}">{w["open_incidents"]}: {len(incidents)}</p>']
    if not incidents:
        out.append(f'<p class="muted">{w["no_open"]}</p>')
        return "".join(out)
    groups = (
        ("by_severity", "severity", SEVERITIES, lambda c: _severity(c, lang)),
        ("by_status", "status", INCIDENT_STATES, lambda c: _status(c, lang)),
        ("by_level", "response_level", tuple(lv.value.code for lv in ResponseLevel) + (None,),
         lambda c: _level(c, lang) if c else w["none"]),
    )
    for key, field, codes, label in groups:
        counts = {c: sum(1 for i in incidents if i.get(field) == c) for c in codes}
        out.append(f'<h3>{w[key]}</h3><table class="counts" data-by="{field}" cellspacing="0" cellpadding="3"><tr>')
        out.append("".join(f"<th>{escape(label(c))}</th>" for c in codes) + "</tr><tr>")
        out.append("".join(f'<td class="n" data-code="{escape(str(c or ""))}">{counts[c]}</td>' for c in codes))
        out.append("</tr></table>")
    return "".join(out)


def _incident(catalog: Catalog, inc: dict, w: dict, lang: str, now_ms: int, *, condensed: bool) -> str:
    event = catalog.event_types.get(inc.get("category") or "")
    category = (event.name_en if lang == "en" else event.name_zh) if event else (inc.get("category") or "—")
    plan = catalog.plans.get(inc.get("response_plan") or "")
    plan_name = (plan.name_en if lang == "en" else plan.name_zh) if plan else (inc.get("response_plan") or "—")
    level = _level(inc.get("response_level"), lang) if inc.get("response_level") else w["none"]
    place = _org(catalog, inc.get("org_unit"), lang)
    if inc.get("lon") is not None and inc.get("lat") is not None:
        place += f" ({inc['lon']:.5f}, {inc['lat']:.5f})"
    out = [
        f'<div class="incident" data-incident="{escape(inc["id"])}">',
        f'<h2>{escape(_severity(inc.get("severity"), lang))} · {escape(inc["title"])}</h2>',
        '<table class="header" width="100%" cellspacing="0" cellpadding="3">',
        _pair(w["id"], inc["id"]), _pair(w["category"], category),
        _pair(w["severity"], _severity(inc.get("severity"), lang)),
        _pair(w["level"], level), _pair(w["plan"], plan_name),
        _pair(w["status"], _status(inc.get("status"), lang)), _pair(w["place"], place),
        _pair(w["reported"], _time(inc.get("reported_ms"))), _pair(w["updated"], _time(inc.get("updated_ms"))),
    ]
    if inc.get("description") and not condensed:
        out.append(_pair(w["description"], inc["description"]))
    out.append("</table>")
    out.append(_tasks(catalog, inc["tasks"], w, lang, now_ms))
    out.append(_units_table(catalog, inc["units"], w, lang))
    out.append(_log(inc["log"], w, lang, condensed))
    out.append(_reports(inc["reports"], w, lang))
    if inc["alarms"]:
        out.append(_alarms(catalog, inc["alarms"], w, lang))
    out.append("</div>")
    return "".join(out)


def _tasks(catalog: Catalog, tasks: list[dict], w: dict, lang: str, now_ms: int) -> str:
    out = [f'<h3>{w["tasks"]}</h3>']
    if not tasks:
        return out[0] + f'<p class="muted">{w["no_tasks"]}</p>'
    out.append(f'<table class="tasks" width="100%" cellspacing="0" cellpadding="3"><tr><th>{w["department"]}</th><th>{w["role"]}</th><th>{w["org_unit"]}</th>'
               f'<th>{w["status"]}</th><th>{w["dispatched"]}</th><th>{w["accept_by"]}</th><th>{w["accepted"]}</th>'
               f'<th>{w["finish_by"]}</th><th>{w["finished"]}</th><th>{w["escalations"]}</th></tr>')
    for t in tasks:
        dept = catalog.departments.get(t["department"])
        name = (dept.name_en if lang == "en" else dept.name_zh) if dept else t["department"]
        open_ = t["status"] in OPEN_TASK_STATES
        accept_late = open_ and t["status"] in ("dispatched", "returned") and (t.get("accept_by_ms") or 1e20) < now_ms
        finish_by = t.get("extension_until_ms") or t.get("finish_by_ms")
        finish_late = open_ and (finish_by or 1e20) < now_ms
        status = _status(t["status"], lang)
        if t["status"] == "returned" and t.get("return_reason"):
            status += f" ({w['return_reason']}: {t['return_reason']})"
        finish_cell = _time(t.get("finish_by_ms"))
        if t.get("extension_until_ms"):
            finish_cell += f" → {w['extension']} {_time(t['extension_until_ms'])}"
        escalated = str(t.get("escalations") or 0)
        if t.get("escalated_from"):
            escalated += f" ← {_org(catalog, t['escalated_from'], lang)}"
        out.append(
            f'<tr data-task="{escape(t["id"])}" data-status="{escape(t["status"])}">'
            f"<td>{escape(name)}</td><td>{w['lead'] if t.get('lead') else w['coop']}</td>"
            f"<td>{escape(_org(catalog, t.get('org_unit'), lang))}</td><td>{escape(status)}</td>"
            f"<td>{_time(t.get('dispatched_ms'))}</td>"
            f"<td{OVER if accept_late else ''}>{_time(t.get('accept_by_ms'))}"
            f"{' ' + w['overdue'] if accept_late else ''}</td>"
            f"<td>{_time(t.get('accepted_ms'))}</td>"
            f"<td{OVER if finish_late else ''}>{escape(finish_cell)}"
            f"{' ' + w['overdue'] if finish_late else ''}</td>"
            f"<td>{_time(t.get('finished_ms'))}</td><td class=\"n\">{escape(escalated)}</td></tr>"
        )
    out.append("</table>")
    return "".join(out)


def _units_table(catalog: Catalog, units: list[dict], w: dict, lang: str) -> str:
    out = [f'<h3>{w["units"]}</h3>']
    if not units:
        return out[0] + f'<p class="muted">{w["no_units"]}</p>'
    out.append(f'<p class="muted">{w[units[0]["link"]]}</p>')
    out.append(f'<table class="units" width="100%" cellspacing="0" cellpadding="3"><tr><th>{w["unit"]}</th><th>{w["kind"]}</th><th>{w["department"]}</th>'
               f'<th>{w["status"]}</th><th>{w["updated"]}</th></tr>')
    for u in units:
        dept = catalog.departments.get(u.get("department") or "")
        name = (dept.name_en if lang == "en" else dept.name_zh) if dept else (u.get("department") or "—")
        out.append(f'<tr data-unit="{escape(u["id"])}"><td>{escape(u.get("name") or u["id"])}</td>'
                   f'<td>{escape(u.get("kind") or "—")}</td><td>{escape(name)}</td>'
                   f'<td>{escape(_status(u["status"], lang))}</td><td>{_time(u.get("updated_ms"))}</td></tr>')
    out.append("</table>")
    return "".join(out)


def _log(entries: list[dict], w: dict, lang: str, condensed: bool) -> str:
    out = [f'<h3>{w["log"]}</h3>']
    if not entries:
        return out[0] + f'<p class="muted">{w["no_log"]}</p>'
    shown = entries[-CONDENSED_LOG:] if condensed else entries
    if len(shown) < len(entries):
        out.append(f'<p class="muted">{w["log_more"].format(n=len(shown), total=len(entries))}</p>')
    out.append(f'<table class="log" width="100%" cellspacing="0" cellpadding="3"><tr><th>{w["time"]}</th><th>{w["kind"]}</th><th>{w["user"]}</th>'
               f'<th>{w["text"]}</th></tr>')
    for e in shown:
        who = " / ".join(p for p in (e.get("user"), e.get("role")) if p) or "—"
        kind = w.get(f"lk_{e['kind']}", e["kind"])
        out.append(f'<tr data-log="{escape(e["id"])}"><td>{_time(e["ts_ms"])}</td><td>{escape(kind)}</td>'
                   f"<td>{escape(who)}</td><td>{escape(e['text'])}</td></tr>")
    out.append("</table>")
    return "".join(out)


def _reports(reports: list[dict], w: dict, lang: str) -> str:
    out = [f'<h3>{w["reports"]}</h3>']
    if not reports:
        return out[0] + f'<p class="muted">{w["no_reports"]}</p>'
    out.append(f'<table class="reports" width="100%" cellspacing="0" cellpadding="3"><tr><th>{w["kind"]}</th><th>{w["time"]}</th><th>{w["author"]}</th>'
               f'<th>{w["text"]}</th></tr>')
    for r in reports:
        kind = w.get(r["kind"], r["kind"]) + (f" {r['number']}" if r["kind"] == "update" else "")
        out.append(f'<tr data-report="{escape(r["kind"])}"><td>{escape(kind)}</td><td>{_time(r["submitted_ms"])}</td>'
                   f"<td>{escape(r.get('author') or '—')}</td><td>{escape(r['text'])}</td></tr>")
    out.append("</table>")
    return "".join(out)


def _alarms(catalog: Catalog, alarms: list[dict], w: dict, lang: str) -> str:
    out = [f'<h3>{w["alarms"]}</h3><table class="alarms" width="100%" cellspacing="0" cellpadding="3"><tr><th>{w["raised"]}</th><th>{w["indicator"]}</th>'
           f'<th>{w["colour"]}</th><th>{w["value"]}</th><th>{w["place"]}</th></tr>']
    for a in alarms:
        ind = catalog.indicators.get(a["indicator"])
        name = (ind.name_en if lang == "en" else ind.name_zh) if ind else a["indicator"]
        value = "—" if a.get("value") is None else f"{a['value']:g}" + (f" {ind.unit}" if ind and ind.unit else "")
        out.append(f'<tr data-alarm="{escape(a["id"])}"><td>{_time(a.get("raised_ms"))}</td><td>{escape(name)}</td>'
                   f'<td>{escape(a.get("colour") or "—")}</td><td>{escape(value)}</td>'
                   f'<td>{escape(_org(catalog, a.get("org_unit"), lang))}</td></tr>')
    out.append("</table>")
    return "".join(out)


def _pair(key: str, value: str) -> str:
    return f"<tr><th>{escape(key)}</th><td>{escape(str(value))}</td></tr>"


def _time(ts_ms) -> str:
    if not isinstance(ts_ms, (int, float)):
        return "—"
    return datetime.fromtimestamp(ts_ms / 1000, TZ).strftime("%Y-%m-%d %H:%M")


def _severity(code, lang: str) -> str:
    try:
        info = Severity.parse(code).value
    except KeyError:
        return str(code or "—")
    return f"{info.en} ({code})" if lang == "en" else f"{info.zh}（{code}级）"


def _level(code, lang: str) -> str:
    for lv in ResponseLevel:
        if lv.value.code == code:
            return lv.value.en if lang == "en" else lv.value.zh
    return str(code)


def _status(code, lang: str) -> str:
    if not code:
        return "—"
    return STATUS[lang].get(code, code)


def _org(catalog: Catalog, code, lang: str) -> str:
    unit = catalog.org_units.get(code or "")
    if unit is None:
        return str(code or "—")
    return unit.name_en if lang == "en" else unit.name_zh


# -------------------------------------------------------------------- command line
PROG = "commandcenter"
SUFFIXES = (".html", ".htm", ".pdf")


def add_sitrep_parser(what, common_parent) -> None:
    """`export sitrep`, under interop/cli.py's `export`; run by commandcenter/cli.py, which
    hands in the catalogue and the PDF printer (ui/pdf.py: Qt stays in ui/)."""
    p = what.add_parser("sitrep", parents=[common_parent],
                        help="situation report of one incident or of all open ones (HTML or PDF)")
    p.add_argument("--incident", metavar="ID", help="one incident (default: every open incident)")
    p.add_argument("--out", metavar="FILE.html|FILE.pdf", required=True)


def _fail(message: str, code: int) -> int:
    import sys

    print(f"{PROG}: error: {message}", file=sys.stderr)
    return code


def run_sitrep_export(args, data_dir, catalog: Catalog, *, print_pdf=None, now_ms: int | None = None) -> int:
    """Run `export sitrep`: 2 for a bad argument (suffix, folder, unknown incident), 1 for a
    missing or unreadable cache or a failed write; on any error nothing is written.
    `print_pdf(html, path, title=...)` writes a PDF (commandcenter/cli.py passes ui/pdf.py's)."""
    from commandcenter.interop.layers import write_atomic

    out = Path(args.out)
    if out.is_dir():
        return _fail(f"--out is a folder: {out}", 2)
    if not out.resolve().parent.is_dir():
        return _fail(f"--out folder does not exist: {out.parent}", 2)
    if out.suffix.lower() not in SUFFIXES:
        return _fail(f"--out must be an .html or .pdf file, got {args.out}", 2)
    db = Path(getattr(data_dir, "root", data_dir)) / "cache.db"
    if not db.is_file():
        return _fail(f"no cache at {db}: run the client (or the demo) first", 1)
    if now_ms is None:
        now_ms = int(datetime.now(timezone.utc).timestamp() * 1000)
    lang = "en" if getattr(args, "lang", "zh_CN") == "en" else "zh"
    try:
        incidents = read_incidents(db, args.incident)
    except SitrepError as exc:
        return _fail(str(exc), 2 if str(exc).startswith("--incident") else 1)
    html = render(catalog, incidents, single=args.incident is not None, lang=lang, generated_ms=now_ms)
    what = (f"incident {args.incident}" if args.incident is not None
            else f"{len(incidents)} open incident{'' if len(incidents) == 1 else 's'}")
    try:
        if out.suffix.lower() == ".pdf":
            if print_pdf is None:
                return _fail("PDF output needs the desktop client's Qt", 1)
            title = WORDS[lang]["title_one" if args.incident else "title_all"]
            pages = print_pdf(html, out.resolve(), title=title)
            what += f", {pages} page{'' if pages == 1 else 's'}"
        else:
            write_atomic(out.resolve(), html.encode("utf-8"))
    except OSError as exc:
        return _fail(f"{out}: {exc.strerror or exc}", 1)
    print(f"exported the situation report of {what} to {out}")
    return 0
