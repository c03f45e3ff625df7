"""The after-action report of a recorded run (`commandcenter report RUN --out FILE.html|pdf`):
what happened, per objective its rating and evidence, response times against the expected
ones, strengths, areas and the improvement plan, the timeline; Chinese and English; and the
refusals (a run still going, no recording, a bad --out)."""
from __future__ import annotations

import re
import shutil

import pytest

from commandcenter.drills.aar import ReportError, build_aar
from commandcenter.drills.replay import Recording
from tests.cli_run import run_cli
from tests.drills.recording import make_recording


@pytest.fixture(scope="module")
def recorded(tmp_path_factory, qapp):  # the PDF is printed in this process: the app first
    del qapp
    return make_recording(tmp_path_factory.mktemp("recorded"))


def _count(html: str, name: str) -> int:
    return int(re.search(rf'data-count="{name}">(\d+)<', html).group(1))


def test_the_report_says_what_happened(recorded, catalog):
    db, _ = recorded
    html = build_aar(Recording(db, catalog), catalog, lang="zh", generated_ms=1_800_000_000_000)
    assert "演练 EXERCISE" in html and "演练评估报告：小演练" in html
    assert (_count(html, "injects"), _count(html, "released"), _count(html, "answered")) == (3, 1, 1)
    assert _count(html, "expired") == 3  # none was rated before the end: all three expired
    assert _count(html, "incidents") == 1 and _count(html, "notices") == 2  # the inject's (the feed's was not due)
    # the objectives: OBJ-1 rated S with the evaluator's note, OBJ-2 not rated
    assert re.search(r'data-objective="OBJ-1">.*?data-rating="S"><b>S 完成但存在一些问题</b></td><td>晚了一点',
                     html, re.S)
    assert re.search(r'data-objective="OBJ-2">.*?data-rating=""><b>未评定', html, re.S)
    # the evidence: INJ-001's answer (the response level), who, how long against 30 min
    row = re.search(r'<tr data-inject="INJ-001">(.*?)</tr>', html, re.S).group(1)
    assert "incident.set_response_level · room" in row and "30 分钟" in row
    minutes = float(re.search(r'data-response-min="([\d.]+)"', row).group(1))
    assert 0 <= minutes < 30
    assert "<td>+0 分钟</td>" in row  # read by the water seat at once
    assert "已过期" in row  # not rated before the end
    assert 'data-bar="INJ-001"' in html
    # in time: a strength; the objective rated S: an area with a plan item and its date
    strengths = re.search(r"<h2>四、亮点</h2><ol data-strengths=\"(\d+)\">(.*?)</ol>", html, re.S)
    assert strengths and "INJ-001" in strengths.group(2)
    areas = re.search(r"<h2>五、待改进</h2><ol data-areas=\"(\d+)\">(.*?)</ol>", html, re.S).group(2)
    assert "目标 OBJ-1「及时启动响应」评定为 S：晚了一点" in areas
    # INJ-002, water's expected action (accept a task), never happened; INJ-003 (a contingency
    # never released) is nobody's fault
    assert "INJ-002 预期行动（水务）到演练结束未出现" in areas and "INJ-003" not in areas
    plan = re.search(r'data-plan="(\d+)"', html)
    assert plan and int(plan.group(1)) >= 1 and "应急管理" in html and "2027-" in html
    # the timeline: every event of the run, in exercise time
    assert int(re.search(r'data-events="(\d+)"', html).group(1)) == len(Recording(db).events)
    assert 'data-kind="release"' in html and 'data-kind="acknowledge"' in html and 'data-kind="end"' in html
    assert "<script" not in html.lower()


def test_the_report_in_english(recorded, catalog):
    db, _ = recorded
    html = build_aar(Recording(db, catalog), catalog, lang="en", generated_ms=1_800_000_000_000)
    assert "After-action report: Tiny drill" in html and "EXERCISE EXERCISE EXERCISE" in html
    assert "S performed with some challenges" in html and "Emergency Management" in html
    assert "报告" not in html.split("<body>")[1].split("晚了一点")[0]  # the words are English


def test_a_run_still_going_is_refused_unless_a_draft(recorded, catalog, tmp_path):
    db, _ = recorded
    rec = Recording(db, catalog)
    rec.events = [e for e in rec.events if e.kind not in ("end", "expire")]
    with pytest.raises(ReportError, match="has not ended"):
        build_aar(rec, catalog, lang="zh", generated_ms=0)
    html = build_aar(rec, catalog, lang="zh", generated_ms=0, require_ended=False)
    assert 'data-draft="1"' in html and "草稿" in html


def test_report_writes_html_and_pdf_from_the_command_line(recorded, tmp_path, capsys, qapp):
    db, _ = recorded
    data = tmp_path / "data"
    (data / "drills" / "rec-1").mkdir(parents=True)
    shutil.copy(db, data / "drills" / "rec-1" / "platform.db")
    code, out, err = run_cli(["report", "rec-1", "--out", str(tmp_path / "aar.html"), "--data-dir", str(data)], capsys)
    assert code == 0, err
    assert "演练评估报告" in (tmp_path / "aar.html").read_text(encoding="utf-8")
    code, out, err = run_cli(["report", str(db), "--out", str(tmp_path / "aar.pdf"), "--lang", "en",
                              "--data-dir", str(data)], capsys)
    assert code == 0, err
    pages = int(re.search(r"\((\d+) pages?\)", out).group(1))
    assert pages >= 2 and (tmp_path / "aar.pdf").read_bytes().startswith(b"%PDF")
    for argv, want, words in [
        (["report", "rec-1", "--out", str(tmp_path / "aar.txt")], 2, "must be an .html or .pdf"),
        (["report", "rec-9", "--out", str(tmp_path / "x.html")], 2, "no recorded run 'rec-9'"),
        (["report", "rec-1", "--out", str(tmp_path / "no" / "x.html")], 2, "folder does not exist"),
    ]:
        got, _o, e = run_cli([*argv, "--data-dir", str(data)], capsys)
        assert got == want and words in e, (argv, e)
    from commandcenter.platform.storage import PlatformStorage

    PlatformStorage(tmp_path / "live.db").close()
    got, _o, e = run_cli(["report", str(tmp_path / "live.db"), "--out", str(tmp_path / "x.html"),
                          "--data-dir", str(data)], capsys)
    assert got == 1 and "not a drill run's database" in e
    assert not (tmp_path / "x.html").exists() and not (tmp_path / "aar.txt").exists()
