"""Offline raster basemaps: read-only access to MBTiles packages (SQLite files of map tiles).

A field command post has no tile server, so the basemap comes from a file copied onto the
machine (a USB stick, a GIS department's export). MBTiles is the common format for that: a
SQLite database with a ``metadata(name, value)`` table and a ``tiles(zoom_level, tile_column,
tile_row, tile_data)`` table (often a view). Rows are numbered bottom-up (TMS) while Leaflet
asks top-down (XYZ); `MBTiles.tile` takes XYZ and converts.

The file is opened read-only (``mode=ro``): a basemap is somebody else's package and the map
must never modify, lock for writing, or create it. No Qt here: the URL scheme handler in ui/
serves the bytes.
"""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

RASTER_FORMATS = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}
_FORMAT_ALIASES = {"jpeg": "jpg"}
NAME_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")  # a basemap's name in cc://app/tiles/<name>/...
SUFFIX = ".mbtiles"


class MBTilesError(ValueError):
    """A file cannot serve as a raster basemap; the message names the file and the reason."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path


class MBTiles:
    """One MBTiles package, opened read-only. Raises MBTilesError if it is not a raster MBTiles.

    `metadata` holds the parsed essentials: ``name`` (str), ``format`` ("png", "jpg" or
    "webp"), ``minzoom`` and ``maxzoom`` (int; taken from the tiles when the metadata lacks
    them) and ``bounds`` ((west, south, east, north) or None), plus any other metadata as text.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise MBTilesError(self.path, "no such file")
        uri = self.path.resolve().as_uri() + "?mode=ro"
        try:
            self._db = sqlite3.connect(uri, uri=True)
        except sqlite3.Error as exc:
            raise MBTilesError(self.path, f"cannot open: {exc}") from None
        try:
            self.metadata = self._read_metadata()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise MBTilesError(self.path, f"not an SQLite database ({exc})") from None
        except MBTilesError:
            self._db.close()
            raise

    @property
    def format(self) -> str:
        return self.metadata["format"]

    @property
    def mime_type(self) -> str:
        return RASTER_FORMATS[self.format]

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """The image of XYZ tile (z, x, y), or None when the package does not have it."""
        if z < 0 or not (0 <= x < 2**z and 0 <= y < 2**z):
            return None
        row = self._db.execute(
            "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
            (z, x, 2**z - 1 - y),
        ).fetchone()
        return bytes(row[0]) if row and row[0] is not None else None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> MBTiles:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read_metadata(self) -> dict[str, Any]:
        objects = {
            name
            for (name,) in self._db.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
            )
        }
        missing = sorted({"metadata", "tiles"} - objects)
        if missing:
            raise MBTilesError(self.path, f"not an MBTiles file (no {' or '.join(missing)} table)")
        raw = {str(k): str(v) for k, v in self._db.execute("SELECT name, value FROM metadata") if k is not None}
        fmt = raw.get("format", "png").strip().lower()
        fmt = _FORMAT_ALIASES.get(fmt, fmt)
        if fmt not in RASTER_FORMATS:
            raise MBTilesError(self.path, f"tile format {fmt!r} is not a raster image (png, jpg, webp)")
        low, high = self._db.execute("SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles").fetchone()
        meta: dict[str, Any] = dict(raw)
        meta["name"] = raw.get("name") or self.path.stem
        meta["format"] = fmt
        meta["minzoom"] = _int(raw.get("minzoom"), low if low is not None else 0)
        meta["maxzoom"] = _int(raw.get("maxzoom"), high if high is not None else 0)
        meta["bounds"] = _bounds(raw.get("bounds"))
        return meta


def _int(text: str | None, default: int) -> int:
    try:
        return int(float(text)) if text is not None else int(default)
    except ValueError:
        return int(default)


def _bounds(text: str | None) -> tuple[float, float, float, float] | None:
    """MBTiles bounds "west,south,east,north"; None when absent or not four sane numbers."""
    if not text:
        return None
    try:
        west, south, east, north = (float(part) for part in text.split(","))
    except ValueError:
        return None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        return None
    return west, south, east, north


def find_basemaps(folder: Path | str | None) -> list[Path]:
    """The ``*.mbtiles`` files directly in `folder`, by name; [] when there is no such folder."""
    if folder is None:
        return []
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() == SUFFIX and p.is_file())


def basemap_name(path: Path) -> str:
    """The URL-safe name a package is served under: its file stem, other characters as '_'."""
    name = re.sub(r"[^A-Za-z0-9_-]", "_", path.stem)[:64]
    return name or "basemap"


def basemap_delta(name: str, tiles: MBTiles, url_base: str) -> dict:
    """The page delta that adds `tiles` as the map's base layer (see map.js ``basemap_set``).

    The tile URL template points at the app's own scheme; the package name goes to the page
    as data (the page shows it as text only).
    """
    if not NAME_RE.fullmatch(name):
        raise ValueError(f"invalid basemap name {name!r}")
    meta = tiles.metadata
    bounds = meta["bounds"]
    return {
        "op": "basemap_set",
        "layer": "basemap",
        "name": name,
        "title": str(meta["name"]),
        "url": f"{url_base.rstrip('/')}/{name}/{{z}}/{{x}}/{{y}}.{tiles.format}",
        "minZoom": meta["minzoom"],
        "maxZoom": meta["maxzoom"],
        "bounds": [[bounds[1], bounds[0]], [bounds[3], bounds[2]]] if bounds else None,
    }
