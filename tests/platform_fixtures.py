"""Fixtures that run the real reference platform on 127.0.0.1 (owned by the sync/platform work).

The platform runs as a child process, so kill -9 is a real crash and a real network outage for
the client under test. Its output goes to a log file next to the database: nothing can block
on a full pipe, and a failing test can show what the platform said.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from commandcenter.embedded import PlatformProcess, PlatformStartError  # noqa: F401 (re-exported)


# A short scenario in the real format, with real catalogue codes: two curves and three
# incidents, the first five scenario minutes in.
SMALL_SCENARIO = """\
format: commandcenter-scenario/1
id: test-shower
title_zh: 短时强降雨
title_en: Short heavy shower
start: 2026-07-15T06:00:00+08:00
duration: T+02:00
indicators:
  rain_1h:
    keyframes: [[T+00:00, 0], [T+01:00, 60], [T+02:00, 0]]
    noise: 0
  traffic_index:
    keyframes: [[T+00:00, 3.0], [T+02:00, 7.0]]
    noise: 0.2
incidents:
  - at: T+00:20
    type: fallen_tree
    severity: IV
    org_unit: "310101002002"
    lon: 121.4929
    lat: 31.2368
    title_zh: 福州路倒树
    title_en: Fallen tree on Fuzhou Road
  - at: T+00:05
    type: waterlogging
    severity: III
    org_unit: "310101002001"
    lon: 121.4764
    lat: 31.2298
    title_zh: 贵州路积水
    title_en: Waterlogging on Guizhou Road
    description_zh: 积水深约20厘米
    description_en: Water about 20 cm deep
  - at: T+01:30
    type: power_outage
    severity: III
    org_unit: "310101002001"
    lon: 121.4764
    lat: 31.2298
    title_zh: 居民区停电
    title_en: Residential power outage
"""


@pytest.fixture
def small_scenario(tmp_path) -> Path:
    """SMALL_SCENARIO written to a file, for the platform's --scenario."""
    path = tmp_path / "test-shower.yaml"
    path.write_text(SMALL_SCENARIO, encoding="utf-8")
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def platform_db(request, tmp_path) -> str | Path:
    """A fresh platform database: a SQLite file, or a URL of a new PostgreSQL database
    (tests/pg_fixtures.py); tests that use it run on both."""
    if request.param == "postgresql":
        return request.getfixturevalue("pg_url")
    return tmp_path / "platform.db"


def platform_process(db: str | Path, tmp_path: Path, **kwargs) -> PlatformProcess:
    """A PlatformProcess on `db` (a file or a postgresql:// URL); logs go to tmp_path."""
    if isinstance(db, str):
        return PlatformProcess(tmp_path / "platform.db", database_url=db, **kwargs)
    return PlatformProcess(db, **kwargs)


@pytest.fixture
def platform_proc(tmp_path, platform_db):
    """A started platform without a scenario, on a fresh database (SQLite, then PostgreSQL);
    always stopped."""
    proc = platform_process(platform_db, tmp_path)
    try:
        proc.start()
        yield proc
    finally:
        proc.stop()
