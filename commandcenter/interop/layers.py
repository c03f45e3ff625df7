"""Imported map layers and where they are kept: DATA_DIR/layers/<name>.geojson.

A layer file is an ordinary RFC 7946 FeatureCollection (any GIS tool opens it) with one
foreign member, `commandcenter`, recording where the data came from and in which CRS it
arrived. Geometry inside the app is always WGS-84; the recorded CRS is the origin, so an
export can give GCJ-02 data back to the people who sent it.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from commandcenter.domain.clock import SystemClock
from commandcenter.interop.crs import CRS_NAMES, converter, transform_geometry
from commandcenter.interop.errors import InteropError, LayerError
from commandcenter.interop.geometry import check_geometry

NAME_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
META = "commandcenter"


def check_name(name: str) -> str:
    """Layer names become file names: a strict pattern keeps them inside the layer folder."""
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):
        raise LayerError(f"layer name {name!r} is not allowed: use 1-64 letters, digits, '_' or '-'")
    return name


def sanitise_name(stem: str) -> str:
    """A valid layer name from a file stem: other characters become '_' (never empty)."""
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", stem).strip("_-")[:64].rstrip("_-")
    return name or "layer"


@dataclass
class Layer:
    name: str
    crs: str
    source: str
    imported_ms: int
    features: list[dict] = field(default_factory=list)
    kind: str = "features"  # what the map draws it as: "features", or e.g. "cap" warning areas

    def __post_init__(self) -> None:
        check_name(self.name)
        if self.crs not in CRS_NAMES:
            raise LayerError(f"layer {self.name}: unknown CRS {self.crs!r}")

    def to_geojson(self) -> dict:
        meta = {"name": self.name, "crs": self.crs, "source": self.source,
                "imported_ms": self.imported_ms, "count": len(self.features)}
        if self.kind != "features":  # files of plain layers stay as they were
            meta["kind"] = self.kind
        return {"type": "FeatureCollection", META: meta, "features": self.features}


class LayerStore:
    """The layer folder of one data dir. Writes are atomic: a reader never sees half a file."""

    def __init__(self, data_dir: str | Path) -> None:
        self.folder = Path(data_dir) / "layers"

    def path_of(self, name: str) -> Path:
        return self.folder / f"{check_name(name)}.geojson"

    def names(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(p.stem for p in self.folder.glob("*.geojson") if NAME_RE.fullmatch(p.stem))

    def exists(self, name: str) -> bool:
        return self.path_of(name).is_file()

    def save(self, layer: Layer, *, replace: bool = True) -> Path:
        target = self.path_of(layer.name)
        if not replace and target.exists():
            raise LayerError(f"layer {layer.name} already exists (use --replace to overwrite it)")
        text = json.dumps(layer.to_geojson(), ensure_ascii=False, separators=(",", ":"))
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(target, text.encode("utf-8"))
        return target

    def load(self, name: str) -> Layer:
        path = self.path_of(name)
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise LayerError(f"no layer named {name} (have: {', '.join(self.names()) or 'none'})") from None
        except (OSError, ValueError) as exc:
            raise InteropError(path, "line 1", "layer", f"unreadable layer file: {exc}") from None
        meta = doc.get(META) if isinstance(doc, dict) else None
        if not isinstance(meta, dict) or not isinstance(doc.get("features"), list):
            raise InteropError(path, "line 1", META, "not a layer file written by commandcenter")
        features = []
        for i, feat in enumerate(doc["features"]):
            feat = dict(feat)
            feat["geometry"] = check_geometry(feat.get("geometry"), path, f"features[{i}]")
            features.append(feat)
        return Layer(name=name, crs=meta.get("crs", "wgs84"), source=str(meta.get("source", "")),
                     imported_ms=int(meta.get("imported_ms", 0)), features=features,
                     kind=str(meta.get("kind") or "features"))

    def delete(self, name: str) -> None:
        try:
            self.path_of(name).unlink()
        except FileNotFoundError:
            raise LayerError(f"no layer named {name}") from None


def write_atomic(target: Path, data: bytes) -> None:
    """Temp file in the same folder, fsync, os.replace: the old file or the new, never half."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def build_layer(path: str | Path, features: list[dict], *, name: str | None = None, crs: str = "wgs84",
                imported_ms: int | None = None) -> Layer:
    """The Layer a reader returns: geometry converted to WGS-84, origin CRS and file recorded."""
    fn = converter(crs, "wgs84")
    converted = [{**f, "geometry": transform_geometry(f["geometry"], fn)} for f in features]
    if imported_ms is None:
        imported_ms = SystemClock().now_ms()
    return Layer(name=check_name(name) if name is not None else sanitise_name(Path(path).stem),
                 crs=crs, source=Path(path).name, imported_ms=imported_ms, features=converted)
