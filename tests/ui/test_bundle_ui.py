"""Bundles from the window (issue 11): the Sync menu exports a signed bundle and imports one;
the status bar shows the bundle state, the Sync dock what arrived; a refused bundle changes
nothing. Real files, real keys, the real window."""
from __future__ import annotations

import pytest

from commandcenter.domain import commands
from commandcenter.paths import DataDir
from commandcenter.store import Store
from commandcenter.sync import bundle as bundles
from tests.ui.test_main_window import close_session, open_session, seed


@pytest.fixture
def post(tmp_path):
    return DataDir(tmp_path / "post").ensure()


@pytest.fixture
def center(tmp_path):
    return DataDir(tmp_path / "center").ensure()


def test_export_from_one_window_and_import_into_another_shows_what_arrived(post, center, tmp_path, qtbot, catalog):
    store = Store(post.cache_db, user="post-7")
    incident = seed(store, catalog)
    store.close()
    session = open_session(post, qtbot)
    window = session.window
    assert window.export_bundle_action.text() and window.import_bundle_action.text()
    text = window.export_bundle(tmp_path / "a.ccb")
    assert "2" in text and (tmp_path / "a.ccb").is_file()
    assert window.connection.bundle_text()  # the status bar says a bundle was made
    close_session(session)

    bundles.trust(center.root / "keys", "post-7", bundles.load_keys(post.root / "keys").public_text)
    session = open_session(center, qtbot)
    window = session.window
    text = window.import_bundle(tmp_path / "a.ccb")
    assert "2" in text and "post-7" in text
    assert session.store.get("incident", incident)["title"] == "南京东路积水"
    assert session.store.pending_count() == 2  # to be relayed to the platform
    panel = window.sync_panel
    qtbot.waitUntil(lambda: panel.away_list.count() >= 1, timeout=5000)
    assert "南京东路积水" in " ".join(panel.away_list.item(i).text() for i in range(panel.away_list.count()))
    assert window.connection.bundle_text()
    again = window.import_bundle(tmp_path / "a.ccb")
    assert session.store.pending_count() == 2
    assert "2" in again  # nothing new: all 2 are here
    close_session(session)


def test_a_tampered_bundle_is_refused_in_the_window_and_nothing_changes(post, center, tmp_path, qtbot, catalog):
    store = Store(post.cache_db, user="post-7")
    seed(store, catalog)
    store.close()
    session = open_session(post, qtbot)
    session.window.export_bundle(tmp_path / "a.ccb")
    close_session(session)
    data = (tmp_path / "a.ccb").read_bytes()
    (tmp_path / "bad.ccb").write_bytes(data[: len(data) - 40])
    session = open_session(center, qtbot)
    before = session.store.pending_count()
    with pytest.raises(bundles.BundleError, match="bad.ccb"):
        session.window.import_bundle(tmp_path / "bad.ccb")
    with pytest.raises(bundles.BundleError, match="untrusted key"):
        session.window.import_bundle(tmp_path / "a.ccb")  # the center never trusted this post
    assert session.store.pending_count() == before
    assert session.store.query("SELECT COUNT(*) AS n FROM incidents")[0]["n"] == 0
    close_session(session)
