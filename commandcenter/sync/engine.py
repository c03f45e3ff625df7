"""The sync engine: push the outbox, pull the changes feed, follow the live stream, and say
honestly whether the platform is reachable.

Order on every (re)connection is open stream -> push -> pull -> live (SYNC.md): the stream is
opened first so that a change committed while we push and pull still arrives as a notice.
Everything runs on the caller's one asyncio loop (the qasync loop on the GUI thread in the
app), so hooks fire on that thread and the store keeps its single writer; no threads.
"""
from __future__ import annotations

import asyncio
from typing import Iterable
import contextlib
import logging
import random
import time

from pydantic import ValidationError

from commandcenter.domain.clock import Clock, SystemClock
from commandcenter.domain.hooks import ConnectionStatus, Hooks
from commandcenter.store import Store
from commandcenter.store.db import SAMPLES_KEEP_MS
from commandcenter.sync.client import PlatformClient, PlatformError, ProtocolError, SyncError
from commandcenter.sync.protocol import (
    MAX_BACKFILL_POSITIONS,
    MAX_HISTORY_SAMPLES,
    Hello,
    PositionsEvent,
    WireOp,
)

log = logging.getLogger(__name__)

BACKOFF_MIN_S = 0.5
BACKOFF_MAX_S = 5.0
SAMPLE_FLUSH_S = 0.5
PULL_PAGE = 1000  # documents per pull page: the platform's most (PULL_LIMIT_MAX); ~1 MB on a first pull
# Sample back-fill on every (re)connection: each chart from its own newest sample, at most as
# far back as the store keeps raw samples (48 h; the platform keeps 7 days). An indicator the
# cache has never had starts one hour back, so a fresh client is not held up by two days.
BACKFILL_MAX_MS = SAMPLES_KEEP_MS
BACKFILL_FIRST_MS = 3_600_000
# indicators per history request: keeps the query string far below servers' line limits
BACKFILL_INDICATORS_PER_REQUEST = 200
SAMPLES_PRUNE_EVERY_S = 600.0
# unit positions: back-filled at most this far (what the platform keeps), kept for a day
POSITIONS_BACKFILL_MS = 30 * 60_000
POSITIONS_KEEP_MS = 24 * 3_600_000
POSITIONS_PRUNE_EVERY_S = 600.0

ONLINE = "online"
OFFLINE = "offline"
SYNCING = "syncing"


class SyncEngine:
    def __init__(
        self,
        store: Store,
        hooks: Hooks,
        client: PlatformClient,
        clock: Clock | None = None,
        batch: int = 200,
        indicators: Iterable[str] = (),
    ) -> None:
        self.store = store
        # indicators to back-fill on connect even when the cache has none of them yet
        self.indicators = tuple(indicators)
        self.hooks = hooks
        self.client = client
        self.clock = clock or SystemClock()
        self.batch = batch
        self._status = ConnectionStatus(
            OFFLINE, store.pending_count(), _int_or_none(store.meta("last_pull_ms"))
        )
        self._events: asyncio.Queue | None = None
        self._poked: asyncio.Event | None = None
        self._session_task: asyncio.Task | None = None
        self._running: asyncio.Event | None = None
        self._stopping = False
        self._samples: list[tuple[str, int, float]] = []
        self._last_flush = 0.0
        self._epoch: str | None = None
        self._reached_online = False
        self._pruned_positions_at: float | None = None
        self._pruned_samples_at: float | None = None

    # ---------------------------------------------------------------- public
    @property
    def status(self) -> ConnectionStatus:
        return self._status

    def poke(self) -> None:
        """A local command added to the outbox: push now (also while streaming)."""
        if self._events is not None:
            self._events.put_nowait(("poke", None))
        elif self._poked is not None:
            self._poked.set()
        if self._status.state == OFFLINE:
            self._set_status(OFFLINE, error=self._status.error)

    async def stop(self) -> None:
        """Make run() return, and wait until it has. Closes nothing: the app owns the client
        and the store, and closes them after this."""
        self._stopping = True
        if self._session_task is not None:
            self._session_task.cancel()
        if self._poked is not None:
            self._poked.set()
        if self._running is not None:
            await self._running.wait()

    async def run(self) -> None:
        """Connect, sync and follow the platform until stop(); reconnect with backoff."""
        self._stopping = False
        self._poked = asyncio.Event()
        self._running = asyncio.Event()
        backoff = BACKOFF_MIN_S
        try:
            while not self._stopping:
                self._reached_online = False
                self._session_task = asyncio.ensure_future(self._session())
                try:
                    await self._session_task
                except asyncio.CancelledError:
                    if self._stopping:
                        break
                    raise
                except SyncError as exc:
                    self._set_status(OFFLINE, error=str(exc))
                except Exception as exc:
                    # A local failure (the cache refused a page, a bug) must not end sync
                    # silently: say so in the status and try again like after an outage.
                    log.exception("sync session failed")
                    self._set_status(OFFLINE, error=f"sync failed: {exc}")
                finally:
                    self._session_task = None
                    self._events = None
                if self._stopping:
                    break
                if self._reached_online:
                    backoff = BACKOFF_MIN_S
                delay = backoff * random.uniform(0.8, 1.2)
                backoff = min(backoff * 2, BACKOFF_MAX_S)
                await self._sleep(delay)
        finally:
            try:
                self._flush_samples(force=True)
            finally:
                self._poked = None
                running, self._running = self._running, None
                running.set()

    # -------------------------------------------------------------- session
    async def _session(self) -> None:
        """One connection's life; it ends only by raising (or by cancellation)."""
        self._events = asyncio.Queue()
        reader = asyncio.ensure_future(self._read_stream(self._events))
        try:
            hello = await self._hello()
            refused = mode_mismatch(getattr(self.store, "mode", "live"), getattr(self.store, "run_id", None),
                                    hello.drill_run)
            if refused:
                raise SyncError(refused)
            self._epoch = hello.epoch
            if self.store.epoch is not None and self.store.epoch != hello.epoch:
                # Restored from an older backup or replaced: push again what the old epoch
                # acknowledged and pull everything from the start. No work is discarded.
                requeued = self.store.begin_epoch(hello.epoch)
                log.warning("platform epoch changed; %d operations queued again", requeued)
            self._set_status(SYNCING)
            await self._push_all()
            await self._pull_all()
            await self._backfill_samples()
            await self._backfill_positions()
            self._synced()
            self._reached_online = True
            while True:
                timeout = None
                if self._samples:
                    timeout = max(0.0, self._last_flush + SAMPLE_FLUSH_S - time.monotonic())
                try:
                    item = await asyncio.wait_for(self._events.get(), timeout)
                except asyncio.TimeoutError:
                    self._flush_samples()
                    continue
                kind, data = item
                if kind == "error":
                    raise data
                if kind == "samples":
                    self._samples.extend((s.indicator, s.ts_ms, s.value) for s in data.samples)
                    self._flush_samples()
                elif kind == "positions":
                    self._ingest_positions(data)
                elif kind == "change":
                    if data.seq > self.store.cursor:
                        self._set_status(SYNCING)
                        await self._pull_all()
                        self._synced()
                elif kind == "poke":
                    if self.store.pending_count():
                        self._set_status(SYNCING)
                        await self._push_all()
                        self._synced()
                elif kind == "hello":
                    raise ProtocolError("the live stream said hello twice", "event")
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await reader

    async def _hello(self) -> Hello:
        """Wait for the stream's first event; pokes before it are covered by the push."""
        while True:
            kind, data = await self._events.get()
            if kind == "error":
                raise data
            if kind == "hello":
                return data
            if kind != "poke":
                raise ProtocolError(f"the live stream began with {kind!r}, not hello", "event")

    async def _read_stream(self, queue: asyncio.Queue) -> None:
        try:
            async for event, data in self.client.stream():
                queue.put_nowait((event, data))
        except SyncError as exc:
            queue.put_nowait(("error", exc))
        except Exception as exc:  # a bug in parsing must still surface, not hang the engine
            log.exception("live stream reader failed")
            queue.put_nowait(("error", SyncError(f"live stream failed: {exc}")))

    async def _push_all(self) -> None:
        while True:
            ops = self.store.pending_ops(self.batch)
            if not ops:
                return
            valid, refused = _split_valid(ops)
            if refused:
                # One operation the wire cannot carry must not block the queue for ever
                # (PowerSync's stuck queues): it is settled as rejected and shown to the user.
                self.store.record_push_results(refused)
            if valid:
                response = await self.client.push(valid)
                self.store.record_push_results([r.model_dump() for r in response.results], response.epoch)
            if len(ops) < self.batch:
                return

    async def _pull_all(self) -> None:
        """Pull every page after the cursor. The next page is asked for while this one is
        applied (the platform reads it meanwhile); pages are still applied in order, each
        with its cursor in one transaction, so a cut or a kill leaves the cursor at the last
        page applied."""
        ahead = asyncio.ensure_future(self.client.pull(self.store.cursor, PULL_PAGE))
        try:
            while True:
                page = await ahead
                if self._epoch is not None and page.epoch != self._epoch:
                    raise SyncError("the platform changed epoch during a pull")
                if page.has_more:
                    ahead = asyncio.ensure_future(self.client.pull(page.next, PULL_PAGE))
                self.store.apply_pull(page.model_dump()["changes"], page.next, page.epoch)
                if not page.has_more:
                    return
        finally:
            if not ahead.done():
                ahead.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await ahead  # a page asked for and not applied: its error is retrieved, not logged

    async def _backfill_samples(self) -> None:
        """Fill the gap in every chart (SYNC.md, "Live"), on every (re)connection: each
        indicator from its own newest sample, at most BACKFILL_MAX_MS back (BACKFILL_FIRST_MS
        for one the cache has never had). One request for the whole wall, with each
        indicator's own time (`indicator_since`), paged when long: a full answer is ordered by
        indicator, so every indicator in it but the last is complete and the last goes on
        from its newest sample. Each page is stored as it comes, so a long gap is never held
        in memory whole."""
        now = self.clock.now_ms()
        floor, first = max(0, now - BACKFILL_MAX_MS), max(0, now - BACKFILL_FIRST_MS)
        newest = {code: ts for code, (ts, _value) in self.store.latest_samples().items()}
        wanted = {code: max(newest[code] + 1, floor) if code in newest else first
                  for code in dict.fromkeys([*newest, *self.indicators])}
        codes = list(wanted)
        for k in range(0, len(codes), BACKFILL_INDICATORS_PER_REQUEST):
            pending = {code: wanted[code] for code in codes[k:k + BACKFILL_INDICATORS_PER_REQUEST]}
            while pending:
                page = await self.client.history_each(pending)
                self._samples.extend(
                    (s.indicator, s.ts_ms, s.value) for s in page
                    if s.indicator in pending and s.ts_ms >= pending[s.indicator]
                )
                self._flush_samples(force=True)
                if len(page) < MAX_HISTORY_SAMPLES:
                    break
                last, before = page[-1], dict(pending)
                for sample in page:
                    if sample.indicator != last.indicator:
                        pending.pop(sample.indicator, None)
                pending[last.indicator] = last.ts_ms + 1
                if pending == before:
                    # an answer that does not move on (a platform that ignores indicator_since
                    # answers the same page again): stop rather than ask for ever
                    log.warning("history: the platform's answer did not move on; back-fill stopped")
                    break

    async def _backfill_positions(self) -> None:
        """Trails for the map: the positions the platform sent while we were away (it keeps
        the last 30 minutes), once per session, paged like the sample history. A platform
        without positions (404) is not an error: it has no fleet."""
        floor = self.clock.now_ms() - POSITIONS_BACKFILL_MS
        newest = max((ts for ts, *_ in self.store.latest_positions().values()), default=None)
        since = floor if newest is None else max(floor, newest + 1)
        while True:
            try:
                page = await self.client.positions(since)
            except PlatformError as exc:
                if exc.status_code == 404:
                    return
                raise
            self._ingest_positions(page)
            if len(page.positions) + len(page.problems) < MAX_BACKFILL_POSITIONS or not page.positions:
                return
            if page.positions[-1].ts_ms == since:
                return
            since = page.positions[-1].ts_ms  # inclusive: duplicates are ignored by the store

    def _ingest_positions(self, event: PositionsEvent) -> None:
        """Store a batch of positions and say which units moved. Bad items were dropped by
        the parser; they are logged here (one line per batch), never fatal."""
        if event.problems:
            more = f" (and {len(event.problems) - 3} more)" if len(event.problems) > 3 else ""
            log.warning("positions: dropped %s%s", "; ".join(event.problems[:3]), more)
        rows = [(p.id, p.ts_ms, p.lon, p.lat, p.heading_deg, p.speed_mps) for p in event.positions]
        if not rows:
            return
        self.store.ingest_positions(rows)
        now = time.monotonic()
        if self._pruned_positions_at is None or now - self._pruned_positions_at > POSITIONS_PRUNE_EVERY_S:
            self._pruned_positions_at = now
            self.store.prune_positions(self.clock.now_ms() - POSITIONS_KEEP_MS)
        self.hooks.positions_did_arrive(list(dict.fromkeys(r[0] for r in rows)))

    def _flush_samples(self, force: bool = False) -> None:
        if not self._samples:
            return
        now = time.monotonic()
        if not force and now - self._last_flush < SAMPLE_FLUSH_S:
            return
        batch, self._samples = self._samples, []
        self._last_flush = now
        self.store.ingest_samples(batch)
        if self._pruned_samples_at is None or now - self._pruned_samples_at > SAMPLES_PRUNE_EVERY_S:
            self._pruned_samples_at = now
            self.store.prune_samples(self.clock.now_ms())
        self.hooks.samples_did_arrive(batch)

    # --------------------------------------------------------------- status
    def _synced(self) -> None:
        self._set_status(ONLINE, last_sync_ms=self.clock.now_ms())

    def _set_status(self, state: str, *, last_sync_ms: int | None = None, error: str | None = None) -> None:
        status = ConnectionStatus(
            state,
            self.store.pending_count(),
            last_sync_ms if last_sync_ms is not None else self._status.last_sync_ms,
            error if state == OFFLINE else None,
        )
        if status != self._status:
            self._status = status
            self.hooks.connection_did_change(status)

    async def _sleep(self, seconds: float) -> None:
        """Back off, but wake at once on stop()."""
        if self._poked is None:
            return
        self._poked.clear()
        deadline = time.monotonic() + seconds
        while not self._stopping:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            waiter = asyncio.ensure_future(self._poked.wait())
            try:
                await asyncio.wait({waiter}, timeout=remaining)
            finally:
                waiter.cancel()
            self._poked.clear()


def _split_valid(ops: list[dict]) -> tuple[list[WireOp], list[dict]]:
    valid: list[WireOp] = []
    refused: list[dict] = []
    for op in ops:
        try:
            valid.append(WireOp.model_validate(op))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            reason = f"not sendable: {where}: {first['msg']}"
            refused.append({"op_id": op["op_id"], "result": "rejected", "reason": reason})
    return valid, refused


def _int_or_none(text: str | None) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        return None



def mode_mismatch(mode: str, run_id: str | None, platform_run: str | None) -> str | None:
    """Why this cache must not sync with that platform: a live cache never talks to a drill
    platform, a drill cache only to its own run's (ARCHITECTURE.md, modes and isolation)."""
    if mode == "live" and platform_run is not None:
        return f"the platform serves drill run {platform_run}: a live cache does not sync with a drill"
    if mode == "drill" and platform_run is None:
        return f"the platform is a live one: drill run {run_id} does not sync with it"
    if mode == "drill" and platform_run != run_id:
        return f"the platform serves drill run {platform_run}, this cache holds run {run_id}"
    return None
