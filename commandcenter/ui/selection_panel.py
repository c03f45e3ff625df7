"""What lies inside a shape drawn on the map: open incidents, units and sensors, listed.

The map only draws the shape; "inside" is decided here with `domain.geo.select_points`, the
one definition the CLI and the tests share (a point on the edge is inside). Incidents are
fetched with a bounding-box query first, so a small rectangle over a city with 100 000 open
incidents reads only the few near it. Units are where they are now: the newest streamed
position, else the resource row's own. The lists are a snapshot of the moment the shape was
drawn; `refresh()` takes a new one. Titles and names come from outside and are shown as text
(item views never interpret HTML).
"""
from __future__ import annotations

from typing import Any, Iterable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from commandcenter.domain.catalog import Catalog
from commandcenter.domain.geo import check_shape, select_points
from commandcenter.domain.levels import Severity
from commandcenter.ui import labels
from commandcenter.ui.observing import ObservesHooks

SECTIONS = ("incidents", "units", "sensors")
MAX_ROWS = 1000  # rows listed per section; the counts stay exact beyond it
KIND_ROLE = Qt.ItemDataRole.UserRole + 1  # "incident" | "unit" | "sensor" | "section" | "more"
ID_ROLE = Qt.ItemDataRole.UserRole + 2
COL_NAME, COL_STATUS = 0, 1
_PAD = 1e-9  # degrees: the bounding-box prefilter must not cut what geo's edge rule keeps

CONTEXT = "SelectionPanel"
# Sensor kinds (citymap.SENSOR_KINDS); labels.py has no words for them yet.
_SENSOR_KIND = {
    "rain_gauge": QT_TRANSLATE_NOOP("SelectionPanel", "Rain gauge"),
    "weather_station": QT_TRANSLATE_NOOP("SelectionPanel", "Weather station"),
    "visibility_meter": QT_TRANSLATE_NOOP("SelectionPanel", "Visibility meter"),
    "water_level": QT_TRANSLATE_NOOP("SelectionPanel", "Water level gauge"),
    "waterlogging": QT_TRANSLATE_NOOP("SelectionPanel", "Waterlogging sensor"),
    "water_pressure": QT_TRANSLATE_NOOP("SelectionPanel", "Water pressure sensor"),
    "traffic_detector": QT_TRANSLATE_NOOP("SelectionPanel", "Traffic detector"),
    "substation": QT_TRANSLATE_NOOP("SelectionPanel", "Substation monitor"),
    "gas_pressure": QT_TRANSLATE_NOOP("SelectionPanel", "Gas pressure sensor"),
    "air_quality": QT_TRANSLATE_NOOP("SelectionPanel", "Air quality station"),
    "crowd_density": QT_TRANSLATE_NOOP("SelectionPanel", "Crowd density sensor"),
    "crowd_counter": QT_TRANSLATE_NOOP("SelectionPanel", "Crowd counter"),
}


def sensor_kind(code: str | None) -> str:
    """The word for a sensor kind; an unknown kind is shown as its code."""
    if not code:
        return ""
    source = _SENSOR_KIND.get(code)
    return code if source is None else QCoreApplication.translate(CONTEXT, source)


def _severity_rank(code: str | None) -> int:
    try:
        return Severity.parse(code).info.rank if code else 9
    except KeyError:
        return 9


def _bbox(shape: dict) -> tuple[float, float, float, float]:
    """west, south, east, north of a (validated) shape, padded a hair."""
    if shape["type"] == "rect":
        west, south, east, north = (float(v) for v in shape["bounds"])
    else:
        lons = [float(p[0]) for p in shape["ring"]]
        lats = [float(p[1]) for p in shape["ring"]]
        west, south, east, north = min(lons), min(lats), max(lons), max(lats)
    return west - _PAD, south - _PAD, east + _PAD, north + _PAD


REFRESH_THROTTLE_MS = 1000


class SelectionPanel(ObservesHooks, QWidget):
    """The map selection's contents in three sections; activating a row names its item. With
    `hooks`, it reads the store again (at most once a second) when incidents or units change
    or units move, so the list stays true while the shape is kept."""

    incident_activated = Signal(str)
    unit_activated = Signal(str)
    sensor_activated = Signal(str)

    def __init__(
        self,
        catalog: Catalog,
        store,
        parent: QWidget | None = None,
        *,
        sensors: Iterable[Any] = (),
        hooks=None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("selectionPanel")
        self.catalog = catalog
        self.store = store
        self._hooks = hooks
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_THROTTLE_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self.sensors = tuple(sensors)
        self._shape: dict | None = None
        self._counts = {name: 0 for name in SECTIONS}

        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("selectionPanelSummary")
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setWordWrap(True)

        self.tree = QTreeWidget(self)
        self.tree.setObjectName("selectionPanelTree")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([self.tr("Name"), self.tr("Status")])
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setAllColumnsShowFocus(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_STATUS, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(COL_STATUS, 14 * self.fontMetrics().horizontalAdvance("M"))
        self.tree.itemActivated.connect(self._on_tree_item_activated)

        self._section_items: dict[str, QTreeWidgetItem] = {}
        for name in SECTIONS:
            item = QTreeWidgetItem(self.tree)
            item.setData(COL_NAME, KIND_ROLE, "section")
            item.setData(COL_NAME, ID_ROLE, name)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = item.font(COL_NAME)
            font.setBold(True)
            item.setFont(COL_NAME, font)
            self._section_items[name] = item

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.tree, 1)
        self.clear()
        self.setup_hooks()

    # ------------------------------------------------------------------ hooks
    def _subscriptions(self) -> list:
        if self._hooks is None:
            return []
        return [(self._hooks.changes_did_commit, self._on_store_committed),
                (self._hooks.positions_did_arrive, self._on_positions_arrived)]

    def _on_teardown(self) -> None:
        self._refresh_timer.stop()

    def _on_store_committed(self, changes) -> None:
        if changes.touches("incident") or changes.touches("resource"):
            self._refresh_soon()

    def _on_positions_arrived(self, _ids) -> None:
        self._refresh_soon()

    def _refresh_soon(self) -> None:
        if self._shape is not None and not self._refresh_timer.isActive():
            self._refresh_timer.start()

    # -------------------------------------------------------------- public API
    def show_shape(self, shape: dict) -> None:
        """List what lies inside `shape` ({"type": "rect", "bounds": [w, s, e, n]} or
        {"type": "polygon", "ring": [[lon, lat], ...]}). A bad shape lists nothing and says
        why in the summary line."""
        try:
            check_shape(shape)
        except ValueError as exc:
            self.clear()
            self.summary_label.setText(self.tr("Cannot select: {reason}").format(reason=str(exc)))
            return
        self._shape = shape
        self.refresh()

    def refresh(self) -> None:
        """Read the store again for the current shape (nothing to do without one)."""
        if self._shape is None:
            return
        shape = self._shape
        incidents = self._incidents_in(shape)
        units = self._units_in(shape)
        sensors = [d["sensor"] for d in select_points(
            ({"lon": s.lon, "lat": s.lat, "sensor": s} for s in self.sensors), shape
        )]
        sensors.sort(key=lambda s: (labels.name(s), s.id))
        self._fill("incidents", [self._incident_row(r) for r in incidents[:MAX_ROWS]], len(incidents))
        self._fill("units", [self._unit_row(r) for r in units[:MAX_ROWS]], len(units))
        self._fill("sensors", [self._sensor_row(s) for s in sensors[:MAX_ROWS]], len(sensors))
        self._update_summary()

    def clear(self) -> None:
        """No selection: empty sections and a hint."""
        self._shape = None
        for name in SECTIONS:
            self._fill(name, [], 0)
        self.summary_label.setText(self.tr("Draw a rectangle or a polygon on the map to select."))

    def shape(self) -> dict | None:
        return self._shape

    def counts(self) -> dict[str, int]:
        """How many incidents, units and sensors are inside (all of them, not only those listed)."""
        return dict(self._counts)

    def summary(self) -> str:
        return self.summary_label.text()

    def rows(self, section: str) -> list[tuple[str, str, str]]:
        """(id, name, status) of the rows listed in a section, in display order."""
        parent = self._section_items[section]
        out = []
        for i in range(parent.childCount()):
            child = parent.child(i)
            if child.data(COL_NAME, KIND_ROLE) != "more":
                out.append((child.data(COL_NAME, ID_ROLE), child.text(COL_NAME), child.text(COL_STATUS)))
        return out

    def item(self, section: str, item_id: str) -> QTreeWidgetItem | None:
        """The tree row of an item (for selecting it, or in tests)."""
        parent = self._section_items[section]
        for i in range(parent.childCount()):
            child = parent.child(i)
            if child.data(COL_NAME, ID_ROLE) == item_id and child.data(COL_NAME, KIND_ROLE) != "more":
                return child
        return None

    # ------------------------------------------------------------- querying
    def _incidents_in(self, shape: dict) -> list[dict]:
        west, south, east, north = _bbox(shape)
        candidates = self.store.query(
            "SELECT id, title, severity, status, category, org_unit, lon, lat, reported_ms, extra "
            "FROM incidents WHERE status NOT IN ('closed','cancelled') "
            "AND lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?",
            (west, east, south, north),
        )
        inside = select_points(candidates, shape)
        # most severe first, then the newest
        inside.sort(key=lambda r: (_severity_rank(r.get("severity")), -(r.get("reported_ms") or 0), r["id"]))
        return inside

    def _units_in(self, shape: dict) -> list[dict]:
        positions = self.store.latest_positions()
        placed = []
        for res in self.store.query("SELECT * FROM resources"):
            where = positions.get(res["id"])
            if where is not None:
                res = {**res, "lon": where[1], "lat": where[2]}
            placed.append(res)
        inside = select_points(placed, shape)
        inside.sort(key=lambda r: (self._unit_name(r), r["id"]))
        return inside

    # ---------------------------------------------------------------- rows
    @staticmethod
    def _unit_name(res: dict) -> str:
        if labels.english() and res.get("name_en"):
            return str(res["name_en"])
        return str(res.get("name") or res["id"])

    def _incident_row(self, inc: dict) -> tuple[str, str, str, str]:
        status = " · ".join(
            part for part in (labels.severity(inc.get("severity")), labels.incident_status(inc.get("status"))) if part
        )
        event_type = self.catalog.event_types.get(inc.get("category") or "")
        tip = labels.name(event_type) if event_type else (inc.get("category") or "")
        return inc["id"], labels.incident_title(inc), status, tip

    def _unit_row(self, res: dict) -> tuple[str, str, str, str]:
        status = " · ".join(
            part for part in (labels.resource_kind(res.get("kind")), labels.resource_status(res.get("status"))) if part
        )
        department = self.catalog.departments.get(res.get("department") or "")
        tip = labels.name(department) if department else (res.get("department") or "")
        return res["id"], self._unit_name(res), status, tip

    def _sensor_row(self, sensor) -> tuple[str, str, str, str]:
        indicator = self.catalog.indicators.get(sensor.indicator)
        tip = labels.name(indicator) if indicator else sensor.indicator
        return sensor.id, labels.name(sensor) or sensor.id, sensor_kind(sensor.kind), tip

    def _fill(self, section: str, rows: list[tuple[str, str, str, str]], total: int) -> None:
        kind = section[:-1]  # incidents -> incident
        parent = self._section_items[section]
        self.tree.setUpdatesEnabled(False)
        try:
            parent.takeChildren()  # the old rows go with their Python wrappers
            children = []
            for item_id, name, status, tip in rows:
                child = QTreeWidgetItem([name, status])
                child.setData(COL_NAME, KIND_ROLE, kind)
                child.setData(COL_NAME, ID_ROLE, item_id)
                child.setToolTip(COL_NAME, tip)
                children.append(child)
            if total > len(rows):
                more = QTreeWidgetItem([self.tr("… and {n} more").format(n=total - len(rows)), ""])
                more.setData(COL_NAME, KIND_ROLE, "more")
                more.setFlags(Qt.ItemFlag.ItemIsEnabled)
                children.append(more)
            parent.addChildren(children)
            self._counts[section] = total
            parent.setText(COL_NAME, self._section_title(section, total))
            parent.setExpanded(True)
        finally:
            self.tree.setUpdatesEnabled(True)

    def _section_title(self, section: str, n: int) -> str:
        if section == "incidents":
            return self.tr("Incidents ({n})").format(n=n)
        if section == "units":
            return self.tr("Units ({n})").format(n=n)
        return self.tr("Sensors ({n})").format(n=n)

    def _update_summary(self) -> None:
        c = self._counts
        if not any(c.values()):
            self.summary_label.setText(self.tr("Nothing in the selection"))
            return
        incidents = self.tr("1 incident") if c["incidents"] == 1 else self.tr("{n} incidents").format(n=c["incidents"])
        units = self.tr("1 unit") if c["units"] == 1 else self.tr("{n} units").format(n=c["units"])
        sensors = self.tr("1 sensor") if c["sensors"] == 1 else self.tr("{n} sensors").format(n=c["sensors"])
        self.summary_label.setText(
            self.tr("{incidents}, {units}, {sensors} in the selection").format(
                incidents=incidents, units=units, sensors=sensors
            )
        )

    # ------------------------------------------------------------------ slots
    def _on_tree_item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        kind = item.data(COL_NAME, KIND_ROLE)
        item_id = item.data(COL_NAME, ID_ROLE)
        if not item_id:
            return
        if kind == "incident":
            self.incident_activated.emit(item_id)
        elif kind == "unit":
            self.unit_activated.emit(item_id)
        elif kind == "sensor":
            self.sensor_activated.emit(item_id)
