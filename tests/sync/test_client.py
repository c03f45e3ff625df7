"""PlatformClient against httpx.MockTransport: SSE parsing and response validation."""
from __future__ import annotations

import asyncio

import httpx
import pytest

from commandcenter.sync.client import (
    PlatformClient,
    PlatformError,
    PlatformUnavailable,
    ProtocolError,
    SSEDecoder,
)
from commandcenter.sync.protocol import ChangeNotice, Hello, SamplesEvent

EPOCH = "e" * 32


def client_for(handler) -> PlatformClient:
    return PlatformClient("http://platform.test", token="t0k", transport=httpx.MockTransport(handler))


async def collect(client: PlatformClient, limit: int = 100) -> list:
    events = []
    with pytest.raises(PlatformUnavailable):
        async for item in client.stream():
            events.append(item)
            if len(events) >= limit:
                break
        else:
            return events
    return events


def test_stream_parses_multiline_data_comments_crlf_and_split_chunks():
    body = (
        ": welcome\r\n\r\n"
        "event: hello\r\n"
        f'data: {{"epoch": "{EPOCH}",\r\n'
        'data:  "seq": 4}\r\n'
        "\r\n"
        ": ping\n\n"
        "event: samples\n"
        'data: {"samples": [{"indicator": "rain_1h", "ts_ms": 1, "value": 2.5},\n'
        'data: {"indicator": "aqi", "ts_ms": 1, "value": 40}]}\n'
        "\n"
        "event: something_new\ndata: {}\n\n"
        "event: change\rdata: {\"seq\": 5}\r\r"
    ).encode()

    async def chunks():
        for i in range(0, len(body), 7):  # boundaries fall inside lines and between CR and LF
            yield body[i:i + 7]

    seen_requests = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen_requests.append(request)
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=chunks())

    async def main():
        client = client_for(handler)
        try:
            return await collect(client)
        finally:
            await client.aclose()

    events = asyncio.run(main())

    assert [e for e, _ in events] == ["hello", "samples", "change"]
    assert events[0][1] == Hello(epoch=EPOCH, seq=4)
    assert isinstance(events[1][1], SamplesEvent)
    assert [(s.indicator, s.value) for s in events[1][1].samples] == [("rain_1h", 2.5), ("aqi", 40.0)]
    assert events[2][1] == ChangeNotice(seq=5)
    assert seen_requests[0].headers["authorization"] == "Bearer t0k"


def test_decoder_keeps_a_trailing_cr_until_it_knows_whether_lf_follows():
    decoder = SSEDecoder()
    assert decoder.feed("data: a\r") == []
    assert decoder.feed("\ndata: b\r\n\r") == []
    assert decoder.feed("\n") == [("message", "a\nb")]
    assert decoder.feed("event: x\n\n") == []  # no data: nothing to dispatch
    assert decoder.feed(": c\n:d\n") == []
    assert decoder.comments == 2


def test_a_malformed_stream_event_is_a_protocol_error_naming_the_field():
    def handler(request):
        return httpx.Response(200, content=b'event: hello\ndata: {"epoch": "x", "seq": "many"}\n\n')

    async def main():
        client = client_for(handler)
        try:
            async for _ in client.stream():
                pass
        finally:
            await client.aclose()

    with pytest.raises(ProtocolError) as info:
        asyncio.run(main())
    assert info.value.field == "seq"


def test_a_pull_response_missing_a_field_is_a_protocol_error_naming_it():
    def handler(request):
        assert request.url.params["since"] == "7"
        return httpx.Response(200, json={"epoch": EPOCH, "changes": [], "next": 7})

    async def main():
        client = client_for(handler)
        try:
            await client.pull(7)
        finally:
            await client.aclose()

    with pytest.raises(ProtocolError) as info:
        asyncio.run(main())
    assert info.value.field == "has_more"


def test_a_push_response_must_answer_every_operation():
    op = {
        "op_id": "n:1", "node_id": "n", "local_seq": 1, "entity": "incident", "entity_id": "i",
        "op": "incident.report", "fields": {}, "base_version": 0,
        "hlc": "1784080800000:00000:n", "schema_version": 1,
    }

    def handler(request):
        return httpx.Response(200, json={"epoch": EPOCH, "results": []})

    async def main():
        client = client_for(handler)
        try:
            await client.push([op])
        finally:
            await client.aclose()

    with pytest.raises(ProtocolError) as info:
        asyncio.run(main())
    assert info.value.field == "results"


def test_error_statuses_and_network_failures_are_told_apart():
    def handler(request):
        if request.url.path == "/v1/health":
            return httpx.Response(401, json={"error": "missing or wrong bearer token"})
        raise httpx.ConnectError("connection refused", request=request)

    async def main():
        client = client_for(handler)
        try:
            with pytest.raises(PlatformError) as denied:
                await client.health()
            with pytest.raises(PlatformUnavailable):
                await client.pull(0)
            return denied.value
        finally:
            await client.aclose()

    denied = asyncio.run(main())
    assert denied.status_code == 401
    assert "bearer token" in str(denied)
