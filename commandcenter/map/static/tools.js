/*
 * Map tools on the core map (map.js):
 * - drill-down through the org boundaries: a click on the map (not on a feature) goes one
 *   level down, into the unit under the pointer (city -> district -> street -> community);
 *   a breadcrumb goes back up. The app hears "area_selected" with the unit's code;
 * - box and polygon selection: the shape goes to the app ("selection"), which lists the
 *   incidents, units and sensors inside it. A polygon is finished by clicking its first
 *   point again, by a double-click or by Enter; Escape leaves any tool;
 * - distance measuring, entirely in the page;
 * - right-click: the point goes to the app ("context"), which offers to report an incident
 *   there (its org unit found by point-in-polygon on the app's side).
 * Unit names are catalogue text: written with textContent only.
 */
(function () {
    "use strict";

    var cc = window.ccMap;
    if (!cc) {
        return;
    }
    var map = cc.map;
    var ops = cc.ops;
    var text = cc.text;
    var stats = window.ccStats;
    var cfg = cc.cfg;

    function word(key, fallback) {
        return cc.word(key, fallback);
    }

    // ---------------------------------------------------------------- drill-down
    var units = new Map();  // code -> {code, level, parent, name, ring: [[lat, lon]], bounds}
    var city = null;
    (cfg.orgUnits || []).forEach(function (unit) {
        var entry = Object.assign({}, unit);
        entry.bounds = L.latLngBounds(unit.ring);
        units.set(unit.code, entry);
        if (unit.parent === null || unit.parent === undefined) {
            city = city || entry;
        }
    });
    var drilled = city;
    var outline = L.polygon([], {color: "#ffffff", weight: 3, opacity: 0.9, fill: false, interactive: false,
                                 dashArray: null}).addTo(map);
    stats.drill = city ? city.code : null;

    function inRing(lat, lon, ring) {
        var inside = false;
        for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
            var yi = ring[i][0], xi = ring[i][1], yj = ring[j][0], xj = ring[j][1];
            if ((yi > lat) !== (yj > lat) && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi) {
                inside = !inside;
            }
        }
        return inside;
    }

    function childAt(parent, latlng) {
        var found = null;
        units.forEach(function (unit) {
            if (found === null && unit.parent === parent.code && unit.bounds.contains(latlng) &&
                    inRing(latlng.lat, latlng.lng, unit.ring)) {
                found = unit;
            }
        });
        return found;
    }

    var crumbs = L.control({position: "topleft"});
    var crumbBox = null;
    crumbs.onAdd = function () {
        crumbBox = L.DomUtil.create("div", "cc-crumbs");
        L.DomEvent.disableClickPropagation(crumbBox);
        return crumbBox;
    };
    crumbs.addTo(map);

    function chain(unit) {
        var out = [];
        while (unit) {
            out.unshift(unit);
            unit = unit.parent ? units.get(unit.parent) : null;
        }
        return out;
    }

    function renderCrumbs() {
        if (crumbBox === null) {
            return;
        }
        while (crumbBox.firstChild) {
            crumbBox.removeChild(crumbBox.firstChild);
        }
        chain(drilled).forEach(function (unit, i, all) {
            if (i > 0) {
                var sep = L.DomUtil.create("span", "cc-crumb-sep", crumbBox);
                sep.textContent = "›";
            }
            var crumb = L.DomUtil.create(i === all.length - 1 ? "span" : "a", "cc-crumb", crumbBox);
            crumb.textContent = unit.name;
            crumb.setAttribute("data-code", unit.code);
            if (i < all.length - 1) {
                crumb.href = "#";
                L.DomEvent.on(crumb, "click", function (event) {
                    L.DomEvent.preventDefault(event);
                    drillTo(unit.code, true);
                });
            }
        });
    }

    function drillTo(code, notify) {
        var unit = units.get(code);
        if (!unit) {
            throw new Error("unknown org unit " + code);
        }
        drilled = unit;
        stats.drill = unit.code;
        outline.setLatLngs(unit === city ? [] : unit.ring);
        renderCrumbs();
        map.fitBounds(unit.bounds, {padding: [16, 16], animate: false});
        if (notify) {
            cc.send({type: "area_selected", code: unit.code});
        }
    }

    renderCrumbs();

    ops.drill_to = function (delta) {
        drillTo(text(delta.code), false);
    };

    var popupWasOpen = false;
    map.on("popupopen", function () {
        popupWasOpen = true;
    });
    map.on("mousedown", function () {
        // a click that only closes a popup does not drill
        popupWasOpen = !!map._popup && map.hasLayer(map._popup);
    });

    cc.onClick(function (event) {
        if (tool !== null) {
            return false;  // the tools take the click
        }
        if (drilled === null || popupWasOpen) {
            popupWasOpen = false;
            return false;
        }
        var child = childAt(drilled, event.latlng);
        if (child !== null) {
            drillTo(child.code, true);
            return true;
        }
        return false;
    });

    // ------------------------------------------------------------------ the tools
    var tool = null;       // "box" | "polygon" | "measure" | null
    var draft = null;      // the shape being drawn
    var vertices = [];
    var shapes = L.layerGroup().addTo(map);
    var buttons = {};
    stats.tool = null;
    stats.measureM = 0;

    var bar = L.control({position: "topleft"});
    bar.onAdd = function () {
        var box = L.DomUtil.create("div", "cc-tools leaflet-bar");
        L.DomEvent.disableClickPropagation(box);
        [["box", word("tool_box", "框选")], ["polygon", word("tool_polygon", "圈选")],
         ["measure", word("tool_measure", "测距")], ["clear", word("tool_clear", "清除")]].forEach(function (spec) {
            var button = L.DomUtil.create("a", "cc-tool", box);
            button.href = "#";
            button.textContent = spec[1];
            button.title = spec[1];
            button.setAttribute("data-tool", spec[0]);
            buttons[spec[0]] = button;
            L.DomEvent.on(button, "click", function (event) {
                L.DomEvent.preventDefault(event);
                if (spec[0] === "clear") {
                    clearShapes();
                } else {
                    setTool(tool === spec[0] ? null : spec[0]);
                }
            });
        });
        return box;
    };
    bar.addTo(map);

    function setTool(name) {
        finishDraft(false);
        tool = name;
        stats.tool = name;
        Object.keys(buttons).forEach(function (key) {
            L.DomUtil[key === name ? "addClass" : "removeClass"](buttons[key], "cc-tool-on");
        });
        map.getContainer().style.cursor = name ? "crosshair" : "";
        if (name === "box") {
            map.dragging.disable();
        } else {
            map.dragging.enable();
        }
        if (name) {
            map.doubleClickZoom.disable();
        } else {
            map.doubleClickZoom.enable();
        }
    }

    function clearShapes() {
        finishDraft(false);
        shapes.clearLayers();
        stats.measureM = 0;
        if (ops.nearest_clear) {
            ops.nearest_clear();
        }
    }

    function finishDraft(keep) {
        if (draft !== null && !keep) {
            shapes.removeLayer(draft);
            if (draft._ccLabel) {
                shapes.removeLayer(draft._ccLabel);
            }
        }
        draft = null;
        vertices = [];
    }

    ops.tool_set = function (delta) {
        var name = delta.tool === null ? null : text(delta.tool);
        if (name !== null && ["box", "polygon", "measure"].indexOf(name) < 0) {
            throw new Error("unknown tool " + name);
        }
        setTool(name);
    };

    // box: press, drag, release
    var boxStart = null;
    map.on("mousedown", function (event) {
        if (tool !== "box") {
            return;
        }
        boxStart = event.latlng;
        finishDraft(false);
        draft = L.rectangle(L.latLngBounds(boxStart, boxStart), {color: "#38bdf8", weight: 2, fillOpacity: 0.08, interactive: false});
        shapes.addLayer(draft);
    });
    map.on("mousemove", function (event) {
        if (tool === "box" && boxStart !== null && draft !== null) {
            draft.setBounds(L.latLngBounds(boxStart, event.latlng));
        } else if ((tool === "polygon" || tool === "measure") && draft !== null && vertices.length) {
            draft.setLatLngs(vertices.concat([event.latlng]));
        }
    });
    map.on("mouseup", function (event) {
        if (tool !== "box" || boxStart === null) {
            return;
        }
        var bounds = L.latLngBounds(boxStart, event.latlng);
        boxStart = null;
        var shape = draft;
        finishDraft(true);
        if (map.latLngToContainerPoint(bounds.getNorthWest()).distanceTo(map.latLngToContainerPoint(bounds.getSouthEast())) < 6) {
            shapes.removeLayer(shape);
            return;  // a click, not a box
        }
        cc.send({type: "selection", shape: {type: "rect", bounds: [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()]}});
    });

    // polygon and measure: click to add points, double-click (or Enter) to finish
    function addVertex(latlng) {
        vertices.push(latlng);

        if (draft === null) {
            draft = tool === "polygon"
                ? L.polygon([latlng], {color: "#38bdf8", weight: 2, fillOpacity: 0.08, interactive: false})
                : L.polyline([latlng], {color: "#facc15", weight: 3, dashArray: "4 6", interactive: false});
            shapes.addLayer(draft);
        }
        draft.setLatLngs(vertices);
        if (tool === "measure") {
            showMeasure();
        }
    }

    function showMeasure() {
        var metres = 0;
        for (var i = 1; i < vertices.length; i++) {
            metres += map.distance(vertices[i - 1], vertices[i]);
        }
        stats.measureM = metres;
        var node = document.createElement("div");
        node.textContent = metres >= 1000 ? (metres / 1000).toFixed(2) + " km" : Math.round(metres) + " m";
        if (!draft._ccLabel) {
            draft._ccLabel = L.tooltip({permanent: true, direction: "right", className: "cc-measure-label", offset: [8, 0]});
            shapes.addLayer(draft._ccLabel);
        }
        draft._ccLabel.setLatLng(vertices[vertices.length - 1]).setContent(node);
    }

    function finishShape() {
        if (tool === "polygon") {
            if (vertices.length < 3) {
                finishDraft(false);
                return;
            }
            var ring = vertices.map(function (ll) {
                return [ll.lng, ll.lat];
            });
            finishDraft(true);
            cc.send({type: "selection", shape: {type: "polygon", ring: ring}});
        } else if (tool === "measure") {
            finishDraft(true);
        }
    }

    cc.onClick(function (event) {
        if (tool === "polygon" && vertices.length >= 3 &&
                map.latLngToContainerPoint(vertices[0]).distanceTo(event.containerPoint) <= 10) {
            finishShape();  // a click on the first point closes the polygon
            return true;
        }
        if (tool === "polygon" || tool === "measure") {
            addVertex(event.latlng);
            return true;
        }
        return tool !== null;
    });
    map.on("dblclick", function () {

        if (tool === "polygon" || tool === "measure") {
            // the double-click's two clicks added the last point twice
            if (vertices.length >= 2 && vertices[vertices.length - 1].equals(vertices[vertices.length - 2])) {
                vertices.pop();
            }
            finishShape();
        }
    });
    L.DomEvent.on(document, "keydown", function (event) {
        if (event.key === "Escape") {
            setTool(null);
        } else if (event.key === "Enter") {
            finishShape();
        }
    });

    // --------------------------------------------------------------- right-click
    map.on("contextmenu", function (event) {
        cc.send({type: "context", lon: event.latlng.lng, lat: event.latlng.lat});
    });
}());
