/*
 * Overlays on the core map (map.js): the crowd heat map, indoor floor plans with a floor
 * switcher, the vector fallback basemap, an online tile basemap, and the lines to the nearest
 * units of an incident. Each is driven by its own delta op, registered in ccMap.ops.
 * Names and titles are data from outside: they are written with textContent only.
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

    // ------------------------------------------------------------------ heat map
    /* Crowd density as a heat map: each point is a blurred stamp weighted by its value, the
     * summed intensity is coloured through a palette (blue -> green -> yellow -> red). */
    var HEAT_STOPS = [[0.0, [0, 0, 255]], [0.35, [0, 200, 255]], [0.55, [0, 220, 80]],
                      [0.75, [255, 220, 0]], [1.0, [230, 20, 20]]];

    function heatPalette() {
        var palette = new Uint8ClampedArray(256 * 3);
        for (var i = 0; i < 256; i++) {
            var t = i / 255;
            var k = 1;
            while (k < HEAT_STOPS.length - 1 && HEAT_STOPS[k][0] < t) {
                k++;
            }
            var a = HEAT_STOPS[k - 1];
            var b = HEAT_STOPS[k];
            var f = (t - a[0]) / (b[0] - a[0] || 1);
            for (var c = 0; c < 3; c++) {
                palette[i * 3 + c] = a[1][c] + (b[1][c] - a[1][c]) * Math.max(0, Math.min(1, f));
            }
        }
        return palette;
    }

    L.CCHeat = L.Renderer.extend({
        options: {padding: 0.1, radiusMetres: 450, pane: "ccHeat", maxOpacity: 0.65},

        initialize: function (options) {
            L.Renderer.prototype.initialize.call(this, options);
            this._points = [];  // [lat, lon, weight 0..1]
            this._palette = heatPalette();
        },

        _initContainer: function () {
            this._container = document.createElement("canvas");
            this._container.className = "cc-heat";
            this._ctx = this._container.getContext("2d", {willReadFrequently: true});
        },

        _destroyContainer: function () {
            L.DomUtil.remove(this._container);
            delete this._container;
            delete this._ctx;
        },

        _updatePaths: function () {},

        _update: function () {
            if (this._map._animatingZoom && this._bounds) {
                return;
            }
            L.Renderer.prototype._update.call(this);
            var size = this._bounds.getSize();
            L.DomUtil.setPosition(this._container, this._bounds.min);
            this._container.width = size.x;
            this._container.height = size.y;
            this._container.style.width = size.x + "px";
            this._container.style.height = size.y + "px";
            this._draw();
        },

        setPoints: function (points) {
            this._points = points;
            if (this._map) {
                this._draw();
            }
        },

        count: function () {
            return this._points.length;
        },

        _radiusPx: function () {
            var centre = this._map.getCenter();
            var east = this._map.latLngToContainerPoint(centre);
            var metresPerPixel = this._map.distance(centre, this._map.containerPointToLatLng(east.add([100, 0]))) / 100;
            return Math.max(8, Math.min(160, this.options.radiusMetres / metresPerPixel));
        },

        _draw: function () {
            var ctx = this._ctx;
            var b = this._bounds;
            if (!ctx || !b) {
                return;
            }
            var size = b.getSize();
            ctx.clearRect(0, 0, size.x, size.y);
            if (!this._points.length || size.x <= 0 || size.y <= 0) {
                return;
            }
            var r = this._radiusPx();
            var stamp = document.createElement("canvas");
            stamp.width = stamp.height = Math.ceil(r * 2);
            var s = stamp.getContext("2d");
            var gradient = s.createRadialGradient(r, r, 0, r, r, r);
            gradient.addColorStop(0, "rgba(0,0,0,1)");
            gradient.addColorStop(1, "rgba(0,0,0,0)");
            s.fillStyle = gradient;
            s.fillRect(0, 0, r * 2, r * 2);
            for (var i = 0; i < this._points.length; i++) {
                var p = this._points[i];
                var at = this._map.latLngToLayerPoint([p[0], p[1]]).subtract(b.min);
                if (at.x < -r || at.y < -r || at.x > size.x + r || at.y > size.y + r) {
                    continue;
                }
                ctx.globalAlpha = Math.max(0.05, Math.min(1, p[2]));
                ctx.drawImage(stamp, at.x - r, at.y - r);
            }
            ctx.globalAlpha = 1;
            var image = ctx.getImageData(0, 0, size.x, size.y);
            var data = image.data;
            var palette = this._palette;
            var maxOpacity = this.options.maxOpacity * 255;
            for (var j = 3; j < data.length; j += 4) {
                var alpha = data[j];
                if (alpha === 0) {
                    continue;
                }
                var idx = alpha * 3;
                data[j - 3] = palette[idx];
                data[j - 2] = palette[idx + 1];
                data[j - 1] = palette[idx + 2];
                data[j] = Math.min(maxOpacity, alpha * 1.4);
            }
            ctx.putImageData(image, 0, 0);
        }
    });

    var heat = new L.CCHeat();
    heat.addTo(map);
    cc.addOverlay(heat, cc.label("heat"));

    ops.heat_set = function (delta) {
        var points = [];
        (Array.isArray(delta.points) ? delta.points : []).forEach(function (p, i) {
            var lon = Number(p && p[0]);
            var lat = Number(p && p[1]);
            var weight = Number(p && p[2]);
            if (!isFinite(lon) || !isFinite(lat) || !isFinite(weight)) {
                throw new Error("heat point " + i + " is not [lon, lat, weight]");
            }
            points.push([lat, lon, weight]);
        });
        heat.setPoints(points);
        stats.heat = points.length;
    };

    // ---------------------------------------------------------------- floor plans
    /* Indoor floor plans: one image overlay per building, its floor picked in a small
     * switcher that appears when a building with plans is in view at street zoom. */
    var FLOOR_MIN_ZOOM = 16;
    var plans = new Map();  // id -> {title, bounds, floors, level, overlay}
    var floorGroup = L.layerGroup().addTo(map);
    cc.addOverlay(floorGroup, cc.label("floorplans"));
    var switcher = L.control({position: "bottomleft"});
    var switcherBox = null;
    switcher.onAdd = function () {
        switcherBox = L.DomUtil.create("div", "cc-floors");
        L.DomEvent.disableClickPropagation(switcherBox);
        return switcherBox;
    };
    switcher.addTo(map);
    stats.floors = {};

    function checkFloorUrl(url) {
        if (url.indexOf("cc://app/") !== 0) {
            throw new Error("a floor plan image must come from cc://app/");
        }
        return url;
    }

    function showFloor(plan, level) {
        var floor = plan.floors.filter(function (f) {
            return f.level === level;
        })[0];
        if (!floor) {
            throw new Error("no floor " + level + " in " + plan.id);
        }
        plan.level = level;
        if (plan.overlay === null) {
            plan.overlay = L.imageOverlay(floor.url, plan.bounds, {pane: "ccFloors", opacity: 0.92, className: "cc-floor"});
            floorGroup.addLayer(plan.overlay);
        } else {
            plan.overlay.setUrl(floor.url);
        }
        stats.floors[plan.id] = level;
        refreshSwitcher();
    }

    function planInView() {
        if (map.getZoom() < FLOOR_MIN_ZOOM || !map.hasLayer(floorGroup)) {
            return null;
        }
        var view = map.getBounds();
        var centre = map.getCenter();
        var best = null;
        var bestD = Infinity;
        plans.forEach(function (plan) {
            if (!view.intersects(plan.bounds)) {
                return;
            }
            var d = map.distance(centre, plan.bounds.getCenter());
            if (d < bestD) {
                best = plan;
                bestD = d;
            }
        });
        return best;
    }

    function refreshSwitcher() {
        if (switcherBox === null) {
            return;
        }
        while (switcherBox.firstChild) {
            switcherBox.removeChild(switcherBox.firstChild);
        }
        plans.forEach(function (plan) {
            if (plan.overlay !== null) {
                plan.overlay.setOpacity(map.getZoom() >= FLOOR_MIN_ZOOM - 1 ? 0.92 : 0);
            }
        });
        var plan = planInView();
        stats.floorSwitcher = plan === null ? null : plan.id;
        if (plan === null) {
            switcherBox.style.display = "none";
            return;
        }
        switcherBox.style.display = "";
        var title = L.DomUtil.create("div", "cc-floors-title", switcherBox);
        title.textContent = plan.title;
        plan.floors.slice().reverse().forEach(function (floor) {
            var button = L.DomUtil.create("button", "cc-floor-button", switcherBox);
            button.type = "button";
            button.textContent = floor.level;
            button.title = floor.title;
            button.setAttribute("data-level", floor.level);
            if (floor.level === plan.level) {
                L.DomUtil.addClass(button, "cc-floor-current");
            }
            L.DomEvent.on(button, "click", function () {
                showFloor(plan, floor.level);
            });
        });
    }

    map.on("zoomend moveend overlayadd overlayremove", refreshSwitcher);

    ops.floorplans_set = function (delta) {
        floorGroup.clearLayers();
        plans.clear();
        stats.floors = {};
        (Array.isArray(delta.plans) ? delta.plans : []).forEach(function (raw) {
            var floors = (Array.isArray(raw.floors) ? raw.floors : []).map(function (f) {
                return {level: text(f.level), title: text(f.title), url: checkFloorUrl(text(f.url))};
            });
            if (!floors.length) {
                throw new Error("floor plan " + text(raw.id) + " has no floors");
            }
            var plan = {id: text(raw.id), title: text(raw.title), bounds: L.latLngBounds(raw.bounds),
                        floors: floors, level: null, overlay: null};
            plans.set(plan.id, plan);
            var ground = floors.filter(function (f) {
                return f.level === "1F";
            })[0] || floors[0];
            showFloor(plan, ground.level);
        });
        refreshSwitcher();
    };

    // ------------------------------------------------------------- fallback basemap
    /* With no raster tiles installed the city still has a base: rivers, water, parks and main
     * roads drawn from a small GeoJSON file, under everything else. */
    var FALLBACK_STYLE = {
        river: {color: "#1e5a8a", weight: 6, opacity: 0.9},
        water: {color: "#1e5a8a", weight: 1, fillColor: "#173f63", fillOpacity: 0.85},
        park: {color: "#1f4d36", weight: 1, fillColor: "#173d2b", fillOpacity: 0.7},
        expressway: {color: "#6b5a2e", weight: 3.5, opacity: 0.95},
        arterial: {color: "#4b5567", weight: 2, opacity: 0.9}
    };
    var fallback = null;

    function fallbackStyle(feature) {
        var props = (feature && feature.properties) || {};
        var key = props.kind === "road" ? props["class"] : props.kind;
        var style = FALLBACK_STYLE[key] || FALLBACK_STYLE.arterial;
        if (props.kind === "river" && props.width === "minor") {
            return Object.assign({}, style, {weight: 3});
        }
        return style;
    }

    ops.fallback_set = function (delta) {
        if (!Array.isArray(delta.features)) {
            throw new Error("the fallback basemap needs a features array");
        }
        if (fallback !== null) {
            map.removeLayer(fallback);
        }
        fallback = L.geoJSON({type: "FeatureCollection", features: delta.features}, {
            pane: "ccFallback",
            interactive: false,
            style: fallbackStyle,
            renderer: L.canvas({pane: "ccFallback", padding: 0.3})
        });
        if (!stats.basemap) {
            fallback.addTo(map);
        }
        stats.fallback = {features: delta.features.length, shown: map.hasLayer(fallback)};
    };

    /* A raster basemap (offline package or online URL) replaces the fallback. */
    cc.onBasemap = function () {
        if (fallback !== null && map.hasLayer(fallback)) {
            map.removeLayer(fallback);
        }
        if (stats.fallback) {
            stats.fallback.shown = false;
        }
    };

    // --------------------------------------------------------------- nearest units
    var nearest = L.layerGroup().addTo(map);

    ops.nearest_show = function (delta) {
        nearest.clearLayers();
        var from = L.latLng(Number(delta.lat), Number(delta.lon));
        var units = Array.isArray(delta.units) ? delta.units : [];
        var all = [from];
        units.forEach(function (unit, i) {
            var to = L.latLng(Number(unit.lat), Number(unit.lon));
            all.push(to);
            var line = L.polyline([from, to], {color: "#22c55e", weight: 2.5, dashArray: "6 6", interactive: false});
            nearest.addLayer(line);
            var node = document.createElement("div");
            node.textContent = (i + 1) + ". " + text(unit.label);
            nearest.addLayer(L.tooltip({permanent: true, direction: "right", className: "cc-nearest-label"})
                .setLatLng(to).setContent(node));
        });
        stats.nearest = units.length;
        if (units.length) {
            map.fitBounds(L.latLngBounds(all).pad(0.25), {maxZoom: 16, animate: false});
        }
    };

    ops.nearest_clear = function () {
        nearest.clearLayers();
        stats.nearest = 0;
    };
}());
