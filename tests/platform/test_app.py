"""The platform over real HTTP on 127.0.0.1, as a client sees it."""
from __future__ import annotations

import time

import httpx
import pytest

from commandcenter.sync.client import SSEDecoder
from tests.platform_fixtures import PlatformProcess

pytestmark = pytest.mark.platform



def wire_op(seq: int, entity_id: str = "inc-1", **over) -> dict:
    op = {
        "op_id": f"node-a:{seq}",
        "node_id": "node-a",
        "local_seq": seq,
        "entity": "incident",
        "entity_id": entity_id,
        "op": "incident.report",
        "fields": {"id": entity_id, "title": "积水", "status": "reported", "generation": 0},
        "base_version": 0,
        "hlc": f"1784080800000:{seq:05d}:node-a",
        "schema_version": 1,
        "user": "alice",
    }
    op.update(over)
    return op


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def platform(request, tmp_path_factory):
    """The platform on a SQLite file, then on a PostgreSQL database."""
    where = tmp_path_factory.mktemp("platform") / "platform.db"
    if request.param == "postgresql":
        proc = PlatformProcess(where, database_url=request.getfixturevalue("pg_server").create_database())
    else:
        proc = PlatformProcess(where)
    proc.start()
    yield proc
    proc.stop()


@pytest.fixture
def http(platform):
    with httpx.Client(base_url=platform.url, timeout=5) as client:
        yield client


def test_health_names_the_epoch_and_the_newest_seq(http):
    body = http.get("/v1/health").json()
    assert body["ok"] is True
    assert len(body["epoch"]) == 32
    assert isinstance(body["seq"], int)


def test_an_invalid_push_is_422_with_locations_and_stores_nothing(http):
    before = http.get("/v1/health").json()["seq"]
    good = wire_op(1, "inc-valid")
    bad = wire_op(2, "inc-invalid", local_seq=0)
    del bad["hlc"]

    response = http.post("/v1/sync/push", json={"ops": [good, bad]})

    assert response.status_code == 422
    locations = [tuple(d["loc"]) for d in response.json()["detail"]]
    assert ("ops", 1, "local_seq") in locations
    assert ("ops", 1, "hlc") in locations
    assert http.get("/v1/health").json()["seq"] == before
    pulled = http.get("/v1/sync/pull", params={"since": before}).json()
    assert pulled["changes"] == []


def test_push_is_idempotent_over_http(http):
    batch = {"ops": [wire_op(10, "inc-http"), wire_op(11, "inc-http", op="incident.verify",
                                                       fields={"status": "verifying"}, base_version=1)]}
    first = http.post("/v1/sync/push", json=batch).json()
    again = http.post("/v1/sync/push", json=batch).json()

    assert [r["result"] for r in first["results"]] == ["applied", "applied"]
    assert again == first
    docs = [c["doc"] for c in http.get("/v1/sync/pull", params={"since": 0, "limit": 1000}).json()["changes"]
            if c["entity_id"] == "inc-http"]
    assert [d["status"] for d in docs] == ["verifying"]  # the newest document, once
    assert http.get("/v1/health").json()["seq"] == 2  # two changes, none from the replay


@pytest.mark.parametrize(
    "params, name",
    [
        ({"since": "abc"}, "since"),
        ({"since": -1}, "since"),
        ({"limit": 0}, "limit"),
        ({"limit": 1001}, "limit"),
    ],
)
def test_bad_pull_parameters_are_400_naming_the_parameter(http, params, name):
    response = http.get("/v1/sync/pull", params=params)
    assert response.status_code == 400
    assert response.json()["parameter"] == name
    assert response.json()["error"].startswith(f"{name}:")


def test_history_of_one_or_all_indicators(http):
    assert http.get("/v1/history", params={"indicator": "rain_1h"}).json() == {"samples": []}
    assert http.get("/v1/history").json() == {"samples": []}  # no indicator: the whole wall
    bad = http.get("/v1/history", params={"since_ms": "yesterday"})
    assert bad.status_code == 400 and bad.json()["parameter"] == "since_ms"


def test_the_stream_says_hello_then_notices_changes_and_pings(http, platform):
    decoder = SSEDecoder()
    events: list[tuple[str, str]] = []
    pushed = False
    deadline = time.monotonic() + 8
    with httpx.Client(base_url=platform.url, timeout=5) as streamer:
        with streamer.stream("GET", "/v1/stream") as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            for chunk in response.iter_text():
                events += decoder.feed(chunk)
                if events and not pushed:
                    http.post("/v1/sync/push", json={"ops": [wire_op(20, "inc-stream")]})
                    pushed = True
                if decoder.comments and any(e == "change" for e, _ in events):
                    break
                assert time.monotonic() < deadline, events
    assert events[0][0] == "hello"
    seq = http.get("/v1/health").json()["seq"]
    assert ("change", f'{{"seq":{seq}}}') in events
    assert decoder.comments >= 1  # ": ping"


def test_with_a_token_every_request_needs_it(tmp_path):
    with PlatformProcess(tmp_path / "p.db", token="s3cret") as proc:
        assert httpx.get(f"{proc.url}/v1/health").status_code == 401
        wrong = {"Authorization": "Bearer nope"}
        assert httpx.get(f"{proc.url}/v1/sync/pull", headers=wrong).status_code == 401
        right = {"Authorization": "Bearer s3cret"}
        assert httpx.get(f"{proc.url}/v1/health", headers=right).status_code == 200


def test_sigterm_ends_cleanly_even_with_a_stream_open(tmp_path):
    proc = PlatformProcess(tmp_path / "p.db")
    proc.start()
    with httpx.Client(base_url=proc.url, timeout=5) as client:
        with client.stream("GET", "/v1/stream") as response:
            next(response.iter_bytes())  # the hello is there: the stream is open
            started = time.monotonic()
            code = proc.stop()
            elapsed = time.monotonic() - started
    assert code == 0, proc.log_text()
    assert elapsed < 3
    assert "Traceback" not in proc.log_text()
