"""Two platform processes on one PostgreSQL database (docs/deployment.md): what one process
commits reaches the live clients of the other, and concurrent pushes to both give one feed in
commit order without gaps."""
from __future__ import annotations

import threading
import time

import httpx
import pytest

from commandcenter.sync.client import SSEDecoder
from tests.platform.test_app import wire_op
from tests.platform_fixtures import PlatformProcess

pytestmark = pytest.mark.platform


@pytest.fixture
def two_platforms(tmp_path, pg_url):
    first = PlatformProcess(tmp_path / "one" / "platform.db", database_url=pg_url)
    second = PlatformProcess(tmp_path / "two" / "platform.db", database_url=pg_url)
    try:
        first.start()
        second.start()
        yield first, second
    finally:
        first.stop()
        second.stop()


def test_both_processes_serve_one_database_with_one_epoch(two_platforms):
    first, second = two_platforms
    one = httpx.get(f"{first.url}/v1/health", timeout=10).json()
    two = httpx.get(f"{second.url}/v1/health", timeout=10).json()
    assert one["epoch"] == two["epoch"]


def test_a_push_to_one_process_reaches_a_stream_of_the_other_live(two_platforms):
    first, second = two_platforms
    decoder = SSEDecoder()
    events: list[tuple[str, str]] = []
    pushed = None
    deadline = time.monotonic() + 20
    with httpx.Client(base_url=second.url, timeout=10) as streamer:
        with streamer.stream("GET", "/v1/stream") as response:
            for chunk in response.iter_text():
                events += decoder.feed(chunk)
                if events and pushed is None:
                    reply = httpx.post(f"{first.url}/v1/sync/push", json={"ops": [wire_op(1, "inc-live")]},
                                       timeout=10)
                    assert reply.status_code == 200, reply.text
                    pushed = time.monotonic()
                    seq = reply.json()["results"][0]["server_seq"]
                if pushed is not None and ("change", f'{{"seq":{seq}}}') in events:
                    break
                assert time.monotonic() < deadline, events
    assert events[0][0] == "hello"
    assert time.monotonic() - pushed < 5  # live, not at the next ping or poll
    # and the client of the second process pulls it from there
    page = httpx.get(f"{second.url}/v1/sync/pull", params={"since": 0}, timeout=10).json()
    assert [c["entity_id"] for c in page["changes"]] == ["inc-live"]


def test_concurrent_pushes_to_both_give_a_gapless_feed_in_commit_order(two_platforms):
    """Four writers (two per process) push at once while a reader pulls from both processes
    in turn: the reader sees every operation exactly once, and seq runs 1..N without a gap."""
    urls = [p.url for p in two_platforms]
    writers, batches, per_batch = 4, 8, 5
    errors: list[BaseException] = []
    done = threading.Event()

    def write(w: int) -> None:
        try:
            with httpx.Client(base_url=urls[w % 2], timeout=30) as http:
                for b in range(batches):
                    ops = []
                    for i in range(per_batch):
                        n = b * per_batch + i + 1
                        op = wire_op(n, f"inc-{w}-{n}")
                        op.update(op_id=f"node-{w}:{n}", node_id=f"node-{w}",
                                  hlc=f"1784080800000:{n:05d}:node-{w}")
                        ops.append(op)
                    reply = http.post("/v1/sync/push", json={"ops": ops})
                    assert reply.status_code == 200, reply.text
                    assert {r["result"] for r in reply.json()["results"]} == {"applied"}
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    seen: list[tuple[int, str]] = []

    def read() -> None:
        cursor, turn = 0, 0
        try:
            with httpx.Client(timeout=30) as http:
                while True:
                    finished = done.is_set()
                    page = http.get(f"{urls[turn % 2]}/v1/sync/pull",
                                    params={"since": cursor, "limit": 7}).json()
                    turn += 1
                    seen.extend((c["seq"], c["entity_id"]) for c in page["changes"])
                    cursor = page["next"]
                    if finished and not page["has_more"] and not page["changes"]:
                        return
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    reader = threading.Thread(target=read)
    reader.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    done.set()
    reader.join(120)
    assert not errors, errors
    total = writers * batches * per_batch
    ids = [entity_id for _, entity_id in seen]
    assert len(ids) == len(set(ids)) == total  # every operation once, none skipped
    assert [seq for seq, _ in seen] == list(range(1, total + 1))  # commit order, no gap
