"""The map dock's view: a QWebEngineView showing the page built once by commandcenter.map.page.

After the page is loaded nothing re-renders it. Changes in the store become JSON deltas (see
commandcenter.map.bridge) in a queue that is flushed on a display tick, as one
``ccApply(...)`` call per tick, and only after the page has said it is ready: earlier calls
would hit a page without Leaflet. Clicks come back through one QWebChannel object, ``bridge``.
Imported layers (an optional interop LayerStore) travel the same way: each is one
``layer_set`` delta, sent when the page is ready and again by ``show_layer``.
An offline basemap (the first valid MBTiles package in the ``basemaps`` folder) is served by
the scheme handler and announced to the page as one ``basemap_set`` delta on ready; the page
puts it under everything else, as the base layer of the layer control.

Profile: the view owns a private, off-the-record QWebEngineProfile and installs the ``cc``
scheme handler there. The handler serves this view's page, nothing is shared with other web
views or written to disk, and several views (tests, a second window) never collide on one
handler. The page is a child of the view and is destroyed before the profile (see shutdown).
"""
from __future__ import annotations

import logging
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal, Slot
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile
from PySide6.QtWebEngineWidgets import QWebEngineView
from shiboken6 import isValid

from commandcenter.domain.catalog import Catalog
from commandcenter.domain.hooks import ChangeSet, Hooks
from commandcenter.domain.levels import Severity
from commandcenter.domain.machines import INCIDENT
from commandcenter.interop.errors import InteropError, LayerError
from commandcenter.interop.layers import LayerStore
from commandcenter.map import assets
from commandcenter.map.bridge import (
    BridgeError,
    batch_script,
    check_tile_url,
    fallback_delta,
    floorplans_delta,
    focus_delta,
    heat_delta,
    nearest_delta,
    incident_delta,
    incident_rows_delta,
    incident_rows_table,
    is_open_incident,
    layer_delta,
    layer_remove_delta,
    online_basemap_delta,
    parse_page_message,
    point_rows_delta,
    remove_delta,
    tile_origin,
    trail_delta,
    TRAIL_MINUTES,
)
from commandcenter.citymap import CityMap
from commandcenter.map.mbtiles import MBTiles, MBTilesError, basemap_delta, basemap_name, find_basemaps
from commandcenter.map.page_cache import cached_page
from commandcenter.paths import cache_dir
from commandcenter.store.db import Store, read_open_incidents_for_map
from commandcenter.ui import labels, map_feeds
from commandcenter.ui.url_scheme import (
    ASSET_BASE,
    INDEX_URL,
    ROWS_PATH,
    ROWS_URL,
    SCHEME,
    TILE_BASE,
    AppSchemeHandler,
    LocalOnlyInterceptor,
    is_registered,
    register_url_schemes,
)

__all__ = ["Bridge", "MapView", "register_url_schemes"]

log = logging.getLogger(__name__)

FLUSH_INTERVAL_MS = 100  # display tick: at most ten page updates a second
# One worker reads the open incidents into the page's binary rows table while Chromium loads
# the page (the GUI thread is mostly waiting then); the page fetches it through the scheme
# handler, so 100k incidents never pass through runJavaScript as JSON text.
_SNAPSHOTS = ThreadPoolExecutor(max_workers=1, thread_name_prefix="map-snapshot")
INCIDENTS = "incidents"


class Bridge(QObject):
    """The one object the page sees (as ``bridge``). It only forwards text: the view parses it."""

    def __init__(self, receive, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bridge")
        self._receive = receive

    @Slot(str)
    def on_page_message(self, text: str) -> None:
        self._receive(text)


class _MapPage(QWebEnginePage):
    """Routes the page's console to Python logging and keeps navigation on cc://."""

    _log = logging.getLogger("commandcenter.map.page")

    def javaScriptConsoleMessage(self, level, message, line, source):  # noqa: N802 (Qt API)
        levels = QWebEnginePage.JavaScriptConsoleMessageLevel
        if level == levels.ErrorMessageLevel:
            self._log.error("%s (%s:%d)", message, source, line)
        elif level == levels.WarningMessageLevel:
            self._log.warning("%s (%s:%d)", message, source, line)
        else:
            self._log.debug("%s (%s:%d)", message, source, line)

    def acceptNavigationRequest(self, url, nav_type, is_main_frame):  # noqa: N802 (Qt API)
        if url.scheme().encode() == SCHEME:
            return True
        self._log.warning("refused navigation to %s", url.toString())
        return False


class MapView(QWebEngineView):
    """The city map with live incidents. Observes the store; never writes to it."""

    map_ready = Signal()
    incident_clicked = Signal(str)
    feature_clicked = Signal(str, str)  # layer, id: any point layer (incidents too)
    area_selected = Signal(str)  # org unit code the user drilled into
    selection_made = Signal(dict)  # the shape drawn: {"type": "rect"|"polygon", ...}
    context_requested = Signal(float, float)  # lon, lat of a right-click
    # Private hops to the GUI thread: a hook may fire on whichever thread committed.
    _incident_ids_changed = Signal(list)
    _units_changed = Signal(list)
    _samples_changed = Signal()

    def __init__(
        self,
        catalog: Catalog,
        store: Store,
        hooks: Hooks,
        parent=None,
        *,
        lang: str = "zh",
        layers: LayerStore | None = None,
        basemaps: Path | None = None,
        tiles_url: str | None = None,
        city: CityMap | None = None,
    ) -> None:
        if not is_registered():
            raise RuntimeError(
                "the cc:// URL scheme is not registered: call "
                "commandcenter.ui.map_view.register_url_schemes() before creating the QApplication"
            )
        super().__init__(parent)
        self.setObjectName("map_view")
        self._catalog = catalog
        self._store = store
        self._hooks = hooks
        self._lang = lang
        self._ready = False
        self._ready_emitted = False
        self._closing = False
        self._queue: OrderedDict[tuple[str, str], dict] = OrderedDict()
        self._focus: str | None = None
        self._shown: set[str] = set()
        self._layers = layers
        self._hidden_layers: set[str] = set()  # hidden by hide_layer: not resent on ready
        self._city = city
        self._english = lang == "en"
        self._dirty_units: set[str] = set()
        self._unit_batches = 0
        self._dirty_samples = False
        plans, plan_files = map_feeds.floorplans(city, english=self._english) if city else ([], {})
        self._floorplans = plans
        # An online tile URL is used only when the user configured one; then it is the base
        # layer and its origin the one place outside the machine the page may load from.
        self._tiles_url = check_tile_url(tiles_url) if tiles_url else None
        origins = (tile_origin(self._tiles_url),) if self._tiles_url else ()
        self._basemap = None if self._tiles_url else _open_basemap(basemaps)  # (name, package) or None

        if not assets.vendor_ready():
            log.error(
                "map: Leaflet files are missing under %s; run tools/fetch-map-assets.sh",
                assets.vendor_dir(),
            )
        html = cached_page(catalog, cache_dir(), asset_base=ASSET_BASE, labels=self._labels(), lang=self._lang,
                           tile_origins=origins, rows_url=ROWS_URL)

        # Created without a parent and re-parented after the page, so that the view's children
        # are destroyed page first, profile second: a profile must never die under its page.
        profile = QWebEngineProfile()
        tiles = dict([self._basemap]) if self._basemap else {}
        self._handler = AppSchemeHandler(html, profile, tiles=tiles, files=plan_files)
        if self._basemap is not None:
            # The package is read while the profile can still ask for tiles, and closed after.
            package = self._basemap[1]
            profile.destroyed.connect(lambda *_: package.close())
        profile.installUrlSchemeHandler(SCHEME, self._handler)
        self.interceptor = LocalOnlyInterceptor(profile, allowed_origins=frozenset(origins))
        profile.setUrlRequestInterceptor(self.interceptor)
        self._page = _MapPage(profile, self)
        profile.setParent(self)
        self._profile = profile

        self._bridge = Bridge(self._on_bridge_message, self)
        self._channel = QWebChannel(self)
        self._channel.registerObject("bridge", self._bridge)
        self._page.setWebChannel(self._channel)
        self._page.loadFinished.connect(self._on_page_load_finished)
        self._page.renderProcessTerminated.connect(self._on_page_render_process_terminated)
        self.setPage(self._page)

        self._tick = QTimer(self)
        self._tick.setSingleShot(True)
        self._tick.setInterval(FLUSH_INTERVAL_MS)
        self._tick.timeout.connect(self._on_tick_timeout)

        # A `commandcenter import` while the client runs shows up without a restart: the layer
        # folder is watched, and a changed, new or deleted file updates the map.
        self._layer_stamps: dict[str, float] = {}
        self._layer_watcher: QFileSystemWatcher | None = None
        self._layer_check = QTimer(self)
        self._layer_check.setSingleShot(True)
        self._layer_check.setInterval(300)  # a file is written as a temp file and renamed
        self._layer_check.timeout.connect(self._on_layer_check_timeout)
        if layers is not None:
            try:
                layers.folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                log.warning("map: cannot watch %s: %s", layers.folder, exc)
            else:
                self._layer_stamps = self._stamp_layers()
                self._layer_watcher = QFileSystemWatcher([str(layers.folder)], self)
                self._layer_watcher.directoryChanged.connect(lambda _path: self._layer_check.start())

        self._incident_ids_changed.connect(self._on_store_incidents_changed)
        self._units_changed.connect(self._on_units_changed)
        self._samples_changed.connect(self._on_samples_changed)
        self.setup_hooks()
        self._load_page()

    # ------------------------------------------------------------------ public
    @property
    def is_ready(self) -> bool:
        """Whether the page has said it is ready and deltas are being delivered."""
        return self._ready

    @property
    def basemap(self) -> str | None:
        """The name the offline basemap is served under, None when the map has none."""
        return self._basemap[0] if self._basemap else None

    def served_tiles(self) -> list[str]:
        """The basemap tile paths the scheme handler answered with an image, oldest first."""
        return list(self._handler.served)

    def setup_hooks(self) -> None:
        self._hooks.changes_did_commit.append(self._on_hooks_changes_did_commit)
        self._hooks.positions_did_arrive.append(self._on_hooks_positions_did_arrive)
        self._hooks.samples_did_arrive.append(self._on_hooks_samples_did_arrive)

    def teardown_hooks(self) -> None:
        self._hooks.changes_did_commit.remove(self._on_hooks_changes_did_commit)
        self._hooks.positions_did_arrive.remove(self._on_hooks_positions_did_arrive)
        self._hooks.samples_did_arrive.remove(self._on_hooks_samples_did_arrive)

    def focus_incident(self, incident_id: str) -> bool:
        """Pan to an open incident, highlight it and open its popup.

        False (and nothing happens) when the incident does not exist or is closed. Before the
        page is ready the request waits in the queue.
        """
        row = self._store.get("incident", incident_id)
        if not is_open_incident(row):
            return False
        if incident_id not in self._shown:
            self._queue_incident(row)
            if incident_id not in self._shown:  # it could not be placed (logged)
                return False
        self._focus = incident_id
        self._schedule()
        return True

    def show_layer(self, name: str) -> bool:
        """(Re)send one stored layer, e.g. after an import: the page replaces its content.

        False (logged) when there is no layer store or the layer cannot be read. Before the
        page is ready the layer waits in the queue.
        """
        if self._layers is None or self._closing:
            return False
        self._hidden_layers.discard(name)
        if not self._queue_layer(name):
            return False
        self._schedule()
        return True

    def hide_layer(self, name: str) -> bool:
        """Take one imported layer off the map (the file stays); False for an invalid name."""
        try:
            delta = layer_remove_delta(name)
        except BridgeError:
            return False
        self._hidden_layers.add(name)
        self._enqueue(delta)
        self._schedule()
        return True

    def show_nearest(self, incident_id: str, n: int = 5) -> list[tuple[float, dict]]:
        """Draw lines from an open incident to its n nearest available units and return them
        as (metres, unit row), closest first ([] and nothing drawn for an unknown incident)."""
        row = self._store.get("incident", incident_id)
        if not is_open_incident(row) or row.get("lon") is None or row.get("lat") is None:
            return []
        found = map_feeds.nearest_available(self._store, row["lon"], row["lat"], n)
        units = [
            {"id": unit["id"], "lon": unit["lon"], "lat": unit["lat"],
             "label": f"{map_feeds.display_name(unit, self._english)} · {_distance_text(metres)}"}
            for metres, unit in found
        ]
        self._send_now(nearest_delta(row["lon"], row["lat"], units))
        return found

    def run_tool(self, tool: str | None) -> None:
        """Switch the page's map tool: "box", "polygon", "measure", or None for none."""
        self._send_now({"op": "tool_set", "layer": "tools", "tool": tool})

    def drill_to(self, code: str) -> bool:
        """Show one org unit (fitted, outlined, in the breadcrumb); False for an unknown code."""
        if code not in self._catalog.org_units:
            return False
        self._send_now({"op": "drill_to", "layer": "drill", "code": code})
        return True

    def _send_now(self, delta: dict) -> None:
        """Deltas that are commands rather than data: in order, after what is queued."""
        self._enqueue({**delta, "id": f"#{delta['op']}"})
        self._schedule()

    def shutdown(self) -> None:
        """Stop observing and delivering, and release the page before its profile. Idempotent."""
        if self._closing:
            return
        self._closing = True
        self.teardown_hooks()
        self._tick.stop()
        self._layer_check.stop()
        self._queue.clear()
        self._focus = None
        self._ready = False
        self._page.loadFinished.disconnect(self._on_page_load_finished)
        self._page.renderProcessTerminated.disconnect(self._on_page_render_process_terminated)
        self._channel.deregisterObject(self._bridge)
        self.stop()
        # The page must go before the profile (QtWebEngine warns and may crash otherwise), so
        # the profile is released only once the page is gone.
        page, self._page = self._page, None
        page.destroyed.connect(self._profile.deleteLater)
        page.deleteLater()

    # ---------------------------------------------------------------- handlers
    def _on_page_load_finished(self, ok: bool) -> None:
        if not ok:
            log.error("map: the page %s failed to load", INDEX_URL.toString())

    def _on_page_render_process_terminated(self, status, exit_code: int) -> None:
        """A crashed renderer takes the page with it: reload, and resend everything on ready."""
        log.error("map: the page's renderer ended (%s, code %d); reloading", status, exit_code)
        self._ready = False
        self._shown.clear()
        if not self._closing:
            self._load_page()

    def _on_bridge_message(self, text: str) -> None:
        if self._closing:
            return
        try:
            message = parse_page_message(text)
        except BridgeError as exc:
            log.warning("map: dropped a bad page message (%s): %s", exc.field or "message", exc)
            return
        if message.type == "ready":
            self._on_page_ready(message.rows)
        elif message.type == "feature_clicked":
            self.feature_clicked.emit(message.layer, message.id)
            if message.layer == INCIDENTS:
                self.incident_clicked.emit(message.id)
        elif message.type == "area_selected":
            if message.code in self._catalog.org_units:
                self.area_selected.emit(message.code)
            else:
                log.warning("map: the page selected an unknown org unit %s", message.code)
        elif message.type == "selection":
            self.selection_made.emit(message.shape)
        elif message.type == "context":
            self.context_requested.emit(message.lon, message.lat)
        elif message.type == "error":
            log.warning("map page: %s", message.message)

    def _on_page_ready(self, rows_placed: bool) -> None:
        self._ready = True
        if not rows_placed:
            # The page could not fetch or read the rows table: the incidents go the old way.
            self._handler.drop(ROWS_PATH)
            self._snapshot_sent = False
            self._send_snapshot()
        self._snapshot = None
        if self._city is not None:
            # the vector base first: a raster basemap that follows replaces it
            self._enqueue(fallback_delta(self._city.fallback))
        if self._tiles_url is not None:
            self._enqueue(online_basemap_delta(self._tiles_url, self.tr("Online map")))
        elif self._basemap is not None:
            name, package = self._basemap
            self._enqueue(basemap_delta(name, package, TILE_BASE))
        self._queue_city_layers()
        self._queue_units(None)
        if self._layers is not None:
            for name in self._layers.names():
                if name not in self._hidden_layers:
                    self._queue_layer(name)
        # The first content goes at once: the display tick batches live changes, and there is
        # nothing to batch with yet.
        self._flush()
        if not self._ready_emitted:
            self._ready_emitted = True
            self.map_ready.emit()

    def _on_hooks_changes_did_commit(self, changes: ChangeSet) -> None:
        if not isValid(self):
            # A view deleted without shutdown(): drop the late callback (and the subscription)
            # rather than break the command that committed.
            self._hooks.changes_did_commit.remove(self._on_hooks_changes_did_commit)
            return
        if changes.touches("incident"):
            self._incident_ids_changed.emit(sorted(changes.entities["incident"]))
        if changes.touches("resource"):
            self._units_changed.emit(sorted(changes.entities["resource"]))
        if changes.touches("alarm"):
            self._samples_changed.emit()  # the sensors show their alarms

    def _on_hooks_positions_did_arrive(self, ids: list) -> None:
        if isValid(self):
            self._units_changed.emit(list(ids))

    def _on_hooks_samples_did_arrive(self, _samples) -> None:
        if isValid(self):
            self._samples_changed.emit()

    def _on_units_changed(self, ids: list) -> None:
        if self._closing:
            return
        self._dirty_units.update(ids)
        self._schedule()

    def _on_samples_changed(self) -> None:
        if self._closing or self._city is None:
            return
        self._dirty_samples = True
        self._schedule()

    def _on_store_incidents_changed(self, ids: list) -> None:
        if self._closing:
            return
        for incident_id in ids:
            row = self._store.get("incident", incident_id)
            if is_open_incident(row):
                self._queue_incident(row)
            else:
                self._queue_removal(incident_id)
        self._schedule()

    def _on_tick_timeout(self) -> None:
        self._flush()

    def _stamp_layers(self) -> dict[str, float]:
        stamps = {}
        for name in self._layers.names():
            try:
                stamps[name] = self._layers.path_of(name).stat().st_mtime_ns
            except OSError:
                continue
        return stamps

    def _on_layer_check_timeout(self) -> None:
        if self._closing or self._layers is None:
            return
        stamps = self._stamp_layers()
        for name, stamp in stamps.items():
            if self._layer_stamps.get(name) != stamp and name not in self._hidden_layers:
                log.info("map: layer %s changed on disk; showing it", name)
                self._queue_layer(name)
        for name in set(self._layer_stamps) - set(stamps):
            log.info("map: layer %s was deleted; taking it off the map", name)
            try:
                self._enqueue(layer_remove_delta(name))
            except BridgeError:
                pass
        self._layer_stamps = stamps
        self._schedule()

    # ----------------------------------------------------------------- helpers
    def _load_page(self) -> None:
        """Load the page; the open incidents are read on a worker meanwhile, into the binary
        table the page fetches from the scheme handler as its first act (ROWS_URL)."""
        self._snapshot = _SNAPSHOTS.submit(_incident_snapshot, self._store.path)
        self._snapshot_sent = False
        snapshot = self._snapshot
        self._handler.serve_once(ROWS_PATH, snapshot, _snapshot_bytes, lambda: self._on_snapshot_served(snapshot))
        self.load(INDEX_URL)

    def _on_snapshot_served(self, snapshot) -> None:
        """The page has the rows table: what it carries is shown, and changes queued since
        the read are re-read now, so none of them is older than the table. They reach the
        page after it, because the page says it is ready only once the table is placed."""
        if self._closing or snapshot is not self._snapshot:
            return  # a page since reloaded (its own table follows)
        _data, ids, skipped = snapshot.result()
        self._snapshot_sent = True
        self._shown.clear()
        self._shown.update(ids)
        if skipped:
            log.warning("map: %d open incidents have no valid id or position and are not shown", skipped)
        self._reread_queued_incidents()

    def _send_snapshot(self) -> None:
        """Every open incident as one compact JSON delta through runJavaScript: the way when
        the page could not fetch the rows table. Read here, on the GUI thread (a rare path)."""
        if self._snapshot_sent or self._closing or self._page is None:
            return
        self._snapshot_sent = True
        self._shown.clear()
        delta, ids, skipped = incident_rows_delta(self._store.open_incidents_for_map())
        if skipped:
            log.warning("map: %d open incidents have no valid id or position and are not shown", skipped)
        self._page.runJavaScript(batch_script([delta]))
        self._shown.update(ids)
        self._reread_queued_incidents()

    def _reread_queued_incidents(self) -> None:
        changed = [key[1] for key in self._queue if key[0] == INCIDENTS]
        for incident_id in changed:
            row = self._store.get("incident", incident_id)
            if is_open_incident(row):
                self._queue_incident(row)
            else:
                self._queue_removal(incident_id)

    def _labels(self) -> dict:
        """The page's words, translated here like every other user-visible string (statuses
        come from ui/labels.py so the map says what the board says)."""
        return {
            "districts": self.tr("District boundaries"),
            "streets": self.tr("Street boundaries"),
            "communities": self.tr("Community boundaries"),
            "incidents": self.tr("Incidents"),
            "severity": self.tr("Severity"),
            "status": self.tr("Status"),
            "category": self.tr("Type"),
            "org_unit": self.tr("Area"),
            "statuses": {code: labels.incident_status(code) for code in INCIDENT.states},
            "legend": self.tr("Legend"),
            "units": self.tr("Units"),
            "sensors": self.tr("Sensors"),
            "cameras": self.tr("Cameras"),
            "sites": self.tr("Key sites"),
            "heat": self.tr("Crowd density"),
            "floorplans": self.tr("Floor plans"),
            "tool_box": self.tr("Box"),
            "tool_polygon": self.tr("Lasso"),
            "tool_measure": self.tr("Measure"),
            "tool_clear": self.tr("Clear"),
            **{f"site_{kind}": labels.site_kind(kind) for kind in ("hospital", "shelter", "school")},
            **{f"unit_{status}": self.tr("Unit: %1").replace("%1", labels.resource_status(status))
               for status in ("available", "en_route", "on_scene", "out_of_service")},
            "layer_count": self.tr("{n} features"),
            "layer_count_one": self.tr("1 feature"),
            **{f"severity_{s.name}": labels.severity(s.name) for s in Severity},
        }

    def _queue_incident(self, row: dict) -> None:
        try:
            delta = incident_delta(row, self._catalog, lang=self._lang)
        except BridgeError as exc:
            log.warning("map: incident %s cannot be shown (%s): %s", row.get("id"), exc.field, exc)
            self._queue_removal(str(row.get("id") or ""))
            return
        self._enqueue(delta)
        self._shown.add(delta["id"])

    def _queue_layer(self, name: str) -> bool:
        """Read one layer from the data dir and queue it; a bad file is logged, never raised."""
        try:
            delta = layer_delta(self._layers.load(name))
        except (LayerError, InteropError, BridgeError, OSError) as exc:
            log.warning("map: layer %s cannot be shown: %s", name, exc)
            return False
        self._enqueue(delta)
        return True

    def _queue_removal(self, incident_id: str) -> None:
        try:
            delta = remove_delta(INCIDENTS, incident_id)
        except BridgeError:
            return
        self._enqueue(delta)
        self._shown.discard(incident_id)
        if self._focus == incident_id:
            self._focus = None

    def _enqueue(self, delta: dict) -> None:
        """Newest delta per feature (or per imported layer) wins: a burst of edits costs one update."""
        key = (delta["layer"], delta.get("id", ""))
        self._queue.pop(key, None)
        self._queue[key] = delta

    def _queue_city_layers(self) -> None:
        """Key sites, cameras and floor plans (static), sensors and the heat map (live)."""
        if self._city is None:
            return
        city, english = self._city, self._english
        self._enqueue(point_rows_delta("sites", map_feeds.SITE_FIELDS, map_feeds.site_rows(city, self._catalog, english=english)))
        self._enqueue(point_rows_delta("cameras", map_feeds.CAMERA_FIELDS, map_feeds.camera_rows(city, self._catalog, english=english)))
        if self._floorplans:
            self._enqueue(floorplans_delta(self._floorplans))
        self._queue_sensors()

    def _queue_sensors(self) -> None:
        latest = self._store.latest_samples()
        rows = map_feeds.sensor_rows(self._city, self._catalog, latest, english=self._english,
                                     alarms=map_feeds.open_alarms_by_indicator(self._store))
        self._enqueue(point_rows_delta("sensors", map_feeds.SENSOR_FIELDS, rows))
        self._enqueue(heat_delta(map_feeds.heat_points(self._city, self._catalog, latest)))
        self._dirty_samples = False

    def _queue_units(self, ids: set[str] | None) -> None:
        """Units where they are now; on a full load (ids None) their trails too."""
        rows = map_feeds.unit_rows(self._store, self._catalog, english=self._english, ids=ids)
        self._unit_batches += 1  # each batch its own queue entry: none replaces another
        key = ("units", "*" if ids is None else f"+{self._unit_batches}")
        delta = point_rows_delta("units", map_feeds.UNIT_FIELDS, rows)
        self._queue.pop(key, None)
        self._queue[key] = delta
        if ids is None:
            since = int(time.time() * 1000) - TRAIL_MINUTES * 60_000
            for unit_id, points in self._store.trails(since).items():
                trail = [(lon, lat, ts) for ts, lon, lat in points]
                self._enqueue(trail_delta("units", unit_id, trail))

    def _schedule(self) -> None:
        if self._ready and not self._closing and (self._queue or self._focus or self._dirty_units or self._dirty_samples) \
                and not self._tick.isActive():
            self._tick.start()

    def _flush(self) -> None:
        if not self._ready or self._closing or self._page is None:
            return
        if self._dirty_units:
            ids, self._dirty_units = self._dirty_units, set()
            self._queue_units(ids)
        if self._dirty_samples and self._city is not None:
            self._queue_sensors()
        deltas = list(self._queue.values())
        self._queue.clear()
        if self._focus is not None:
            # Last, so the incident it points at has been upserted by then.
            deltas.append(focus_delta(INCIDENTS, self._focus))
            self._focus = None
        if deltas:
            self._page.runJavaScript(batch_script(deltas))


def _distance_text(metres: float) -> str:
    return f"{metres / 1000:.1f} km" if metres >= 1000 else f"{round(metres)} m"


def _incident_snapshot(path: Path) -> tuple[bytes, list[str], int]:
    """On the worker: every open incident of the store file as the page's rows table."""
    return incident_rows_table(read_open_incidents_for_map(path))


def _snapshot_bytes(snapshot: tuple[bytes, list[str], int]) -> bytes:
    return snapshot[0]


def _open_basemap(folder: Path | None) -> tuple[str, MBTiles] | None:
    """The first package in `folder` that is a valid raster MBTiles; a bad one is logged and
    skipped, so a stray file never leaves the map without the good package beside it."""
    for path in find_basemaps(folder):
        try:
            package = MBTiles(path)
        except MBTilesError as exc:
            log.warning("map: basemap skipped: %s", exc)
            continue
        log.info("map: offline basemap %s (%s)", path, package.metadata["name"])
        return basemap_name(path), package
    return None
