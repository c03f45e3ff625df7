"""Exports of the city vital signs (issue 4, item 5): one indicator's series as CSV, and the
daily city-vitals summary as one standalone HTML page.

Both are for people outside the app: the CSV opens in Excel (UTF-8 with a BOM, or Chinese
units come out garbled), the HTML in any browser with no network and no scripts (a CSP meta
forbids them even if one slipped in). Every name, unit, reason and id comes from outside
(catalogue files, the platform, users) and is escaped, never trusted as HTML.

Times are local (+08:00 by default, the command rooms' clock); a day runs from local midnight
to midnight. A gap longer than `stale_gap_ms` (the wall's stale rule) is a hole: it is not
counted as breached time and the sparkline breaks there, so the page never draws data it does
not have.

The command line (`commandcenter export vitals-csv|vitals-day`) is at the end: it reads the
client's cache read-only (DATA_DIR/cache.db) and writes atomically. The catalogue is passed in
by commandcenter/cli.py (interop may not import the catalogue loader).
"""
from __future__ import annotations

import argparse
import csv
import io
import sqlite3
import sys
from datetime import date, datetime, time, timedelta, timezone
from html import escape
from pathlib import Path
from statistics import median

from commandcenter.domain.catalog import Catalog, Indicator
from commandcenter.domain.levels import COLOUR_HEX, THRESHOLD_COLOURS
from commandcenter.interop.readonly import connect_readonly
from commandcenter.interop.layers import write_atomic

TZ_OFFSET_H = 8
COLOURS = ("green",) + THRESHOLD_COLOURS  # by severity, lowest first
_RANK = {c: i for i, c in enumerate(COLOURS)}
STALE_FLOOR_MS = 10_000  # the wall's rule (docs/decisions.md): max(10 s, 3 intervals)
CSV_COLUMNS = ("time", "ts_ms", "value", "unit", "colour")
# The domains of resources/city/indicators.json in the order the wall shows them; a domain a
# city adds comes after these, in catalogue order.
DOMAIN_ORDER = ("气象", "水务", "交通", "能源", "环境", "公共安全", "卫生", "人群", "城市运行")
SPARK_W, SPARK_H = 240, 44


# ------------------------------------------------------------------ shared rules
def local_tz(tz_offset_h: float = TZ_OFFSET_H) -> timezone:
    return timezone(timedelta(hours=tz_offset_h))


def iso_local(ts_ms: int, tz_offset_h: float = TZ_OFFSET_H, *, millis: bool = False) -> str:
    """ISO 8601 with the local offset, e.g. 2026-07-15T14:30:00+08:00."""
    moment = datetime.fromtimestamp(ts_ms / 1000, local_tz(tz_offset_h))
    return moment.isoformat(timespec="milliseconds" if millis else "seconds")


def day_bounds(day: date, tz_offset_h: float = TZ_OFFSET_H) -> tuple[int, int]:
    """[start, end) of a local day in epoch ms."""
    start = datetime.combine(day, time(0), local_tz(tz_offset_h))
    return int(start.timestamp() * 1000), int((start + timedelta(days=1)).timestamp() * 1000)


def stale_gap_ms(rows: list[tuple[int, float]]) -> int:
    """Silence longer than this is a hole: max(10 s, 3 of the series' own median intervals)."""
    if len(rows) < 2:
        return STALE_FLOOR_MS
    steps = [b[0] - a[0] for a, b in zip(rows, rows[1:]) if b[0] > a[0]]
    return max(STALE_FLOOR_MS, 3 * int(median(steps))) if steps else STALE_FLOOR_MS


def breached_ms(indicator: Indicator, rows: list[tuple[int, float]], end_ms: int) -> int:
    """How long the series was at or beyond its blue threshold (direction-aware: `below`
    indicators breach by falling). A sample holds until the next one; the last one, and one
    followed by a hole (silence longer than the stale gap: we do not know what happened, so it
    is not breached time), hold one median interval. Nothing counts past `end_ms`."""
    if not rows:
        return 0
    gap = stale_gap_ms(rows)
    steps = [b[0] - a[0] for a, b in zip(rows, rows[1:]) if b[0] > a[0]]
    interval = int(median(steps)) if steps else 0
    total = 0
    for i, (ts, value) in enumerate(rows):
        if indicator.colour_of(value) == "green":
            continue
        nxt = rows[i + 1][0] if i + 1 < len(rows) else None
        until = nxt if nxt is not None and nxt - ts <= gap else ts + interval
        total += max(0, min(until, end_ms) - ts)
    return total


# ------------------------------------------------------------------------- CSV
def series_csv(indicator: Indicator, rows: list[tuple[int, float]], *, tz_offset_h: float = TZ_OFFSET_H) -> bytes:
    """One indicator's samples as CSV: time (ISO 8601, local offset), ts_ms, value, unit and
    threshold colour. UTF-8 with a BOM and CRLF lines, so Excel opens the Chinese units right.
    Times carry milliseconds only when a sample has them (every row the same format)."""
    rows = sorted(rows)
    millis = any(ts % 1000 for ts, _ in rows)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for ts, value in rows:
        writer.writerow((iso_local(ts, tz_offset_h, millis=millis), ts, repr(float(value)),
                         indicator.unit, indicator.colour_of(value)))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


# ------------------------------------------------------------------------ HTML
WORDS = {
    "zh": {
        "title": "城市体征日报", "generated": "生成时间", "day": "日期", "summary": "城市健康概况",
        "domain": "领域", "indicators": "指标数", "worst": "当日最高颜色", "current": "当前颜色（最后一个值）",
        "indicator": "指标", "unit": "单位", "min": "最小", "max": "最大", "last": "最后值",
        "breach": "越限时长（分钟）", "trend": "当日曲线", "alarms": "当日告警", "raised": "告警时间",
        "colour": "颜色", "status": "状态", "value": "数值", "reason": "原因", "incident": "事件编号",
        "no_alarms": "当日无告警。", "no_data": "无数据", "stale": "停更", "since": "自",
        "tz": "时间均为本地时间", "count": "个",
        "green": "正常", "blue": "蓝色", "yellow": "黄色", "orange": "橙色", "red": "红色",
        "raised_s": "已告警", "acknowledged": "已确认", "converted": "已转事件", "dismissed": "已排除",
        "cleared": "已解除",
    },
    "en": {
        "title": "City vital signs, daily summary", "generated": "Generated", "day": "Day",
        "summary": "City health", "domain": "Domain", "indicators": "Indicators",
        "worst": "Worst colour of the day", "current": "Current colour (last value)",
        "indicator": "Indicator", "unit": "Unit", "min": "Min", "max": "Max", "last": "Last",
        "breach": "Breached (minutes)", "trend": "The day", "alarms": "Alarms of the day",
        "raised": "Raised", "colour": "Colour", "status": "Status", "value": "Value",
        "reason": "Reason", "incident": "Incident", "no_alarms": "No alarms on this day.",
        "no_data": "no data", "stale": "stale", "since": "since", "tz": "All times are local",
        "count": "",
        "green": "normal", "blue": "blue", "yellow": "yellow", "orange": "orange", "red": "red",
        "raised_s": "raised", "acknowledged": "acknowledged", "converted": "converted",
        "dismissed": "dismissed", "cleared": "cleared",
    },
}
DOMAIN_EN = {"气象": "Weather", "水务": "Water", "交通": "Transport", "能源": "Energy", "环境": "Environment",
             "公共安全": "Public safety", "卫生": "Health", "人群": "Crowds", "城市运行": "City operations"}

_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:24px;color:#1f2933;background:#fff}
h1{font-size:22px;margin:0 0 4px} h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid #d0d7e2}
p.meta{color:#52606d;margin:2px 0}
table{border-collapse:collapse;margin:6px 0 12px;font-size:13px}
th,td{border:1px solid #d0d7e2;padding:3px 8px;text-align:left;vertical-align:middle}
th{background:#eef2f7} td.n{text-align:right;font-variant-numeric:tabular-nums}
td.zero{color:#b0b8c4}
.chip{display:inline-block;min-width:3.2em;padding:1px 6px;border-radius:3px;color:#fff;text-align:center}
.c-green{background:#2fbf71}.c-blue{background:#2f7df6}.c-yellow{background:#f5c400;color:#1f2933}
.c-orange{background:#ff8a00}.c-red{background:#e02424}.c-stale,.c-nodata{background:#6b7280}
.code{color:#7b8794;font-size:11px} svg{display:block}
@media print{body{margin:8mm}}
"""


def daily_summary_html(
    catalog: Catalog,
    day: date,
    samples: dict[str, list[tuple[int, float]]],
    alarms: list[dict],
    *,
    lang: str = "zh",
    generated_ms: int,
    tz_offset_h: float = TZ_OFFSET_H,
) -> str:
    """The daily city-vitals summary: a standalone page (inline CSS, no scripts, CSP meta).

    `samples` maps indicator code -> (ts_ms, value) rows (anything outside the day is left
    out); `alarms` are rows of the store's alarms table. Per domain: counts of indicators by
    their worst colour of the day and by their current colour (the last value; "stale" when it
    is older than the series' stale gap at the day's end or at generation time, whichever is
    first), then a table per indicator with min / max / last, the worst colour, the minutes
    breached and a sparkline; then the alarms. Cells carry data-* attributes for tools.
    """
    lang = "en" if lang.startswith("en") else "zh"
    w = WORDS[lang]
    start_ms, end_ms = day_bounds(day, tz_offset_h)
    now_ms = min(end_ms, generated_ms)
    stats = {code: _stats(ind, [r for r in sorted(samples.get(code, ())) if start_ms <= r[0] < end_ms],
                          start_ms, end_ms, now_ms)
             for code, ind in catalog.indicators.items()}

    out: list[str] = []
    html_lang = "en" if lang == "en" else "zh-CN"
    title = f"{w['title']} {day.isoformat()}"
    out.append(
        f'<!DOCTYPE html>\n<html lang="{html_lang}"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
    )
    offset = f"{'+' if tz_offset_h >= 0 else '-'}{int(abs(tz_offset_h)):02d}:{int(abs(tz_offset_h) * 60) % 60:02d}"
    out.append(f'<h1>{escape(title)}</h1><p class="meta" data-day="{day.isoformat()}">{w["day"]}: '
               f'{day.isoformat()} · {w["tz"]} (UTC{offset})</p>'
               f'<p class="meta" data-generated-ms="{int(generated_ms)}">{w["generated"]}: '
               f'{escape(_clock(generated_ms, tz_offset_h, full=True))}</p>')

    domains = _domains(catalog)
    # city-health summary
    out.append(f'<h2>{w["summary"]}</h2><table class="summary"><thead><tr>'
               f'<th rowspan="2">{w["domain"]}</th><th rowspan="2">{w["indicators"]}</th>'
               f'<th colspan="{len(COLOURS) + 1}">{w["worst"]}</th>'
               f'<th colspan="{len(COLOURS) + 2}">{w["current"]}</th></tr><tr>')
    worst_keys = COLOURS + ("nodata",)
    current_keys = COLOURS + ("stale", "nodata")
    for key in worst_keys + current_keys:
        out.append(f'<th>{_chip(key, w)}</th>')
    out.append("</tr></thead><tbody>")
    for domain, codes in domains:
        worst = {k: 0 for k in worst_keys}
        current = {k: 0 for k in current_keys}
        for code in codes:
            worst[stats[code]["worst"]] += 1
            current[stats[code]["current"]] += 1
        out.append(f'<tr data-domain="{escape(domain)}"><th>{escape(_domain_name(domain, lang))}</th>'
                   f'<td class="n">{len(codes)}</td>')
        for kind, counts in (("worst", worst), ("current", current)):
            for key, n in counts.items():
                zero = " zero" if n == 0 else ""
                out.append(f'<td class="n{zero}" data-kind="{kind}" data-colour="{key}">{n}</td>')
        out.append("</tr>")
    out.append("</tbody></table>")

    # per domain, per indicator
    for domain, codes in domains:
        out.append(f'<h2 data-domain="{escape(domain)}">{escape(_domain_name(domain, lang))}</h2>'
                   f'<table class="indicators"><thead><tr><th>{w["indicator"]}</th><th>{w["unit"]}</th>'
                   f'<th>{w["min"]}</th><th>{w["max"]}</th><th>{w["last"]}</th><th>{w["worst"]}</th>'
                   f'<th>{w["breach"]}</th><th>{w["trend"]}</th></tr></thead><tbody>')
        for code in codes:
            ind, st = catalog.indicators[code], stats[code]
            name = ind.name_en if lang == "en" else ind.name_zh
            out.append(f'<tr data-indicator="{escape(code)}"><td>{escape(name)}<br>'
                       f'<span class="code">{escape(code)}</span></td><td>{escape(ind.unit)}</td>')
            if st["rows"]:
                last = _num(st["last"][1])
                if st["current"] == "stale":
                    last += f'<br><span class="chip c-stale">{w["stale"]}</span> {w["since"]} ' \
                            f'{escape(_clock(st["last"][0], tz_offset_h))}'
                out.append(f'<td class="n">{_num(st["min"])}</td><td class="n">{_num(st["max"])}</td>'
                           f'<td class="n">{last}</td>'
                           f'<td data-worst="{st["worst"]}">{_chip(st["worst"], w)}</td>'
                           f'<td class="n" data-breach-min="{st["breach_ms"] / 60000:.1f}">'
                           f'{_minutes(st["breach_ms"])}</td>')
            else:
                out.append(f'<td colspan="5" data-worst="nodata">{_chip("nodata", w)}</td>')
            out.append(f"<td>{_sparkline(ind, st['rows'], start_ms, end_ms)}</td></tr>")
        out.append("</tbody></table>")

    # alarms
    out.append(f'<h2>{w["alarms"]}</h2>')
    if not alarms:
        out.append(f'<p class="meta">{w["no_alarms"]}</p>')
    else:
        out.append(f'<table class="alarms"><thead><tr><th>{w["raised"]}</th><th>{w["indicator"]}</th>'
                   f'<th>{w["colour"]}</th><th>{w["status"]}</th><th>{w["value"]}</th>'
                   f'<th>{w["reason"]}</th><th>{w["incident"]}</th></tr></thead><tbody>')
        for alarm in sorted(alarms, key=lambda a: (a.get("raised_ms") or 0, str(a.get("id")))):
            out.append(_alarm_row(alarm, catalog, w, lang, start_ms, end_ms, tz_offset_h))
        out.append("</tbody></table>")
    out.append("</body></html>\n")
    return "".join(out)


def _stats(ind: Indicator, rows: list[tuple[int, float]], start_ms: int, end_ms: int, now_ms: int) -> dict:
    if not rows:
        return {"rows": rows, "worst": "nodata", "current": "nodata", "breach_ms": 0}
    worst = max((ind.colour_of(v) for _, v in rows), key=_RANK.__getitem__)
    last = rows[-1]
    stale = now_ms - last[0] > stale_gap_ms(rows)
    return {
        "rows": rows, "worst": worst, "current": "stale" if stale else ind.colour_of(last[1]),
        "min": min(v for _, v in rows), "max": max(v for _, v in rows), "last": last,
        "breach_ms": breached_ms(ind, rows, end_ms),
    }


def _domains(catalog: Catalog) -> list[tuple[str, list[str]]]:
    by: dict[str, list[str]] = {}
    for code, ind in catalog.indicators.items():
        by.setdefault(ind.domain, []).append(code)
    order = {d: i for i, d in enumerate(DOMAIN_ORDER)}
    return sorted(by.items(), key=lambda kv: order.get(kv[0], len(order)))  # stable: catalogue order


def _domain_name(domain: str, lang: str) -> str:
    return DOMAIN_EN.get(domain, domain) if lang == "en" else domain


def _chip(key: str, w: dict) -> str:
    label = w["no_data"] if key == "nodata" else w.get(key, key)
    return f'<span class="chip c-{key}">{escape(label)}</span>'


def _num(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        return escape(str(value))
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _minutes(ms: int) -> str:
    return "0" if ms == 0 else f"{ms / 60000:.0f}" if ms >= 600_000 else f"{ms / 60000:.1f}"


def _clock(ts_ms: int, tz_offset_h: float, *, full: bool = False) -> str:
    moment = datetime.fromtimestamp(ts_ms / 1000, local_tz(tz_offset_h))
    return moment.strftime("%Y-%m-%d %H:%M:%S" if full else "%H:%M:%S")


def _sparkline(ind: Indicator, rows: list[tuple[int, float]], start_ms: int, end_ms: int) -> str:
    """The day as an inline SVG: the series (broken at holes, at most ~4 points per pixel
    column: first, min, max, last), and the threshold lines that fall in its value range
    (the range always takes in the blue threshold, so "how close" shows)."""
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{SPARK_W}" height="{SPARK_H}" '
           f'viewBox="0 0 {SPARK_W} {SPARK_H}" role="img">'
           f'<rect width="{SPARK_W}" height="{SPARK_H}" fill="#f7f9fb" stroke="#d0d7e2"/>')
    if not rows:
        return svg + "</svg>"
    values = [v for _, v in rows]
    lo, hi = min(values), max(values)
    blue = ind.thresholds.get("blue")
    if blue is not None:
        lo, hi = min(lo, blue), max(hi, blue)
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    pad = (hi - lo) * 0.08
    lo, hi = lo - pad, hi + pad
    span = end_ms - start_ms

    def x(ts: int) -> float:
        return (ts - start_ms) / span * SPARK_W

    def y(v: float) -> float:
        return SPARK_H - (v - lo) / (hi - lo) * SPARK_H

    parts = [svg]
    for colour in THRESHOLD_COLOURS:
        limit = ind.thresholds.get(colour)
        if limit is not None and lo <= limit <= hi:
            parts.append(f'<line data-threshold="{colour}" x1="0" x2="{SPARK_W}" y1="{y(limit):.1f}" '
                         f'y2="{y(limit):.1f}" stroke="{COLOUR_HEX[colour]}" stroke-width="1" '
                         'stroke-dasharray="3,2"/>')
    gap = stale_gap_ms(rows)
    for run in _runs(rows, gap):
        pts = " ".join(f"{x(ts):.1f},{y(v):.1f}" for ts, v in _thin(run, x))
        if len(run) == 1:
            ts, v = run[0]
            parts.append(f'<circle cx="{x(ts):.1f}" cy="{y(v):.1f}" r="1.5" fill="#1f2933"/>')
        else:
            parts.append(f'<polyline points="{pts}" fill="none" stroke="#1f2933" stroke-width="1.2"/>')
    parts.append("</svg>")
    return "".join(parts)


def _runs(rows: list[tuple[int, float]], gap: int) -> list[list[tuple[int, float]]]:
    runs: list[list[tuple[int, float]]] = [[rows[0]]]
    for prev, row in zip(rows, rows[1:]):
        if row[0] - prev[0] > gap:
            runs.append([])
        runs[-1].append(row)
    return runs


def _thin(run: list[tuple[int, float]], x) -> list[tuple[int, float]]:
    """First, min, max and last of each pixel column, in time order: the shape of 86,400
    points a day in a few hundred."""
    if len(run) <= SPARK_W * 2:
        return run
    out: list[tuple[int, float]] = []
    bucket: list[tuple[int, float]] = []
    column = None
    for row in run + [(None, None)]:  # type: ignore[list-item]
        col = int(x(row[0])) if row[0] is not None else None
        if col != column and bucket:
            keep = {bucket[0], min(bucket, key=lambda r: r[1]), max(bucket, key=lambda r: r[1]), bucket[-1]}
            out.extend(sorted(keep))
            bucket = []
        column = col
        if row[0] is not None:
            bucket.append(row)
    return out


def _alarm_row(alarm: dict, catalog: Catalog, w: dict, lang: str, start_ms: int, end_ms: int,
               tz_offset_h: float) -> str:
    code = str(alarm.get("indicator") or "")
    ind = catalog.indicators.get(code)
    name = (ind.name_en if lang == "en" else ind.name_zh) if ind else code
    raised = alarm.get("raised_ms")
    when = "—"
    if isinstance(raised, (int, float)):
        when = _clock(int(raised), tz_offset_h, full=not (start_ms <= raised < end_ms))
    colour = str(alarm.get("colour") or "")
    chip = _chip(colour, w) if colour in COLOURS else escape(colour or "—")
    status = str(alarm.get("status") or "")
    status_text = w["raised_s"] if status == "raised" else w.get(status, status) if status in (
        "acknowledged", "converted", "dismissed", "cleared") else status
    value = alarm.get("value")
    value_text = _num(float(value)) if isinstance(value, (int, float)) else escape(str(value or "—"))
    if ind is not None and ind.unit and isinstance(value, (int, float)):
        value_text += f" {escape(ind.unit)}"
    reason = alarm.get("reason")
    incident = alarm.get("incident_id")
    return (f'<tr data-alarm="{escape(str(alarm.get("id") or ""))}" data-status="{escape(status)}">'
            f"<td>{escape(when)}</td><td>{escape(name)}</td><td>{chip}</td><td>{escape(status_text)}</td>"
            f'<td class="n">{value_text}</td><td>{escape(str(reason)) if reason else "—"}</td>'
            f'<td>{escape(str(incident)) if incident else "—"}</td></tr>')


# ---------------------------------------------------------------- reading the cache
class CacheError(Exception):
    """The cache cannot be read (a broken file, or not a cache)."""


def _connect_ro(db_path: Path) -> sqlite3.Connection:
    """Read-only: an export never changes the cache (nor migrates it, nor creates it)."""
    try:
        return connect_readonly(db_path)
    except sqlite3.Error as exc:
        raise CacheError(f"{db_path}: cannot read the cache: {exc}") from None


def read_samples(db_path: Path, indicator: str, since_ms: int | None = None,
                 until_ms: int | None = None) -> list[tuple[int, float]]:
    """Samples of one indicator in [since, until), oldest first."""
    conn = _connect_ro(db_path)
    try:
        return [(int(t), float(v)) for t, v in conn.execute(
            "SELECT ts_ms, value FROM samples WHERE indicator=? AND ts_ms>=? AND ts_ms<? ORDER BY ts_ms",
            (indicator, -(2 ** 62) if since_ms is None else since_ms, 2 ** 62 if until_ms is None else until_ms))]
    except sqlite3.Error as exc:
        raise CacheError(f"{db_path}: cannot read the cache: {exc}") from None
    finally:
        conn.close()


def read_day(db_path: Path, start_ms: int, end_ms: int) -> tuple[dict[str, list[tuple[int, float]]], list[dict]]:
    """The day's samples by indicator, and the alarms alive during the day (raised before its
    end, and not last changed before its start)."""
    conn = _connect_ro(db_path)
    conn.row_factory = sqlite3.Row
    try:
        samples: dict[str, list[tuple[int, float]]] = {}
        for code, ts, value in conn.execute(
            "SELECT indicator, ts_ms, value FROM samples WHERE ts_ms>=? AND ts_ms<? ORDER BY indicator, ts_ms",
            (start_ms, end_ms),
        ):
            samples.setdefault(code, []).append((int(ts), float(value)))
        alarms = [dict(r) for r in conn.execute(
            "SELECT id, indicator, org_unit, colour, status, value, raised_ms, updated_ms, incident_id, reason "
            "FROM alarms WHERE raised_ms<? AND COALESCE(updated_ms, raised_ms)>=? ORDER BY raised_ms",
            (end_ms, start_ms),
        )]
        return samples, alarms
    except sqlite3.Error as exc:
        raise CacheError(f"{db_path}: cannot read the cache: {exc}") from None
    finally:
        conn.close()


# -------------------------------------------------------------------- command line
PROG = "commandcenter"


def iso_time_ms(text: str) -> int:
    """An ISO 8601 date or time; without an offset it is local (+08:00)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r} (e.g. 2026-07-15T14:00 or "
                                         "2026-07-15T14:00+08:00)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=local_tz())
    return int(moment.timestamp() * 1000)


def _day(text: str) -> date:
    try:
        if len(text) != 10:  # fromisoformat also takes 20260715 and 2026-W29-3: not a day's name
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a day: {text!r} (use YYYY-MM-DD)") from None


def add_vitals_parsers(what: argparse._SubParsersAction, common_parent: argparse.ArgumentParser) -> None:
    """`export vitals-csv` and `export vitals-day`, under interop/cli.py's `export`."""
    p = what.add_parser("vitals-csv", parents=[common_parent],
                        help="one indicator's samples from the local cache as CSV (Excel-ready)")
    p.add_argument("indicator", metavar="INDICATOR", help="indicator code, e.g. rain_1h")
    p.add_argument("--out", metavar="FILE.csv", required=True)
    p.add_argument("--since", metavar="ISO", type=iso_time_ms, help="from this time (local +08:00 unless given)")
    p.add_argument("--until", metavar="ISO", type=iso_time_ms, help="up to (not including) this time")
    d = what.add_parser("vitals-day", parents=[common_parent],
                        help="the daily city-vitals summary (HTML) with the day's alarms")
    d.add_argument("--day", metavar="YYYY-MM-DD", type=_day,
                   help="the local day (+08:00); default: today so far")
    d.add_argument("--out", metavar="FILE.html", required=True)


def _fail(message: str, code: int) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return code


def run_vitals_export(args: argparse.Namespace, data_dir: object, catalog: Catalog, *,
                      now_ms: int | None = None) -> int:
    """Run `export vitals-csv|vitals-day`: 2 for a bad argument, 1 for an unreadable or missing
    cache or a failed write; on any error nothing is written."""
    out = Path(args.out)
    suffixes = (".csv",) if args.export_what == "vitals-csv" else (".html", ".htm")
    if out.is_dir():
        return _fail(f"--out is a folder: {out}", 2)
    if not out.resolve().parent.is_dir():
        return _fail(f"--out folder does not exist: {out.parent}", 2)
    if out.suffix.lower() not in suffixes:
        return _fail(f"--out must be a {suffixes[0]} file, got {args.out}", 2)
    if args.export_what == "vitals-csv":
        indicator = catalog.indicators.get(args.indicator)
        if indicator is None:
            return _fail(f"INDICATOR: unknown indicator {args.indicator!r} "
                         f"(known: {', '.join(sorted(catalog.indicators))})", 2)
        if args.since is not None and args.until is not None and args.since >= args.until:
            return _fail("--since must be before --until", 2)
    db = Path(getattr(data_dir, "root", data_dir)) / "cache.db"
    if not db.is_file():
        return _fail(f"no cache at {db}: run the client (or the demo) first", 1)
    try:
        if args.export_what == "vitals-csv":
            rows = read_samples(db, args.indicator, args.since, args.until)
            data = series_csv(indicator, rows)
            what = f"{len(rows)} sample{'' if len(rows) == 1 else 's'} of {args.indicator}"
        else:
            if now_ms is None:
                now_ms = int(datetime.now(timezone.utc).timestamp() * 1000)
            if args.day is None:  # today in the city's time zone
                args.day = datetime.fromtimestamp(now_ms / 1000, local_tz()).date()
            start_ms, end_ms = day_bounds(args.day)
            samples, alarms = read_day(db, start_ms, end_ms)
            lang = "en" if getattr(args, "lang", "zh_CN") == "en" else "zh"
            data = daily_summary_html(catalog, args.day, samples, alarms, lang=lang,
                                      generated_ms=now_ms).encode("utf-8")
            known = sum(1 for code in samples if code in catalog.indicators)
            what = (f"the city vitals of {args.day.isoformat()} ({known} of {len(catalog.indicators)} "
                    f"indicators with data, {len(alarms)} alarm{'' if len(alarms) == 1 else 's'})")
    except CacheError as exc:
        return _fail(str(exc), 1)
    try:
        write_atomic(out.resolve(), data)
    except OSError as exc:
        return _fail(f"{out}: {exc.strerror or exc}", 1)
    print(f"exported {what} to {out}")
    return 0
