"""The vital-signs exports as a reader sees them: the CSV read back by the csv module (as Excel
would), the daily HTML summary parsed back (domains, counts, alarms), hostile text inert."""
from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date, datetime
from html.parser import HTMLParser

import pytest

from commandcenter.domain.catalog import Catalog
from commandcenter.interop.vitals_report import (
    breached_ms,
    daily_summary_html,
    day_bounds,
    series_csv,
)

DAY = date(2026, 7, 15)
START, END = day_bounds(DAY)
MIN = 60_000
HOSTILE = '<script>alert(1)</script><img src=x onerror="p=1">&amp;'


def minutes(first: int, count: int, value: float, step: int = MIN) -> list[tuple[int, float]]:
    return [(START + (first + i) * step, value) for i in range(count)]


def seeded() -> dict[str, list[tuple[int, float]]]:
    """rain_1h (above, blue 20): a yellow hour then a red half hour -> worst red, 90 min
    breached, last green. pumps_running (below, blue 114): 30 min blue, silent after 23:00 ->
    worst blue, current stale. calls_110: green all day. Nothing else has data."""
    rain = minutes(0, 600, 10.0) + minutes(600, 60, 40.0) + minutes(660, 30, 85.0) + minutes(690, 750, 10.0)
    pumps = minutes(0, 400, 118.0) + minutes(400, 30, 112.0) + minutes(430, 950, 118.0)
    calls = minutes(0, 1440, 50.0)
    return {"rain_1h": rain, "pumps_running": pumps, "calls_110": calls}


class Cells(HTMLParser):
    """Collects the summary counts {(domain, kind, colour): n}, the headings' domains, the
    worst colour per indicator, and the text of every alarm row."""

    def __init__(self) -> None:
        super().__init__()
        self.counts: dict[tuple[str, str, str], int] = {}
        self.h2_domains: list[str] = []
        self.worst: dict[str, str] = {}
        self.breach: dict[str, float] = {}
        self.alarms: list[list[str]] = []
        self._domain = self._indicator = None
        self._cell: tuple | None = None
        self._alarm: list[str] | None = None
        self._text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "tr" and "data-domain" in a:
            self._domain = a["data-domain"]
        if tag == "tr" and "data-indicator" in a:
            self._indicator = a["data-indicator"]
        if tag == "tr" and "data-alarm" in a:
            self._alarm = []
        if tag == "h2" and "data-domain" in a:
            self.h2_domains.append(a["data-domain"])
        if tag == "td" and "data-kind" in a:
            self._cell = (self._domain, a["data-kind"], a["data-colour"])
            self._text = []
        elif tag == "td":
            self._text = []
        if tag == "td" and "data-worst" in a:
            self.worst[self._indicator] = a["data-worst"]
        if tag == "td" and "data-breach-min" in a:
            self.breach[self._indicator] = float(a["data-breach-min"])

    def handle_data(self, data):
        self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.counts[self._cell] = int("".join(self._text))
            self._cell = None
        elif tag == "td" and self._alarm is not None:
            self._alarm.append("".join(self._text))
        if tag == "tr" and self._alarm is not None:
            self.alarms.append(self._alarm)
            self._alarm = None


def parse(page: str) -> Cells:
    cells = Cells()
    cells.feed(page)
    cells.close()
    return cells


# ------------------------------------------------------------------------------ CSV
def test_csv_reads_back_with_bom_local_times_units_and_colours(catalog):
    ind = catalog.indicators["waterlogged_roads"]  # unit 处: garbled in Excel without the BOM
    rows = [(START + 3_600_000, 0.0), (START, 12.5), (START + 7_200_000, 1e-7), (START + 60_000, 123456.789)]
    data = series_csv(ind, rows)
    assert data.startswith(b"\xef\xbb\xbf")
    back = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert list(back[0]) == ["time", "ts_ms", "value", "unit", "colour"]
    assert [int(r["ts_ms"]) for r in back] == sorted(t for t, _ in rows)
    assert [float(r["value"]) for r in back] == [v for _, v in sorted(rows)]
    assert {r["unit"] for r in back} == {"处"}
    assert [r["colour"] for r in back] == [ind.colour_of(v) for _, v in sorted(rows)]
    assert back[0]["time"] == "2026-07-15T00:00:00+08:00"
    for r in back:
        assert r["time"].endswith("+08:00")
        assert int(datetime.fromisoformat(r["time"]).timestamp() * 1000) == int(r["ts_ms"])


def test_csv_colours_follow_the_direction_and_millis_survive(catalog):
    pumps = catalog.indicators["pumps_running"]  # below: fewer pumps is worse
    data = series_csv(pumps, [(START + 1, 118.0), (START + 1001, 99.0)])
    back = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert [r["colour"] for r in back] == ["green", "red"]
    assert back[0]["time"] == "2026-07-15T00:00:00.001+08:00"
    assert int(datetime.fromisoformat(back[1]["time"]).timestamp() * 1000) == START + 1001


def test_csv_of_no_samples_is_the_header_alone(catalog):
    data = series_csv(catalog.indicators["rain_1h"], [])
    assert data.decode("utf-8-sig").splitlines() == ["time,ts_ms,value,unit,colour"]


# --------------------------------------------------------------------- breach time
def test_breach_time_is_direction_aware_and_holes_are_not_counted(catalog):
    s = seeded()
    assert breached_ms(catalog.indicators["rain_1h"], s["rain_1h"], END) == 90 * MIN
    assert breached_ms(catalog.indicators["pumps_running"], s["pumps_running"], END) == 30 * MIN
    assert breached_ms(catalog.indicators["calls_110"], s["calls_110"], END) == 0
    # 10 breached minutes, a 3-hour silence, 10 more: 20 minutes, not 3 h 20
    holed = minutes(0, 10, 30.0) + minutes(190, 10, 30.0)
    assert breached_ms(catalog.indicators["rain_1h"], holed, END) == 20 * MIN
    # the last sample holds one interval, never past the day's end
    tail = [(END - 2 * MIN, 30.0), (END - MIN, 30.0)]
    assert breached_ms(catalog.indicators["rain_1h"], tail, END) == 2 * MIN
    assert breached_ms(catalog.indicators["rain_1h"], tail, END - MIN // 2) == MIN + MIN // 2


# ---------------------------------------------------------------------------- HTML
def test_daily_summary_has_every_domain_and_the_right_counts(catalog):
    page = daily_summary_html(catalog, DAY, seeded(), [], generated_ms=END + 3_600_000)
    cells = parse(page)
    domains = {ind.domain for ind in catalog.indicators.values()}
    assert set(cells.h2_domains) == domains and len(cells.h2_domains) == len(domains)
    per_domain = {d: sum(1 for i in catalog.indicators.values() if i.domain == d) for d in domains}

    def count(domain, kind, colour):
        return cells.counts[(domain, kind, colour)]

    # 气象: rain_1h worst red, current green; the rest no data
    assert count("气象", "worst", "red") == 1 and count("气象", "current", "green") == 1
    assert count("气象", "worst", "nodata") == per_domain["气象"] - 1
    assert count("气象", "current", "nodata") == per_domain["气象"] - 1
    # 水务: pumps worst blue, silent since 23:00 -> stale, never its last value's colour
    assert count("水务", "worst", "blue") == 1 and count("水务", "current", "stale") == 1
    assert count("水务", "current", "green") == 0
    # 公共安全: calls_110 green all day
    assert count("公共安全", "worst", "green") == 1 and count("公共安全", "current", "green") == 1
    for d in domains:  # every indicator counted once per kind
        assert sum(n for (dd, kind, _), n in cells.counts.items() if dd == d and kind == "worst") == per_domain[d]
        assert sum(n for (dd, kind, _), n in cells.counts.items() if dd == d and kind == "current") == per_domain[d]
    assert cells.worst["rain_1h"] == "red" and cells.worst["pumps_running"] == "blue"
    assert cells.worst["river_level_huangpu"] == "nodata"
    assert cells.breach == {"rain_1h": 90.0, "pumps_running": 30.0, "calls_110": 0.0}
    assert "2026-07-15" in page and "2026-07-16 01:00:00" in page  # the day and the generation time


def test_samples_outside_the_day_are_left_out(catalog):
    s = {"rain_1h": [(START - MIN, 99.0), (START, 10.0), (END, 99.0)]}
    cells = parse(daily_summary_html(catalog, DAY, s, [], generated_ms=END))
    assert cells.worst["rain_1h"] == "green"


def test_today_is_current_until_the_series_goes_silent(catalog):
    s = {"rain_1h": minutes(0, 600, 40.0)}  # up to 09:59
    live = parse(daily_summary_html(catalog, DAY, s, [], generated_ms=START + 600 * MIN))
    assert live.counts[("气象", "current", "yellow")] == 1
    late = parse(daily_summary_html(catalog, DAY, s, [], generated_ms=START + 700 * MIN))
    assert late.counts[("气象", "current", "stale")] == 1


def alarm(**kw) -> dict:
    row = {"id": "a1", "indicator": "rain_1h", "org_unit": None, "colour": "red", "status": "converted",
           "value": 85.0, "raised_ms": START + 660 * MIN, "updated_ms": START + 670 * MIN,
           "incident_id": "inc-42", "reason": None}
    row.update(kw)
    return row


def test_alarms_of_the_day_are_listed_in_chinese_by_default_and_english_on_request(catalog):
    alarms = [alarm(), alarm(id="a2", indicator="pumps_running", colour="blue", status="dismissed", value=112.0,
                             raised_ms=START + 400 * MIN, incident_id=None, reason="泵站检修，已知")]
    zh = daily_summary_html(catalog, DAY, seeded(), alarms, generated_ms=END)
    rows = parse(zh).alarms
    assert len(rows) == 2
    assert rows[0] == ["06:40:00", "排水泵站在线数", "蓝色", "已排除", "112 座", "泵站检修，已知", "—"]
    assert rows[1] == ["11:00:00", "1小时降雨量", "红色", "已转事件", "85 mm", "—", "inc-42"]
    assert "城市体征日报" in zh and 'lang="zh-CN"' in zh
    en = daily_summary_html(catalog, DAY, seeded(), alarms, lang="en", generated_ms=END)
    rows = parse(en).alarms
    assert rows[1][:4] == ["11:00:00", "Rainfall, 1 h", "red", "converted"]
    assert "City vital signs" in en and "Weather" in en and "1小时降雨量" not in en
    none = daily_summary_html(catalog, DAY, {}, [], generated_ms=END)
    assert "当日无告警" in none and parse(none).alarms == []


def test_the_page_has_no_script_and_forbids_any(catalog):
    page = daily_summary_html(catalog, DAY, seeded(), [alarm()], generated_ms=END)
    assert "<script" not in page.lower() and "javascript:" not in page.lower()
    assert "onerror" not in page.lower() and "onload" not in page.lower()
    assert "default-src 'none'; style-src 'unsafe-inline'; img-src data:" in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page


def test_hostile_text_is_shown_as_text(catalog):
    bad = replace(catalog.indicators["rain_1h"], code="x<b>", name_zh=HOSTILE, name_en=HOSTILE, unit=HOSTILE,
                  domain=HOSTILE)
    cat = Catalog(indicators={**catalog.indicators, bad.code: bad})
    alarms = [alarm(id=HOSTILE, indicator=bad.code, colour=HOSTILE, status=HOSTILE, value=HOSTILE,
                    incident_id=HOSTILE, reason=HOSTILE),
              alarm(id="a3", indicator=HOSTILE)]
    for lang in ("zh", "en"):
        page = daily_summary_html(cat, DAY, {bad.code: minutes(0, 10, 40.0)}, alarms, lang=lang, generated_ms=END)
        assert "<script" not in page.lower() and "<img" not in page.lower() and "<b>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "&amp;amp;" in page  # an entity in the input stays visible as typed
        cells = parse(page)
        assert HOSTILE in cells.h2_domains  # the parsed text is the hostile text itself
        assert any(HOSTILE in cell for row in cells.alarms for cell in row)
        assert cells.worst[bad.code] == "yellow"


def test_sparkline_breaks_at_holes_draws_thresholds_and_stays_small(catalog):
    s = {"rain_1h": minutes(0, 100, 10.0) + minutes(300, 100, 45.0),
         "calls_110": [(START + i * 1000, 50.0 + (i % 7)) for i in range(86_400)]}
    page = daily_summary_html(catalog, DAY, s, [], generated_ms=END)
    row = page.split('data-indicator="rain_1h"')[1].split("</tr>")[0]
    assert row.count("<polyline") == 2
    assert 'data-threshold="blue"' in row and 'data-threshold="yellow"' in row
    assert 'data-threshold="red"' not in row  # 80 mm is far outside a 10..45 day
    calls = page.split('data-indicator="calls_110"')[1].split("</tr>")[0]
    points = calls.split('points="')[1].split('"')[0].split()
    assert 240 <= len(points) <= 4 * 241  # a day at 1 Hz thinned to a few per pixel column
    assert len(page) < 200_000


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_empty_day_still_makes_a_page(catalog, lang):
    page = daily_summary_html(catalog, DAY, {}, [], lang=lang, generated_ms=END)
    cells = parse(page)
    n = len(catalog.indicators)
    assert sum(v for (d, kind, c), v in cells.counts.items() if kind == "current" and c == "nodata") == n
