"""The platform's HTTP API as plain asyncio calls, over ONE long-lived httpx.AsyncClient.

Every response is validated with the wire models, so a platform that sends something else is
reported as a ProtocolError naming the field, instead of a KeyError deep in the sync engine.
Network failures become PlatformUnavailable, so callers handle one family of errors.
"""
from __future__ import annotations

from typing import Any, AsyncIterator, Iterable, TypeVar

import ssl

import httpx
from pydantic import BaseModel, ValidationError

from commandcenter.sync.protocol import (
    HISTORY_SINCE_PARAM,
    MAX_BACKFILL_POSITIONS,
    ChangeNotice,
    Hello,
    PositionsEvent,
    PullResponse,
    PushRequest,
    PushResponse,
    Sample,
    SamplesEvent,
    WireOp,
    format_history_since,
    parse_positions,
)

CONNECT_TIMEOUT_S = 2.0
READ_TIMEOUT_S = 10.0
# The platform pings every 2 s; three missed pings mean it is gone.
# two missed pings (every 2 s) and a margin: a hung platform is offline within 5 s
STREAM_READ_TIMEOUT_S = 4.5

STREAM_MODELS: dict[str, type[BaseModel]] = {
    "hello": Hello,
    "samples": SamplesEvent,
    "change": ChangeNotice,
    # parsed leniently (parse_positions): a bad item is dropped, never the stream
    "positions": PositionsEvent,
}

M = TypeVar("M", bound=BaseModel)


class SyncError(Exception):
    """Base of everything the client raises."""


class PlatformUnavailable(SyncError):
    """The platform cannot be reached, stopped answering, or went away mid-response."""


class PlatformError(SyncError):
    """The platform answered with an error status (401, 422, 5xx...)."""

    def __init__(self, status_code: int, detail: str) -> None:
        super().__init__(f"platform answered {status_code}: {detail}")
        self.status_code = status_code
        self.detail = detail


class ProtocolError(SyncError):
    """A response does not fit the wire protocol. `field` names the offending field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class SSEDecoder:
    """Incremental server-sent events parser (WHATWG HTML, "Parsing an event stream").

    Accepts text chunks split anywhere, LF, CRLF or CR line ends, multi-line data, comments
    and fields without a value; yields (event, data) for each complete event.
    """

    def __init__(self) -> None:
        self._buffer = ""
        self._event = ""
        self._data: list[str] = []
        self.last_event_id = ""
        self.retry_ms: int | None = None
        self.comments = 0

    def feed(self, chunk: str) -> list[tuple[str, str]]:
        self._buffer += chunk
        events: list[tuple[str, str]] = []
        while True:
            cut = _line_end(self._buffer)
            if cut is None:
                break
            end, width = cut
            line = self._buffer[:end]
            self._buffer = self._buffer[end + width:]
            event = self._line(line)
            if event is not None:
                events.append(event)
        return events

    def close(self) -> list[tuple[str, str]]:
        """The end of the stream: a CR held back as a possible CRLF was a line end after all.
        An event without its closing blank line is dropped, as the standard says."""
        events = []
        if self._buffer.endswith("\r"):
            events = self.feed("\n")
        self._buffer = ""
        return events

    def _line(self, line: str) -> tuple[str, str] | None:
        if line == "":
            if not self._data:
                self._event = ""
                return None
            event = (self._event or "message", "\n".join(self._data))
            self._event = ""
            self._data = []
            return event
        if line.startswith(":"):
            self.comments += 1
            return None
        name, sep, value = line.partition(":")
        if sep and value.startswith(" "):
            value = value[1:]
        if name == "event":
            self._event = value
        elif name == "data":
            self._data.append(value)
        elif name == "id" and "\0" not in value:
            self.last_event_id = value
        elif name == "retry" and value.isdigit():
            self.retry_ms = int(value)
        return None


def _line_end(text: str) -> tuple[int, int] | None:
    """(index, width) of the first complete line end. A CR at the very end of the buffer may
    be the first half of a CRLF split across chunks, so it waits for the next chunk."""
    lf = text.find("\n")
    cr = text.find("\r")
    if cr == -1 or (lf != -1 and lf < cr):
        return None if lf == -1 else (lf, 1)
    if cr + 1 < len(text):
        return (cr, 2) if text[cr + 1] == "\n" else (cr, 1)
    return None


class PlatformClient:
    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        ca_file: str | None = None,
    ) -> None:
        """`ca_file`: a PEM CA bundle to verify an https platform with (default: the system's
        trust store; certificates are always verified)."""
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.base_url = base_url.rstrip("/")
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            headers=headers,
            timeout=httpx.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S),
            transport=transport,
            verify=ssl.create_default_context(cafile=ca_file) if ca_file else True,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> "PlatformClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # ------------------------------------------------------------------ calls
    async def health(self) -> dict[str, Any]:
        data = await self._json("GET", "/v1/health")
        if not isinstance(data, dict):
            raise ProtocolError("health: expected an object", "health")
        for name, kind in (("ok", bool), ("epoch", str), ("seq", int)):
            if not isinstance(data.get(name), kind):
                raise ProtocolError(f"health.{name}: missing or not a {kind.__name__}", name)
        return data

    async def push(self, ops: Iterable[WireOp | dict]) -> PushResponse:
        """Push operations in order; every op gets a result. Retrying is always safe."""
        try:
            request = PushRequest(ops=list(ops))
        except ValidationError as exc:
            raise ProtocolError(f"refusing to push: {_describe(exc)}", _first_loc(exc)) from None
        data = await self._json(
            "POST",
            "/v1/sync/push",
            content=request.model_dump_json(),
            headers={"Content-Type": "application/json"},
        )
        response = _validate(PushResponse, data, "push")
        sent = {op.op_id for op in request.ops}
        missing = sent - {r.op_id for r in response.results}
        if missing:
            raise ProtocolError(
                f"push: no result for {len(missing)} operation(s), e.g. {sorted(missing)[0]}",
                "results",
            )
        return response

    async def pull(self, since: int, limit: int = 500) -> PullResponse:
        # parsed and checked in one pass (pydantic's JSON parser): a full first-pull page is ~1 MB
        body = await self._body("GET", "/v1/sync/pull", params={"since": since, "limit": limit})
        return _validate_json(PullResponse, body, "pull", event=False)

    async def history(
        self, indicator: str | None, since_ms: int = 0, until_ms: int | None = None
    ) -> list[Sample]:
        """Samples since `since_ms`, oldest first, at most MAX_HISTORY_SAMPLES; of one
        indicator, or of all when `indicator` is None."""
        params: dict[str, Any] = {"since_ms": since_ms}
        if indicator is not None:
            params["indicator"] = indicator
        if until_ms is not None:
            params["until_ms"] = until_ms
        data = await self._json("GET", "/v1/history", params=params)
        return _validate(SamplesEvent, data, "history").samples

    async def history_each(self, since: dict[str, int], until_ms: int | None = None) -> list[Sample]:
        """Samples of each indicator in `since` at or after its own time, ordered by
        indicator then time, at most MAX_HISTORY_SAMPLES (a full answer means "ask again":
        its last indicator may have more). One request whatever the number of indicators up
        to MAX_HISTORY_INDICATORS; the platform refuses more."""
        params: list[tuple[str, Any]] = [
            (HISTORY_SINCE_PARAM, format_history_since(code, ms)) for code, ms in since.items()
        ]
        if until_ms is not None:
            params.append(("until_ms", until_ms))
        data = await self._json("GET", "/v1/history", params=params)
        return _validate(SamplesEvent, data, "history").samples

    async def positions(self, since_ms: int = 0) -> PositionsEvent:
        """Unit positions since `since_ms` (the platform keeps the last 30 minutes), oldest
        first, at most MAX_BACKFILL_POSITIONS; bad items are dropped and named in `problems`."""
        data = await self._json("GET", "/v1/positions", params={"since_ms": since_ms})
        return parse_positions(data, MAX_BACKFILL_POSITIONS)

    async def drill_state(self) -> dict[str, Any]:
        """The drill run the platform serves (GET /v1/drill; a live platform answers 404)."""
        data = await self._json("GET", "/v1/drill")
        if not isinstance(data, dict) or not isinstance(data.get("injects"), list):
            raise ProtocolError("drill: expected the run's state", "drill")
        return data

    async def drill_command(self, body: dict[str, Any]) -> dict[str, Any]:
        """A coordinator's command; PlatformError 409 with the reason when the run cannot take
        it now, 403 for a seat that does not control the exercise."""
        data = await self._json("POST", "/v1/drill/command", json=body)
        if not isinstance(data, dict):
            raise ProtocolError("drill command: expected the run's state", "drill")
        return data

    async def stream(self) -> AsyncIterator[tuple[str, BaseModel]]:
        """(event, model) for each server-sent event of /v1/stream, starting with "hello".

        Unknown event types are skipped (a newer platform may send more); comments (pings)
        only keep the read timeout from firing. The iterator ends with PlatformUnavailable
        when the connection breaks or stays silent for STREAM_READ_TIMEOUT_S.
        """
        timeout = httpx.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S, read=STREAM_READ_TIMEOUT_S)
        decoder = SSEDecoder()
        try:
            async with self._http.stream(
                "GET", "/v1/stream", timeout=timeout, headers={"Accept": "text/event-stream"}
            ) as response:
                if response.status_code != 200:
                    await response.aread()
                    raise PlatformError(response.status_code, _error_text(response))
                async for chunk in response.aiter_text():
                    for event, data in decoder.feed(chunk):
                        if event in STREAM_MODELS:
                            yield event, _validate_json(STREAM_MODELS[event], data, event)
                for event, data in decoder.close():
                    if event in STREAM_MODELS:
                        yield event, _validate_json(STREAM_MODELS[event], data, event)
        except httpx.TransportError as exc:
            raise PlatformUnavailable(_transport_text(exc)) from exc
        raise PlatformUnavailable("the platform closed the live stream")

    # ---------------------------------------------------------------- helpers
    async def _json(self, method: str, url: str, **kwargs: Any) -> Any:
        response = await self._response(method, url, **kwargs)
        try:
            return response.json()
        except ValueError:
            raise ProtocolError(f"{url}: the response is not JSON", "body") from None

    async def _body(self, method: str, url: str, **kwargs: Any) -> bytes:
        return (await self._response(method, url, **kwargs)).content

    async def _response(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            response = await self._http.request(method, url, **kwargs)
        except httpx.TransportError as exc:
            raise PlatformUnavailable(_transport_text(exc)) from exc
        if response.status_code >= 400:
            raise PlatformError(response.status_code, _error_text(response))
        return response


def _validate(model: type[M], data: Any, what: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ProtocolError(f"{what}: {_describe(exc)}", _first_loc(exc)) from None


def _validate_json(model: type[M], text: str | bytes, what: str, event: bool = True) -> M:
    if model is PositionsEvent:
        return parse_positions(text)  # type: ignore[return-value]
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        raise ProtocolError(f"{what}{' event' if event else ''}: {_describe(exc)}", _first_loc(exc)) from None


def _first_loc(exc: ValidationError) -> str:
    errors = exc.errors()
    return ".".join(str(p) for p in errors[0]["loc"]) if errors and errors[0]["loc"] else "body"


def _describe(exc: ValidationError) -> str:
    errors = exc.errors()
    first = errors[0] if errors else {"loc": (), "msg": str(exc)}
    where = ".".join(str(p) for p in first["loc"]) or "body"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {first['msg']}{more}"


def _error_text(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or response.reason_phrase
    if isinstance(body, dict):
        if "error" in body:
            return str(body["error"])
        if isinstance(body.get("detail"), list) and body["detail"]:
            first = body["detail"][0]
            loc = ".".join(str(p) for p in first.get("loc", ()))
            return f"{loc}: {first.get('msg', '')}"
    return str(body)[:200]


def _transport_text(exc: httpx.TransportError) -> str:
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}" if str(exc) else text
