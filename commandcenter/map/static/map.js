/*
 * The live half of the map page (the static half is built once by commandcenter/map/page.py).
 *
 * The application sends batches of JSON deltas through ccApply(); clicks and errors go back
 * through the QWebChannel object "bridge" as JSON strings (schema: commandcenter/map/bridge.py).
 * Incident text comes from the platform or from users: it is only ever inserted as text nodes,
 * never as HTML, so a title like <img onerror=...> shows as those characters and runs nothing.
 */
(function () {
    "use strict";

    var MAX_MESSAGE = 1000;
    var DEFAULT_COLOUR = "#8fa3bf";
    var HIGHLIGHT = {color: "#ffffff", weight: 4};

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

    window.ccStats = {incidents: 0};

    /* Fit the city once the map has a size; a hidden view gets one only when first shown. */
    function fitCity() {
        var size = map.getSize();
        if (!cfg.bounds || size.x <= 0 || size.y <= 0) {
            return false;
        }
        var padding = cfg.fitPadding || 0;
        map.fitBounds(cfg.bounds, {padding: [padding, padding], animate: false});
        return true;
    }

    var sized = fitCity();
    map.on("resize", function () {
        var size = map.getSize();
        if (sized || size.x <= 0 || size.y <= 0) {
            return;
        }
        sized = true;
        // An incident focused while the map was hidden keeps the view; otherwise show the city.
        if (highlighted !== null && incidents.markers.has(highlighted)) {
            map.setView(incidents.markers.get(highlighted).marker.getLatLng(), cfg.focusZoom || 15, {animate: false});
        } else {
            fitCity();
        }
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

    function applyOne(delta) {
        if (delta === null || typeof delta !== "object") {
            throw new Error("a delta must be an object");
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
