"""The situation report from a real cache: one incident in full (header, every department's
tasks with their clocks, units, the command log, 初报/续报/终报, converted alarms) or every open
incident (counts, then condensed sections); standalone, script-free, hostile text escaped."""
from __future__ import annotations

import re
import sqlite3

import pytest

from commandcenter.domain import commands as c
from commandcenter.domain import integrated as g
from commandcenter.domain.alarms import AlarmEvent, alarm_action, raise_alarm
from commandcenter.domain.clock import ManualClock
from commandcenter.interop.sitrep import SitrepError, sitrep_html
from commandcenter.store import Store

T0 = 1_784_080_800_000  # 2026-07-15 10:00 +08:00
MIN = 60_000
HOSTILE = "<script>alert(1)</script>"


def build_cache(path, catalog):
    """inc-1: a II waterlogging at Huangpu with a hostile title, under the flood plan at level 3
    (its tasks), one task signed for, one escalated-less overdue task, a log note, 初报 and
    续报 1, an alarm converted into it; inc-2 (IV, fire) open; inc-3 closed."""
    clock = ManualClock(T0)
    s = Store(path, clock=clock)
    s.execute(c.report_incident(T0, title=f"南京东路积水 {HOSTILE}", category="waterlogging", severity="II",
                                org_unit="310101002", lon=121.48, lat=31.235, incident_id="inc-1",
                                description="路面积水约 40 厘米"))
    s.execute(c.report_incident(T0, title="厂房火情", category="fire", severity="IV", org_unit="310101",
                                lon=121.47, lat=31.23, incident_id="inc-2"))
    s.execute(c.report_incident(T0, title="已结案的旧事", category="fire", severity="III", org_unit="310101",
                                lon=121.47, lat=31.23, incident_id="inc-3"))
    s.execute(c.transition("incident", s.get("incident", "inc-3"), "cancel", T0))
    inc = s.get("incident", "inc-1")
    clock.advance(5 * MIN)
    s.execute(g.decide_response_level(inc, catalog, clock.now_ms(), level="3", plan=catalog.plans["flood"],
                                      user="张三", reason="暴雨持续"))
    tasks = s.tasks_for("inc-1")
    assert len(tasks) >= 2
    clock.advance(2 * MIN)
    s.execute(c.task_action(tasks[0], "accept", clock.now_ms()), user="水务局值班")
    s.execute(c.dispatch_task(s.get("incident", "inc-1"), catalog, clock.now_ms(), department="police",
                              org_unit="310101", lead=False, note="交通管制", task_id="task-police"))
    s.execute(g.write_log(clock.now_ms(), text=f"现场指挥部已设立 {HOSTILE}", incident_id="inc-1", user="张三",
                          role="commander"))
    inc = s.get("incident", "inc-1")
    s.execute(g.submit_report(inc, [], clock.now_ms(), kind="initial", text="初报：积水 40 厘米", author="李四"))
    clock.advance(30 * MIN)
    s.execute(g.submit_report(inc, s.query("SELECT * FROM reports WHERE incident_id='inc-1'"), clock.now_ms(),
                              kind="update", text=f"续报：水位回落 {HOSTILE}", author="李四"))
    s.execute(raise_alarm(AlarmEvent("raise", "al-1", "rain_1h", "orange", 52.0, T0 - MIN)))
    s.execute(alarm_action(s.get("alarm", "al-1"), "convert", T0, incident_id="inc-1"))
    s.close()
    return clock.now_ms()


@pytest.fixture
def cache(tmp_path, catalog):
    path = tmp_path / "cache.db"
    now = build_cache(path, catalog)
    return path, now


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_one_incident_in_full(cache, catalog):
    path, now = cache
    before = path.read_bytes()
    html = sitrep_html(catalog, path, "inc-1", "zh_CN", now)
    assert path.read_bytes() == before and sorted(p.name for p in path.parent.iterdir()) == ["cache.db"]
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html.lower()
    assert "http://" not in html and "https://" not in html  # no network
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    body = text_of(html)
    for expected in ("重大（II级）", "三级响应", catalog.plans["flood"].name_zh, "南京东路街道", "路面积水约 40 厘米",
                     "已签收", "牵头", "协同", catalog.departments["police"].name_zh, "现场指挥部已设立",
                     "初报：积水 40 厘米", "续报 1", "李四", "52 mm"):
        assert expected in body, expected
    # every department's task is there, with its clocks
    tasks = sqlite3.connect(path).execute("SELECT id FROM tasks WHERE incident_id='inc-1'").fetchall()
    assert len(re.findall(r'data-task="', html)) == len(tasks)
    assert 'data-task="task-police" data-status="dispatched"' in html
    assert "2026-07-15 10:07" in body  # the police task's dispatch time, +08:00
    # the log in time order, the response-level decision first
    log = re.findall(r'<tr data-log="[^"]+"><td>([^<]+)</td>', html)
    assert log == sorted(log) and len(log) == 2
    assert "inc-2" not in html  # only the incident asked for


def test_overdue_deadlines_are_marked(cache, catalog):
    path, now = cache
    html = sitrep_html(catalog, path, "inc-1", "zh_CN", now + 7 * 24 * 3_600_000)
    assert 'class="over"' in html and "已超时" in html
    assert 'class="over"' not in sitrep_html(catalog, path, "inc-1", "zh_CN", T0)


def test_every_open_incident_with_counts(cache, catalog):
    path, now = cache
    html = sitrep_html(catalog, path, None, "zh_CN", now)
    assert re.findall(r'data-incident="([^"]+)"', html) == ["inc-1", "inc-2"]  # worst first; cancelled left out
    assert 'data-open="2"' in html
    severity = html[html.index('data-by="severity"'):]
    assert re.findall(r'data-code="(I|II|III|IV)">(\d+)<', severity)[:4] == [("I", "0"), ("II", "1"), ("III", "0"),
                                                                            ("IV", "1")]
    level = html[html.index('data-by="response_level"'):]
    assert ('data-code="3">1<' in level) and ('data-code="">1<' in level)
    assert "路面积水约 40 厘米" not in html  # condensed: no description


def test_english(cache, catalog):
    path, now = cache
    html = sitrep_html(catalog, path, "inc-1", "en", now)
    assert '<html lang="en">' in html and "Major (II)" in html and "Level 3 response" in html
    assert "Initial report" in html and "Update 1" in html


def test_an_open_connection_is_used_as_it_is(cache, catalog):
    path, now = cache
    conn = sqlite3.connect(path)
    assert "inc-2" in sitrep_html(catalog, conn, "inc-2", "zh_CN", now)
    conn.execute("SELECT 1")  # still open: the caller's
    conn.close()


def test_unknown_incident_and_missing_cache(cache, catalog, tmp_path):
    path, now = cache
    with pytest.raises(SitrepError, match="--incident: unknown incident 'nope'"):
        sitrep_html(catalog, path, "nope", "zh_CN", now)
    with pytest.raises(SitrepError, match="no cache at"):
        sitrep_html(catalog, tmp_path / "missing.db", None, "zh_CN", now)
    (tmp_path / "junk.db").write_bytes(b"junk" * 1000)
    with pytest.raises(SitrepError, match="cannot read the cache"):
        sitrep_html(catalog, tmp_path / "junk.db", None, "zh_CN", now)
