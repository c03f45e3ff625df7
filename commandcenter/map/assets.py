"""Where the map page's files live, and which of them may be served.

The page is served from a custom URL scheme (never a CDN: command posts run offline), so the
scheme handler turns URL paths into files. Everything under ``vendor/`` (Leaflet and its
plugins, fetched by tools/fetch-map-assets.sh) and ``static/`` (our own JS and CSS) may be
served; nothing else, and never a path that climbs out of those folders.
"""
from __future__ import annotations

from pathlib import Path, PurePosixPath

# Content types by file suffix. Anything else is not served: the page needs nothing else, and
# guessing a type for an unknown file is how a handler ends up serving what it should not.
MIME_TYPES: dict[str, str] = {
    ".html": "text/html",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".map": "application/json",
    ".geojson": "application/geo+json",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
}

VENDOR_PREFIX = "vendor"
STATIC_PREFIX = "static"


def resources_dir() -> Path:
    """The repository's resources/map folder (vendor files are fetched there by the set-up)."""
    return Path(__file__).resolve().parents[2] / "resources" / "map"


def vendor_dir() -> Path:
    """Third-party assets: leaflet/ and leaflet.markercluster/ (npm dist folders)."""
    return resources_dir() / "vendor"


def static_dir() -> Path:
    """Our own page assets (map.js, map.css), shipped inside the package."""
    return Path(__file__).resolve().parent / "static"


def mime_type(path: Path | str) -> str | None:
    """The content type to serve a file with, or None when it is not a type we serve."""
    return MIME_TYPES.get(PurePosixPath(str(path)).suffix.lower())


def asset_path(url_path: str) -> Path | None:
    """The file behind an asset URL path such as ``vendor/leaflet/leaflet.js``, or None.

    None for anything that is not a plain relative path into vendor/ or static/: absolute
    paths, ``..`` or ``.`` segments, backslashes, empty segments, unknown types, missing files,
    and symlinks that resolve outside their folder.
    """
    if not url_path or "\\" in url_path or "\x00" in url_path:
        return None
    if url_path.startswith("/") or PurePosixPath(url_path).is_absolute():
        return None
    parts = url_path.split("/")
    if any(part in ("", ".", "..") for part in parts) or len(parts) < 2:
        return None
    roots = {VENDOR_PREFIX: vendor_dir(), STATIC_PREFIX: static_dir()}
    root = roots.get(parts[0])
    if root is None or mime_type(url_path) is None:
        return None
    base = root.resolve()
    candidate = base.joinpath(*parts[1:]).resolve()
    if not candidate.is_relative_to(base) or not candidate.is_file():
        return None
    return candidate


def vendor_ready() -> bool:
    """Whether the set-up has fetched the Leaflet files the page needs."""
    return all(
        (vendor_dir() / rel).is_file()
        for rel in (
            "leaflet/leaflet.js",
            "leaflet/leaflet.css",
            "leaflet.markercluster/leaflet.markercluster.js",
        )
    )
