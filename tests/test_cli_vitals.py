"""`commandcenter export vitals-csv|vitals-day` as a user runs them on the client's cache: good
paths write the file; every bad argument is one line on stderr, exit 2 (or 1 for a missing or
broken cache), and no file."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from tests.cli_run import run_cli as run
from commandcenter.domain.alarms import AlarmEvent, alarm_action, raise_alarm
from commandcenter.domain.clock import ManualClock
from commandcenter.interop.vitals_report import day_bounds
from commandcenter.store import Store

START, END = day_bounds(date(2026, 7, 15))
HOSTILE = '<script>alert(1)</script>'




@pytest.fixture
def data(tmp_path):
    """A real cache: rain_1h every minute of 2026-07-15 (40 mm from 10:00 to 10:59), one
    alarm dismissed with a hostile reason."""
    root = tmp_path / "data"
    store = Store(root / "cache.db", clock=ManualClock(START + 12 * 3_600_000))
    store.ingest_samples(("rain_1h", START + i * 60_000, 40.0 if 600 <= i < 660 else 5.0) for i in range(1440))
    store.ingest_samples([("rain_1h", START - 60_000, 1.0), ("rain_1h", END, 2.0)])
    store.execute(raise_alarm(AlarmEvent("raise", "al-1", "rain_1h", "yellow", 40.0, START + 600 * 60_000)))
    store.execute(alarm_action(store.get("alarm", "al-1"), "dismiss", START + 620 * 60_000, reason=HOSTILE))
    store.close()
    return root


def files(folder):
    return sorted(p.name for p in folder.iterdir())


def test_vitals_csv_writes_the_range(data, tmp_path, capsys):
    before = (data / "cache.db").read_bytes()
    out = tmp_path / "rain.csv"
    code, stdout, err = run(["export", "vitals-csv", "rain_1h", "--out", str(out), "--data-dir", str(data),
                             "--since", "2026-07-15T10:00", "--until", "2026-07-15T11:00+08:00"], capsys)
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline="")))
    assert len(rows) == 60 and {r["value"] for r in rows} == {"40.0"} and {r["colour"] for r in rows} == {"yellow"}
    assert rows[0]["time"] == "2026-07-15T10:00:00+08:00"
    assert "60 samples of rain_1h" in stdout
    assert (data / "cache.db").read_bytes() == before  # read only
    assert sorted(f.name for f in data.iterdir()) == ["cache.db"]  # nothing created beside it
    code, _, _ = run(["export", "vitals-csv", "rain_1h", "--out", str(out), "--data-dir", str(data)], capsys)
    assert code == 0 and len(out.read_bytes().decode("utf-8-sig").splitlines()) == 1 + 1442


@pytest.mark.parametrize("lang,word", [("zh_CN", "城市体征日报"), ("en", "City vital signs")])
def test_vitals_day_writes_the_page(data, tmp_path, capsys, lang, word):
    out = tmp_path / "day.html"
    code, stdout, err = run(["export", "vitals-day", "--day", "2026-07-15", "--out", str(out),
                             "--data-dir", str(data), "--lang", lang], capsys)
    assert code == 0, err
    page = out.read_text(encoding="utf-8")
    assert word in page and 'data-alarm="al-1"' in page and "data-status=\"dismissed\"" in page
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'data-kind="worst" data-colour="yellow">1<' in page
    assert "1 alarm" in stdout


def test_vitals_day_defaults_to_today_in_the_city(data, tmp_path, capsys):
    from datetime import datetime

    from commandcenter.interop.vitals_report import local_tz

    out = tmp_path / "today.html"
    code, stdout, err = run(["export", "vitals-day", "--out", str(out), "--data-dir", str(data)], capsys)
    assert code == 0, err
    today = datetime.now(local_tz()).date().isoformat()
    assert f"the city vitals of {today}" in stdout and today in out.read_text(encoding="utf-8")


def bad_cases(data, tmp_path):
    out = str(tmp_path / "o.csv")
    html = str(tmp_path / "o.html")
    d = ["--data-dir", str(data)]
    return [
        (["export", "vitals-csv", "no_such", "--out", out, *d], 2, "INDICATOR"),
        (["export", "vitals-csv", "rain_1h", "--out", out, "--since", "yesterday", *d], 2, "--since"),
        (["export", "vitals-csv", "rain_1h", "--out", out, "--until", "2026-07-15T25:00", *d], 2, "--until"),
        (["export", "vitals-csv", "rain_1h", "--out", out, "--since", "2026-07-16", "--until", "2026-07-15", *d],
         2, "--since"),
        (["export", "vitals-csv", "rain_1h", "--out", str(tmp_path / "none" / "o.csv"), *d], 2, "--out"),
        (["export", "vitals-csv", "rain_1h", "--out", str(tmp_path), *d], 2, "--out"),
        (["export", "vitals-csv", "rain_1h", "--out", html, *d], 2, "--out"),
        (["export", "vitals-day", "--day", "2026-02-30", "--out", html, *d], 2, "--day"),
        (["export", "vitals-day", "--day", "20260715", "--out", html, *d], 2, "--day"),
        (["export", "vitals-day", "--day", "2026-07-15", "--out", out, *d], 2, "--out"),
        (["export", "vitals-day", "--day", "2026-07-15", "--out", html, "--data-dir", str(tmp_path / "empty")],
         1, "no cache"),
    ]


@pytest.mark.parametrize("case", range(11))
def test_bad_arguments_exit_nonzero_and_write_nothing(data, tmp_path, capsys, case):
    argv, code_wanted, named = bad_cases(data, tmp_path)[case]
    before = files(tmp_path)
    code, _, err = run(argv, capsys)
    assert code == code_wanted
    assert named in err and len(err.strip().splitlines()) == 1
    after = [f for f in files(tmp_path) if f != "empty"]
    assert after == before


def test_a_broken_cache_is_exit_1_and_nothing_written(tmp_path, capsys):
    root = tmp_path / "data"
    root.mkdir()
    (root / "cache.db").write_bytes(b"not a database at all" * 100)
    for argv in (["export", "vitals-csv", "rain_1h", "--out", str(tmp_path / "o.csv")],
                 ["export", "vitals-day", "--day", "2026-07-15", "--out", str(tmp_path / "o.html")]):
        code, _, err = run([*argv, "--data-dir", str(root)], capsys)
        assert code == 1 and "cache.db" in err and "cannot read the cache" in err
    assert files(tmp_path) == ["data"]
