"""USB bundles (issue 11; SYNC.md checks 7 and 8), from the command line as a user runs it,
with real files, real keys and the real platform process on 127.0.0.1.

post → USB → center (the platform, or the center's client) → USB → post, twice; a truncated,
tampered or wrongly signed bundle is refused with the reason and nothing changes."""
from __future__ import annotations

import asyncio
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from commandcenter.domain import commands, integrated
from commandcenter.domain.hooks import Hooks
from commandcenter.embedded import PlatformProcess
from commandcenter.platform.storage import PlatformStorage
from commandcenter.store import Store
from commandcenter.sync.client import PlatformClient
from commandcenter.sync.engine import SyncEngine
from tests.cli_run import run_cli

pytestmark = pytest.mark.platform
COMMUNITY = "310101002001"


async def _sync_async(store: Store, url: str) -> None:
    async with PlatformClient(url) as client:
        engine = SyncEngine(store, Hooks(), client)
        hello = await client.health()
        if store.epoch is not None and store.epoch != hello["epoch"]:
            store.begin_epoch(hello["epoch"])
        await engine._push_all()
        await engine._pull_all()


def sync(data: Path, url: str, user: str = "local") -> None:
    store = Store(data / "cache.db", user=user)
    try:
        asyncio.run(_sync_async(store, url))
    finally:
        store.close()


def cli(capsys, *argv) -> tuple[int, str, str]:
    return run_cli([str(a) for a in argv], capsys)


def public_key(capsys, *where) -> str:
    code, out, err = cli(capsys, *where)
    assert code == 0, err
    return out.split()[0]


def picture(data: Path) -> dict:
    """What a person could see in a cache, and what it would send: rows and the outbox."""
    conn = sqlite3.connect(data / "cache.db")
    try:
        out = {}
        for table in ("incidents", "tasks", "log", "outbox"):
            out[table] = conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
        return out
    finally:
        conn.close()


def post_work(data: Path, user: str = "post-7") -> str:
    """A field post's offline work: an incident, its level, two log lines."""
    store = Store(data / "cache.db", user=user)
    try:
        op = commands.report_incident(store.clock.now_ms(), title="山体滑坡", category="landslide", severity="II",
                                      org_unit=COMMUNITY, lon=121.41, lat=31.18)
        store.execute(op)
        store.execute(commands.set_response_level(store.get("incident", op.entity_id), "3", store.clock.now_ms()))
        for text in ("道路中断", "已疏散12户"):
            store.execute(integrated.write_log(store.clock.now_ms(), text=text, incident_id=op.entity_id))
        return op.entity_id
    finally:
        store.close()


@pytest.fixture
def post(tmp_path):
    return tmp_path / "post"


@pytest.fixture
def center_db(tmp_path):
    db = tmp_path / "center" / "platform.db"
    db.parent.mkdir()
    PlatformStorage(db).close()
    return db


def trust_each_other(capsys, post: Path, db: Path) -> None:
    post_key = public_key(capsys, "bundle", "key", "--data-dir", post)
    platform_key = public_key(capsys, "platform", "bundle", "key", "--db", db)
    assert cli(capsys, "platform", "bundle", "trust", post_key, "--name", "post-7", "--db", db)[0] == 0
    assert cli(capsys, "bundle", "trust", platform_key, "--name", "center", "--data-dir", post)[0] == 0


def test_post_to_center_to_post_twice_with_no_change_the_second_time(tmp_path, capsys, post, center_db):
    incident = post_work(post)
    trust_each_other(capsys, post, center_db)
    # post → USB → center
    code, out, err = cli(capsys, "bundle", "export", "--out", tmp_path / "a.ccb", "--data-dir", post)
    assert code == 0, err
    assert "exported 4 operations of 1 node" in out
    code, out, err = cli(capsys, "platform", "bundle", "import", tmp_path / "a.ccb", "--db", center_db)
    assert code == 0, err
    assert "imported 4 new operations" in out and "4 applied" in out
    storage = PlatformStorage(center_db)
    assert storage.get("incident", incident)["response_level"] == "3"
    storage.close()
    # the center works on it: its client, online
    proc = PlatformProcess(center_db)
    url = proc.start()
    try:
        center = tmp_path / "center-client"
        sync(center, url, user="值班长")
        store = Store(center / "cache.db", user="值班长")
        store.execute(commands.set_response_level(store.get("incident", incident), "2", store.clock.now_ms()))
        store.close()
        sync(center, url, user="值班长")
    finally:
        proc.stop()
    # center → USB → post
    code, out, err = cli(capsys, "platform", "bundle", "export", "--out", tmp_path / "c.ccb", "--db", center_db)
    assert code == 0, err
    code, out, err = cli(capsys, "bundle", "import", tmp_path / "c.ccb", "--data-dir", post)
    assert code == 0, err
    assert "imported 1 new operation " in out and "4 already here" in out and "signed by center" in out
    store = Store(post / "cache.db")
    assert store.get("incident", incident)["response_level"] == "2"
    # what came from the platform's bundle is on the platform already: nothing to relay
    assert store.pending_count() == 4  # the post's own four, never online
    store.close()
    before = picture(post)

    # the second time round: nothing changes anywhere
    assert cli(capsys, "bundle", "export", "--out", tmp_path / "a2.ccb", "--data-dir", post)[0] == 0
    code, out, _ = cli(capsys, "platform", "bundle", "import", tmp_path / "a2.ccb", "--db", center_db)
    assert code == 0 and "nothing new" in out
    assert cli(capsys, "platform", "bundle", "export", "--out", tmp_path / "c2.ccb", "--db", center_db)[0] == 0
    code, out, _ = cli(capsys, "bundle", "import", tmp_path / "c2.ccb", "--data-dir", post)
    assert code == 0 and "nothing new" in out
    code, out, _ = cli(capsys, "bundle", "import", tmp_path / "c.ccb", "--data-dir", post)  # the old stick again
    assert code == 0 and "nothing new" in out
    assert picture(post) == before
    audit = Store(post / "cache.db").query("SELECT action FROM audit WHERE action LIKE 'bundle.%' ORDER BY seq")
    assert [a["action"] for a in audit] == ["bundle.export", "bundle.import", "bundle.export"]


def test_check_8_operations_via_the_centers_bundle_then_directly_apply_once_keeping_origin_and_author(
        tmp_path, capsys, post, center_db):
    incident = post_work(post, user="post-7")
    proc = PlatformProcess(center_db)
    url = proc.start()
    try:
        center = tmp_path / "center-client"
        sync(center, url, user="值班长")
        post_key = public_key(capsys, "bundle", "key", "--data-dir", post)
        assert cli(capsys, "bundle", "trust", post_key, "--name", "post-7", "--data-dir", center)[0] == 0
        assert cli(capsys, "bundle", "export", "--out", tmp_path / "a.ccb", "--data-dir", post)[0] == 0
        # the center's client takes the stick and relays it to the platform
        code, out, err = cli(capsys, "bundle", "import", tmp_path / "a.ccb", "--data-dir", center)
        assert code == 0, err
        assert "imported 4 new operations" in out
        center_store = Store(center / "cache.db")
        assert center_store.get("incident", incident)["response_level"] == "3"  # seen before it is relayed
        assert center_store.pending_count() == 4
        center_store.close()
        sync(center, url)
        # later the post itself comes online: the same four again, applied once
        sync(post, url, user="post-7")
        post_store = Store(post / "cache.db")
        assert post_store.pending_count() == 0
        results = post_store.query("SELECT result FROM outbox WHERE node_id=?", (post_store.node_id,))
        node = post_store.node_id
        post_store.close()
        assert {r["result"] for r in results} == {"applied"}
    finally:
        proc.stop()
    storage = PlatformStorage(center_db)
    try:
        assert storage.op_count(node) == 4
        ops = storage.operations()
        assert {o["user"] for o in ops if o["node_id"] == node} == {"post-7"}  # the author, not the relay
        assert len([o for o in ops if o["node_id"] == node]) == 4
        logs = [d for d in storage.documents("log") if d.get("incident_id") == incident]
        assert sorted(d["text"] for d in logs) == ["已疏散12户", "道路中断"]  # once each
    finally:
        storage.close()


def test_check_7_an_old_bundle_after_newer_online_state_rolls_nothing_back(tmp_path, capsys, post, center_db):
    incident = post_work(post)
    other = tmp_path / "other-post"
    proc = PlatformProcess(center_db)
    url = proc.start()
    try:
        assert cli(capsys, "bundle", "export", "--out", tmp_path / "old.ccb", "--data-dir", post)[0] == 0
        sync(post, url)
        sync(other, url)  # the other post hears of it online, then a newer level is set at the post
        store = Store(post / "cache.db")
        store.execute(commands.set_response_level(store.get("incident", incident), "1", store.clock.now_ms()))
        store.close()
        sync(post, url)
        sync(other, url)
    finally:
        proc.stop()
    key = public_key(capsys, "bundle", "key", "--data-dir", post)
    assert cli(capsys, "bundle", "trust", key, "--name", "post-7", "--data-dir", other)[0] == 0
    before = Store(other / "cache.db").get("incident", incident)
    code, out, err = cli(capsys, "bundle", "import", tmp_path / "old.ccb", "--data-dir", other)
    assert code == 0, err
    after = Store(other / "cache.db")
    assert after.get("incident", incident)["response_level"] == "1"  # not back to the stick's "3"
    assert after.get("incident", incident)["status"] == before["status"]
    assert len(after.query("SELECT id FROM log WHERE incident_id=?", (incident,))) == 2  # no duplicates
    after.close()


def _tamper(src: Path, dst: Path, name: str, change) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item.filename, change(data) if item.filename == name else data)


@pytest.mark.parametrize("damage,reason", [
    ("truncated", "not a complete bundle"),
    ("ops_changed", "ops.ndjson does not match its SHA-256"),
    ("manifest_changed", "the signature does not match manifest.json"),
    ("untrusted", "signed by an untrusted key"),
    ("bad_line", "ops.ndjson line 2: hlc"),
    ("extra_file", "evil.sh is not named in manifest.json"),
])
def test_check_7_a_damaged_or_wrongly_signed_bundle_is_refused_with_the_reason_and_nothing_changes(
        tmp_path, capsys, post, damage, reason):
    post_work(post)
    center = tmp_path / "center-client"
    Store(center / "cache.db").close()
    good = tmp_path / "good.ccb"
    assert cli(capsys, "bundle", "export", "--out", good, "--data-dir", post)[0] == 0
    if damage != "untrusted":
        key = public_key(capsys, "bundle", "key", "--data-dir", post)
        assert cli(capsys, "bundle", "trust", key, "--name", "post-7", "--data-dir", center)[0] == 0
    bad = tmp_path / "bad.ccb"
    if damage == "truncated":
        bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    elif damage == "ops_changed":
        _tamper(good, bad, "ops.ndjson", lambda d: d.replace('"3"'.encode(), '"1"'.encode()))
    elif damage == "manifest_changed":
        _tamper(good, bad, "manifest.json", lambda d: d.replace(b'"kind":"client"', b'"kind":"platform"'))
    elif damage == "bad_line":
        def break_line_2(d: bytes) -> bytes:
            lines = d.decode().splitlines()
            op = json.loads(lines[1])
            op["hlc"] = 17
            lines[1] = json.dumps(op)
            return ("\n".join(lines) + "\n").encode()
        # a line that does not parse, re-hashed and re-signed by a trusted key: the line is named
        from commandcenter.sync import bundle as bundles
        keys = bundles.load_keys(post / "keys")
        verified = bundles.read_bundle(good, keys)
        text = break_line_2("".join(json.dumps(o) + "\n" for o in verified.ops).encode())
        _resign(bad, verified.manifest, text, keys)
    elif damage == "extra_file":
        with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w") as zout:
            for item in zin.infolist():
                zout.writestr(item.filename, zin.read(item.filename))
            zout.writestr("evil.sh", b"rm -rf /")
    else:
        bad = good
    before = picture(center)
    code, out, err = cli(capsys, "bundle", "import", bad, "--data-dir", center)
    assert code == 1
    assert reason in err and str(bad) in err
    assert err.count("\n") == 1 and err.startswith("commandcenter: error: ")
    assert picture(center) == before
    # the platform refuses it the same way
    db = tmp_path / "p" / "platform.db"
    db.parent.mkdir()
    PlatformStorage(db).close()
    if damage != "untrusted":
        assert cli(capsys, "platform", "bundle", "trust", key, "--name", "post-7", "--db", db)[0] == 0
    code, _, err = cli(capsys, "platform", "bundle", "import", bad, "--db", db)
    assert code == 1 and reason in err
    storage = PlatformStorage(db)
    assert storage.op_count() == 0
    storage.close()


def _resign(path: Path, manifest: dict, ops_text: bytes, keys) -> None:
    import base64
    import hashlib

    from commandcenter.sync import bundle as bundles

    manifest = {**manifest, "files": {"ops.ndjson": hashlib.sha256(ops_text).hexdigest()}}
    body = bundles._dumps(manifest).encode()
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("manifest.json", body)
        z.writestr("ops.ndjson", ops_text)
        z.writestr("signature", base64.b64encode(keys.sign(body)))


def test_a_bundle_that_reuses_an_operation_number_with_other_content_is_refused_whole(tmp_path, capsys, post):
    from commandcenter.sync import bundle as bundles

    post_work(post)
    center = tmp_path / "center-client"
    key = public_key(capsys, "bundle", "key", "--data-dir", post)
    assert cli(capsys, "bundle", "trust", key, "--name", "post-7", "--data-dir", center)[0] == 0
    good = tmp_path / "good.ccb"
    assert cli(capsys, "bundle", "export", "--out", good, "--data-dir", post)[0] == 0
    assert cli(capsys, "bundle", "import", good, "--data-dir", center)[0] == 0
    before = picture(center)
    keys = bundles.load_keys(post / "keys")
    ops = bundles.read_bundle(good, keys).ops
    ops[-1] = {**ops[-1], "fields": {**ops[-1]["fields"], "text": "改过的"}}
    forged = tmp_path / "forged.ccb"
    bundles.write_bundle(forged, ops, keys, bundle_id="x", origin_node="n", epoch=None, schema=9, created_ms=0)
    code, _, err = cli(capsys, "bundle", "import", forged, "--data-dir", center)
    assert code == 1 and "differs from the one this cache holds" in err
    assert picture(center) == before


def test_bad_command_lines_exit_2_with_the_option_named(tmp_path, capsys):
    code, _, err = cli(capsys, "bundle", "export", "--out", tmp_path / "no" / "b.ccb", "--data-dir", tmp_path)
    assert code == 2 and "--out folder does not exist" in err
    code, _, err = cli(capsys, "bundle", "trust", "abc", "--name", "x", "--data-dir", tmp_path)
    assert code == 1 and "not a base64 public key" in err
    code, _, err = cli(capsys, "bundle", "import", tmp_path / "missing.ccb", "--data-dir", tmp_path)
    assert code == 1 and "no such file" in err
    code, _, err = cli(capsys, "platform", "bundle", "export", "--out", tmp_path / "p.ccb", "--db", tmp_path / "none.db")
    assert code == 1 and "no platform database there" in err


def _node_id(data: Path) -> str:
    store = Store(data / "cache.db")
    try:
        return store.node_id
    finally:
        store.close()


def _relay_and_raise_the_level(tmp_path, capsys, post: Path) -> tuple[str, Path]:
    """A post's incident reaches a center client by stick; the center raises its level offline.
    The center's node id sorts BEFORE the post's, so an order by node would push the center's
    level ahead of the relayed create it builds on."""
    center = tmp_path / "center-client"
    center_node = _node_id(center)  # node ids are UUIDv7: the older cache sorts first
    incident = post_work(post)
    assert center_node < _node_id(post)
    key = public_key(capsys, "bundle", "key", "--data-dir", post)
    assert cli(capsys, "bundle", "trust", key, "--name", "post-7", "--data-dir", center)[0] == 0
    assert cli(capsys, "bundle", "export", "--out", tmp_path / "a.ccb", "--data-dir", post)[0] == 0
    assert cli(capsys, "bundle", "import", tmp_path / "a.ccb", "--data-dir", center)[0] == 0
    store = Store(center / "cache.db", user="值班长")
    store.execute(commands.set_response_level(store.get("incident", incident), "1", store.clock.now_ms()))
    store.close()
    return incident, center


def test_a_relayed_create_reaches_the_platform_before_the_centers_update_built_on_it(tmp_path, capsys, post,
                                                                                     center_db):
    """The center pushes the post's operations (relayed) and its own in causal order: its level
    on the post's incident is applied, not refused as "unknown incident" and lost."""
    incident, center = _relay_and_raise_the_level(tmp_path, capsys, post)
    proc = PlatformProcess(center_db)
    url = proc.start()
    try:
        sync(center, url, user="值班长")
        store = Store(center / "cache.db")
        results = [r["result"] for r in store.query("SELECT result FROM outbox")]
        store.close()
    finally:
        proc.stop()
    assert results == ["applied"] * 5
    storage = PlatformStorage(center_db)
    try:
        assert storage.get("incident", incident)["response_level"] == "1"
    finally:
        storage.close()


def test_the_platform_applies_a_centers_bundle_in_causal_order(tmp_path, capsys, post, center_db):
    """The same through the platform's bundle import (a bundle is written, and imported, in
    hybrid-clock order): the relayed create first, then the level."""
    incident, center = _relay_and_raise_the_level(tmp_path, capsys, post)
    key = public_key(capsys, "bundle", "key", "--data-dir", center)
    assert cli(capsys, "platform", "bundle", "trust", key, "--name", "center", "--db", center_db)[0] == 0
    assert cli(capsys, "bundle", "export", "--out", tmp_path / "c.ccb", "--data-dir", center)[0] == 0
    code, out, err = cli(capsys, "platform", "bundle", "import", tmp_path / "c.ccb", "--db", center_db)
    assert code == 0, err
    assert "imported 5 new operations" in out and "5 applied" in out
    storage = PlatformStorage(center_db)
    try:
        assert storage.get("incident", incident)["response_level"] == "1"
    finally:
        storage.close()
