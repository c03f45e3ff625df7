"""The composition root: one QApplication, one qasync event loop, the services, the window.

Nothing else creates an event loop. Shutdown (aboutToQuit) stops the sync engine, closes the
HTTP client and the database, and saves the layout.
"""
from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from contextlib import suppress
from pathlib import Path
from typing import Callable

from commandcenter.paths import DataDir

log = logging.getLogger(__name__)

ORG = "commandcenter"
APP_NAME = "commandcenter"
# At 60x one real minute is one scenario hour: five minutes of chart show five hours of city.
DEMO_WINDOW_S = 300
# sync starts when the map is ready, or after this long at the latest
SYNC_START_LATEST_MS = 1500
SWEEP_INTERVAL_MS = 10_000  # the escalation rule looks at the clock this often
SWEEP_AFTER_PULL_MS = 1_000  # and this soon after tasks arrive by pull


def prepare_environment(headless: bool = False) -> None:
    """Environment Qt reads at start-up (before the QApplication exists)."""
    if headless or not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--no-sandbox" not in flags:
        # QtWebEngine refuses to run its sandbox as root.
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = (flags + " --no-sandbox").strip()
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen" and "--disable-gpu" not in os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", ""):
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] += " --disable-gpu"


def create_qapp(lang: str = "zh_CN", argv: list[str] | None = None):
    """The QApplication with URL schemes registered, translators installed, theme applied."""
    from PySide6.QtWidgets import QApplication

    from commandcenter.ui.i18n import install_translators
    from commandcenter.ui.map_view import register_url_schemes
    from commandcenter.ui.theme import apply_dark_theme

    register_url_schemes()
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    app.setOrganizationName(ORG)
    app.setApplicationName(APP_NAME)
    install_translators(app, lang)
    apply_dark_theme(app, plots=False)  # the charts configure pyqtgraph when they are built
    return app


def setup_logging(data: DataDir) -> None:
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=[logging.FileHandler(data.log_file, encoding="utf-8"), logging.StreamHandler()],
    )


class ClientSession:
    """The services of one running client: store, sync engine, window. Owns their lifetime."""

    def __init__(self, data: DataDir, platform_url: str | None, *, mode: str = "live",
                 vitals_window_s: int = 3600, size: tuple[int, int] | None = None,
                 tiles_url: str | None = None, drill=None, clock=None, layout: str | None = None) -> None:
        for _ in self._build(data, platform_url, mode, vitals_window_s, size, tiles_url, drill, clock, layout):
            pass

    @classmethod
    async def open(cls, data: DataDir, platform_url: str | None, *, mode: str = "live",
                   vitals_window_s: int = 3600, size: tuple[int, int] | None = None,
                   tiles_url: str | None = None, drill=None, clock=None,
                   layout: str | None = None) -> "ClientSession":
        """Build the session letting the event loop run between steps.

        QtWebEngine runs Chromium's browser side on this thread: the map page only makes
        progress (navigation, renderer start, asset requests) when the loop runs. Yielding
        between the steps lets it load while the charts and panels are imported and built.
        """
        self = cls.__new__(cls)
        for _ in self._build(data, platform_url, mode, vitals_window_s, size, tiles_url, drill, clock, layout):
            await asyncio.sleep(0)
        return self

    def _build(self, data: DataDir, platform_url: str | None, mode: str, vitals_window_s: int,
               size: tuple[int, int] | None, tiles_url: str | None = None, drill=None, clock=None,
               layout: str | None = None):
        """The construction steps; each `yield` is a point where the event loop may run.
        (Importing pyqtgraph on a worker thread instead was measured slower: the import and
        the GUI thread's callbacks contend for the GIL.)"""
        from PySide6.QtCore import QSettings

        from commandcenter.catalog import load_catalog
        from commandcenter.domain.clock import SystemClock
        from commandcenter.domain.hooks import Hooks
        from commandcenter.interop.layers import LayerStore
        from commandcenter.store import Store
        from commandcenter.ui import labels
        from commandcenter.ui.map_view import MapView

        self.data = data
        self.hooks = Hooks()
        self.clock = clock or SystemClock()  # a replay's: the recorded moment shown
        self.catalog = load_catalog()
        # a drill's cache is its run's own file, and says so (store/db.py: live and drill never share one)
        self.drill = drill
        self.store = Store(data.cache_db, clock=self.clock, hooks=self.hooks, user=os.environ.get("USER", "operator"),
                           mode="drill" if mode == "drill" else "live",
                           run_id=drill.run_id if mode == "drill" and drill is not None else None)
        self.platform_url = platform_url
        self.client = None
        self.engine = None
        self._engine_task: asyncio.Task | None = None
        self._closing = False
        self._paused = False  # "Work offline"
        # The map view first: its page starts loading at once and the WebEngine processes work
        # on the other core while the charts (pyqtgraph) and the rest are imported and built;
        # sync comes after the map is ready (start()).
        settings = QSettings(str(data.settings_file), QSettings.Format.IniFormat)
        self.store.seat = _seat_from_settings(settings)
        self.city = _load_city_map(self.catalog)
        map_view = MapView(self.catalog, self.store, self.hooks, lang="en" if labels.english() else "zh",
                           layers=LayerStore(data.root), basemaps=data.root / "basemaps",
                           tiles_url=_tiles_url(tiles_url, settings), city=self.city)
        yield
        from commandcenter.ui.main_window import MainWindow, Services

        yield
        from commandcenter.ui.board import LinkageBoard
        from commandcenter.ui.incident_detail import IncidentDetail
        from commandcenter.ui.vitals import VitalsPanel

        s = Services(
            catalog=self.catalog,
            store=self.store,
            hooks=self.hooks,
            clock=self.clock,
            poke=self._poke,
            mode=mode,
            vitals_window_s=vitals_window_s,
            city=self.city,
            drill=drill,
        )
        # the detail chart (pyqtgraph, ~0.3 s to import) is built once the command view is ready
        vitals = VitalsPanel(s.catalog, s.store, s.hooks, s.clock, window_s=s.vitals_window_s, defer_chart=True)
        yield
        board = LinkageBoard(s.catalog, s.store, s.hooks, s.clock)
        yield
        detail = IncidentDetail(s.catalog, s.store, s.hooks, s.clock, on_command=s.poke)
        from commandcenter.ui.alarms import AlarmPanel

        sensor_places = {sensor.indicator: (sensor.lon, sensor.lat) for sensor in (self.city.sensors if self.city else ())}
        alarms = AlarmPanel(s.catalog, s.store, s.hooks, s.clock, poke=s.poke, positions=sensor_places)
        yield
        self.window = MainWindow(s, settings, map_view=map_view, vitals=vitals, board=board, detail=detail,
                                 alarms=alarms)
        if size:
            self.window.resize(*size)
        elif settings.value("window/geometry") is None:
            self.window.resize(1600, 960)
        if layout is not None:  # --layout: as if chosen in the Layout menu
            self.window.apply_named_layout(layout)
        # the escalation rule and the report reminders run on the clock, offline too
        from PySide6.QtCore import QTimer

        self.sweep_timer = QTimer(self.window)
        self.sweep_timer.setObjectName("escalation_sweep_timer")
        self.sweep_timer.setInterval(SWEEP_INTERVAL_MS)
        self.sweep_timer.timeout.connect(self.sweep)
        self.sweep_timer.start()
        # tasks that arrive by pull may be overdue already (a post back online, a first start):
        # look at them soon, not at the next tick
        self._sweep_soon = QTimer(self.window)
        self._sweep_soon.setSingleShot(True)
        self._sweep_soon.setInterval(SWEEP_AFTER_PULL_MS)
        self._sweep_soon.timeout.connect(self.sweep)
        self.hooks.changes_did_commit.append(self._on_changes_committed)
        self.window.window_closed.connect(self._stop_sweeping)
        self.window.work_offline_toggled.connect(self._on_work_offline_toggled)

    def _stop_sweeping(self) -> None:
        self.hooks.changes_did_commit.remove(self._on_changes_committed)  # again: no harm
        self.sweep_timer.stop()
        self._sweep_soon.stop()

    def _on_changes_committed(self, changes) -> None:
        if changes.origin == "pull" and changes.touches("task") and not self._sweep_soon.isActive():
            self._sweep_soon.start()

    def sweep(self):
        """One pass of the escalation rule and the report reminders (store/escalation.py).
        A failure is logged, never raised into the event loop: the next pass tries again."""
        from commandcenter.store.escalation import sweep

        try:
            result = sweep(self.store, self.catalog)
        except Exception:
            log.exception("escalation sweep failed")
            return None
        if result:
            log.info("escalation sweep: %d escalated, %d report reminders", result.escalated, result.reminders)
            self._poke()
        if result.more and not self._sweep_soon.isActive():  # a backlog: the next batch soon
            self._sweep_soon.start()
        return result

    def _poke(self) -> None:
        if self.engine is not None:
            self.engine.poke()

    def start(self) -> None:
        """Connect to the platform (if there is one) and keep syncing until aclose().

        The first picture comes first: the map's assets and bridge are served on this thread,
        and importing and starting sync (~0.25 s) would hold them and the first chart back.
        With a cache that holds the city (a restart), sync starts once the command view is
        ready; with an empty cache (a first start) as soon as the map is ready, since only the
        platform can fill the board. At the latest after SYNC_START_LATEST_MS.
        """
        if self.platform_url is None:
            return
        from PySide6.QtCore import QTimer

        window = self.window
        if self.store.cursor == 0:
            if window.map_view.is_ready:
                self._start_sync()
            else:
                window.map_view.map_ready.connect(self._start_sync_soon)
        elif window.is_ready:
            self._start_sync()
        else:
            window.command_view_ready.connect(self._start_sync_soon)
        QTimer.singleShot(SYNC_START_LATEST_MS, self._start_sync)

    def _start_sync_soon(self) -> None:
        """Start sync from the event loop, not inside the signal that says the view (or the
        map) is ready: its other receivers (the map's first deltas, whoever waits for the
        view) run first, and the import (~0.3 s) comes after them."""
        asyncio.get_event_loop().call_soon(self._start_sync)

    def _start_sync(self) -> None:
        if self.engine is not None or self._closing or self._paused:
            return
        from commandcenter.sync.client import PlatformClient
        from commandcenter.sync.engine import SyncEngine

        from PySide6.QtCore import QSettings

        # the bearer token and CA file: settings platform/token and platform/ca_file (the
        # command line's --token / --ca-file write them)
        settings = QSettings(str(self.data.settings_file), QSettings.Format.IniFormat)
        self.client = PlatformClient(self.platform_url, token=settings.value("platform/token") or None,
                                     ca_file=settings.value("platform/ca_file") or None)
        self.engine = SyncEngine(self.store, self.hooks, self.client, clock=self.clock, indicators=self.catalog.indicators)
        self._engine_task = asyncio.get_event_loop().create_task(self.engine.run())

    def _on_work_offline_toggled(self, offline: bool) -> None:
        if offline:
            asyncio.get_event_loop().create_task(self.pause_sync())
        else:
            self.resume_sync()

    async def pause_sync(self) -> None:
        """Work offline (the Sync menu): stop the engine; the outbox keeps every command and
        resume_sync() pushes them. The status bar says offline, and why."""
        self._paused = True  # nothing starts sync again (the start-up timers) until resume_sync()
        engine, task, client = self.engine, self._engine_task, self.client
        if engine is None:
            return
        self.engine = self._engine_task = self.client = None
        await engine.stop()
        if task is not None:
            with suppress(asyncio.CancelledError, Exception):
                await task
        if client is not None:
            await client.aclose()
        from commandcenter.domain.hooks import ConnectionStatus

        self.hooks.connection_did_change(ConnectionStatus(
            "offline", self.store.pending_count(), engine.status.last_sync_ms))

    def resume_sync(self) -> None:
        """Back online after pause_sync()."""
        self._paused = False
        if self.platform_url is not None:
            self._start_sync()

    async def aclose(self) -> None:
        self._closing = True
        self._stop_sweeping()
        self.window.shutdown()
        if self.window.drill_console is not None:
            await self.window.drill_console.aclose()
        if self.window.banner_clock is not None:
            await self.window.banner_clock.aclose()
        if self.engine is not None:
            await self.engine.stop()
        if self._engine_task is not None:
            self._engine_task.cancel()
            with suppress(asyncio.CancelledError, Exception):
                await self._engine_task
        if self.client is not None:
            await self.client.aclose()
        self.store.close()


def run_event_loop(app, main: Callable[[], "asyncio.Future | object"]) -> int:
    """Run `main()` (a coroutine function) on the one qasync loop until the app quits."""
    import qasync

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        return loop.run_until_complete(main())


def _load_city_map(catalog):
    """The city's map data; a broken file is logged and the map goes on without those layers."""
    from commandcenter.citymap import CatalogError, load_city_map

    try:
        return load_city_map(catalog=catalog)
    except (CatalogError, OSError) as exc:
        log.error("map: the city's sites, sensors and cameras are not shown: %s", exc)
        return None


def import_scenario_warning(scenario: Path, data: DataDir) -> str | None:
    """A scenario may come with its warning, `<scenario>.cap.xml` beside it (CAP 1.2): the
    demo and the snapshot put it on the map as the layer `cap-demo-<scenario>`. Returns the
    layer name, or None when there is no such file (a broken one is logged, not fatal)."""
    from commandcenter.interop.cap import read_cap
    from commandcenter.interop.errors import InteropError, LayerError
    from commandcenter.interop.layers import LayerStore, sanitise_name

    path = scenario.with_name(scenario.name.removesuffix(".yaml") + ".cap.xml")
    if not path.is_file():
        return None
    name = sanitise_name(f"cap-demo-{scenario.stem}")
    try:
        LayerStore(data.root).save(read_cap(path, name=name), replace=True)
    except (InteropError, LayerError, OSError) as exc:
        log.error("demo: the scenario's warning %s is not shown: %s", path, exc)
        return None
    return name


def _seat_from_settings(settings):
    """Who sits here: seat/role and seat/department in the settings (the Seat menu writes
    them); the commander when unset or not valid."""
    from commandcenter.domain.roles import Seat

    try:
        return Seat(str(settings.value("seat/role") or "commander"), str(settings.value("seat/department") or "") or None)
    except ValueError as exc:
        log.error("seat: ignoring the seat in %s: %s", settings.fileName(), exc)
        return Seat()


def _tiles_url(given: str | None, settings) -> str | None:
    """The online tile URL: the command line's, else the settings' (map/tiles_url), else none.
    A bad one in the settings is logged and the map stays offline."""
    from commandcenter.map.bridge import BridgeError, check_tile_url

    url = given or settings.value("map/tiles_url") or None
    if url is None:
        return None
    try:
        return check_tile_url(url)
    except BridgeError as exc:
        log.error("map: ignoring map/tiles_url in %s: %s", settings.fileName(), exc)
        return None


def run_client(data: DataDir, *, platform_url: str | None = None, lang: str = "zh_CN",
               mode: str = "live", tiles_url: str | None = None, seat=None,
               token: str | None = None, ca_file: str | None = None, drill=None, layout: str | None = None) -> int:
    prepare_environment()
    setup_logging(data)
    app = create_qapp(lang)
    if seat is not None:  # --seat: as if chosen in the Seat menu
        from PySide6.QtCore import QSettings

        settings = QSettings(str(data.settings_file), QSettings.Format.IniFormat)
        settings.setValue("seat/role", seat.role)
        settings.setValue("seat/department", seat.department or "")
        settings.sync()
    if token is not None or ca_file is not None:  # --token / --ca-file: remembered
        from PySide6.QtCore import QSettings

        settings = QSettings(str(data.settings_file), QSettings.Format.IniFormat)
        if token is not None:
            settings.setValue("platform/token", token)
        if ca_file is not None:
            settings.setValue("platform/ca_file", str(Path(ca_file).resolve()))
        settings.sync()
    if platform_url is None:
        from PySide6.QtCore import QSettings

        platform_url = QSettings(str(data.settings_file), QSettings.Format.IniFormat).value("platform/url")

    async def main() -> int:
        # Shut down BEFORE the app quits: once Qt's loop has quit, qasync runs no more
        # coroutines, so the clean-up (stop sync, close the client and the database, save the
        # layout) must be awaited first. Closing the window, SIGTERM (a service manager,
        # `kill`) and Ctrl+C all come here.
        quit_requested = asyncio.Event()
        app.setQuitOnLastWindowClosed(False)
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: quit_requested.set())
        session = await ClientSession.open(data, platform_url, mode=mode,
                                           vitals_window_s=DEMO_WINDOW_S if mode in ("demo", "drill") else 3600,
                                           tiles_url=tiles_url, drill=drill, layout=layout)
        session.window.window_closed.connect(quit_requested.set)
        session.window.show()
        session.start()
        await quit_requested.wait()
        await session.aclose()
        session.window.close()
        session.window.deleteLater()
        await asyncio.sleep(0.2)  # deferred deletes: the map's page, then its profile
        return 0

    return run_event_loop(app, main)


def run_demo(data: DataDir, *, scenario: Path, speed: float = 60.0, port: int = 0, lang: str = "zh_CN",
             tiles_url: str | None = None, seat=None, layout: str | None = None) -> int:
    """The embedded platform with the city simulator, and the client connected to it.

    Its state lives in DATA_DIR/demo: a simulated city never mixes with a live cache.
    """
    from commandcenter.embedded import PlatformProcess, PlatformStartError

    data = DataDir(data.root / "demo").ensure()
    import_scenario_warning(scenario, data)
    # the embedded platform has users: it makes a commander "demo" and hands its token over
    platform = PlatformProcess(data.platform_db, scenario=scenario, speed=speed, port=port, demo_user="demo")
    try:
        url = platform.start()
    except PlatformStartError as exc:
        print(f"commandcenter: error: {exc}", file=sys.stderr)
        return 1
    print(f"demo: platform at {url}, scenario {scenario.name}, {speed:g}x", flush=True)
    try:
        return run_client(data, platform_url=url, lang=lang, mode="demo", tiles_url=tiles_url, seat=seat,
                          token=platform.user_token, layout=layout)
    finally:
        platform.stop()



def drill_folder(data: DataDir, run_id: str, seat=None) -> DataDir:
    """Where a drill run's files live: DATA_DIR/drills/RUN (the coordinator's cache and the
    drill platform's database), a joined seat's cache in DATA_DIR/drills/RUN/seat-ROLE[-DEPT].
    Never the live cache's folder."""
    root = data.root / "drills" / run_id
    if seat is not None:
        root = root / ("seat-" + seat.role + (f"-{seat.department}" if seat.department else ""))
    return DataDir(root).ensure()


def run_drill(data: DataDir, *, scenario: Path, run_id: str, port: int = 0, host: str = "127.0.0.1",
              lang: str = "zh_CN", tiles_url: str | None = None, layout: str | None = None) -> int:
    """`drill run FILE`: the drill platform on the run's own database (started, or resumed
    when the run exists), and the coordinator's client on the run's own cache, with the
    exercise banner and the console. Players join with `drill join URL`."""
    from commandcenter.catalog import load_catalog
    from commandcenter.domain.roles import Seat
    from commandcenter.drills.scenario import load_scenario
    from commandcenter.embedded import PlatformProcess, PlatformStartError
    from commandcenter.ui.drill_console import DrillLink

    drill = load_scenario(scenario, load_catalog())
    folder = drill_folder(data, run_id)
    platform = PlatformProcess(folder.platform_db, scenario=scenario, port=port, host=host,
                               extra_args=["--drill", run_id])
    try:
        url = platform.start()
    except PlatformStartError as exc:
        print(f"commandcenter: error: {exc}", file=sys.stderr)
        return 1
    print(f"drill: run {run_id} of {scenario.name} ({drill.title_zh} / {drill.title_en}), drill platform at {url}; "
          f"files in {folder.root}. Seats join with: commandcenter drill join {url} --seat seat:DEPARTMENT",
          flush=True)
    link = DrillLink(url, run_id, drill.title_zh if lang != "en" else drill.title_en, console=True)
    try:
        return run_client(folder, platform_url=url, lang=lang, mode="drill", tiles_url=tiles_url,
                          seat=Seat("commander"), drill=link, layout=layout)
    finally:
        platform.stop()


def run_drill_seat(data: DataDir, *, url: str, run_id: str, title: str, lang: str = "zh_CN", seat=None,
                   tiles_url: str | None = None, token: str | None = None, layout: str | None = None) -> int:
    """`drill join URL`: a player's seat on the drill platform, on its own drill cache."""
    from commandcenter.ui.drill_console import DrillLink

    folder = drill_folder(data, run_id, seat)
    link = DrillLink(url, run_id, title, token=token, console=False)
    return run_client(folder, platform_url=url, lang=lang, mode="drill", tiles_url=tiles_url, seat=seat,
                      token=token, drill=link, layout=layout)
