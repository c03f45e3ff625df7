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
    var HIGHLIGHT = {color: "#ffffff", weight: 4};
    var IMPORT_PREFIX = "import:";
    var MAX_POPUP_ROWS = 60;
    // Distinct from the severity colours, so an imported point is never read as an incident.
    var LAYER_PALETTE = ["#2dd4bf", "#a78bfa", "#f472b6", "#84cc16", "#22d3ee", "#fb7185", "#c084fc", "#34d399"];

    var cfg = readConfig();
    var handles = window.ccFolium || {};
    var map = handles.map || findMap();
    var bridge = null;
    var early = [];  // messages raised before the channel is up
    var highlighted = null;

    var incidents = {
        group: L.layerGroup(),
        markers: new Map()  // id -> {marker, props}
    };
    // The map's own canvas renderer (preferCanvas): incidents share the canvas with the
    // boundaries and, drawn last, sit on top of them for both painting and hit-testing.
    var renderer = map.options.preferCanvas ? undefined : L.canvas({padding: 0.5});
    incidents.group.addTo(map);
    L.control.scale({imperial: false}).addTo(map);
    if (handles.layerControl) {
        handles.layerControl.addOverlay(incidents.group, escapeHtml(label("incidents")));
    }

    var imported = new Map();  // "import:<name>" -> {group, title, colour, count}
    var controlTitles = new Map();  // Leaflet stamp of an overlay -> its label text
    patchLayerControl(handles.layerControl);
    var legend = buildLegend();

    var basemap = null;  // {layer, name}: the one offline base layer, when the app has one

    window.ccStats = {incidents: 0, layers: {}, basemap: null};

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
        if (!sized && highlighted !== null && incidents.markers.has(highlighted)) {
            // an incident focused while the map was hidden keeps the view
            map.setView(incidents.markers.get(highlighted).marker.getLatLng(), cfg.focusZoom || 15, {animate: false});
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

    function styleFor(props) {
        var colours = cfg.severityColours || {};
        var radii = cfg.severityRadius || {};
        var colour = colours[props.severity] || props.colour || DEFAULT_COLOUR;
        return {
            radius: radii[props.severity] || 6,
            color: "#0b1220",
            weight: 1.5,
            opacity: 1,
            fillColor: colour,
            fillOpacity: 0.9
        };
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
        row(root, "severity", [text(props.severity), text(props.severity_label)].join(" ").trim());
        row(root, "status", statusText(props.status));
        row(root, "category", props.category_name || props.category);
        row(root, "org_unit", props.org_unit_name || props.org_unit);
        return root;
    }

    function tooltipNode(props) {
        var node = L.DomUtil.create("div", "cc-tooltip");
        node.appendChild(document.createTextNode(text(props.title)));
        return node;
    }

    function upsertIncident(id, props) {
        var lat = Number(props.lat);
        var lon = Number(props.lon);
        if (!isFinite(lat) || !isFinite(lon)) {
            throw new Error("incident " + id + " has no valid position");
        }
        var style = styleFor(props);
        var entry = incidents.markers.get(id);
        if (entry === undefined) {
            var options = Object.assign({bubblingMouseEvents: false, ccLayer: "incidents", ccId: id}, style);
            if (renderer !== undefined) {
                options.renderer = renderer;
            }
            var marker = L.circleMarker([lat, lon], options);
            marker.bindTooltip(tooltipNode(props), {className: "cc-incident-tooltip", direction: "top"});
            marker.bindPopup(popupNode(props), {maxWidth: 360});
            marker.on("click", function () {
                send({type: "feature_clicked", layer: "incidents", id: id});
            });
            entry = {marker: marker, props: props};
            incidents.markers.set(id, entry);
            incidents.group.addLayer(marker);
        } else {
            entry.props = props;
            entry.marker.setLatLng([lat, lon]);
            entry.marker.setRadius(style.radius);
            entry.marker.setStyle(highlighted === id ? Object.assign({}, style, HIGHLIGHT) : style);
            entry.marker.setTooltipContent(tooltipNode(props));
            entry.marker.setPopupContent(popupNode(props));
        }
    }

    function removeIncident(id) {
        var entry = incidents.markers.get(id);
        if (entry === undefined) {
            return;
        }
        incidents.group.removeLayer(entry.marker);
        incidents.markers.delete(id);
        if (highlighted === id) {
            highlighted = null;
        }
    }

    function focusIncident(id) {
        var entry = incidents.markers.get(id);
        if (entry === undefined) {
            throw new Error("incident " + id + " is not on the map");
        }
        if (highlighted !== null && highlighted !== id && incidents.markers.has(highlighted)) {
            var previous = incidents.markers.get(highlighted);
            previous.marker.setStyle(styleFor(previous.props));
        }
        highlighted = id;
        entry.marker.setStyle(HIGHLIGHT);
        entry.marker.bringToFront();
        map.setView(entry.marker.getLatLng(), Math.max(map.getZoom(), cfg.focusZoom || 15), {animate: false});
        entry.marker.openPopup();
    }

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
            var colours = cfg.severityColours || {};
            ["I", "II", "III", "IV"].forEach(function (code) {
                if (colours[code] !== undefined) {
                    legendLine(root, "cc-legend-severity", colours[code], severityText(code), "circle");
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
                count.textContent = word("layer_count", "{n}").replace("{n}", String(entry.count));
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
        var colour = paletteColour(title);
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
        entry = {group: group, title: title, colour: colour, count: group.getLayers().length};
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
        if (url.indexOf("cc://app/tiles/") !== 0) {
            throw new Error("a basemap must come from cc://app/tiles/");
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
        window.ccStats.basemap = stats;
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
        if (delta.layer !== "incidents") {
            throw new Error("unknown layer " + text(delta.layer));
        }
        var id = text(delta.id);
        if (id === "") {
            throw new Error("a delta needs an id");
        }
        if (delta.op === "upsert") {
            upsertIncident(id, delta.props || {});
        } else if (delta.op === "remove") {
            removeIncident(id);
        } else if (delta.op === "focus") {
            focusIncident(id);
        } else {
            throw new Error("unknown op " + text(delta.op));
        }
    }

    /* Apply a batch of deltas (an array, or its JSON text); returns how many were applied.
     * A bad delta is reported and skipped, so one broken row never stalls the map. */
    window.ccApply = function (batch) {
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
        window.ccStats.incidents = incidents.markers.size;
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
            send({type: "ready"});
            var pending = early;
            early = [];
            pending.forEach(send);
        });
    }

    connect();
}());
