/*
 * L.CCPoints: a purpose-built canvas layer for many live points (incidents, units, sensors,
 * cameras, key sites). One Leaflet circleMarker per feature (with its own tooltip and popup
 * objects) takes seconds at 10k and most of a gigabyte at 100k; this layer keeps its points in
 * typed arrays and draws them from pre-rendered sprites.
 *
 * - Positions are kept in Web Mercator pixels at zoom 0 (Float64Array), so a pan or a zoom
 *   only multiplies and subtracts; nothing is re-projected through Leaflet per point.
 * - Each point's look (colour, size, glyph, heading) is one sprite index; sprites are small
 *   offscreen canvases built once per distinct look and drawn with drawImage.
 * - Clustering is a grid in world pixels at the current zoom: every visible point falls in
 *   exactly one cell, so a cluster's count is exactly the number of points it stands for and
 *   the counts of a view add up to the points in it. The grid is anchored to the world, not
 *   the screen, so panning never reshuffles clusters.
 * - Hit-testing uses a screen grid of what was drawn last: a click or a hover looks at the
 *   few items near the pointer, never at every point.
 * - The canvas takes no pointer events; map.js asks each layer what is under the pointer.
 * - An empty layer keeps a 0x0 canvas: five full-size canvases that show nothing would cost
 *   the first picture their allocation, clearing and compositing (and ~12 MB each).
 * - The initial load comes as a binary rows table (L.CCPoints.readTable, the format of
 *   commandcenter/map/bridge.py incident_rows_table): positions as Float64Arrays, repeated
 *   words as codes into a short list, text as one decoded string per column cut per row.
 *   Its rows are not turned into objects: a point keeps a reference to the table and its row
 *   number, and an object is made only when someone looks at the point (a popup).
 * Text (titles, names, values) is data from outside: it is drawn with fillText on the canvas
 * or handed to map.js, which shows it through text nodes only.
 */
(function () {
    "use strict";

    var HIT_CELL = 32;
    var HEADING_STEPS = 36;  // sprites for headings every 10 degrees
    var TRAIL_BANDS = 6;     // opacity steps of a fading trail
    var TAU = Math.PI * 2;

    function nextPow2(n) {
        var c = 1024;
        while (c < n) {
            c *= 2;
        }
        return c;
    }

    function grow(array, size) {
        var bigger = new array.constructor(size);
        bigger.set(array);
        return bigger;
    }

    var MAX_LAT = 85.0511287798;

    /* Web Mercator pixels at zoom 0 (what L.CRS.EPSG3857.latLngToPoint(ll, 0) gives), inline:
     * 100k points must not allocate 200k Leaflet objects to be placed. */
    function project(lat, lon) {
        var phi = Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * Math.PI / 180;
        return {
            x: 256 * (0.5 + lon / 360),
            y: 256 * (0.5 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / TAU)
        };
    }

    /* Glyphs drawn inside a point, in a unit box of -1..1 (white on the point's colour). */
    var GLYPHS = {
        water: function (c) {  // a drop
            c.beginPath();
            c.moveTo(0, -0.85);
            c.bezierCurveTo(0.55, -0.15, 0.6, 0.2, 0.6, 0.3);
            c.arc(0, 0.3, 0.6, 0, Math.PI, false);
            c.bezierCurveTo(-0.6, 0.2, -0.55, -0.15, 0, -0.85);
            c.fill();
        },
        fire: function (c) {  // a flame
            c.beginPath();
            c.moveTo(0, -0.9);
            c.bezierCurveTo(0.7, -0.2, 0.75, 0.35, 0.45, 0.7);
            c.quadraticCurveTo(0, 1.0, -0.45, 0.7);
            c.bezierCurveTo(-0.75, 0.35, -0.5, -0.1, -0.15, -0.35);
            c.quadraticCurveTo(-0.05, 0.0, 0.1, 0.05);
            c.quadraticCurveTo(0.15, -0.45, 0, -0.9);
            c.fill();
        },
        traffic: function (c) {  // a car seen from the front
            c.fillRect(-0.7, -0.2, 1.4, 0.55);
            c.beginPath();
            c.moveTo(-0.5, -0.2);
            c.lineTo(-0.35, -0.6);
            c.lineTo(0.35, -0.6);
            c.lineTo(0.5, -0.2);
            c.fill();
            c.fillRect(-0.65, 0.35, 0.3, 0.3);
            c.fillRect(0.35, 0.35, 0.3, 0.3);
        },
        power: function (c) {  // a bolt
            c.beginPath();
            c.moveTo(0.2, -0.95);
            c.lineTo(-0.55, 0.15);
            c.lineTo(-0.05, 0.15);
            c.lineTo(-0.25, 0.95);
            c.lineTo(0.55, -0.2);
            c.lineTo(0.05, -0.2);
            c.closePath();
            c.fill();
        },
        medical: function (c) {  // a cross
            c.fillRect(-0.22, -0.7, 0.44, 1.4);
            c.fillRect(-0.7, -0.22, 1.4, 0.44);
        },
        hazard: function (c) {  // a triangle with a bar
            c.beginPath();
            c.moveTo(0, -0.8);
            c.lineTo(0.8, 0.65);
            c.lineTo(-0.8, 0.65);
            c.closePath();
            c.fill();
        },
        people: function (c) {  // a head and shoulders
            c.beginPath();
            c.arc(0, -0.4, 0.3, 0, TAU);
            c.fill();
            c.beginPath();
            c.arc(0, 0.6, 0.6, Math.PI, 0, false);
            c.fill();
        },
        building: function (c) {  // a collapsed wall
            c.fillRect(-0.6, -0.2, 0.5, 0.8);
            c.beginPath();
            c.moveTo(0, 0.6);
            c.lineTo(0.65, 0.6);
            c.lineTo(0.65, -0.5);
            c.closePath();
            c.fill();
        },
        camera: function (c) {
            c.fillRect(-0.7, -0.35, 0.95, 0.7);
            c.beginPath();
            c.moveTo(0.25, -0.1);
            c.lineTo(0.75, -0.4);
            c.lineTo(0.75, 0.4);
            c.lineTo(0.25, 0.1);
            c.fill();
        },
        hospital: function (c) {
            c.fillRect(-0.2, -0.7, 0.4, 1.4);
            c.fillRect(-0.7, -0.2, 1.4, 0.4);
        },
        shelter: function (c) {  // a house
            c.beginPath();
            c.moveTo(0, -0.8);
            c.lineTo(0.8, -0.05);
            c.lineTo(0.55, -0.05);
            c.lineTo(0.55, 0.7);
            c.lineTo(-0.55, 0.7);
            c.lineTo(-0.55, -0.05);
            c.lineTo(-0.8, -0.05);
            c.closePath();
            c.fill();
        },
        school: function (c) {  // a book
            c.beginPath();
            c.moveTo(0, -0.45);
            c.lineTo(-0.8, -0.7);
            c.lineTo(-0.8, 0.55);
            c.lineTo(0, 0.8);
            c.lineTo(0.8, 0.55);
            c.lineTo(0.8, -0.7);
            c.closePath();
            c.fill();
        },
        sensor: function (c) {  // a dot with rings
            c.beginPath();
            c.arc(0, 0, 0.3, 0, TAU);
            c.fill();
            c.lineWidth = 0.18;
            c.beginPath();
            c.arc(0, 0, 0.65, -0.9, 0.9);
            c.stroke();
            c.beginPath();
            c.arc(0, 0, 0.65, Math.PI - 0.9, Math.PI + 0.9);
            c.stroke();
        },
        dot: function (c) {
            c.beginPath();
            c.arc(0, 0, 0.35, 0, TAU);
            c.fill();
        }
    };

    /* One look of a point, rendered once. `shape` is circle, square or arrow (with heading). */
    function makeSprite(look) {
        var r = look.radius;
        var pad = 3;
        var size = Math.ceil(2 * (r + pad));
        var canvas = document.createElement("canvas");
        canvas.width = size;
        canvas.height = size;
        var c = canvas.getContext("2d");
        c.translate(size / 2, size / 2);
        c.fillStyle = look.fill;
        c.strokeStyle = look.stroke;
        c.lineWidth = look.ring ? 3 : 1.5;
        if (look.shape === "arrow") {
            c.rotate(look.heading * TAU / HEADING_STEPS);
            c.beginPath();
            c.moveTo(0, -r);
            c.lineTo(r * 0.8, r * 0.85);
            c.lineTo(0, r * 0.45);
            c.lineTo(-r * 0.8, r * 0.85);
            c.closePath();
            c.fill();
            c.stroke();
            return {canvas: canvas, half: size / 2};
        }
        c.beginPath();
        if (look.shape === "square") {
            c.rect(-r * 0.85, -r * 0.85, r * 1.7, r * 1.7);
        } else {
            c.arc(0, 0, r, 0, TAU);
        }
        c.fill();
        c.stroke();
        var glyph = GLYPHS[look.glyph];
        if (glyph && r >= 5) {
            c.save();
            c.scale(r * 0.62, r * 0.62);
            c.fillStyle = look.glyphColour || "#ffffff";
            c.strokeStyle = look.glyphColour || "#ffffff";
            glyph(c);
            c.restore();
        }
        return {canvas: canvas, half: size / 2};
    }

    function makeClusterSprite(colour, n, r, textColour) {
        var size = Math.ceil(2 * (r + 6));
        var canvas = document.createElement("canvas");
        canvas.width = size;
        canvas.height = size;
        var c = canvas.getContext("2d");
        var m = size / 2;
        c.beginPath();
        c.arc(m, m, r + 4, 0, TAU);
        c.fillStyle = colour;
        c.globalAlpha = 0.35;
        c.fill();
        c.globalAlpha = 1;
        c.beginPath();
        c.arc(m, m, r, 0, TAU);
        c.fill();
        c.lineWidth = 1.5;
        c.strokeStyle = "#0b1220";
        c.stroke();
        c.fillStyle = textColour;
        c.font = "bold " + (n >= 1000 ? 11 : 12) + "px sans-serif";
        c.textAlign = "center";
        c.textBaseline = "middle";
        c.fillText(String(n), m, m + 0.5);
        return {canvas: canvas, half: m};
    }

    /* A binary rows table (see commandcenter/map/bridge.py incident_rows_table). Throws for
     * anything that is not one, or whose sections do not fit in the buffer. */
    function RowTable(buffer) {
        var head = new Uint8Array(buffer, 0, Math.min(8, buffer.byteLength));
        if (buffer.byteLength < 8 || String.fromCharCode(head[0], head[1], head[2], head[3]) !== "CCR1") {
            throw new Error("not a rows table");
        }
        var headerLength = new DataView(buffer).getUint32(4, true);
        if (8 + headerLength > buffer.byteLength) {
            throw new Error("rows table: the header is cut short");
        }
        var header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 8, headerLength)));
        var base = 8 + headerLength;
        var n = header.n;
        if (typeof header.layer !== "string" || !(n >= 0 && n === Math.floor(n)) || !Array.isArray(header.columns)) {
            throw new Error("rows table: a bad header");
        }
        var decoder = new TextDecoder();
        this.layer = header.layer;
        this.n = n;
        this.numbers = {};   // name -> Float64Array
        this.codes = {};     // name -> {codes: typed array, values: [text]}
        this.texts = {};     // name -> {offsets: Uint32Array (UTF-16 units, n + 1), text}
        this.codeNames = [];
        function view(Type, at, length) {
            var start = base + at;
            if (!(at >= 0) || start % Type.BYTES_PER_ELEMENT || start + length * Type.BYTES_PER_ELEMENT > buffer.byteLength) {
                throw new Error("rows table: a section outside the table");
            }
            return new Type(buffer, start, length);
        }
        for (var c = 0; c < header.columns.length; c++) {
            var col = header.columns[c];
            var name = String(col.name);
            if (col.kind === "f64") {
                this.numbers[name] = view(Float64Array, col.at, n);
            } else if (col.kind === "code") {
                var Type = col.width === 1 ? Uint8Array : col.width === 2 ? Uint16Array : col.width === 4 ? Uint32Array : null;
                if (Type === null || !Array.isArray(col.values)) {
                    throw new Error("rows table: a bad code column " + name);
                }
                this.codes[name] = {codes: view(Type, col.at, n), values: col.values.map(String)};
                this.codeNames.push(name);
            } else if (col.kind === "text") {
                var offsets = view(Uint32Array, col.at, n + 1);
                var bytes = view(Uint8Array, col.text_at, col.bytes);
                var text = decoder.decode(bytes);
                if (n > 0 && offsets[n] !== text.length) {
                    throw new Error("rows table: text column " + name + " does not add up");
                }
                this.texts[name] = {offsets: offsets, text: text};
            } else {
                throw new Error("rows table: unknown column kind " + String(col.kind));
            }
        }
        if (!this.texts.id || !this.numbers.lon || !this.numbers.lat) {
            throw new Error("rows table: needs id, lon and lat");
        }
    }

    RowTable.prototype.text = function (name, row) {
        var column = this.texts[name];
        return column.text.substring(column.offsets[row], column.offsets[row + 1]);
    };

    /* The object of one row (what a popup or a tooltip reads). */
    RowTable.prototype.props = function (row) {
        var props = {};
        var name;
        for (name in this.numbers) {
            props[name] = this.numbers[name][row];
        }
        for (name in this.codes) {
            props[name] = this.codes[name].values[this.codes[name].codes[row]];
        }
        for (name in this.texts) {
            props[name] = this.text(name, row);
        }
        return props;
    };

    L.CCPoints = L.Renderer.extend({
        options: {
            padding: 0.2,
            cluster: false,
            clusterCell: 60,         // px: the grid cell a cluster stands for
            clusterMaxZoom: 16,      // from this zoom on every point is drawn on its own
            minClusterSize: 3,       // fewer points in a cell are drawn one by one
            labelMinZoom: 14,        // value labels (sensors) from this zoom on
            trailColour: "#7dd3fc",
            // look(props) -> {fill, stroke, radius, glyph, shape, heading, rank}
            look: null,
            lookKey: null,           // props -> the few fields the look depends on, as a string
            label: null,             // props -> text drawn beside the point (from labelMinZoom)
            clusterColour: null      // function(rank) -> colour of a cluster of that worst rank
        },

        initialize: function (options) {
            L.Renderer.prototype.initialize.call(this, options);
            this._cap = 0;
            this._size = 0;                // slots used (alive or free)
            this._count = 0;               // alive points
            this._x = new Float64Array(0);
            this._y = new Float64Array(0);
            this._sprite = new Uint16Array(0);
            this._rank = new Uint8Array(0);
            this._alive = new Uint8Array(0);
            this._ids = [];
            this._props = [];
            this._rowFields = [];
            this._labels = [];
            this._index = new Map();       // id -> slot
            this._free = [];
            this._sprites = [];            // index -> {canvas, half}
            this._spriteKeys = new Map();  // look key -> sprite index
            this._ringSprites = new Map(); // sprite index -> its highlighted twin
            this._lookCache = new Map();   // lookKey -> {sprite, rank}
            this._clusterSprites = new Map();
            this._trails = new Map();      // id -> [x0, y0, ts, x0, y0, ts, ...]
            this._trailMs = 0;
            this._highlight = -1;
            this._hits = null;
            this._drawn = [];              // what the last draw put on screen (for hit-testing)
            this._frame = null;
            this.stats = {drawn: 0, clusters: 0, draws: 0};
        },

        _initContainer: function () {
            var container = this._container = document.createElement("canvas");
            container.className = "cc-points";
            container.style.pointerEvents = "none";
            this._ctx = container.getContext("2d");
        },

        _destroyContainer: function () {
            if (this._frame !== null) {
                L.Util.cancelAnimFrame(this._frame);
                this._frame = null;
            }
            L.DomUtil.remove(this._container);
            delete this._ctx;
            delete this._container;
        },

        _update: function () {
            if (this._map._animatingZoom && this._bounds) {
                return;
            }
            L.Renderer.prototype._update.call(this);
            L.DomUtil.setPosition(this._container, this._bounds.min);
            this._draw();
        },

        /* The canvas at the size of the renderer's bounds, or 0x0 while there is nothing to
         * draw. Resizing clears it, so it is done only on a change. */
        _fit: function (empty) {
            var size = empty ? L.point(0, 0) : this._bounds.getSize();
            var canvas = this._container;
            if (canvas.width !== size.x || canvas.height !== size.y) {
                canvas.width = size.x;
                canvas.height = size.y;
                canvas.style.width = size.x + "px";
                canvas.style.height = size.y + "px";
                return true;
            }
            return false;
        },

        _updatePaths: function () {},

        // ------------------------------------------------------------ data
        count: function () {
            return this._count;
        },

        has: function (id) {
            return this._index.has(id);
        },

        props: function (id) {
            var slot = this._index.get(id);
            return slot === undefined ? null : this._propsAt(slot);
        },

        /* Rows (upsertRows) are kept as the arrays they arrived in; an object is made only
         * when someone looks at one point (a popup, a tooltip). */
        _propsAt: function (slot) {
            var value = this._props[slot];
            if (value instanceof RowTable) {
                return value.props(this._rowFields[slot]);
            }
            if (!Array.isArray(value)) {
                return value;
            }
            var fields = this._rowFields[slot];
            var props = {};
            for (var f = 0; f < fields.length; f++) {
                props[fields[f]] = value[f];
            }
            return props;
        },

        latLng: function (id) {
            var slot = this._index.get(id);
            if (slot === undefined) {
                return null;
            }
            return this._unproject(this._x[slot], this._y[slot]);
        },

        ids: function () {
            return Array.from(this._index.keys());
        },

        _ensure: function (n) {
            if (n <= this._cap) {
                return;
            }
            var cap = nextPow2(n);
            this._x = grow(this._x, cap);
            this._y = grow(this._y, cap);
            this._sprite = grow(this._sprite, cap);
            this._rank = grow(this._rank, cap);
            this._alive = grow(this._alive, cap);
            this._cap = cap;
        },

        _spriteFor: function (look) {
            var heading = look.shape === "arrow" ? Math.round(((Number(look.heading) || 0) % 360 + 360) % 360 / (360 / HEADING_STEPS)) % HEADING_STEPS : 0;
            var key = [look.shape || "circle", look.fill, look.stroke, look.radius, look.glyph || "", heading, look.ring ? 1 : 0].join("|");
            var index = this._spriteKeys.get(key);
            if (index === undefined) {
                index = this._sprites.length;
                this._sprites.push(makeSprite({
                    shape: look.shape || "circle", fill: look.fill, stroke: look.stroke, radius: look.radius,
                    glyph: look.glyph, heading: heading, ring: look.ring, glyphColour: look.glyphColour
                }));
                this._spriteKeys.set(key, index);
                this._lookOf = this._lookOf || [];
                this._lookOf[index] = Object.assign({}, look);
            }
            return index;
        },

        _ringOf: function (sprite) {
            var ring = this._ringSprites.get(sprite);
            if (ring === undefined) {
                var look = Object.assign({}, this._lookOf[sprite], {stroke: "#ffffff", ring: true});
                look.radius = look.radius + 3;
                ring = this._spriteFor(look);
                this._ringSprites.set(sprite, ring);
            }
            return ring;
        },

        _unproject: function (x, y) {
            return L.CRS.EPSG3857.pointToLatLng(L.point(x, y), 0);
        },

        /* Add or replace one point. Throws (with the id) for a position that is not finite. */
        upsert: function (id, props) {
            this._place(id, props, props, null);
        },

        /* Many points at once: `fields` names the columns of each row (one must be "id").
         * Returns the errors of rows that could not be placed (the others are placed). */
        upsertRows: function (fields, rows) {
            var idAt = fields.indexOf("id");
            var scratch = {};
            var errors = [];
            for (var r = 0; r < rows.length; r++) {
                var values = rows[r];
                if (!Array.isArray(values)) {
                    errors.push("row " + r + " is not a list");
                    continue;
                }
                for (var f = 0; f < fields.length; f++) {
                    scratch[fields[f]] = values[f];
                }
                try {
                    this._place(String(values[idAt]), scratch, values, fields);
                } catch (err) {
                    errors.push(err.message);
                }
            }
            return errors;
        },

        /* Every row of a binary rows table (RowTable). look, lookKey and label see a row's
         * id, position and code columns (the words a look depends on), not its other text.
         * Returns the errors of rows that could not be placed. */
        upsertTable: function (table) {
            var errors = [];
            var lon = table.numbers.lon, lat = table.numbers.lat;
            var ids = table.texts.id;
            var names = table.codeNames;
            var columns = names.map(function (name) {
                return table.codes[name];
            });
            var scratch = {};
            this._ensure(this._size + table.n);
            for (var r = 0; r < table.n; r++) {
                var id = ids.text.substring(ids.offsets[r], ids.offsets[r + 1]);
                scratch.id = id;
                scratch.lon = lon[r];
                scratch.lat = lat[r];
                for (var c = 0; c < columns.length; c++) {
                    scratch[names[c]] = columns[c].values[columns[c].codes[r]];
                }
                try {
                    this._place(id, scratch, table, r);
                } catch (err) {
                    errors.push(err.message);
                }
            }
            return errors;
        },

        _place: function (id, props, stored, fields) {
            var lat = Number(props.lat);
            var lon = Number(props.lon);
            if (!isFinite(lat) || !isFinite(lon) || Math.abs(lat) > 85.06 || Math.abs(lon) > 180) {
                throw new Error(this.options.name + " " + id + " has no valid position");
            }
            if (id === "" || id.length > 64) {
                throw new Error(this.options.name + ": a feature id must be 1 to 64 characters");
            }
            // A layer whose look depends on a few fields names them in lookKey: 100k incidents
            // share a handful of looks, computed once each.
            var key = this.options.lookKey ? this.options.lookKey(props) : null;
            var cached = key === null ? undefined : this._lookCache.get(key);
            if (cached === undefined) {
                var look = this.options.look(props);
                cached = {sprite: this._spriteFor(look), rank: look.rank === undefined ? 255 : look.rank};
                if (key !== null) {
                    this._lookCache.set(key, cached);
                }
            }
            var label = this.options.label ? this.options.label(props) : null;
            var slot = this._index.get(id);
            if (slot === undefined) {
                slot = this._free.length ? this._free.pop() : this._size++;
                this._ensure(this._size);
                this._index.set(id, slot);
                this._ids[slot] = id;
                this._alive[slot] = 1;
                this._count += 1;
            }
            var p = project(lat, lon);
            if (this._trailMs > 0) {
                this._extendTrail(id, p.x, p.y, Number(props.ts_ms) || Date.now(), slot);
            }
            this._x[slot] = p.x;
            this._y[slot] = p.y;
            this._sprite[slot] = cached.sprite;
            this._rank[slot] = cached.rank;
            this._props[slot] = stored;
            this._rowFields[slot] = fields;
            this._labels[slot] = label === undefined || label === null || label === "" ? null : String(label);
            this.redraw();
        },

        remove: function (id) {
            var slot = this._index.get(id);
            if (slot === undefined) {
                return false;
            }
            this._index.delete(id);
            this._alive[slot] = 0;
            this._ids[slot] = undefined;
            this._props[slot] = undefined;
            this._labels[slot] = null;
            this._free.push(slot);
            this._count -= 1;
            this._trails.delete(id);
            if (this._highlight === slot) {
                this._highlight = -1;
            }
            this.redraw();
            return true;
        },

        clear: function () {
            this._index.clear();
            this._free = [];
            this._size = 0;
            this._count = 0;
            this._ids = [];
            this._props = [];
            this._labels = [];
            this._trails.clear();
            this._highlight = -1;
            this.redraw();
        },

        highlight: function (id) {
            var slot = id === null ? undefined : this._index.get(id);
            this._highlight = slot === undefined ? -1 : slot;
            this.redraw();
            return slot !== undefined;
        },

        /* Trails: the last `minutes` of each point's positions, drawn as a fading line. */
        setTrailMinutes: function (minutes) {
            this._trailMs = Math.max(0, Number(minutes) || 0) * 60000;
        },

        setTrail: function (id, points) {
            var trail = [];
            for (var i = 0; i < points.length; i++) {
                var lon = Number(points[i][0]);
                var lat = Number(points[i][1]);
                var ts = Number(points[i][2]);
                if (!isFinite(lon) || !isFinite(lat) || !isFinite(ts)) {
                    throw new Error("trail of " + id + " has a bad point at " + i);
                }
                var p = project(lat, lon);
                trail.push(p.x, p.y, ts);
            }
            this._trails.set(id, trail);
            this.redraw();
        },

        trailLength: function (id) {
            var trail = this._trails.get(id);
            return trail ? trail.length / 3 : 0;
        },

        _extendTrail: function (id, x, y, ts, slot) {
            var trail = this._trails.get(id);
            if (trail === undefined) {
                trail = [];
                this._trails.set(id, trail);
            }
            var n = trail.length;
            if (n === 0 || trail[n - 3] !== x || trail[n - 2] !== y) {
                trail.push(x, y, ts);
            }
            var oldest = ts - this._trailMs;
            var drop = 0;
            while (drop < trail.length - 3 && trail[drop + 2] < oldest) {
                drop += 3;
            }
            if (drop) {
                trail.splice(0, drop);
            }
        },

        // ---------------------------------------------------------- drawing
        redraw: function () {
            if (this._map && this._frame === null) {
                var self = this;
                this._frame = L.Util.requestAnimFrame(function () {
                    self._frame = null;
                    self._draw();
                });
            }
            return this;
        },

        /* Draw now (used by the bench and tests to measure a paint, and by moveend). */
        _draw: function () {
            if (!this._map || !this._ctx) {
                return;
            }
            var map = this._map;
            var ctx = this._ctx;
            var b = this._bounds;
            var size = b.getSize();
            var empty = this._count === 0 && (this._trailMs === 0 || this._trails.size === 0);
            var resized = this._fit(empty);
            if (empty) {
                this._hits = new Map();
                this._hitOffset = b.min;
                this._drawn = [];
                this.stats.drawn = 0;
                this.stats.clusters = 0;
                this.stats.draws += 1;
                this.fire("drawn");
                return;
            }
            ctx.setTransform(1, 0, 0, 1, 0, 0);
            if (!resized) {
                ctx.clearRect(0, 0, size.x, size.y);
            }
            var zoom = map.getZoom();
            var scale = map.getZoomScale(zoom, 0);
            var origin = map.getPixelOrigin();
            // canvas px = world0 * scale - origin - b.min
            var ox = origin.x + b.min.x;
            var oy = origin.y + b.min.y;
            var w = size.x;
            var h = size.y;
            var margin = 24;
            var drawn = [];
            this._hits = new Map();
            this._hitOffset = b.min;

            if (this._trailMs > 0 && this._trails.size) {
                this._drawTrails(ctx, scale, ox, oy);
            }

            var cluster = this.options.cluster && zoom < this.options.clusterMaxZoom;
            var x = this._x, y = this._y, alive = this._alive, sprite = this._sprite;
            var i, px, py;
            if (cluster) {
                var cell = this.options.clusterCell;
                var cells = new Map();
                var cellScale = scale / cell;
                for (i = 0; i < this._size; i++) {
                    if (!alive[i]) {
                        continue;
                    }
                    px = x[i] * scale - ox;
                    py = y[i] * scale - oy;
                    if (px < -margin || py < -margin || px > w + margin || py > h + margin) {
                        continue;
                    }
                    var cx = Math.floor(x[i] * cellScale);
                    var cy = Math.floor(y[i] * cellScale);
                    var key = cx * 67108864 + cy;
                    var c = cells.get(key);
                    if (c === undefined) {
                        cells.set(key, {n: 1, sx: px, sy: py, first: i, rank: this._rank[i],
                                        minx: x[i], maxx: x[i], miny: y[i], maxy: y[i]});
                    } else {
                        c.n += 1;
                        c.sx += px;
                        c.sy += py;
                        if (this._rank[i] < c.rank) {
                            c.rank = this._rank[i];
                        }
                        if (x[i] < c.minx) { c.minx = x[i]; }
                        if (x[i] > c.maxx) { c.maxx = x[i]; }
                        if (y[i] < c.miny) { c.miny = y[i]; }
                        if (y[i] > c.maxy) { c.maxy = y[i]; }
                    }
                }
                var clusters = 0;
                var singles = [];
                var minSize = this.options.minClusterSize;
                cells.forEach(function (c, key) {
                    if (c.n < minSize) {
                        singles.push(key);
                        return;
                    }
                    clusters += 1;
                    var item = {kind: "cluster", n: c.n, x: c.sx / c.n, y: c.sy / c.n, rank: c.rank,
                                bounds: [c.minx, c.miny, c.maxx, c.maxy], cell: key};
                    item.r = this._clusterRadius(c.n);
                    drawn.push(item);
                }, this);
                // points of small cells are drawn on their own
                if (singles.length) {
                    var small = new Set(singles);
                    for (i = 0; i < this._size; i++) {
                        if (!alive[i]) {
                            continue;
                        }
                        var k = Math.floor(x[i] * cellScale) * 67108864 + Math.floor(y[i] * cellScale);
                        if (!small.has(k)) {
                            continue;
                        }
                        px = x[i] * scale - ox;
                        py = y[i] * scale - oy;
                        if (px < -margin || py < -margin || px > w + margin || py > h + margin) {
                            continue;
                        }
                        drawn.push({kind: "point", slot: i, x: px, y: py});
                    }
                }
                this.stats.clusters = clusters;
            } else {
                for (i = 0; i < this._size; i++) {
                    if (!alive[i]) {
                        continue;
                    }
                    px = x[i] * scale - ox;
                    py = y[i] * scale - oy;
                    if (px < -margin || py < -margin || px > w + margin || py > h + margin) {
                        continue;
                    }
                    drawn.push({kind: "point", slot: i, x: px, y: py});
                }
                this.stats.clusters = 0;
            }
            // worst first at the bottom would hide it: draw the least severe first
            var rank = this._rank;
            if (drawn.length < 50000) {
                drawn.sort(function (a, b) {
                    var ra = a.kind === "cluster" ? -1 : rank[a.slot];
                    var rb = b.kind === "cluster" ? -1 : rank[b.slot];
                    return rb - ra;
                });
            }
            var labels = zoom >= this.options.labelMinZoom;
            var highlightItem = null;
            for (var j = 0; j < drawn.length; j++) {
                var item = drawn[j];
                if (item.kind === "cluster") {
                    this._drawCluster(ctx, item);
                } else {
                    if (item.slot === this._highlight) {
                        highlightItem = item;
                        continue;
                    }
                    var s = this._sprites[sprite[item.slot]];
                    ctx.drawImage(s.canvas, Math.round(item.x - s.half), Math.round(item.y - s.half));
                    item.r = s.half - 2;
                    if (labels && this._labels[item.slot] !== null) {
                        this._drawLabel(ctx, this._labels[item.slot], item.x + s.half, item.y);
                    }
                }
                this._index2hit(item);
            }
            if (this._highlight >= 0 && alive[this._highlight]) {
                if (highlightItem === null) {
                    px = x[this._highlight] * scale - ox;
                    py = y[this._highlight] * scale - oy;
                    highlightItem = {kind: "point", slot: this._highlight, x: px, y: py};
                    drawn.push(highlightItem);
                }
                var ring = this._sprites[this._ringOf(sprite[this._highlight])];
                ctx.drawImage(ring.canvas, Math.round(highlightItem.x - ring.half), Math.round(highlightItem.y - ring.half));
                highlightItem.r = ring.half - 2;
                this._index2hit(highlightItem);
            }
            this._drawn = drawn;
            this.stats.drawn = drawn.length;
            this.stats.draws += 1;
            this.fire("drawn");
        },

        _clusterRadius: function (n) {
            return Math.min(30, 11 + 4 * Math.log(n) / Math.LN10 * 1.6);
        },

        /* A cluster bubble is a sprite too, one per colour and count: a dense view has
         * thousands of bubbles, and drawing text into a canvas is the slow part. */
        _drawCluster: function (ctx, item) {
            var colour = this.options.clusterColour ? this.options.clusterColour(item.rank) : "#8fa3bf";
            var key = colour + "|" + item.n + "|" + (item.rank <= 1 ? 1 : 0);
            var sprite = this._clusterSprites.get(key);
            if (sprite === undefined) {
                sprite = makeClusterSprite(colour, item.n, item.r, item.rank <= 1 ? "#ffffff" : "#0b1220");
                if (this._clusterSprites.size > 2000) {
                    this._clusterSprites.clear();
                }
                this._clusterSprites.set(key, sprite);
            }
            ctx.drawImage(sprite.canvas, Math.round(item.x - sprite.half), Math.round(item.y - sprite.half));
        },

        _drawLabel: function (ctx, text, x, y) {
            ctx.font = "12px sans-serif";
            ctx.textAlign = "left";
            ctx.textBaseline = "middle";
            ctx.lineWidth = 3;
            ctx.strokeStyle = "#0b1220";
            ctx.strokeText(text, x + 2, y);
            ctx.fillStyle = "#e6edf7";
            ctx.fillText(text, x + 2, y);
        },

        /* Trails fade with age: their segments are sorted into a few opacity bands, one path
         * per band, so 10k trails cost a handful of strokes, not one per segment. */
        _drawTrails: function (ctx, scale, ox, oy) {
            var now = Date.now();
            var span = this._trailMs;
            var bands = [];
            for (var b = 0; b < TRAIL_BANDS; b++) {
                bands.push(new Path2D());
            }
            this._trails.forEach(function (t) {
                for (var k = 3; k < t.length; k += 3) {
                    var fresh = 1 - (now - t[k + 2]) / span;
                    var band = Math.max(0, Math.min(TRAIL_BANDS - 1, Math.floor(fresh * TRAIL_BANDS)));
                    var path = bands[band];
                    path.moveTo(t[k - 3] * scale - ox, t[k - 2] * scale - oy);
                    path.lineTo(t[k] * scale - ox, t[k + 1] * scale - oy);
                }
            });
            ctx.lineWidth = 2;
            ctx.lineJoin = "round";
            ctx.lineCap = "round";
            ctx.strokeStyle = this.options.trailColour;
            for (var i = 0; i < TRAIL_BANDS; i++) {
                ctx.globalAlpha = 0.12 + 0.68 * (i + 1) / TRAIL_BANDS;
                ctx.stroke(bands[i]);
            }
            ctx.globalAlpha = 1;
        },

        _index2hit: function (item) {
            var key = Math.floor(item.x / HIT_CELL) * 65536 + Math.floor(item.y / HIT_CELL);
            var list = this._hits.get(key);
            if (list === undefined) {
                this._hits.set(key, [item]);
            } else {
                list.push(item);
            }
        },

        // ---------------------------------------------------------- queries
        /* What is drawn under a container point: {kind: "point", id, props} or
         * {kind: "cluster", n, bounds: LatLngBounds}; null when nothing is. */
        hitTest: function (containerPoint) {
            if (!this._hits || !this._map) {
                return null;
            }
            var layerPoint = this._map.containerPointToLayerPoint(containerPoint);
            var x = layerPoint.x - this._hitOffset.x;
            var y = layerPoint.y - this._hitOffset.y;
            var cx = Math.floor(x / HIT_CELL);
            var cy = Math.floor(y / HIT_CELL);
            var best = null;
            var bestD = Infinity;
            for (var dx = -1; dx <= 1; dx++) {
                for (var dy = -1; dy <= 1; dy++) {
                    var list = this._hits.get((cx + dx) * 65536 + (cy + dy));
                    if (!list) {
                        continue;
                    }
                    for (var k = 0; k < list.length; k++) {
                        var item = list[k];
                        var d = Math.hypot(item.x - x, item.y - y);
                        var reach = (item.r || 6) + 3;
                        if (d <= reach && (d < bestD || (item.kind === "point" && best && best.kind === "cluster"))) {
                            best = item;
                            bestD = d;
                        }
                    }
                }
            }
            if (best === null) {
                return null;
            }
            if (best.kind === "cluster") {
                var sw = this._unproject(best.bounds[0], best.bounds[3]);
                var ne = this._unproject(best.bounds[2], best.bounds[1]);
                return {kind: "cluster", n: best.n, bounds: L.latLngBounds(sw, ne)};
            }
            return {kind: "point", id: this._ids[best.slot], props: this._propsAt(best.slot)};
        },

        /* The clusters and single points drawn last (tests and the bench check exact counts). */
        drawnSummary: function () {
            var clusters = [];
            var points = 0;
            for (var i = 0; i < this._drawn.length; i++) {
                var item = this._drawn[i];
                if (item.kind === "cluster") {
                    var c = this._map.layerPointToContainerPoint(L.point(item.x + this._hitOffset.x, item.y + this._hitOffset.y));
                    clusters.push({n: item.n, x: c.x, y: c.y});
                } else {
                    points += 1;
                }
            }
            return {clusters: clusters, points: points};
        },

        /* The fill colours of the points, sorted (what a person would see; tests compare them). */
        fills: function () {
            var out = [];
            for (var i = 0; i < this._size; i++) {
                if (this._alive[i]) {
                    out.push(this._lookOf[this._sprite[i]].fill);
                }
            }
            return out.sort();
        },

        /* Container pixel of a point (tests click there). */
        containerPointOf: function (id) {
            var ll = this.latLng(id);
            return ll === null ? null : this._map.latLngToContainerPoint(ll);
        },

        /* Ids of the points inside a test function of LatLng (selection tools). */
        idsWhere: function (test) {
            var out = [];
            for (var i = 0; i < this._size; i++) {
                if (this._alive[i] && test(this._unproject(this._x[i], this._y[i]))) {
                    out.push(this._ids[i]);
                }
            }
            return out;
        }
    });

    L.CCPoints.readTable = function (buffer) {
        return new RowTable(buffer);
    };
}());
