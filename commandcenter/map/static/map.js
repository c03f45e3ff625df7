/*
 * The live half of the map page (the static half is built once by commandcenter/map/page.py).
 *
 * The application sends batches of JSON deltas through ccApply(); clicks and errors go back
 * through the QWebChannel object "bridge" as JSON strings (schema: commandcenter/map/bridge.py).
 * Incident text comes from the platform or from users: it is only ever inserted as text nodes,
 * never as HTML, so a title like <img onerror=...> shows as those characters and runs nothing.
 * The same holds for imported layers ("import:<name>"): their names and feature properties are
 * someone else's data, shown through textContent only, in popups, the layer control and the legend.
 * An offline basemap ("basemap_set") is a tile layer on the app's own cc:// scheme, in Leaflet's
 * tile pane under the boundaries and incidents; its package name is someone else's text too.
 */
(function () {
    "use strict";

    var MAX_MESSAGE = 1000;
    var DEFAULT_COLOUR = "#8fa3bf";
    var IMPORT_PREFIX = "import:";
    var MAX_POPUP_ROWS = 60;
    // Distinct from the severity colours, so an imported point is never read as an incident.
    var LAYER_PALETTE = ["#2dd4bf", "#a78bfa", "#f472b6", "#84cc16", "#22d3ee", "#fb7185", "#c084fc", "#34d399"];

    var cfg = readConfig();
    var handles = window.ccFolium || {};
    var map = handles.map || findMap();
    var bridge = null;
    var early = [];  // messages raised before the channel is up
    // The page is ready for the app (its "ready" message) once the channel is up, every page
    // script has run (DOMContentLoaded) and the rows table fetched at the top of the page is
    // placed (or has failed, which ready says: the app then sends the rows the old way).
    var pending = {channel: true, scripts: document.readyState !== "complete", rows: window.ccRowsFetch !== undefined};
    var rowsPlaced = false;
    // The channel's first round trip to the app overlaps the set-up below.
    connect();
    // Imported layers share the map's canvas renderer (preferCanvas) with the boundaries.
    var renderer = map.options.preferCanvas ? undefined : L.canvas({padding: 0.5});

    // Live point layers, each its own canvas (points.js); map.js asks them what is under
    // the pointer, top layer first. Incidents cluster; the others are few enough to show all.
    var SEVERITY_RANK = {I: 0, II: 1, III: 2, IV: 3};
    var points = {};
    var pointOrder = [];  // bottom to top
    var highlighted = null;  // {layer, id}

    function severityColour(code) {
        var colours = cfg.severityColours || {};
        return colours[code] || DEFAULT_COLOUR;
    }

    var LOOKS = {
        incidents: function (props) {
            var radii = cfg.severityRadius || {};
            var rank = SEVERITY_RANK[props.severity];
            return {
                fill: severityColour(props.severity) === DEFAULT_COLOUR && props.colour ? text(props.colour) : severityColour(props.severity),
                stroke: "#0b1220",
                radius: radii[props.severity] || 6,
                glyph: text(props.icon) || (cfg.categoryIcons || {})[props.category] || "dot",
                glyphColour: rank === 2 ? "#0b1220" : "#ffffff",
                rank: rank === undefined ? 4 : rank
            };
        },
        units: function (props) {
            var colours = cfg.unitStatusColours || {};
            var heading = Number(props.heading);
            var moving = isFinite(heading) && Number(props.speed) > 0.5;
            return {
                fill: colours[props.status] || "#94a3b8",
                stroke: "#0b1220",
                radius: 6,
                shape: moving ? "arrow" : "circle",
                heading: moving ? heading : 0,
                glyph: moving ? "" : "dot",
                rank: props.status === "available" ? 0 : 1
            };
        },
        sensors: function (props) {
            var alarm = text(props.alarm) !== "";
            return {
                fill: text(props.colour) || "#64748b",
                stroke: alarm ? "#ffffff" : "#0b1220",  // an open alarm rings the sensor
                ring: alarm,
                radius: alarm ? 9 : 7,
                glyph: "sensor",
                glyphColour: "#0b1220",
                rank: 0
            };
        },
        cameras: function (props) {
            return {fill: "#475569", stroke: "#e2e8f0", radius: 7, shape: "square", glyph: "camera", rank: 0};
        },
        sites: function (props) {
            var kinds = cfg.siteColours || {};
            return {
                fill: kinds[props.kind] || "#64748b",
                stroke: "#0b1220",
                radius: 8,
                shape: "square",
                glyph: text(props.kind),
                rank: 0
            };
        }
    };

    function addPointLayer(name, options) {
        var layer = new L.CCPoints(Object.assign({name: name, look: LOOKS[name], pane: "ccPoints"}, options || {}));
        points[name] = layer;
        pointOrder.push(name);
        layer.addTo(map);
        if (handles.layerControl) {
            handles.layerControl.addOverlay(layer, escapeHtml(label(name)));
        }
        return layer;
    }

    // Points sit above the boundaries' shared canvas and under popups and tooltips.
    map.createPane("ccPoints").style.zIndex = 450;
    map.createPane("ccHeat").style.zIndex = 420;
    map.createPane("ccFloors").style.zIndex = 410;
    map.createPane("ccFallback").style.zIndex = 250;
    map.getPane("ccHeat").style.pointerEvents = "none";
    map.getPane("ccFloors").style.pointerEvents = "none";
    map.getPane("ccFallback").style.pointerEvents = "none";

    function field(name) {
        return function (props) {
            return props[name];
        };
    }

    addPointLayer("sites", {labelMinZoom: 15, label: field("name"), lookKey: field("kind")});
    addPointLayer("cameras", {lookKey: function () {
        return "camera";
    }});
    addPointLayer("sensors", {labelMinZoom: 13, label: field("value_text"), lookKey: function (props) {
        return props.colour + "|" + props.alarm;
    }});
    addPointLayer("units", {
        // thousands of units at city zoom would be one solid carpet: dense cells cluster
        // (exact counts, green when one of them is available); from zoom 15 all are drawn
        cluster: true,
        clusterCell: 40,
        minClusterSize: 4,
        clusterMaxZoom: 15,
        clusterColour: function (rank) {
            var colours = cfg.unitStatusColours || {};
            return rank === 0 ? colours.available || "#22c55e" : colours.en_route || "#f59e0b";
        },
        labelMinZoom: 16,
        label: field("name"),
        trailColour: "#7dd3fc",
        // status and heading (to the sprite's 10 degrees) are all a unit's look depends on
        lookKey: function (props) {
            var moving = Number(props.speed) > 0.5;
            return props.status + "|" + (moving ? Math.round(Number(props.heading) / 10) : "-");
        }
    }).setTrailMinutes(cfg.trailMinutes || 15);
    var incidents = addPointLayer("incidents", {
        cluster: true,
        lookKey: function (props) {
            return props.severity + "|" + props.category + "|" + props.icon + "|" + props.colour;
        },
        clusterMaxZoom: cfg.clusterMaxZoom || 15,
        clusterColour: function (rank) {
            var code = ["I", "II", "III", "IV"][rank];
            return code ? severityColour(code) : DEFAULT_COLOUR;
        }
    });
    L.control.scale({imperial: false}).addTo(map);

    var imported = new Map();  // "import:<name>" -> {group, title, colour, count}
    var controlTitles = new Map();  // Leaflet stamp of an overlay -> its label text
    patchLayerControl(handles.layerControl);
    var legend = buildLegend();

    var basemap = null;  // {layer, name}: the one offline base layer, when the app has one

    window.ccStats = {incidents: 0, points: {}, layers: {}, basemap: null};

    /* Fit the city once the map has a size; a hidden view gets one only when first shown. */
    // The city stays fitted to the view as the view gets its size (a page may load in a
    // small or hidden view before the window is laid out) until somebody moves the map: a
    // drag, a zoom, or a focused incident. After that a resize keeps their view.
    var fitting = false;
    var moved = false;
    map.on("zoomstart movestart", function () {
        if (!fitting) {
            moved = true;
        }
    });

    function fitCity() {
        var size = map.getSize();
        if (!cfg.bounds || size.x <= 0 || size.y <= 0) {
            return false;
        }
        var padding = cfg.fitPadding || 0;
        fitting = true;
        try {
            map.fitBounds(cfg.bounds, {padding: [padding, padding], animate: false});
        } finally {
            fitting = false;
        }
        return true;
    }

    var sized = fitCity();
    map.on("resize", function () {
        var size = map.getSize();
        if (size.x <= 0 || size.y <= 0) {
            return;
        }
        var focused = highlighted !== null ? points[highlighted.layer].latLng(highlighted.id) : null;
        if (!sized && focused !== null) {
            // a feature focused while the map was hidden keeps the view
            map.setView(focused, cfg.focusZoom || 15, {animate: false});
        } else if (!moved) {
            fitCity();
        }
        sized = true;
    });

    function readConfig() {
        var node = document.getElementById("cc-config");
        return node ? JSON.parse(node.textContent) : {};
    }

    function findMap() {
        var names = Object.keys(window);
        for (var i = 0; i < names.length; i++) {
            var value = window[names[i]];
            if (value instanceof L.Map) {
                return value;
            }
        }
        throw new Error("no Leaflet map on the page");
    }

    function label(key) {
        var labels = cfg.labels || {};
        return labels[key] === undefined ? key : String(labels[key]);
    }

    /* A page word with a fallback, for pages built with labels that predate the word. */
    function word(key, fallback) {
        var labels = cfg.labels || {};
        return labels[key] === undefined ? fallback : String(labels[key]);
    }

    function escapeHtml(text) {
        // Only for the layer control, which inserts names as HTML; feature text never goes there.
        return String(text).replace(/[&<>"']/g, function (c) {
            return "&#" + c.charCodeAt(0) + ";";
        });
    }

    function text(value) {
        return value === null || value === undefined ? "" : String(value);
    }

    function send(message) {
        if (bridge === null) {
            early.push(message);
            return;
        }
        bridge.on_page_message(JSON.stringify(message));
    }

    function reportError(message) {
        send({type: "error", message: text(message).slice(0, MAX_MESSAGE)});
    }

    function statusText(code) {
        var statuses = (cfg.labels || {}).statuses || {};
        return statuses[code] || text(code);
    }

    function row(parent, key, value) {
        var line = L.DomUtil.create("div", "cc-popup-row", parent);
        var keyNode = L.DomUtil.create("span", "cc-popup-key", line);
        keyNode.appendChild(document.createTextNode(label(key)));
        line.appendChild(document.createTextNode(text(value)));
    }

    function popupNode(props) {
        var root = L.DomUtil.create("div", "cc-popup");
        var title = L.DomUtil.create("div", "cc-popup-title", root);
        title.appendChild(document.createTextNode(text(props.title)));
        row(root, "severity", [text(props.severity), text(props.severity_label || severityText(props.severity))].join(" ").trim());
        row(root, "status", statusText(props.status));
        row(root, "category", props.category_name || (cfg.categoryNames || {})[props.category] || props.category);
        row(root, "org_unit", props.org_unit_name || unitName(props.org_unit));
        return root;
    }

    function unitName(code) {
        var units = cfg.orgUnits || [];
        for (var i = 0; i < units.length; i++) {
            if (units[i].code === code) {
                return units[i].name;
            }
        }
        return text(code);
    }

    /* The popup of a unit, sensor, camera or site: a title and the rows the app sent,
     * [label, value] pairs already in the user's language, inserted as text. */
    function rowsPopupNode(props) {
        var root = L.DomUtil.create("div", "cc-popup");
        var title = L.DomUtil.create("div", "cc-popup-title", root);
        title.appendChild(document.createTextNode(text(props.title || props.name)));
        (Array.isArray(props.rows) ? props.rows : []).slice(0, MAX_POPUP_ROWS).forEach(function (pair) {
            if (!Array.isArray(pair)) {
                return;
            }
            var line = L.DomUtil.create("div", "cc-popup-row", root);
            var keyNode = L.DomUtil.create("span", "cc-popup-key", line);
            keyNode.appendChild(document.createTextNode(text(pair[0])));
            line.appendChild(document.createTextNode(text(pair[1])));
        });
        return root;
    }

    function featurePopup(layer, props) {
        return layer === "incidents" ? popupNode(props) : rowsPopupNode(props);
    }

    var popup = L.popup({maxWidth: 360, autoPanPadding: [24, 24]});
    var hover = L.tooltip({direction: "top", className: "cc-incident-tooltip", offset: [0, -8]});

    function openPopupAt(layer, id) {
        var where = points[layer].latLng(id);
        popup.setLatLng(where).setContent(featurePopup(layer, points[layer].props(id))).openOn(map);
    }

    function pointLayer(name) {
        var layer = points[name];
        if (layer === undefined) {
            throw new Error("unknown layer " + name);
        }
        return layer;
    }

    function focusPoint(name, id) {
        var layer = pointLayer(name);
        if (!layer.has(id)) {
            throw new Error(name + " " + id + " is not on the map");
        }
        if (highlighted !== null && points[highlighted.layer] !== layer) {
            points[highlighted.layer].highlight(null);
        }
        highlighted = {layer: name, id: id};
        layer.highlight(id);
        fitting = true;  // a focus is the app moving the map, and the room's view from now on
        moved = true;
        try {
            map.setView(layer.latLng(id), Math.max(map.getZoom(), cfg.focusZoom || 15), {animate: false});
        } finally {
            fitting = false;
        }
        openPopupAt(name, id);
    }

    /* The top-most drawn feature under a container point, or null. */
    function hitAt(containerPoint) {
        for (var i = pointOrder.length - 1; i >= 0; i--) {
            var layer = points[pointOrder[i]];
            if (!map.hasLayer(layer)) {
                continue;
            }
            var hit = layer.hitTest(containerPoint);
            if (hit !== null) {
                hit.layer = pointOrder[i];
                return hit;
            }
        }
        return null;
    }

    /* Clicks: a point opens its popup and tells the app (which opens its detail panel); a
     * cluster zooms to the points it stands for; anything else goes to the map tools. */
    var clickHandlers = [];
    map.on("click", function (event) {
        var hit = hitAt(event.containerPoint);
        if (hit !== null && hit.kind === "point") {
            openPopupAt(hit.layer, hit.id);
            send({type: "feature_clicked", layer: hit.layer, id: hit.id});
            return;
        }
        if (hit !== null && hit.kind === "cluster") {
            map.fitBounds(hit.bounds.pad(0.2), {maxZoom: Math.max(map.getZoom() + 2, 1)});
            return;
        }
        for (var i = 0; i < clickHandlers.length; i++) {
            if (clickHandlers[i](event)) {
                return;
            }
        }
    });
    var hovered = null;
    map.on("mousemove", function (event) {
        var hit = hitAt(event.containerPoint);
        var key = hit === null ? null : hit.kind === "cluster" ? "cluster" : hit.layer + "\u0000" + hit.id;
        map.getContainer().style.cursor = hit === null ? "" : "pointer";
        if (key === hovered) {
            return;
        }
        hovered = key;
        if (hit === null || hit.kind !== "point") {
            map.closeTooltip(hover);
            return;
        }
        var node = L.DomUtil.create("div", "cc-tooltip");
        node.appendChild(document.createTextNode(text(hit.props.title || hit.props.name)));
        hover.setLatLng(points[hit.layer].latLng(hit.id)).setContent(node);
        map.openTooltip(hover);
    });
    map.on("mouseout", function () {
        hovered = null;
        map.closeTooltip(hover);
    });

    window.ccMap = {
        map: map,
        cfg: cfg,
        points: points,
        hitAt: hitAt,
        send: send,
        label: label,
        word: word,
        text: text,
        onClick: function (handler) {
            clickHandlers.push(handler);
        },
        /* An overlay in the layer control, its name written as text (patchLayerControl). */
        addOverlay: function (layer, title) {
            if (handles.layerControl) {
                controlTitles.set(L.stamp(layer), text(title));
                handles.layerControl.addOverlay(layer, "");
            }
        },
        onBasemap: null
    };

    /* Leaflet's layer control writes overlay names with innerHTML. Imported layers are
     * registered with an empty name and get their label written here, as text. */
    function patchLayerControl(control) {
        if (!control) {
            return;
        }
        var addItem = control._addItem;
        control._addItem = function (obj) {
            var item = addItem.call(this, obj);
            var title = controlTitles.get(L.stamp(obj.layer));
            if (title !== undefined && item) {
                var spans = item.getElementsByTagName("span");
                if (spans.length) {
                    spans[spans.length - 1].textContent = " " + title;
                }
            }
            return item;
        };
    }

    function buildLegend() {
        var control = L.control({position: "bottomright"});
        var parts = {};
        control.onAdd = function () {
            var root = L.DomUtil.create("div", "cc-legend");
            L.DomEvent.disableClickPropagation(root);
            L.DomEvent.disableScrollPropagation(root);
            var heading = L.DomUtil.create("div", "cc-legend-title", root);
            heading.textContent = word("legend", "图例");
            // a click on the title folds the legend away (a small map dock needs the room)
            L.DomEvent.on(heading, "click", function () {
                var folded = !L.DomUtil.hasClass(root, "cc-legend-folded");
                L.DomUtil[folded ? "addClass" : "removeClass"](root, "cc-legend-folded");
                window.ccStats.legendFolded = folded;
            });
            var colours = cfg.severityColours || {};
            ["I", "II", "III", "IV"].forEach(function (code) {
                if (colours[code] !== undefined) {
                    legendLine(root, "cc-legend-severity", colours[code], severityText(code), "circle");
                }
            });
            // what the other point layers' colours mean: key sites by kind, units by status
            var sites = cfg.siteColours || {};
            Object.keys(sites).forEach(function (kind) {
                legendLine(root, "cc-legend-site", sites[kind], word("site_" + kind, kind), "square");
            });
            var units = cfg.unitStatusColours || {};
            ["available", "en_route", "on_scene", "out_of_service"].forEach(function (status) {
                if (units[status] !== undefined) {
                    legendLine(root, "cc-legend-unit", units[status], word("unit_" + status, status), "circle");
                }
            });
            parts.layers = L.DomUtil.create("div", "cc-legend-layers", root);
            return root;
        };
        control.addTo(map);
        control.refresh = function () {
            var box = parts.layers;
            while (box.firstChild) {
                box.removeChild(box.firstChild);
            }
            var names = Array.from(imported.keys()).sort();
            names.forEach(function (key) {
                var entry = imported.get(key);
                var line = legendLine(box, "cc-legend-layer", entry.colour, entry.title, "square");
                var count = L.DomUtil.create("span", "cc-legend-count", line);
                count.textContent = entry.count === 1 ? word("layer_count_one", "1")
                    : word("layer_count", "{n}").replace("{n}", String(entry.count));
                if (!map.hasLayer(entry.group)) {
                    L.DomUtil.addClass(line, "cc-legend-off");
                }
            });
        };
        return control;
    }

    function legendLine(parent, className, colour, words, shape) {
        var line = L.DomUtil.create("div", "cc-legend-line " + className, parent);
        var swatch = L.DomUtil.create("span", "cc-legend-swatch cc-legend-" + shape, line);
        swatch.style.backgroundColor = colour;
        var name = L.DomUtil.create("span", "cc-legend-name", line);
        name.textContent = text(words);
        return line;
    }

    function severityText(code) {
        var labels = cfg.labels || {};
        var key = "severity_" + code;
        return labels[key] === undefined ? code : String(labels[key]);
    }

    function paletteColour(name) {
        var hash = 0;
        for (var i = 0; i < name.length; i++) {
            hash = (hash * 31 + name.charCodeAt(i)) >>> 0;
        }
        return LAYER_PALETTE[hash % LAYER_PALETTE.length];
    }

    function propertyText(value) {
        if (value === null || value === undefined) {
            return "";
        }
        return typeof value === "object" ? JSON.stringify(value) : String(value);
    }

    function layerPopupNode(title, feature) {
        var root = L.DomUtil.create("div", "cc-popup");
        var heading = L.DomUtil.create("div", "cc-popup-title", root);
        heading.textContent = title;
        var table = L.DomUtil.create("table", "cc-popup-table", root);
        var props = (feature && feature.properties) || {};
        var keys = Object.keys(props);
        keys.slice(0, MAX_POPUP_ROWS).forEach(function (key) {
            var tr = L.DomUtil.create("tr", "", table);
            var th = L.DomUtil.create("th", "cc-popup-key", tr);
            th.textContent = key;
            var td = L.DomUtil.create("td", "", tr);
            td.textContent = propertyText(props[key]);
        });
        if (keys.length > MAX_POPUP_ROWS) {
            var more = L.DomUtil.create("div", "cc-popup-row", root);
            more.textContent = "… +" + (keys.length - MAX_POPUP_ROWS);
        }
        return root;
    }

    function setLayer(key, delta) {
        var features = delta.features;
        if (!Array.isArray(features)) {
            throw new Error("layer " + key + " needs a features array");
        }
        var title = text(delta.title) || key.slice(IMPORT_PREFIX.length);
        var entry = imported.get(key);
        var visible = true;
        if (entry !== undefined) {
            visible = map.hasLayer(entry.group);
            dropLayer(key);
        }
        var kind = text(delta.kind) || "features";
        var colour = kind === "cap" ? "#f59e0b" : paletteColour(title);
        var point = {radius: 5, color: "#0b1220", weight: 1, opacity: 1, fill: true, fillColor: colour, fillOpacity: 0.95};
        var options = {
            bubblingMouseEvents: false,
            // Leaflet applies this to the points too, after pointToLayer: they get their own.
            style: function (feature) {
                var type = feature && feature.geometry ? feature.geometry.type : "";
                if (type === "Point" || type === "MultiPoint") {
                    return point;
                }
                var area = type === "Polygon" || type === "MultiPolygon";
                if (kind === "cap") {
                    // a warning area in its warning colour (red/orange/yellow/blue), dashed
                    var warn = text(feature.properties && feature.properties.colour) || colour;
                    return {color: warn, weight: 2.5, opacity: 1, dashArray: "8 5", fill: true, fillColor: warn, fillOpacity: 0.18};
                }
                return {color: colour, weight: 2, opacity: 0.95, fill: area, fillColor: colour, fillOpacity: 0.12};
            },
            pointToLayer: function (feature, latlng) {
                return L.circleMarker(latlng, point);
            },
            onEachFeature: function (feature, layer) {
                layer.options.ccLayer = key;
            }
        };
        if (renderer !== undefined) {
            options.renderer = renderer;
            point.renderer = renderer;
        }
        var group = L.geoJSON(null, options);
        group.addData({type: "FeatureCollection", features: features});
        // Built when opened: a 100k-feature layer must not create 100k popups up front.
        group.bindPopup(function (layer) {
            return layerPopupNode(title, layer.feature);
        }, {maxWidth: 420});
        if (visible) {
            group.addTo(map);
        }
        entry = {group: group, title: title, colour: colour, count: group.getLayers().length, kind: kind};
        imported.set(key, entry);
        if (handles.layerControl) {
            controlTitles.set(L.stamp(group), title);
            handles.layerControl.addOverlay(group, "");
        }
    }

    function dropLayer(key) {
        var entry = imported.get(key);
        if (entry === undefined) {
            return;
        }
        if (handles.layerControl) {
            handles.layerControl.removeLayer(entry.group);
            controlTitles.delete(L.stamp(entry.group));
        }
        map.removeLayer(entry.group);
        imported.delete(key);
    }

    function layerStats() {
        var stats = {};
        Array.from(imported.keys()).sort().forEach(function (key) {
            stats[imported.get(key).title] = imported.get(key).count;
        });
        return stats;
    }

    function applyLayerDelta(delta) {
        var key = text(delta.layer);
        if (key.indexOf(IMPORT_PREFIX) !== 0 || key.length === IMPORT_PREFIX.length) {
            throw new Error("unknown layer " + key);
        }
        if (delta.op === "layer_set") {
            setLayer(key, delta);
        } else {
            dropLayer(key);
        }
        window.ccStats.layers = layerStats();
        legend.refresh();
    }

    /* Replace the base layer. The package's detail ends at its maxZoom; deeper zooms stretch
     * its last tiles (maxNativeZoom) rather than leave the room looking at an empty map. */
    function setBasemap(delta) {
        var url = text(delta.url);
        var online = delta.online === true;
        if (online ? !/^https?:\/\/[^\/]+\/.*\{z\}.*\{x\}.*\{y\}/.test(url) : url.indexOf("cc://app/tiles/") !== 0) {
            throw new Error(online ? "an online basemap needs an http(s) URL with {z}, {x} and {y}"
                                   : "a basemap must come from cc://app/tiles/");
        }
        var title = text(delta.title) || text(delta.name);
        var options = {
            minZoom: Number(delta.minZoom) || 0,
            maxNativeZoom: Number(delta.maxZoom) || 18,
            maxZoom: Math.max(Number(delta.maxZoom) || 18, map.getMaxZoom() || 18),
            attribution: escapeHtml(title),
            className: "cc-basemap"
        };
        if (Array.isArray(delta.bounds)) {
            options.bounds = L.latLngBounds(delta.bounds);
        }
        if (basemap !== null) {
            if (handles.layerControl) {
                handles.layerControl.removeLayer(basemap.layer);
                controlTitles.delete(L.stamp(basemap.layer));
            }
            map.removeLayer(basemap.layer);
        }
        var layer = L.tileLayer(url, options);
        var stats = {name: text(delta.name), title: title, loaded: 0, errors: 0, complete: false};
        layer.on("tileload", function () {
            stats.loaded += 1;
        });
        layer.on("tileerror", function () {
            stats.errors += 1;
        });
        layer.on("load", function () {
            stats.complete = true;
        });
        layer.on("loading", function () {
            stats.complete = false;
        });
        basemap = {layer: layer, name: stats.name};
        stats.online = online;
        window.ccStats.basemap = stats;
        if (window.ccMap.onBasemap) {
            window.ccMap.onBasemap();
        }
        layer.addTo(map);
        layer.bringToBack();
        if (handles.layerControl) {
            controlTitles.set(L.stamp(layer), title);
            handles.layerControl.addBaseLayer(layer, "");
        }
    }

    map.on("overlayadd overlayremove", function () {
        legend.refresh();
    });

    // Ops added by the other page scripts (tools.js, overlays.js): name -> function(delta).
    var ops = {};
    window.ccMap.ops = ops;

    function applyOne(delta) {
        if (delta === null || typeof delta !== "object") {
            throw new Error("a delta must be an object");
        }
        if (delta.op === "layer_set" || delta.op === "layer_remove") {
            applyLayerDelta(delta);
            return;
        }
        if (delta.op === "basemap_set") {
            setBasemap(delta);
            return;
        }
        if (ops[delta.op] !== undefined) {
            ops[delta.op](delta);
            return;
        }
        var name = text(delta.layer);
        var layer = pointLayer(name);
        if (delta.op === "rows") {
            applyRows(name, layer, delta);
            return;
        }
        if (delta.op === "clear") {
            layer.clear();
            return;
        }
        var id = text(delta.id);
        if (id === "") {
            throw new Error("a delta needs an id");
        }
        if (delta.op === "upsert") {
            layer.upsert(id, delta.props || {});
        } else if (delta.op === "remove") {
            layer.remove(id);
            if (highlighted !== null && highlighted.layer === name && highlighted.id === id) {
                highlighted = null;
            }
        } else if (delta.op === "focus") {
            focusPoint(name, id);
        } else if (delta.op === "trail") {
            layer.setTrail(id, Array.isArray(delta.points) ? delta.points : []);
        } else {
            throw new Error("unknown op " + text(delta.op));
        }
    }

    /* Many features of one layer in a compact form: field names once, then one array per
     * feature. A bad row is reported (the first few) and skipped; the others still land. */
    function applyRows(name, layer, delta) {
        var fields = delta.fields;
        var rows = delta.rows;
        if (!Array.isArray(fields) || !Array.isArray(rows) || fields.indexOf("id") < 0) {
            throw new Error("rows for " + name + " need fields (with id) and rows");
        }
        var errors = layer.upsertRows(fields, rows);
        var bad = errors.length;
        errors.slice(0, 3).forEach(function (message) {
            reportError("ccApply: " + message);
        });
        if (bad > 3) {
            reportError("ccApply: " + bad + " rows of " + name + " could not be placed");
        }
    }

    function updateStats() {
        window.ccStats.incidents = incidents.count();
        pointOrder.forEach(function (name) {
            window.ccStats.points[name] = points[name].count();
        });
    }

    /* The binary rows table (an ArrayBuffer): every row placed on its layer, the bad ones
     * reported (the first few) and skipped. Returns whether the table could be read. */
    function applyTable(buffer) {
        var started = performance.now();
        var table;
        try {
            table = L.CCPoints.readTable(buffer);
        } catch (err) {
            reportError("rows table: " + (err && err.message ? err.message : err));
            return false;
        }
        var layer = points[table.layer];
        if (layer === undefined) {
            reportError("rows table: unknown layer " + text(table.layer));
            return false;
        }
        var errors = layer.upsertTable(table);
        errors.slice(0, 3).forEach(function (message) {
            reportError("rows table: " + message);
        });
        if (errors.length > 3) {
            reportError("rows table: " + errors.length + " rows of " + table.layer + " could not be placed");
        }
        updateStats();
        window.ccStats.tableMs = performance.now() - started;
        return true;
    }

    function maybeReady() {
        if (pending.channel || pending.scripts || pending.rows) {
            return;
        }
        if (pending.sent) {
            return;
        }
        pending.sent = true;
        send({type: "ready", rows: rowsPlaced});
    }

    if (pending.rows) {
        window.ccRowsFetch.then(function (result) {
            if (result instanceof ArrayBuffer) {
                rowsPlaced = applyTable(result);
            } else {
                reportError(text(result && result.message ? result.message : result));
            }
        }).catch(function (err) {
            reportError("rows table: " + (err && err.message ? err.message : err));
        }).then(function () {
            window.ccRowsFetch = undefined;  // the buffer goes with it once placed
            pending.rows = false;
            maybeReady();
        });
    }
    if (pending.scripts) {
        // deferred scripts (overlays.js, tools.js) have all run when DOMContentLoaded fires
        var scriptsDone = function () {
            if (pending.scripts) {
                pending.scripts = false;
                maybeReady();
            }
        };
        document.addEventListener("DOMContentLoaded", scriptsDone);
        window.addEventListener("load", scriptsDone);
    }

    /* Apply a batch of deltas (an array, or its JSON text); returns how many were applied.
     * A bad delta is reported and skipped, so one broken row never stalls the map. */
    window.ccApply = function (batch) {
        var started = performance.now();
        var deltas = typeof batch === "string" ? JSON.parse(batch) : batch;
        if (!Array.isArray(deltas)) {
            deltas = [deltas];
        }
        var applied = 0;
        for (var i = 0; i < deltas.length; i++) {
            try {
                applyOne(deltas[i]);
                applied += 1;
            } catch (err) {
                reportError("ccApply: " + (err && err.message ? err.message : err));
            }
        }
        window.ccStats.applyMs = performance.now() - started;
        updateStats();
        return applied;
    };

    window.addEventListener("error", function (event) {
        reportError((event.message || "script error") + " at " + text(event.filename) + ":" + text(event.lineno));
    });

    function connect() {
        if (typeof QWebChannel === "undefined" || typeof qt === "undefined" || !qt.webChannelTransport) {
            console.warn("map.js: no Qt web channel; the map is not connected to the application");
            return;
        }
        new QWebChannel(qt.webChannelTransport, function (channel) {
            bridge = channel.objects.bridge;
            window.bridge = bridge;
            var queued = early;
            early = [];
            queued.forEach(send);
            pending.channel = false;
            maybeReady();
        });
    }

    maybeReady();
}());
