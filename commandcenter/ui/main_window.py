"""The command view: one window, its docks (map, vitals, board, incident, alarms, notices,
command log, audit; on first use the video and selection docks), assembled from the services
it is given, and the seat menu (who sits here: the role decides which actions are offered).

The window wires signals between docks; docks never import each other. The layout is saved
on close and restored after every dock exists.

Start-up: what the first frame does not show is built after it. The command-log and audit
docks are tabs behind the incident panel: their docks (and tabs) exist at once, their panels
are built when the dock is first shown or, at the latest, in the idle steps right after the
command view is ready, with the vitals' detail chart (pyqtgraph). See docs/decisions.md.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QActionGroup, QCursor
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QMenu, QWidget

from commandcenter.citymap import CityMap, camera_source
from commandcenter.domain.catalog import Catalog
from commandcenter.domain.clock import Clock
from commandcenter.domain.hooks import ConnectionStatus, Hooks
from commandcenter.domain.roles import ROLES, Seat
from commandcenter.store import Store
from commandcenter.store.away import AwayTracker
from commandcenter.ui import labels, map_feeds
from commandcenter.ui.alarms import AlarmPanel
from commandcenter.ui.board import LinkageBoard
from commandcenter.ui.incident_detail import IncidentDetail
from commandcenter.ui.map_view import MapView
from commandcenter.ui.notices import NoticesPanel
from commandcenter.ui.status import ConnectionIndicator
from commandcenter.ui.vitals import VitalsPanel

LAYOUT_VERSION = 4  # 2: the notices and command-log docks; 3: the audit dock; 4: the sync dock
# what the first frame does not show is built after the view is ready, or this long after the
# window was made at the latest (a view that cannot get ready: offline, nothing cached)
DEFERRED_LATEST_MS = 3000
DEFERRED_AFTER_READY_MS = 100  # the first frame (the map's first deltas) paints before them


@dataclass
class Services:
    """What the window is given by the composition root (ui/app.py)."""

    catalog: Catalog
    store: Store
    hooks: Hooks
    clock: Clock
    poke: Callable[[], None]  # wake the sync engine after a local command
    mode: str = "live"  # live | demo | drill
    vitals_window_s: int = 3600
    city: CityMap | None = None  # sensors and cameras of the map (their clicks, selections)
    drill: object | None = None  # ui/drill_console.py DrillLink: the run of a drill client


class MainWindow(QMainWindow):
    command_view_ready = Signal()
    window_closed = Signal()
    work_offline_toggled = Signal(bool)  # the Sync menu's "Work offline" (the session stops/starts sync)

    def __init__(
        self,
        services: Services,
        settings: QSettings | None,
        *,
        map_view: MapView,
        vitals: VitalsPanel,
        board: LinkageBoard,
        detail: IncidentDetail,
        alarms: AlarmPanel | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """The window assembles the panels it is given (ClientSession builds them one by one,
        letting the map page load in between) and wires them to each other."""
        super().__init__(parent)
        self.setObjectName("main_window")
        self.services = services
        self.settings = settings
        self.setWindowTitle(self.tr("Command Center"))
        self.setDockNestingEnabled(True)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        s = services

        self.map_view = map_view
        self.vitals = vitals
        self.board = board
        self.detail = detail

        self.dock_map = self._dock("dock_map", self.tr("Map"), self.map_view)
        self.dock_vitals = self._dock("dock_vitals", self.tr("City vital signs"), self.vitals)
        self.dock_board = self._dock("dock_board", self.tr("Linkage board"), self.board)
        self.dock_detail = self._dock("dock_detail", self.tr("Incident"), self.detail)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.dock_map)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock_vitals)
        self.alarms = alarms
        self.dock_alarms = None
        self._only: str | None = None
        if alarms is not None:
            self.dock_alarms = self._dock("dock_alarms", self.tr("Alarms"), alarms)
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock_alarms)
            alarms.red_alarm.connect(self._on_red_alarm)
            alarms.incident_created.connect(self._on_board_incident_selected)
        self.splitDockWidget(self.dock_map, self.dock_board, Qt.Orientation.Vertical)
        self.splitDockWidget(self.dock_vitals, self.dock_detail, Qt.Orientation.Vertical)
        self.resizeDocks([self.dock_map, self.dock_vitals], [58, 42], Qt.Orientation.Horizontal)
        self.resizeDocks([self.dock_map, self.dock_board], [62, 38], Qt.Orientation.Vertical)
        self.resizeDocks([self.dock_vitals, self.dock_detail], [60, 40], Qt.Orientation.Vertical)
        if self.dock_alarms is not None:
            self.tabifyDockWidget(self.dock_detail, self.dock_alarms)
        # the notices panel at once: its tab's title counts the unread ones
        self.notices = NoticesPanel(s.catalog, s.store, s.hooks, s.clock, self, poke=s.poke)
        self.dock_notices = self._dock("dock_notices", self.tr("Notices"), self.notices)
        # docks whose panel is built when first shown (or right after the view is ready)
        self._lazy: dict[str, Callable[[], QWidget]] = {}
        self._built: dict[str, QWidget] = {}
        self.dock_log = self._lazy_dock("dock_log", self.tr("Command log"), self._make_command_log)
        self.dock_audit = self._lazy_dock("dock_audit", self.tr("Audit log"), self._make_audit)
        self.dock_sync = self._lazy_dock("dock_sync", self.tr("Sync"), self._make_sync)
        # "what changed while you were away" follows the link from the start, built or not
        self._last_status: ConnectionStatus | None = None
        self.away = AwayTracker(s.store, self._on_away_summary)
        self._hook_subscriptions = [
            (s.hooks.connection_did_change, self._on_connection_changed),
            (s.hooks.changes_did_commit, self.away.changes_committed),
        ]
        for hook, fn in self._hook_subscriptions:
            hook.append(fn)
        self.dock_sync.visibilityChanged.connect(
            lambda visible: visible and self.dock_sync.setWindowTitle(self.tr("Sync")))
        for dock in (self.dock_notices, self.dock_log, self.dock_audit, self.dock_sync):
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            self.tabifyDockWidget(self.dock_detail, dock)
        self.notices.unread_changed.connect(self._on_notices_unread_changed)
        self.notices.incident_selected.connect(self._on_map_incident_clicked)
        self._on_notices_unread_changed(self.notices.unread)
        self.dock_detail.raise_()

        self.connection = ConnectionIndicator(s.store, s.hooks, parent=self)
        self.statusBar().addPermanentWidget(self.connection)
        self.mode_label = QLabel(self)
        self.mode_label.setObjectName("mode_label")
        self.statusBar().addWidget(self.mode_label)
        self.mode_label.setText(self._mode_text(s.mode))
        self.seat_label = QLabel(self)
        self.seat_label.setObjectName("seat_label")
        self.statusBar().addWidget(self.seat_label)
        self.layout_name: str | None = None
        self.banner = None
        self.banner_clock = None
        self.drill_console = None
        self.dock_drill = None
        if s.mode == "drill":
            self._build_drill(s)
        self._build_seat_menu()
        self._build_layout_menu()
        self._build_sync_menu()
        self._show_seat()
        if s.store.seat.role == "seat":
            self._seat_the_board()

        self.board.incident_selected.connect(self._on_board_incident_selected)
        self.map_view.incident_clicked.connect(self._on_map_incident_clicked)
        self.map_view.feature_clicked.connect(self._on_map_feature_clicked)
        self.map_view.selection_made.connect(self._on_map_selection_made)
        self.map_view.context_requested.connect(self._on_map_context_requested)
        self.map_view.area_selected.connect(self._on_map_area_selected)
        self.detail.nearest_requested.connect(self._on_detail_nearest_requested)
        # built when first needed: QtMultimedia and the selection list cost nothing at start-up
        self.video: QWidget | None = None
        self.dock_video: QDockWidget | None = None
        self.selection: QWidget | None = None
        self.dock_selection: QDockWidget | None = None

        self._shut_down = False
        self._ready_parts: set[str] = set()
        self.map_view.map_ready.connect(lambda: self._part_ready("map"))
        self.vitals.first_paint.connect(lambda: self._part_ready("vitals"))
        self._board_check = QTimer(self)
        self._board_check.setInterval(100)
        self._board_check.timeout.connect(self._on_board_check_timeout)
        self._board_check.start()
        # the rest, one step per turn of the event loop once the view is ready
        self._deferred: list[Callable[[], object]] = [
            getattr(self.vitals, "ensure_chart", lambda: None),
            *(lambda name=name: self._build_lazy(name) for name in self._lazy),
        ]
        self._deferred_step = QTimer(self)
        self._deferred_step.setSingleShot(True)
        self._deferred_step.setInterval(0)
        self._deferred_step.timeout.connect(self._on_deferred_step_timeout)
        QTimer.singleShot(DEFERRED_LATEST_MS, self, self._deferred_step.start)
        if self.map_view.is_ready:
            self._part_ready("map")
        self.restore_layout()

    def _build_drill(self, s: Services) -> None:
        """The exercise banner on every drill window; the console on the coordinator's."""
        from commandcenter.ui.drill_console import DrillConsole, ExerciseBanner

        link = s.drill
        self.banner = ExerciseBanner(getattr(link, "title", ""), getattr(link, "run_id", ""), self)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.banner)
        self.mode_label.setStyleSheet("background:#ffb300; color:#000; font-weight:bold; padding:0 6px;")
        from commandcenter.sync.client import PlatformClient

        if link is not None and link.url and not link.console:  # a player's seat: the clock only
            from commandcenter.ui.drill_console import BannerClock

            self.banner_clock = BannerClock(self.banner, lambda: PlatformClient(link.url, token=link.token))
        if link is None or not link.console:
            return

        self.drill_console = DrillConsole(lambda: PlatformClient(link.url, token=link.token), s.catalog, self)
        self.drill_console.state_changed.connect(self.banner.set_clock)
        self.dock_drill = self._dock("dock_drill", self.tr("Exercise control"), self.drill_console)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock_drill)
        self.tabifyDockWidget(self.dock_vitals, self.dock_drill)
        self.dock_drill.raise_()
        self.command_view_ready.connect(self._size_console)
        self.map_view.map_ready.connect(self._size_console)  # a drill's board may stay empty a while

    def _size_console(self) -> None:
        """The coordinator works in the console: most of the right-hand column."""
        self.resizeDocks([self.dock_drill, self.dock_detail], [72, 28], Qt.Orientation.Vertical)

    def _mode_text(self, mode: str) -> str:
        return {
            "live": self.tr("LIVE"),
            "demo": self.tr("DEMO: simulated city"),
            "drill": self.tr("EXERCISE EXERCISE EXERCISE"),
        }.get(mode, mode)

    def _dock(self, name: str, title: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        return dock

    # ------------------------------------------------------------ lazy docks
    def _lazy_dock(self, name: str, title: str, make: Callable[[], QWidget]) -> QDockWidget:
        """A dock (its tab, its place in the layout) whose panel `make()` builds when the dock
        is first shown, or in the deferred steps after the view is ready."""
        dock = self._dock(name, title, QWidget())
        self._lazy[name] = make
        dock.visibilityChanged.connect(lambda visible, name=name: visible and self._build_lazy(name))
        return dock

    def _build_lazy(self, name: str) -> QWidget | None:
        if name in self._built:
            return self._built[name]
        if self._shut_down:
            return None
        make = self._lazy[name]
        panel = make()
        self._built[name] = panel
        dock = self.findChild(QDockWidget, name)
        placeholder = dock.widget()
        if name == "dock_sync":
            # its lists stacked need ~400 px: scrolled, they do not hold the whole column that
            # tall (the console of a drill shares the column)
            from PySide6.QtWidgets import QFrame, QScrollArea

            scroll = QScrollArea(dock)
            scroll.setObjectName("dock_sync_scroll")
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            scroll.setWidget(panel)
            dock.setWidget(scroll)
        else:
            dock.setWidget(panel)
        if placeholder is not None:
            placeholder.deleteLater()
        return panel

    def _make_command_log(self) -> QWidget:
        from commandcenter.ui.notices import CommandLogPanel

        s = self.services
        panel = CommandLogPanel(s.catalog, s.store, s.hooks, self)
        panel.incident_selected.connect(self._on_map_incident_clicked)
        return panel

    def _make_audit(self) -> QWidget:
        from commandcenter.ui.audit_view import AuditView

        return AuditView(self.services.store, self.services.hooks, self)

    def _make_sync(self) -> QWidget:
        from commandcenter.ui.sync_panel import SyncPanel

        s = self.services
        panel = SyncPanel(s.store, s.hooks, s.clock, self, tracker=self.away, status=self._last_status,
                          catalog=s.catalog)
        panel.incident_selected.connect(self._on_map_incident_clicked)
        return panel

    @property
    def sync_panel(self):
        """The Sync dock's panel (a SyncPanel), built on first use."""
        return self._build_lazy("dock_sync")

    def _on_connection_changed(self, status: ConnectionStatus) -> None:
        self._last_status = status
        self.away.connection_changed(status)

    def _on_away_summary(self, summary) -> None:
        """Say it in the status bar and fill the Sync dock; never take the operator's focus."""
        panel = self.sync_panel
        if panel is None:
            return
        panel.show_summary(summary)
        self.dock_sync.setWindowTitle(self.tr("Sync ●"))
        self.statusBar().showMessage(panel.away_label.text() + " — " + self.tr("see the Sync dock"), 60_000)

    @property
    def command_log(self):
        """The command-log panel (a CommandLogPanel), built on first use."""
        return self._build_lazy("dock_log")

    @property
    def audit(self):
        """The audit-log panel (an AuditView), built on first use."""
        return self._build_lazy("dock_audit")

    @property
    def fully_built(self) -> bool:
        """Whether what the first frame left for later (the detail chart, the lazy docks) is built."""
        return not self._deferred

    def finish_building(self) -> None:
        """Build now what is left for later (a snapshot, a test)."""
        while self._deferred:
            self._deferred.pop(0)()

    def _on_deferred_step_timeout(self) -> None:
        if self._deferred and not self._shut_down:
            self._deferred.pop(0)()
            if self._deferred:
                self._deferred_step.start()

    # ----------------------------------------------------------------- readiness
    @property
    def is_ready(self) -> bool:
        return self._ready_parts >= {"map", "vitals", "board"}

    def _part_ready(self, part: str) -> None:
        if part in self._ready_parts:
            return
        self._ready_parts.add(part)
        if self.is_ready:
            self._board_check.stop()
            self.command_view_ready.emit()
            # what the first frame left for later, from the loop, once the first frame is out
            QTimer.singleShot(DEFERRED_AFTER_READY_MS, self, self._deferred_step.start)

    def _on_board_check_timeout(self) -> None:
        if self.board.row_count() > 0:
            self._part_ready("board")

    # -------------------------------------------------------------------- wiring
    def _on_board_incident_selected(self, incident_id: str) -> None:
        self.detail.show_incident(incident_id)
        self.map_view.focus_incident(incident_id)

    def _on_map_incident_clicked(self, incident_id: str) -> None:
        self.detail.show_incident(incident_id)
        self.dock_detail.raise_()

    def _on_red_alarm(self, alarm_id: str) -> None:
        """A new red alarm: its dock comes to the front with the alarm selected."""
        if self._only is None:  # a single-view window (snapshot --view) stays as it is
            self.dock_alarms.show()
            self.dock_alarms.raise_()
        self.alarms.select(alarm_id)

    def _on_map_feature_clicked(self, layer: str, feature_id: str) -> None:
        if layer == "cameras":
            self.play_camera(feature_id)

    def play_camera(self, camera_id: str) -> bool:
        """Play a camera's stream in the video panel (a dock made on first use)."""
        city = self.services.city
        camera = next((c for c in city.cameras if c.id == camera_id), None) if city else None
        if camera is None:
            return False
        try:
            source = camera_source(camera, city.media_root)
        except ValueError as exc:
            self.statusBar().showMessage(str(exc), 10_000)
            return False
        if self.video is None:
            from commandcenter.ui.video_panel import VideoPanel

            self.video = VideoPanel(self)
            self.dock_video = self._dock("dock_video", self.tr("Video"), self.video)
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock_video)
            self.tabifyDockWidget(self.dock_detail, self.dock_video)
            self.video.closed.connect(self.dock_video.hide)
        self.video.play(labels.name(camera), source)
        self.dock_video.show()
        self.dock_video.raise_()
        return True

    def _on_map_selection_made(self, shape: dict) -> None:
        self.show_selection(shape)

    def show_selection(self, shape: dict):
        """List what lies inside a shape drawn on the map (a dock made on first use)."""
        if self.selection is None:
            from commandcenter.ui.selection_panel import SelectionPanel

            city = self.services.city
            self.selection = SelectionPanel(self.services.catalog, self.services.store, self,
                                            sensors=city.sensors if city else (), hooks=self.services.hooks)
            self.dock_selection = self._dock("dock_selection", self.tr("Selection"), self.selection)
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock_selection)
            self.tabifyDockWidget(self.dock_detail, self.dock_selection)
            self.selection.incident_activated.connect(self._on_board_incident_selected)
        self.selection.show_shape(shape)
        self.dock_selection.show()
        self.dock_selection.raise_()
        return self.selection

    def _on_map_context_requested(self, lon: float, lat: float) -> None:
        menu = QMenu(self)
        menu.setObjectName("map_context_menu")
        action = menu.addAction(self.tr("Report an incident here…"))
        action.setEnabled(self.services.store.seat.may("incident.report"))  # not for an observer or a seat
        action.triggered.connect(lambda: self.report_at(lon, lat))
        menu.popup(QCursor.pos())

    def report_at(self, lon: float, lat: float):
        """Open the report form for a point of the map; the new incident is shown when saved."""
        from commandcenter.ui.report_dialog import ReportDialog

        s = self.services
        dialog = ReportDialog(s.catalog, s.store, s.clock, lon, lat, self, mode=s.mode, poke=s.poke)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._on_board_incident_selected(dialog.incident_id))
        dialog.open()
        return dialog

    def _on_map_area_selected(self, code: str) -> None:
        unit = self.services.catalog.org_units.get(code)
        if unit is not None:
            self.statusBar().showMessage(self.tr("Area: %1").replace("%1", labels.name(unit)), 15_000)

    def _on_detail_nearest_requested(self, incident_id: str) -> None:
        found = self.map_view.show_nearest(incident_id)
        english = labels.english()
        self.detail.show_nearest([(map_feeds.display_name(unit, english), metres, unit["id"]) for metres, unit in found])

    def show_only(self, view: str) -> None:
        """Show one view alone (snapshot --view): the map or the vitals alone; the board with the
        joint-command view of the selected incident beside it."""
        docks = {"map": self.dock_map, "vitals": self.dock_vitals, "board": self.dock_board}
        for name, dock in docks.items():
            dock.setVisible(name == view or (view == "sync" and name == "board"))
        self.dock_detail.setVisible(view == "board")
        for dock in (self.dock_alarms, self.dock_notices, self.dock_log, self.dock_audit, self.dock_sync):
            if dock is not None:
                dock.setVisible(dock is self.dock_sync and view == "sync")
        if view == "board":
            self.splitDockWidget(self.dock_board, self.dock_detail, Qt.Orientation.Horizontal)
            self.resizeDocks([self.dock_board, self.dock_detail], [60, 40], Qt.Orientation.Horizontal)
        if view == "sync":  # the Sync dock, with the board its links open
            self.splitDockWidget(self.dock_sync, self.dock_board, Qt.Orientation.Vertical)
            self.resizeDocks([self.dock_sync, self.dock_board], [60, 40], Qt.Orientation.Vertical)
        self._only = view

    # ---------------------------------------------------------------------- seat
    def _build_seat_menu(self) -> None:
        menu = self.menuBar().addMenu(self.tr("&Seat"))
        menu.setObjectName("seat_menu")
        self.seat_actions: dict[tuple[str, str | None], object] = {}
        group = QActionGroup(self)
        for role in ROLES:
            if role == "seat":
                sub = menu.addMenu(labels.role("seat"))
                for dept in self.services.catalog.departments.values():
                    self._seat_action(sub, group, "seat", dept.code, labels.name(dept))
            else:
                self._seat_action(menu, group, role, None, labels.role(role))

    # -------------------------------------------------------------------- layouts
    def named_docks(self) -> dict[str, QDockWidget]:
        """The window's docks by the names layouts use (ui/layouts.py)."""
        docks = {"map": self.dock_map, "vitals": self.dock_vitals, "board": self.dock_board,
                 "detail": self.dock_detail, "alarms": self.dock_alarms, "notices": self.dock_notices,
                 "log": self.dock_log, "audit": self.dock_audit, "sync": self.dock_sync, "drill": self.dock_drill}
        return {k: v for k, v in docks.items() if v is not None}

    def _build_layout_menu(self) -> None:
        from commandcenter.ui import layouts

        menu = self.menuBar().addMenu(self.tr("&Layout"))
        menu.setObjectName("layout_menu")
        self.layout_actions = {}
        group = QActionGroup(self)
        for code in layouts.LAYOUTS:
            action = menu.addAction(layouts.title(code))
            action.setCheckable(True)
            action.setData(code)
            group.addAction(action)
            action.triggered.connect(lambda _=False, c=code: self.apply_named_layout(c))
            self.layout_actions[code] = action
        self.layout_menu = menu

    def screens_key(self) -> str:
        from PySide6.QtGui import QGuiApplication

        from commandcenter.ui.layouts import screens_key

        return screens_key([(s.size().width(), s.size().height()) for s in QGuiApplication.screens()])

    def apply_named_layout(self, code: str, *, remember: bool = True) -> list[str]:
        """Arrange the window as layout `code`, remembered for this screen set-up."""
        from commandcenter.ui.layouts import apply_layout

        shown = apply_layout(self, code)
        self.layout_name = code
        if code in getattr(self, "layout_actions", {}):
            self.layout_actions[code].setChecked(True)
        if remember and self.settings is not None:
            self.settings.setValue(f"layouts/{self.screens_key()}", code)
        return shown

    def _restore_remembered_layout(self) -> None:
        """The saved arrangement belongs to the screens it was saved on: on another screen
        set-up, the layout remembered for this one (if any) is applied instead."""
        if self.settings is None:
            return
        key = self.screens_key()
        code = self.settings.value(f"layouts/{key}")
        saved_on = self.settings.value("window/screens")
        from commandcenter.ui.layouts import LAYOUTS

        if code in LAYOUTS and saved_on not in (None, key):
            self.apply_named_layout(str(code), remember=False)

    def _build_sync_menu(self) -> None:
        menu = self.menuBar().addMenu(self.tr("S&ync"))
        menu.setObjectName("sync_menu")
        self.show_sync_action = menu.addAction(self.tr("Sync dock"))
        self.show_sync_action.triggered.connect(self.show_sync_dock)
        self.work_offline_action = menu.addAction(self.tr("Work offline"))
        self.work_offline_action.setObjectName("work_offline")
        self.work_offline_action.setCheckable(True)
        self.work_offline_action.toggled.connect(self._on_work_offline_toggled)
        menu.addSeparator()
        self.export_bundle_action = menu.addAction(self.tr("Export bundle (USB)…"))
        self.export_bundle_action.triggered.connect(self._ask_export_bundle)
        self.import_bundle_action = menu.addAction(self.tr("Import bundle (USB)…"))
        self.import_bundle_action.triggered.connect(self._ask_import_bundle)
        self.sync_menu = menu

    def _on_work_offline_toggled(self, offline: bool) -> None:
        self.statusBar().showMessage(
            self.tr("Working offline: every command waits in the outbox until you go back online")
            if offline else self.tr("Back online: sending what waited"), 15_000)
        self.work_offline_toggled.emit(offline)

    # ------------------------------------------------------------------ bundles
    def _keys_dir(self):
        return self.services.store.path.parent / "keys"

    def _progress(self, label: str):
        """A progress dialog for a large bundle (shown after half a second), as a callback."""
        from PySide6.QtWidgets import QApplication, QProgressDialog

        dialog = QProgressDialog(label, "", 0, 100, self)
        dialog.setCancelButton(None)  # all or nothing: an import is not stopped half-way
        dialog.setMinimumDuration(500)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)

        def report(done: int, total: int) -> None:
            dialog.setMaximum(max(total, 1))
            dialog.setValue(min(done, max(total, 1)))
            QApplication.processEvents()

        return dialog, report

    def export_bundle(self, path) -> str:
        """Write this cache's operations to a signed bundle (sync/bundle.py); returns what
        happened in words, also shown in the status bar. Raises BundleError/OSError."""
        from commandcenter.sync import bundle as bundles
        from commandcenter.sync.bundle_cli import export_store

        dialog, report = self._progress(self.tr("Writing the bundle…"))
        try:
            manifest = export_store(self.services.store, path, bundles.load_keys(self._keys_dir()),
                                    progress=lambda _n: report)
        finally:
            dialog.close()
        text = self.tr("Exported %n operation(s) to the bundle", "", manifest["ops"]) + f" {path}"
        self.statusBar().showMessage(text, 30_000)
        return text

    def import_bundle(self, path) -> str:
        """Verify a bundle, then take all of it or nothing; "what changed while you were away"
        follows in the Sync dock. Raises BundleError or StoreError (nothing changed)."""
        from commandcenter.sync import bundle as bundles

        store = self.services.store
        dialog, report = self._progress(self.tr("Importing the bundle…"))
        try:
            verified = bundles.read_bundle(path, bundles.load_keys(self._keys_dir()), progress=report)
            acknowledged = verified.manifest["epoch"] if verified.manifest.get("kind") == "platform" else None
            result = store.import_ops(verified.ops, bundle_id=verified.bundle_id, origin_node=verified.origin,
                                      signer=verified.signer, path=str(path), acknowledged_epoch=acknowledged,
                                      drill_run=verified.manifest.get("drill_run"), progress=report)
        finally:
            dialog.close()
        if result.new == 0:
            text = self.tr("Nothing new in the bundle: all %n operation(s) are here already", "", result.known)
        else:
            text = self.tr("Imported %n new operation(s) from the bundle", "", result.new) + \
                f" ({verified.signer}); " + self.tr("%n changed the picture", "", result.applied)
        self.statusBar().showMessage(text, 60_000)
        self.services.poke()  # relay them when the link is up
        return text

    def _ask_export_bundle(self) -> None:
        from PySide6.QtWidgets import QFileDialog, QMessageBox

        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export bundle"), "commandcenter.ccb",
                                              self.tr("Bundles (*.ccb)"))
        if not path:
            return
        try:
            self.export_bundle(path)
        except (ValueError, OSError) as exc:
            QMessageBox.warning(self, self.tr("Export bundle"), str(exc))

    def _ask_import_bundle(self) -> None:
        from PySide6.QtWidgets import QFileDialog, QMessageBox

        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import bundle"), "", self.tr("Bundles (*.ccb);;All files (*)"))
        if not path:
            return
        try:
            self.import_bundle(path)
        except (ValueError, RuntimeError, OSError) as exc:  # BundleError, StoreError: nothing changed
            QMessageBox.warning(self, self.tr("Import bundle"), self.tr("The bundle was refused; nothing changed.")
                                + "\n\n" + str(exc))

    def show_sync_dock(self) -> None:
        self._build_lazy("dock_sync")
        self.dock_sync.show()
        self.dock_sync.raise_()

    def _seat_action(self, menu, group, role: str, department: str | None, text: str) -> None:
        action = menu.addAction(text)
        action.setCheckable(True)
        action.setObjectName(f"seat_{role}" + (f"_{department}" if department else ""))
        group.addAction(action)
        action.triggered.connect(lambda _=False, r=role, d=department: self.set_seat(Seat(r, d)))
        self.seat_actions[(role, department)] = action

    def set_seat(self, seat: Seat) -> None:
        """Who sits here now: every panel offers what this role may do, the store refuses the
        rest; remembered in the settings."""
        self.services.store.seat = seat
        if self.settings is not None:
            self.settings.setValue("seat/role", seat.role)
            self.settings.setValue("seat/department", seat.department or "")
        self._show_seat()
        self.detail.refresh()
        self.notices.refresh()
        if self.alarms is not None:
            self.alarms._update_buttons()
        self._seat_the_board()

    def _seat_the_board(self) -> None:
        """A department's seat gets "My tasks" on the board (switched on)."""
        seat = self.services.store.seat
        self.board.set_seat(seat.department if seat.role == "seat" else None)

    def _show_seat(self) -> None:
        seat = self.services.store.seat
        dept = self.services.catalog.departments.get(seat.department or "")
        text = labels.role(seat.role) + (f" · {labels.name(dept)}" if dept else "")
        self.seat_label.setText(self.tr("Seat: {seat}").format(seat=text))
        action = self.seat_actions.get((seat.role, seat.department))
        if action is not None:
            action.setChecked(True)

    def _on_notices_unread_changed(self, unread: int) -> None:
        self.dock_notices.setWindowTitle(
            self.tr("Notices ({n})").format(n=unread) if unread else self.tr("Notices"))

    # -------------------------------------------------------------------- layout
    def restore_layout(self) -> None:
        if self.settings is None:
            return
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state, LAYOUT_VERSION)
        self._restore_remembered_layout()
        self._clamp_to_screen()

    def save_layout(self) -> None:
        if self.settings is None:
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState(LAYOUT_VERSION))
        self.settings.setValue("window/screens", self.screens_key())
        self.settings.sync()

    def _clamp_to_screen(self) -> None:
        """A window saved on a monitor that is gone comes back on one that exists."""
        screen = self.screen()
        if screen is None:
            return
        area = screen.availableGeometry()
        frame = self.frameGeometry()
        if not area.intersects(frame):
            self.move(area.topLeft())
        if self.width() > area.width() or self.height() > area.height():
            self.resize(min(self.width(), area.width()), min(self.height(), area.height()))

    def shutdown(self) -> None:
        """Stop timers and unsubscribe; the app closes the store and the client after.
        Safe to call again (closing the window and the app's shutdown both call it)."""
        if self._shut_down:
            return
        self._shut_down = True
        for hook, fn in self._hook_subscriptions:
            hook.remove(fn)
        self._board_check.stop()
        if self.drill_console is not None:
            self.drill_console._timer.stop()
        if self.banner_clock is not None:
            self.banner_clock.timer.stop()
        self.save_layout()
        self._deferred_step.stop()
        self._deferred.clear()
        for widget in (self.map_view, self.vitals, self.board, self.detail, self.connection, self.alarms,
                       self.notices, *self._built.values(), self.selection):
            teardown = getattr(widget, "teardown_hooks", None)
            if teardown:
                teardown()
        self.map_view.shutdown()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self.shutdown()
        super().closeEvent(event)
        self.window_closed.emit()
