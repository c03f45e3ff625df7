"""The platform's HTTP face (ASGI, Starlette): push, pull, the live stream and history.

Pull is the only way server state enters a client's cache; the stream only says "there is
something to pull" (change notices) and carries indicator samples, which are cheap to lose
and can be back-filled from /v1/history.
"""
from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import time
from collections import deque
from typing import Any, AsyncIterator

from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from commandcenter.platform.alarming import AlarmRunner
from commandcenter.platform.responders import SimulatedCommandRoom
from commandcenter.platform.simulator import CitySimulator
from commandcenter.platform.sqldb import ChangeListener
from commandcenter.platform.storage import sim_incident_id
from commandcenter.platform.storage import PlatformStorage
from commandcenter.platform.units import FleetRunner, PositionRow, position_dicts
from commandcenter.platform.users import User, Users
from commandcenter.sync.protocol import (
    ChangeNotice,
    Hello,
    PushRequest,
    PushResponse,
    Sample,
    MAX_BACKFILL_POSITIONS,
    MAX_STREAM_POSITIONS,
    HISTORY_SINCE_PARAM,
    SamplesEvent,
    parse_history_since,
)

log = logging.getLogger(__name__)

PING_INTERVAL_S = 2.0
DRILL_TICK_S = 0.25
SUBSCRIBER_QUEUE = 256
PULL_LIMIT_DEFAULT = 500
PULL_LIMIT_MAX = 1000
# who the one shared --token stands for
SHARED_TOKEN_USER = User("token", "commander")


# ---------------------------------------------------------------------------- the fan-out
class Subscription:
    """One stream client's bounded queue. A slow reader loses the oldest sample batches
    (charts survive a gap; history back-fills it), never a change notice: pending notices
    collapse into one carrying the newest seq, since one pull fetches everything before it."""

    def __init__(self, maxsize: int = SUBSCRIBER_QUEUE) -> None:
        self._items: deque[list] = deque()
        self._maxsize = maxsize
        self._wakeup = asyncio.Event()
        self.closed = False
        self.dropped = 0

    def put_samples(self, text: str) -> None:
        self._put_telemetry("samples", text)

    def put_positions(self, text: str) -> None:
        """Unit positions: telemetry like samples, dropped oldest-first the same way (the
        next batch moves the units on; /v1/positions back-fills trails)."""
        self._put_telemetry("positions", text)

    def _put_telemetry(self, kind: str, text: str) -> None:
        if len(self._items) >= self._maxsize:
            for i, item in enumerate(self._items):
                if item[0] in ("samples", "positions"):
                    del self._items[i]
                    self.dropped += 1
                    break
        self._items.append([kind, text])
        self._wakeup.set()

    def put_change(self, seq: int) -> None:
        for item in self._items:
            if item[0] == "change":
                item[1] = max(item[1], seq)
                break
        else:
            self._items.append(["change", seq])
        self._wakeup.set()

    def close(self) -> None:
        self.closed = True
        self._wakeup.set()

    async def next(self, timeout: float) -> list | None:
        """The next item, None after `timeout` seconds without one; ["closed"] at the end."""
        if not self._items and not self.closed:
            self._wakeup.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout)
        if self._items:
            return self._items.popleft()
        if self.closed:
            return ["closed"]
        return None


class Broadcaster:
    """Feeds every open /v1/stream. Lives on the server's event loop."""

    def __init__(self, maxsize: int = SUBSCRIBER_QUEUE) -> None:
        self._subscribers: set[Subscription] = set()
        self._maxsize = maxsize
        self.closed = False

    def subscribe(self) -> Subscription:
        sub = Subscription(self._maxsize)
        if self.closed:
            sub.close()
        else:
            self._subscribers.add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        self._subscribers.discard(sub)

    def publish_samples(self, samples: list[Sample]) -> None:
        if not samples or not self._subscribers:
            return
        text = sse("samples", SamplesEvent(samples=samples).model_dump_json())
        for sub in self._subscribers:
            sub.put_samples(text)

    def publish_positions(self, rows: list[PositionRow]) -> None:
        """One `positions` event (a JSON list) per MAX_STREAM_POSITIONS units."""
        if not rows or not self._subscribers:
            return
        for start in range(0, len(rows), MAX_STREAM_POSITIONS):
            text = sse("positions", json.dumps(position_dicts(rows[start:start + MAX_STREAM_POSITIONS]),
                                               separators=(",", ":")))
            for sub in self._subscribers:
                sub.put_positions(text)

    def publish_change(self, seq: int) -> None:
        for sub in self._subscribers:
            sub.put_change(seq)

    def close(self) -> None:
        """End every stream, so a shutting-down server is not held open by live clients."""
        self.closed = True
        for sub in self._subscribers:
            sub.close()
        self._subscribers.clear()

    def __len__(self) -> int:
        return len(self._subscribers)


def sse(event: str, data: str) -> str:
    lines = "".join(f"data: {line}\n" for line in data.split("\n"))
    return f"event: {event}\n{lines}\n"


# -------------------------------------------------------------------------- middleware
class BearerAuth:
    """Every HTTP request must carry `Authorization: Bearer <token>`: a user's token
    (platform/users.py) once the platform has users, or the one shared `--token` (which acts
    as a commander). A platform with neither is open (its pushes are unchecked)."""

    def __init__(self, app: ASGIApp, users: Users, token: str | None = None) -> None:
        self.app = app
        self._users = users
        self._expected = f"Bearer {token}".encode("utf-8") if token else None

    def _user(self, given: bytes) -> User | None | bool:
        """The user, None for an open platform, False for a refusal."""
        if self._expected is not None and hmac.compare_digest(given, self._expected):
            return SHARED_TOKEN_USER
        if given.startswith(b"Bearer ") and self._users.any():
            user = self._users.for_token(given[7:].decode("utf-8", "replace").strip())
            return user if user is not None else False
        if self._expected is None and not self._users.any():
            return None
        return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            given = b""
            for name, value in scope.get("headers", ()):
                if name == b"authorization":
                    given = value
                    break
            user = await run_in_threadpool(self._user, given)
            if user is False:
                response = JSONResponse(
                    {"error": "missing, unknown or revoked bearer token"},
                    status_code=401,
                    headers={"WWW-Authenticate": "Bearer"},
                )
                await response(scope, receive, send)
                return
            scope.setdefault("state", {})["user"] = user
        await self.app(scope, receive, send)


class _BadParameter(ValueError):
    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name


def _int_param(request: Request, name: str, default: int | None, lo: int, hi: int) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise _BadParameter(name, f"must be an integer, got {raw!r}") from None
    if not lo <= value <= hi:
        raise _BadParameter(name, f"must be between {lo} and {hi}, got {value}")
    return value


def _bad_request(exc: _BadParameter) -> JSONResponse:
    return JSONResponse({"error": str(exc), "parameter": exc.name}, status_code=400)


# -------------------------------------------------------------------------------- the app
def create_app(
    storage: PlatformStorage,
    simulator: CitySimulator | None = None,
    token: str | None = None,
    fleet: FleetRunner | None = None,
    alarms: AlarmRunner | None = None,
    drill: Any = None,
) -> Starlette:
    """The ASGI app. The simulator and the fleet, when given, run for the app's lifespan;
    the alarm runner, when given, evaluates every batch of the simulator's samples.

    `drill` (platform/drill_host.py DrillHost): this platform serves a drill run. The
    simulator then follows the exercise clock instead of the wall clock, no simulated command
    room answers the incidents (the players do), and /v1/drill serves the run."""
    broadcaster = Broadcaster()
    drill_run = drill.run_id if drill is not None else None

    async def health(request: Request) -> Response:
        seq = await run_in_threadpool(lambda: storage.seq)
        return JSONResponse({"ok": True, "epoch": storage.epoch, "seq": seq, "drill_run": drill_run})

    def _no_drill() -> JSONResponse:
        return JSONResponse({"error": "this platform serves no drill (it is a live platform)"}, status_code=404)

    async def drill_state(request: Request) -> Response:
        """The run. A player's seat (seat, field, observer) sees the clock and the injects
        released so far, without what is expected of it, the evaluators' marks and notes:
        the script ahead is the coordinators'."""
        if drill is None:
            return _no_drill()
        state = await run_in_threadpool(drill.state)
        user = getattr(request.state, "user", None)
        if user is not None and user.role not in ("commander", "dispatcher"):
            state = _players_view(state)
        return JSONResponse(state)

    async def drill_events(request: Request) -> Response:
        if drill is None:
            return _no_drill()
        user = getattr(request.state, "user", None)
        if user is not None and user.role not in ("commander", "dispatcher"):
            return JSONResponse({"error": f"forbidden: a {user.role} does not read the exercise's events"},
                                status_code=403)
        try:
            since = _int_param(request, "since", 0, 0, 2**62)
        except _BadParameter as exc:
            return _bad_request(exc)
        return JSONResponse({"run_id": drill_run, "events": await run_in_threadpool(drill.events, since)})

    async def drill_command(request: Request) -> Response:
        """A coordinator's or evaluator's command: the command room's roles (commander,
        dispatcher) and an open platform's anyone; seats, field posts and observers are
        players or watchers, not controllers."""
        from commandcenter.drills.run import DrillError

        if drill is None:
            return _no_drill()
        user = getattr(request.state, "user", None)
        if user is not None and user.role not in ("commander", "dispatcher"):
            return JSONResponse({"error": f"forbidden: a {user.role} does not control the exercise"}, status_code=403)
        try:
            body = json.loads(await request.body() or b"null")
        except ValueError:
            return JSONResponse({"error": "the body is not JSON"}, status_code=400)
        if not isinstance(body, dict):
            return JSONResponse({"error": "the body must be a JSON object with an action"}, status_code=400)
        name = user.name if user is not None else str(body.pop("by", "") or "coordinator")
        body.pop("by", None)
        try:
            seqs = await run_in_threadpool(drill.command, body, name)
        except DrillError as exc:
            return JSONResponse({"error": str(exc)}, status_code=409)
        if seqs:
            broadcaster.publish_change(max(seqs))
        if alarms is not None:
            alarms.set_time_scale(drill.time_scale())
        return JSONResponse(await run_in_threadpool(drill.state))

    async def push(request: Request) -> Response:
        body = await request.body()
        try:
            req = PushRequest.model_validate_json(body)
        except ValidationError as exc:
            detail = [
                {"loc": list(err["loc"]), "msg": err["msg"], "type": err["type"]}
                for err in exc.errors(include_url=False, include_input=False)
            ]
            return JSONResponse({"detail": detail}, status_code=422)
        before = await run_in_threadpool(lambda: storage.seq)
        user = getattr(request.state, "user", None)
        results = await run_in_threadpool(storage.push, req.ops, user)
        after = await run_in_threadpool(lambda: storage.seq)
        if after > before:
            broadcaster.publish_change(after)
        return JSONResponse(PushResponse(epoch=storage.epoch, results=results).model_dump(mode="json"))

    async def whoami(request: Request) -> Response:
        user = getattr(request.state, "user", None)
        if user is None:
            return JSONResponse({"name": None, "role": None, "department": None, "org": None, "open": True})
        return JSONResponse({**user.as_dict(), "open": False})

    async def pull(request: Request) -> Response:
        try:
            since = _int_param(request, "since", 0, 0, 2**62)
            limit = _int_param(request, "limit", PULL_LIMIT_DEFAULT, 1, PULL_LIMIT_MAX)
        except _BadParameter as exc:
            return _bad_request(exc)
        text = await run_in_threadpool(storage.pull_json, since, limit)
        return Response(text, media_type="application/json")

    async def history(request: Request) -> Response:
        # no indicator: all of them (the whole wall in one request)
        indicator = request.query_params.get("indicator", "").strip() or None
        try:
            since_ms = _int_param(request, "since_ms", 0, 0, 2**62)
            until_ms = _int_param(request, "until_ms", None, 0, 2**62)
            # each indicator from its own time (a client's newest sample of it), in one request
            each = request.query_params.getlist(HISTORY_SINCE_PARAM)
            try:
                since_each = parse_history_since(each) if each else None
            except ValueError as exc:
                raise _BadParameter(HISTORY_SINCE_PARAM, str(exc)) from None
        except _BadParameter as exc:
            return _bad_request(exc)
        if since_each is not None:
            samples = await run_in_threadpool(storage.history_each, since_each, until_ms)
        else:
            samples = await run_in_threadpool(storage.history, indicator, since_ms, until_ms)
        return Response(SamplesEvent(samples=samples).model_dump_json(), media_type="application/json")

    async def positions(request: Request) -> Response:
        """The fleet's positions since `since_ms` (the last 30 minutes at most), oldest first:
        a client back-fills its trails once after connecting."""
        try:
            since_ms = _int_param(request, "since_ms", 0, 0, 2**62)
        except _BadParameter as exc:
            return _bad_request(exc)
        rows = fleet.history.since(since_ms, MAX_BACKFILL_POSITIONS) if fleet is not None else []
        return JSONResponse({"positions": position_dicts(rows)})

    async def stream(request: Request) -> Response:
        sub = broadcaster.subscribe()
        hello = Hello(
            epoch=storage.epoch,
            seq=await run_in_threadpool(lambda: storage.seq),
            scenario=simulator.scenario.id if simulator else None,
            scenario_time_ms=simulator.scenario_time_ms if simulator else None,
            drill_run=drill_run,
        )
        return StreamingResponse(
            _events(broadcaster, sub, hello),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    room = (
        SimulatedCommandRoom(storage, simulator.catalog, seed=simulator.scenario.id, time_scale=simulator.speed)
        if simulator is not None and simulator.catalog is not None and drill is None
        else None
    )

    def report(incidents: list[Any], now_ms: int, preroll: bool = False) -> list[int]:
        """Report scenario incidents and hand them to the simulated command room. In a preroll
        each incident and each of the room's actions is stamped at the wall time its scenario
        time maps to (as if the scenario had run at its speed until now)."""
        assert simulator is not None
        t_now = simulator.t_s

        def wall_of(at_s: float) -> int:
            return now_ms - int(max(0.0, t_now - at_s) / simulator.speed * 1000)

        seqs = []
        for incident in incidents:
            index = simulator.scenario.incidents.index(incident)
            stamp = wall_of(incident.at_s) if preroll else now_ms
            result = storage.report_incident_from_simulator(incident, stamp, simulator.scenario.id, index)
            if result.server_seq is not None:
                seqs.append(result.server_seq)
            if room is not None and result.result in ("applied", "merged"):
                room.incident_reported(sim_incident_id(simulator.scenario.id, index, incident), incident.at_s)
        if room is not None:
            seqs += room.due(t_now, now_ms, wall_of if preroll else None)
        return seqs

    async def on_tick(samples: list[Sample], incidents: list[Any]) -> None:
        try:
            if samples:
                await run_in_threadpool(storage.add_samples, samples)
                broadcaster.publish_samples(samples)
                if alarms is not None:
                    try:
                        anchor = (samples[0].ts_ms, simulator.t_s) if simulator is not None else None
                        for seq in await run_in_threadpool(
                            lambda: alarms.feed(samples, scenario_anchor=anchor)
                        ):
                            broadcaster.publish_change(seq)
                    except Exception:
                        # the tick's incidents are still reported
                        log.exception("alarm evaluation failed")
            seqs = await run_in_threadpool(report, incidents, int(time.time() * 1000))
            for seq in seqs:
                broadcaster.publish_change(seq)
        except Exception:
            # One bad tick (a full disk, a locked file) must not end the simulation.
            log.exception("simulator tick failed")

    async def _drill_loop() -> None:
        """The drill city follows the exercise clock: every tick the simulator is brought to
        the run's time (which stands still while paused, jumps on a seek), then the run
        releases what is due and reads the players' receipts and answers."""
        assert simulator is not None and drill is not None
        for seq in await run_in_threadpool(drill.catch_up):
            broadcaster.publish_change(seq)
        next_samples = 0.0
        while True:
            try:
                if time.monotonic() >= next_samples:  # the city: a sample a second
                    next_samples = time.monotonic() + simulator.interval_s
                    scale = drill.time_scale()
                    if alarms is not None:
                        alarms.set_time_scale(scale)
                    if fleet is not None:  # the units drive on the exercise clock too
                        fleet.speed = scale
                    t_s = drill.run.t_s(int(time.time() * 1000))
                    samples, incidents = simulator.advance_to(t_s)
                    await on_tick(samples, incidents)
                # the exercise: four times a second, so an inject is released within 15
                # exercise seconds of its time even at 60x
                seqs = await run_in_threadpool(drill.step)
                if seqs:
                    broadcaster.publish_change(max(seqs))
            except Exception:
                log.exception("drill tick failed")
            await asyncio.sleep(DRILL_TICK_S)

    def on_changes(seqs: list[int]) -> None:
        """The fleet committed resource documents (registration, status changes)."""
        if seqs:
            broadcaster.publish_change(max(seqs))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = None
        if alarms is not None:
            await run_in_threadpool(alarms.restore)  # a restart continues its open alarms
        if simulator is not None:
            if simulator.start_at_s > 0:
                samples, incidents = simulator.preroll()
                await run_in_threadpool(storage.add_samples, samples)
                if alarms is not None and samples:
                    # preroll samples are a second apart, the newest one a tick before start_at_s
                    anchor = (samples[-1].ts_ms + 1000, simulator.t_s)
                    await run_in_threadpool(lambda: alarms.feed(samples, scenario_anchor=anchor))
                await run_in_threadpool(report, incidents, int(time.time() * 1000), True)
            if drill is not None:
                task = asyncio.create_task(_drill_loop())
            else:
                task = asyncio.create_task(simulator.run(on_tick))
        listener = None
        if storage.postgres:
            # pushes committed by the OTHER platform processes on the database reach our streams
            loop = asyncio.get_running_loop()
            listener = ChangeListener(
                str(storage.path), lambda seq: loop.call_soon_threadsafe(broadcaster.publish_change, seq)
            )
            await run_in_threadpool(listener.start)
        fleet_task = None
        if fleet is not None:
            fleet_task = asyncio.create_task(fleet.run(broadcaster.publish_positions, on_changes))
        try:
            yield
        finally:
            broadcaster.close()
            if listener is not None:
                await run_in_threadpool(listener.stop)
            for running in (task, fleet_task):
                if running is not None:
                    running.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await running

    middleware = [Middleware(BearerAuth, users=Users(storage), token=token)]
    app = Starlette(
        routes=[
            Route("/v1/health", health, methods=["GET"]),
            Route("/v1/whoami", whoami, methods=["GET"]),
            Route("/v1/sync/push", push, methods=["POST"]),
            Route("/v1/sync/pull", pull, methods=["GET"]),
            Route("/v1/stream", stream, methods=["GET"]),
            Route("/v1/history", history, methods=["GET"]),
            Route("/v1/positions", positions, methods=["GET"]),
            Route("/v1/drill", drill_state, methods=["GET"]),
            Route("/v1/drill/events", drill_events, methods=["GET"]),
            Route("/v1/drill/command", drill_command, methods=["POST"]),
        ],
        middleware=middleware,
        lifespan=lifespan,
    )
    app.state.storage = storage
    app.state.simulator = simulator
    app.state.broadcaster = broadcaster
    app.state.fleet = fleet
    app.state.alarms = alarms
    app.state.drill = drill
    return app


_PLAYER_INJECT_FIELDS = ("id", "kind", "mode", "to", "from_zh", "from_en", "message_zh", "message_en", "state",
                         "released_ms", "released_t_s", "acknowledged_ms", "acknowledged_by")


def _players_view(state: dict) -> dict:
    released = [i for i in state["injects"] if i.get("released_ms") is not None]
    return {
        **{k: v for k, v in state.items() if k not in ("injects", "marks", "notes")},
        "scenario": {**state["scenario"], "objectives": []},
        "injects": [{k: i.get(k) for k in _PLAYER_INJECT_FIELDS} for i in released],
        "marks": {}, "notes": [], "players_view": True,
    }


async def _events(broadcaster: Broadcaster, sub: Subscription, hello: Hello) -> AsyncIterator[str]:
    try:
        yield sse("hello", hello.model_dump_json())
        next_ping = time.monotonic() + PING_INTERVAL_S
        while True:
            item = await sub.next(max(0.0, next_ping - time.monotonic()))
            if time.monotonic() >= next_ping:
                # A ping every 2 s whatever else flows: the client's 6 s read timeout then
                # means "the platform is gone", not "the city is quiet".
                next_ping = time.monotonic() + PING_INTERVAL_S
                yield ": ping\n\n"
            if item is None:
                continue
            if item[0] == "closed":
                return
            if item[0] == "change":
                yield sse("change", ChangeNotice(seq=item[1]).model_dump_json())
            else:
                yield item[1]
    finally:
        broadcaster.unsubscribe(sub)
