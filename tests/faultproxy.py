"""A fault-injecting HTTP/1.1 proxy on 127.0.0.1 between sync clients and the real platform
(SYNC.md check 6; check 4 uses it to lose a committed push's response).

It runs its own asyncio loop on a daemon thread, so a test drives it from any thread while the
clients run on theirs. Each client request is read whole (head + Content-Length body) and sent
to the platform on a fresh upstream connection; the response is read whole (Content-Length or
chunked) and sent back, unless a fault says otherwise. The live stream (`/v1/stream`, an
endless chunked response) is piped as it comes.

Faults, each a probability per request (0..1), chosen at run time by `set_faults(...)`:
- `drop`: close the client's connection before forwarding (the platform never sees it);
- `drop_response`: forward, let the platform commit, then close without answering;
- `stall`: hold the request for a random time up to `stall_s` before forwarding (longer than
  the client's read timeout it becomes a timeout, the request may still reach the platform);
- `truncate`: forward, then send only part of the response and close;
- `duplicate`: send the response twice on the connection;
- `replay`: forward the request twice (the platform sees a replay), answer with the second;
- `error`: answer 503 without forwarding;
- `error_after`: forward (the platform commits), answer 502.
`paths` limits the faults to requests whose path starts with one of the prefixes. `heal()`
turns every fault off; `cut_all()` closes every open connection (live streams included), as a
pulled cable would. `stats` counts requests by path and faults by kind.
"""
from __future__ import annotations

import asyncio
import random
import threading
from collections import Counter
from dataclasses import dataclass, fields, replace

KINDS = ("drop", "drop_response", "stall", "truncate", "duplicate", "replay", "error", "error_after")
_HEAD_END = b"\r\n\r\n"
_MAX_HEAD = 64 * 1024


@dataclass(frozen=True)
class Faults:
    drop: float = 0.0
    drop_response: float = 0.0
    stall: float = 0.0
    truncate: float = 0.0
    duplicate: float = 0.0
    replay: float = 0.0
    error: float = 0.0
    error_after: float = 0.0
    stall_s: float = 1.0
    paths: tuple[str, ...] | None = None

    def active(self) -> bool:
        return any(getattr(self, k) > 0 for k in KINDS)


class FaultProxy:
    def __init__(self, upstream_url: str, *, seed: int = 0, host: str = "127.0.0.1", port: int = 0) -> None:
        hostport = upstream_url.split("://", 1)[-1].rstrip("/")
        self.upstream_host, _, up_port = hostport.rpartition(":")
        self.upstream_port = int(up_port)
        self.host = host
        self.port = port
        self.url: str | None = None
        self.stats: Counter = Counter()
        self._faults = Faults()
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    # ------------------------------------------------------------ control
    def start(self) -> str:
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                self._server = loop.run_until_complete(
                    asyncio.start_server(self._serve, self.host, self.port))
                self.port = self._server.sockets[0].getsockname()[1]
            except BaseException as exc:  # noqa: BLE001 (reported to start())
                failure.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.close()

        self._thread = threading.Thread(target=run, name="faultproxy", daemon=True)
        self._thread.start()
        if not ready.wait(10) or failure:
            raise RuntimeError(f"fault proxy did not start: {failure[0] if failure else 'timeout'}")
        self.url = f"http://{self.host}:{self.port}"
        return self.url

    def stop(self) -> None:
        loop = self._loop
        if loop is None:
            return

        async def shutdown() -> None:
            assert self._server is not None
            self._server.close()
            for w in list(self._writers):
                w.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            loop.stop()

        asyncio.run_coroutine_threadsafe(shutdown(), loop)
        if self._thread is not None:
            self._thread.join(10)
        self._loop = None

    def set_faults(self, **kwargs) -> Faults:
        """Replace the faults (unknown names are an error), e.g. set_faults(drop=0.2, error=0.1)."""
        names = {f.name for f in fields(Faults)}
        unknown = set(kwargs) - names
        if unknown:
            raise TypeError(f"unknown fault(s): {', '.join(sorted(unknown))}")
        if "paths" in kwargs and kwargs["paths"] is not None:
            kwargs["paths"] = tuple(kwargs["paths"])
        for kind in KINDS:
            if not 0.0 <= float(kwargs.get(kind, 0.0)) <= 1.0:
                raise ValueError(f"fault {kind}: a probability is between 0 and 1")
        with self._lock:
            self._faults = replace(Faults(), **kwargs)
            return self._faults

    def heal(self) -> None:
        with self._lock:
            self._faults = Faults()

    def cut_all(self) -> None:
        """Close every connection now (live streams included)."""
        loop = self._loop
        if loop is None:
            return

        def cut() -> None:
            for w in list(self._writers):
                w.close()

        loop.call_soon_threadsafe(cut)
        self.stats["cut_all"] += 1

    def __enter__(self) -> "FaultProxy":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ----------------------------------------------------------- serving
    def _choose(self, path: str) -> tuple[str | None, Faults]:
        with self._lock:
            faults = self._faults
            if not faults.active():
                return None, faults
            if faults.paths is not None and not any(path.startswith(p) for p in faults.paths):
                return None, faults
            roll = self._rng.random()
            for kind in KINDS:
                p = getattr(faults, kind)
                if roll < p:
                    return kind, faults
                roll -= p
        return None, faults

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            while True:
                try:
                    head = await reader.readuntil(_HEAD_END)
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                length = _content_length(head)
                body = await reader.readexactly(length) if length else b""
                request = head + body
                path = head.split(b" ", 2)[1].decode("latin-1") if head.count(b" ") >= 2 else "/"
                self.stats["requests"] += 1
                self.stats[f"path {path.split('?', 1)[0]}"] += 1
                kind, faults = self._choose(path)
                if kind is not None:
                    self.stats[kind] += 1
                if kind == "drop":
                    return
                if kind == "stall":
                    with self._lock:
                        delay = self._rng.uniform(0.1, faults.stall_s)
                    await asyncio.sleep(delay)
                if kind == "error":
                    writer.write(_error_response(503, "fault proxy: service unavailable"))
                    await writer.drain()
                    continue
                if path.startswith("/v1/stream"):
                    await self._pipe_stream(request, writer)
                    return
                response = await self._forward(request)
                if kind == "replay":
                    response = await self._forward(request)
                if response is None or kind == "drop_response":
                    return
                if kind == "error_after":
                    writer.write(_error_response(502, "fault proxy: bad gateway"))
                elif kind == "truncate":
                    with self._lock:
                        cut = self._rng.randint(1, max(1, len(response) - 1))
                    writer.write(response[:cut])
                    await writer.drain()
                    return
                elif kind == "duplicate":
                    writer.write(response + response)
                else:
                    writer.write(response)
                await writer.drain()
                if b"connection: close" in head.lower():
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            self._writers.discard(writer)
            writer.close()

    async def _forward(self, request: bytes) -> bytes | None:
        """Send one request on a fresh upstream connection; the whole response, or None when
        the platform is not there."""
        try:
            up_reader, up_writer = await asyncio.open_connection(self.upstream_host, self.upstream_port)
        except OSError:
            return None
        try:
            up_writer.write(request)
            await up_writer.drain()
            head = await up_reader.readuntil(_HEAD_END)
            lower = head.lower()
            if b"transfer-encoding: chunked" in lower:
                body = await _read_chunked(up_reader)
            else:
                body = await up_reader.readexactly(_content_length(head))
            return head + body
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            return None
        finally:
            up_writer.close()

    async def _pipe_stream(self, request: bytes, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(self.upstream_host, self.upstream_port)
        except OSError:
            return
        self._writers.add(up_writer)
        try:
            up_writer.write(request)
            await up_writer.drain()
            while not writer.is_closing():
                chunk = await up_reader.read(65536)
                if not chunk:
                    return
                writer.write(chunk)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            self._writers.discard(up_writer)
            up_writer.close()


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    return 0


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    out = bytearray()
    while True:
        size_line = await reader.readuntil(b"\r\n")
        out += size_line
        size = int(size_line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            out += await reader.readuntil(b"\r\n")  # no trailers from uvicorn: the final CRLF
            return bytes(out)
        out += await reader.readexactly(size + 2)


def _error_response(status: int, text: str) -> bytes:
    body = ('{"error": "%s"}' % text).encode()
    reason = {502: "Bad Gateway", 503: "Service Unavailable"}.get(status, "Error")
    return (f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body
