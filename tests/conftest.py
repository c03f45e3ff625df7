"""Test set-up: offscreen Qt, isolated settings and data per test, shared fixtures."""
from __future__ import annotations

import os
import tempfile

# Before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
# Isolate QSettings and XDG folders for the whole run (each test also gets its own data dir).
_run_home = tempfile.mkdtemp(prefix="cc-test-home-")
os.environ["XDG_CONFIG_HOME"] = os.path.join(_run_home, "config")
os.environ["XDG_DATA_HOME"] = os.path.join(_run_home, "data")
os.environ["XDG_CACHE_HOME"] = os.path.join(_run_home, "cache")

import pytest  # noqa: E402

from commandcenter.domain.clock import ManualClock  # noqa: E402
from commandcenter.domain.hooks import Hooks  # noqa: E402

pytest_plugins = ["tests.platform_fixtures", "tests.pg_fixtures"]


def pytest_configure(config):
    # The cc:// scheme must be registered before the QApplication exists (pytest-qt makes it
    # lazily, on the first qtbot/qapp), so every test that builds a MapView works.
    try:
        from PySide6.QtCore import QLocale

        from commandcenter.ui.url_scheme import register_url_schemes
    except ImportError:  # a core-only run without Qt installed
        return
    register_url_schemes()
    # the interface language the app defaults to, whatever the machine's LANG says
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))


@pytest.fixture(scope="session")
def catalog():
    from commandcenter.catalog import load_catalog

    return load_catalog()


@pytest.fixture
def clock():
    return ManualClock(1_784_080_800_000)  # 2026-07-15 10:00 +08:00


@pytest.fixture
def hooks():
    return Hooks()


@pytest.fixture
def store(tmp_path, clock, hooks):
    from commandcenter.store import Store

    s = Store(tmp_path / "cache.db", clock=clock, hooks=hooks)
    yield s
    s.close()


def pytest_sessionfinish(session, exitstatus):
    """With CC_RECORD_LIBS=FILE, the shared libraries this run had loaded (its own and its
    children's, e.g. QtWebEngineProcess), for tools/check_debs.py: dlopen'ed ones such as
    QtMultimedia's VA-API are invisible to ldd (docs/development.md, "A fresh machine")."""
    target = os.environ.get("CC_RECORD_LIBS")
    if not target:
        return
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    pids, found = {os.getpid()}, set()
    while True:  # descendants still alive
        more = {pid for pid, ppid in parents.items() if ppid in pids} - pids
        if not more:
            break
        pids |= more
    for pid in pids:
        try:
            with open(f"/proc/{pid}/maps") as f:
                found |= {line.split(None, 5)[5].strip() for line in f
                          if len(line.split(None, 5)) == 6 and ".so" in line}
        except OSError:
            continue
    with open(target, "a") as f:
        f.writelines(f"{p}\n" for p in sorted(found) if p.startswith("/"))
