"""Platform users (issue 11): tokens, a role check on every pushed operation, 401s, the CLI.

Against the real platform process, with raw httpx pushes: a modified client that skips the
store's own role check gets the same refusal from the platform."""
from __future__ import annotations

import httpx
import pytest

from commandcenter.embedded import PlatformProcess
from commandcenter.platform.storage import PlatformStorage
from tests.cli_run import run_cli


def op(seq: int, node: str, entity: str, entity_id: str, name: str, fields: dict, base: int = 0) -> dict:
    return {
        "op_id": f"{node}:{seq}", "node_id": node, "local_seq": seq, "entity": entity,
        "entity_id": entity_id, "op": name, "fields": fields, "base_version": base,
        "hlc": f"1784080800000:{seq:05d}:{node}", "schema_version": 1, "user": node,
    }


def add_user(capsys, db, *args) -> str:
    code, out, err = run_cli(["platform", "user", "add", *args, "--db", str(db)], capsys)
    assert code == 0, err
    return out.strip()


@pytest.fixture
def users_platform(tmp_path, capsys):
    db = tmp_path / "platform.db"
    tokens = {
        "disp": add_user(capsys, db, "disp", "--role", "dispatcher"),
        "obs": add_user(capsys, db, "obs", "--role", "observer"),
        "water": add_user(capsys, db, "w1", "--role", "seat", "--dept", "water"),
        "fire": add_user(capsys, db, "f1", "--role", "seat", "--dept", "fire", "--org", "310101"),
    }
    proc = PlatformProcess(db)
    try:
        proc.start()
        yield proc, tokens, db
    finally:
        proc.stop()


def push(proc, token, ops) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(f"{proc.url}/v1/sync/push", json={"ops": ops}, headers=headers, timeout=10)


def seed(proc, tokens) -> None:
    """A dispatcher reports an incident and dispatches a task to water."""
    res = push(proc, tokens["disp"], [
        op(1, "disp", "incident", "inc-1", "incident.report",
           {"id": "inc-1", "title": "积水", "status": "reported", "generation": 0}),
        op(2, "disp", "task", "task-1", "task.dispatch",
           {"id": "task-1", "incident_id": "inc-1", "department": "water", "status": "dispatched"}),
    ])
    assert res.status_code == 200, res.text
    assert [r["result"] for r in res.json()["results"]] == ["applied", "applied"]


def test_an_observer_cannot_write_and_the_platform_is_unchanged(users_platform):
    proc, tokens, db = users_platform
    seed(proc, tokens)
    before = httpx.get(f"{proc.url}/v1/sync/pull?since=0", headers={"Authorization": f"Bearer {tokens['obs']}"}).json()
    res = push(proc, tokens["obs"], [
        op(1, "obs", "incident", "inc-2", "incident.report", {"id": "inc-2", "title": "x", "status": "reported"}),
        op(2, "obs", "incident", "inc-1", "incident.verify", {}, base=1),
    ])
    assert res.status_code == 200
    results = res.json()["results"]
    assert [r["result"] for r in results] == ["rejected", "rejected"]
    assert all(r["reason"].startswith("forbidden:") for r in results)
    after = httpx.get(f"{proc.url}/v1/sync/pull?since=0", headers={"Authorization": f"Bearer {tokens['obs']}"}).json()
    assert after == before
    proc.stop()
    storage = PlatformStorage(db)
    try:
        assert storage.op_count("obs") == 0  # refused ops are not in the ops log
        pushed_by = storage._conn.execute("SELECT pushed_by FROM ops ORDER BY local_seq").fetchall()
        assert pushed_by == [("disp",), ("disp",)]
    finally:
        storage.close()


def test_a_seat_cannot_act_on_another_departments_task_even_bypassing_the_store(users_platform):
    proc, tokens, _ = users_platform
    seed(proc, tokens)
    accept = op(1, "f1", "task", "task-1", "task.accept", {}, base=1)
    res = push(proc, tokens["fire"], [accept])
    [result] = res.json()["results"]
    assert result["result"] == "rejected"
    assert result["reason"].startswith("forbidden:") and "water" in result["reason"]
    doc = push(proc, tokens["water"], [op(1, "w1", "task", "task-1", "task.accept", {}, base=1)]).json()
    assert doc["results"][0]["result"] == "applied"
    # the refused op was not recorded: the same op id may come again (and is refused again)
    assert push(proc, tokens["fire"], [accept]).json()["results"][0]["result"] == "rejected"


def test_no_token_bad_token_and_revoked_token_are_401(users_platform, capsys):
    proc, tokens, db = users_platform
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
        res = httpx.get(f"{proc.url}/v1/sync/pull", headers=headers)
        assert res.status_code == 401 and "error" in res.json()
    who = httpx.get(f"{proc.url}/v1/whoami", headers={"Authorization": f"Bearer {tokens['fire']}"}).json()
    assert (who["name"], who["role"], who["department"], who["org"]) == ("f1", "seat", "fire", "310101")
    code, out, _ = run_cli(["platform", "user", "revoke", "f1", "--db", str(db)], capsys)
    assert code == 0
    res = httpx.get(f"{proc.url}/v1/whoami", headers={"Authorization": f"Bearer {tokens['fire']}"})
    assert res.status_code == 401
    assert httpx.get(f"{proc.url}/v1/whoami", headers={"Authorization": f"Bearer {tokens['disp']}"}).status_code == 200


def test_user_cli_add_list_revoke_and_bad_input_writes_nothing(tmp_path, capsys):
    db = tmp_path / "p.db"
    token = add_user(capsys, db, "ann", "--role", "commander")
    assert len(token) > 30
    code, _, err = run_cli(["platform", "user", "add", "bob", "--role", "boss", "--db", str(db)], capsys)
    assert code == 2 and "--role" in err and len(err.strip().splitlines()) == 1
    code, _, err = run_cli(["platform", "user", "add", "bob", "--role", "seat", "--dept", "nowhere", "--db", str(db)], capsys)
    assert code == 2 and err.startswith("commandcenter: error: --dept") and len(err.strip().splitlines()) == 1
    code, _, err = run_cli(["platform", "user", "add", "bob", "--role", "seat", "--db", str(db)], capsys)
    assert code == 2 and "--dept" in err
    code, _, err = run_cli(["platform", "user", "add", "ann", "--role", "observer", "--db", str(db)], capsys)
    assert code == 1 and "name" in err and "exists" in err
    code, out, _ = run_cli(["platform", "user", "list", "--db", str(db)], capsys)
    assert code == 0 and out.splitlines() == ["ann\tcommander\t-\t-\tactive"]
    assert token not in out
    storage = PlatformStorage(db)
    try:
        digest = storage._conn.execute("SELECT token_sha256 FROM users").fetchall()
        assert len(digest) == 1 and token not in digest[0][0] and len(digest[0][0]) == 64
    finally:
        storage.close()
    code, out, _ = run_cli(["platform", "user", "revoke", "ann", "--db", str(db)], capsys)
    assert code == 0
    code, out, _ = run_cli(["platform", "user", "list", "--db", str(db)], capsys)
    assert out.splitlines() == ["ann\tcommander\t-\t-\trevoked"]
    code, _, err = run_cli(["platform", "user", "revoke", "zed", "--db", str(db)], capsys)
    assert code == 1 and "zed" in err
    code, _, err = run_cli(["platform", "user", "list", "--db", str(tmp_path / "none.db")], capsys)
    assert code == 1 and "none.db" in err and not (tmp_path / "none.db").exists()


def test_the_embedded_demo_user_gets_a_token_and_the_platform_is_closed(tmp_path):
    with PlatformProcess(tmp_path / "p.db", demo_user="demo") as proc:
        assert proc.user_token
        assert httpx.get(f"{proc.url}/v1/whoami").status_code == 401
        who = httpx.get(f"{proc.url}/v1/whoami", headers={"Authorization": f"Bearer {proc.user_token}"}).json()
        assert who["role"] == "commander"


def test_the_client_ca_file_must_exist(tmp_path, capsys):
    code, _, err = run_cli(["--data-dir", str(tmp_path / "D"), "--ca-file", str(tmp_path / "ca.pem")], capsys)
    assert code == 2 and err.startswith("commandcenter: error: --ca-file") and len(err.strip().splitlines()) == 1


def test_a_clients_own_system_rules_are_checked_as_system_and_an_observer_relays_none(users_platform):
    proc, tokens, _ = users_platform
    seed(proc, tokens)
    escalate = {"org_unit": "310101002", "escalations": 1}
    by_hand = op(3, "disp", "task", "task-1", "task.escalate", escalate, base=1)
    assert push(proc, tokens["disp"], [by_hand]).json()["results"][0]["reason"].startswith("forbidden:")
    swept = {**op(4, "obs", "task", "task-1", "task.escalate", escalate, base=1), "user": "system"}
    assert push(proc, tokens["obs"], [swept]).json()["results"][0]["reason"].startswith("forbidden:")
    swept = {**op(3, "disp", "task", "task-1", "task.escalate", escalate, base=1), "user": "system"}
    assert push(proc, tokens["disp"], [swept]).json()["results"][0]["result"] == "applied"
