"""The stream fan-out: a slow reader loses old samples, never a change notice."""
from __future__ import annotations

import asyncio
import json

from commandcenter.platform.app import Broadcaster
from commandcenter.sync.client import SSEDecoder
from commandcenter.sync.protocol import Sample


def batch(i: int) -> list[Sample]:
    return [Sample(indicator="rain_1h", ts_ms=i, value=float(i))]


def sent_ts(text: str) -> int:
    """The ts_ms of the one sample in an encoded `event: samples`."""
    [(event, data)] = SSEDecoder().feed(text)
    assert event == "samples"
    return json.loads(data)["samples"][0]["ts_ms"]


def drain(sub) -> list[tuple[str, str]]:
    async def main():
        items = []
        while (item := await sub.next(0)) is not None and item[0] != "closed":
            items.append(item)
        return items

    return asyncio.run(main())


def test_a_slow_subscriber_drops_the_oldest_samples_but_keeps_the_change_notice():
    hub = Broadcaster(maxsize=4)
    slow = hub.subscribe()
    hub.publish_change(3)
    for i in range(10):
        hub.publish_samples(batch(i))
    hub.publish_change(9)

    items = drain(slow)

    assert ["change", 9] in items  # notices collapse into the newest one
    sample_ts = [sent_ts(text) for kind, text in items if kind == "samples"]
    assert sample_ts == [7, 8, 9]  # the newest batches survive
    assert slow.dropped == 7


def test_close_ends_every_stream_and_later_subscribers_at_once():
    hub = Broadcaster()
    sub = hub.subscribe()
    hub.close()

    async def main():
        return await asyncio.wait_for(sub.next(10), 1), await asyncio.wait_for(hub.subscribe().next(10), 1)

    assert asyncio.run(main()) == (["closed"], ["closed"])
    assert len(hub) == 0
