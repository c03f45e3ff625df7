"""The map page, built once per catalogue and code version and kept on disk.

Building it imports folium and renders its templates: about 0.4 s of every start-up for a page
that only changes when the catalogue, the labels or the builder change. The cache key is a
hash of exactly those inputs (and folium's version), so a stale page cannot be served. A hit
does not import folium at all.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any, Mapping

from commandcenter.domain.catalog import Catalog

_BUILDER = Path(__file__).with_name("page.py")


def page_key(catalog: Catalog, *, asset_base: str, labels: Mapping[str, Any] | None, lang: str = "zh",
             tile_origins: tuple[str, ...] = (), rows_url: str | None = None) -> str:
    digest = hashlib.sha256()
    digest.update(f"rows={rows_url}".encode())
    digest.update(lang.encode())
    digest.update(" ".join(tile_origins).encode())
    digest.update(_BUILDER.read_bytes())
    digest.update(metadata.version("folium").encode())
    digest.update(asset_base.encode())
    digest.update(json.dumps(labels or {}, sort_keys=True, ensure_ascii=False).encode())
    digest.update(repr(sorted(catalog.org_units.items())).encode())
    return digest.hexdigest()


def cached_page(catalog: Catalog, cache_dir: Path | None, *, asset_base: str,
                labels: Mapping[str, Any] | None = None, lang: str = "zh",
                tile_origins: tuple[str, ...] = (), rows_url: str | None = None) -> str:
    """The page for these inputs: from the cache when it is there, else built and stored."""
    key = page_key(catalog, asset_base=asset_base, labels=labels, lang=lang, tile_origins=tile_origins,
                   rows_url=rows_url)
    path = cache_dir / f"map-page-{key[:24]}.html" if cache_dir else None
    if path is not None and path.is_file():
        return path.read_text(encoding="utf-8")
    from commandcenter.map.page import build_page

    html = build_page(catalog, asset_base=asset_base, labels=labels, lang=lang, tile_origins=tile_origins,
                      rows_url=rows_url)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".map-page-")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(html)
            os.replace(tmp, path)  # readers see the old file or the whole new one
        except OSError:
            pass  # a read-only cache only costs the build next time
    return html
