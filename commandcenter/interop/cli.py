"""`commandcenter import ...` and `commandcenter export layer ...`, for commandcenter/cli.py.

cli.py owns the parser and the data dir; these functions add the subcommands and run them.
Exit codes follow the rest of the command line: 2 for bad arguments (unknown file, bad layer
name, existing layer without --replace), 1 for bad data. On any error nothing is written.

`import cap --as alarm|incident` and `export cap` need the catalogue and the local cache,
which interop may not import (tests/test_architecture.py): cli.py hands them in as
`load_catalog` and `open_store` callables, called only when needed.
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from pathlib import Path
from typing import Any, Callable

from commandcenter.domain.clock import SystemClock
from commandcenter.interop.readonly import connect_readonly
from commandcenter.interop.cap import alert_layer, default_layer_name, drawable_features, parse_cap, read_cap
from commandcenter.interop.cap_in import MODES, check_importable, plan_import
from commandcenter.interop.cap_out import OUT_STATUSES, check_sender, draft_alert, to_xml
from commandcenter.interop.cot import read_cot
from commandcenter.interop.crs import CRS_NAMES
from commandcenter.interop.csvfile import read_csv, write_csv
from commandcenter.interop.errors import InteropError, LayerError
from commandcenter.interop.geojson import read_geojson, write_geojson
from commandcenter.interop.kml import read_kml, write_kml
from commandcenter.interop.layers import Layer, LayerStore, check_name, sanitise_name, write_atomic
from commandcenter.interop.sitrep import add_sitrep_parser
from commandcenter.interop.vitals_report import add_vitals_parsers

PROG = "commandcenter"

READERS: dict[str, Callable[..., Layer]] = {
    "geojson": read_geojson,
    "kml": read_kml,
    "cot": read_cot,
    "csv": read_csv,
    "cap": read_cap,
}
# Formats whose coordinates are WGS-84 by definition (no --crs gcj02) and whose default layer
# name comes from the content (the reader picks it), not from the file name.
_WGS84_ONLY = ("cap",)
_NAMED_BY_CONTENT = ("cap",)
WRITERS: dict[str, Callable[[Layer, str], bytes]] = {
    "geojson": write_geojson,
    "kml": write_kml,
    "csv": write_csv,
}
_READER_HELP = {
    "geojson": "GeoJSON (RFC 7946): FeatureCollection, Feature or geometry",
    "kml": "KML Placemarks (Point, LineString, Polygon)",
    "cot": "Cursor-on-Target event(s)",
    "csv": "CSV with lat/lon (纬度/经度) columns",
    "cap": "CAP 1.2 alert: warning areas (polygon, circle); layer cap-<identifier>",
}


def _layer_name(text: str) -> str:
    try:
        return check_name(text)
    except LayerError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_import_parser(subparsers: argparse._SubParsersAction, common_parent: argparse.ArgumentParser) -> None:
    imp = subparsers.add_parser("import", parents=[common_parent], help="import a map layer into the data dir")
    formats = imp.add_subparsers(dest="import_format", parser_class=type(imp), required=True)
    for fmt in READERS:
        p = formats.add_parser(fmt, parents=[common_parent], help=_READER_HELP[fmt])
        p.add_argument("file", metavar="FILE")
        p.add_argument("--layer", metavar="NAME", type=_layer_name,
                       help="layer name (default: the file name; letters, digits, _ and -)")
        if fmt in _WGS84_ONLY:
            p.add_argument("--crs", choices=("wgs84",), default="wgs84",
                           help="always wgs84: the format defines its coordinates as WGS-84")
        else:
            p.add_argument("--crs", choices=CRS_NAMES, default="wgs84",
                           help="coordinates of the file; gcj02 is converted to WGS-84 (default wgs84)")
        p.add_argument("--replace", action="store_true", help="overwrite a layer of the same name")
        if fmt == "cap":
            p.add_argument("--as", dest="cap_as", choices=MODES, default="alarm",
                           help="alarm (default): one alarm in the local cache; incident: report an incident; "
                                "layer: the warning area only. alarm and incident draw the area too")
    # run by commandcenter/cli.py (the drill format is drills/'s, which interop does not import)
    m = formats.add_parser("msel", parents=[common_parent],
                           help="a MSEL (CSV) as the injects of a drill file (docs/drills.md)")
    m.add_argument("file", metavar="MSEL.csv")
    m.add_argument("--into", metavar="DRILL.yaml", required=True,
                   help="the drill whose injects the rows become (its other sections are kept)")
    m.add_argument("--out", metavar="FILE.yaml", default=None,
                   help="write the new drill here (default: rewrite --into in place)")


def add_export_parser(subparsers: argparse._SubParsersAction, common_parent: argparse.ArgumentParser) -> None:
    exp = subparsers.add_parser("export", parents=[common_parent], help="export data for other tools")
    what = exp.add_subparsers(dest="export_what", parser_class=type(exp), required=True)
    p = what.add_parser("layer", parents=[common_parent], help="an imported map layer")
    p.add_argument("name", metavar="NAME", type=_layer_name)
    p.add_argument("--format", choices=tuple(WRITERS), required=True)
    p.add_argument("--out", metavar="FILE", required=True)
    p.add_argument("--crs", choices=CRS_NAMES, default="wgs84", help="coordinates to write (default wgs84)")
    # run by commandcenter/cli.py (it reads the store and builds a map page: not interop's layers)
    s = what.add_parser("situation", parents=[common_parent],
                        help="the open incidents on a standalone HTML map, for people without the app")
    s.add_argument("--out", metavar="FILE.html", required=True)
    s.add_argument("--assets", choices=("inline", "beside"), default="inline",
                   help="inline: one self-contained file (default); beside: Leaflet in FILE_files/ next to it")
    s.add_argument("--title", metavar="TEXT", help="the title shown on the map")
    # vitals-csv, vitals-day: run by commandcenter/cli.py with the catalogue (vitals_report.py)
    add_vitals_parsers(what, common_parent)
    # sitrep: run by commandcenter/cli.py with the catalogue and the PDF printer (sitrep.py)
    add_sitrep_parser(what, common_parent)
    m = what.add_parser("msel", parents=[common_parent], help="a drill's injects as a MSEL (CSV, Excel-ready)")
    m.add_argument("drill", metavar="DRILL.yaml")
    m.add_argument("--out", metavar="MSEL.csv", required=True)
    c = what.add_parser("cap", parents=[common_parent], help="an incident as a CAP 1.2 alert (XML)")
    c.add_argument("--incident", metavar="ID", required=True, help="incident id in the local cache")
    c.add_argument("--out", metavar="FILE.xml", required=True)
    c.add_argument("--status", choices=OUT_STATUSES, default=None,
                   help="Actual or Exercise (default: Exercise for a drill incident, else Actual)")
    c.add_argument("--sender", metavar="S", default=None,
                   help="CAP sender (default: the publisher code of the incident's area)")


def _fail(message: str, code: int) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return code


def _root(data_dir: object) -> Path:
    """cli.py passes its DataDir; tests and scripts may pass a plain path."""
    return Path(getattr(data_dir, "root", data_dir))


def run_import(args: argparse.Namespace, data_dir: object, *, load_catalog: Callable[[], Any] | None = None,
               open_store: Callable[[Path], Any] | None = None) -> int:
    path = Path(args.file)
    if not path.is_file():
        return _fail(f"file not found: {args.file}", 2)
    if args.import_format == "cap" and getattr(args, "cap_as", "layer") != "layer":
        return run_cap_import(args, data_dir, load_catalog=load_catalog, open_store=open_store)
    store = LayerStore(_root(data_dir))
    name = args.layer or (None if args.import_format in _NAMED_BY_CONTENT else sanitise_name(path.stem))
    if name is not None and store.exists(name) and not args.replace:
        return _fail(f"layer {name} already exists (use --replace, or --layer for another name)", 2)
    try:
        layer = READERS[args.import_format](path, name=name, crs=args.crs)
        store.save(layer, replace=args.replace)  # LayerError if a content-named layer exists
    except InteropError as exc:
        return _fail(str(exc), 1)
    except LayerError as exc:
        return _fail(str(exc), 2)
    except OSError as exc:
        return _fail(f"{store.folder}: {exc.strerror or exc}", 1)
    print(f"imported {_count(layer)} into layer {layer.name} (crs {layer.crs})")
    return 0


def run_export(args: argparse.Namespace, data_dir: object, *, load_catalog: Callable[[], Any] | None = None,
               open_store: Callable[[Path], Any] | None = None) -> int:
    if args.export_what == "cap":
        return run_cap_export(args, data_dir, load_catalog=load_catalog)
    out = Path(args.out)
    if not out.resolve().parent.is_dir():
        return _fail(f"--out folder does not exist: {out.parent}", 2)
    if out.is_dir():
        return _fail(f"--out is a folder: {out}", 2)
    store = LayerStore(_root(data_dir))
    try:
        layer = store.load(args.name)
        data = WRITERS[args.format](layer, args.crs)
    except LayerError as exc:
        return _fail(str(exc), 2)
    except InteropError as exc:
        return _fail(str(exc), 1)
    try:
        write_atomic(out.resolve(), data)
    except OSError as exc:
        return _fail(f"{out}: {exc.strerror or exc}", 1)
    print(f"exported {_count(layer)} of layer {layer.name} to {out} "
          f"({args.format}, crs {args.crs})")
    return 0


def _count(layer) -> str:
    n = len(layer.features)
    return f"{n} feature" if n == 1 else f"{n} features"


# --- CAP as alarm or incident, and CAP out ----------------------------------------------------

def run_cap_import(args: argparse.Namespace, data_dir: object, *, load_catalog, open_store) -> int:
    """`import cap FILE --as alarm|incident`: the alarm or incident in the local cache and the
    area as a layer. Everything is checked before anything is written; the layer files are
    written first and put back if the cache transaction fails, so an error changes nothing."""
    if load_catalog is None or open_store is None:
        return _fail("import cap --as alarm|incident needs the catalogue and the cache (run it through "
                     "commandcenter)", 2)
    path, root = Path(args.file), _root(data_dir)
    layers = LayerStore(root)
    if args.layer and layers.exists(args.layer) and not args.replace:
        return _fail(f"layer {args.layer} already exists (use --replace, or --layer for another name)", 2)
    cache = root / "cache.db"
    try:
        alert = parse_cap(path)
        check_importable(alert, path)
        features = drawable_features(alert, path)
    except InteropError as exc:
        return _fail(str(exc), 1)
    if alert.msg_type == "Cancel" and not cache.is_file():
        print(f"alert {alert.identifier} cancels alerts that were never imported: nothing changed")
        return 0
    store = open_store(cache)
    try:
        plan = plan_import(alert, load_catalog(), store, SystemClock().now_ms(), as_=args.cap_as,
                           ui_lang=args.lang, path=path)
        if not plan.ops:
            print(plan.message)
            return 0
        layer = None
        if features and plan.action != "cancel":
            layer = alert_layer(alert, path, features, name=args.layer or default_layer_name(alert))
        gone = [n for n in plan.superseded_layers if n != (layer.name if layer else None) and layers.exists(n)]
        backup = {n: layers.path_of(n).read_bytes() for n in [*gone, *([layer.name] if layer else [])]
                  if layers.exists(n)}
        try:
            if layer is not None:
                layers.save(layer, replace=True)
            for name in gone:
                layers.delete(name)
            store.execute(plan.ops)
        except Exception as exc:  # the cache refused (role, version, disk): put the layers back
            _restore(layers, backup, layer.name if layer else None)
            return _fail(f"{cache}: {exc}", 1)
    except InteropError as exc:
        return _fail(str(exc), 1)
    except OSError as exc:
        return _fail(f"{layers.folder}: {exc.strerror or exc}", 1)
    finally:
        store.close()
    drawn = f"; layer {layer.name} ({_count(layer)})" if layer else "; no area to draw"
    removed = f"; removed layer {', '.join(gone)}" if gone else ""
    print(plan.message + drawn + removed)
    return 0


def _restore(layers: LayerStore, backup: dict[str, bytes], new_name: str | None) -> None:
    if new_name is not None and new_name not in backup:
        layers.path_of(new_name).unlink(missing_ok=True)
    for name, data in backup.items():
        write_atomic(layers.path_of(name), data)


def read_incident(cache: Path, incident_id: str) -> dict | None:
    """The incident row (extra fields merged) from the cache, opened read-only."""
    conn = connect_readonly(cache)
    try:
        conn.row_factory = sqlite3.Row
        row = conn.execute("SELECT * FROM incidents WHERE id=?", (incident_id,)).fetchone()
    finally:
        conn.close()
    if row is None:
        return None
    doc = dict(row)
    extra = doc.pop("extra", None)
    for key, value in (json.loads(extra) if extra else {}).items():
        doc.setdefault(key, value)
    return doc


def run_cap_export(args: argparse.Namespace, data_dir: object, *, load_catalog) -> int:
    """`export cap --incident ID --out FILE.xml`: a draft alert from the cache, read-only."""
    if load_catalog is None:
        return _fail("export cap needs the catalogue (run it through commandcenter)", 2)
    out = Path(args.out)
    if out.suffix.lower() != ".xml":
        return _fail(f"--out must be a .xml file, got {args.out}", 2)
    if not out.resolve().parent.is_dir():
        return _fail(f"--out folder does not exist: {out.parent}", 2)
    if out.is_dir():
        return _fail(f"--out is a folder: {out}", 2)
    if args.sender is not None:
        try:
            check_sender(args.sender)
        except ValueError as exc:
            return _fail(f"--sender: {exc}", 2)
    cache = _root(data_dir) / "cache.db"
    if not cache.is_file():
        return _fail(f"no local cache at {cache}: nothing to export", 1)
    try:
        row = read_incident(cache, args.incident)
    except sqlite3.Error as exc:
        return _fail(f"{cache}: cannot read the cache: {exc}", 1)
    if row is None:
        return _fail(f"--incident {args.incident}: no such incident in {cache}", 2)
    if args.status == "Actual" and (row.get("mode") or "live") == "drill":
        return _fail(f"--status Actual: incident {args.incident} is a drill incident, its alerts are always "
                     "Exercise", 2)
    try:
        alert = draft_alert(row, load_catalog(), now_ms=SystemClock().now_ms(), sender=args.sender,
                            status=args.status)
        write_atomic(out.resolve(), to_xml(alert))
    except ValueError as exc:
        return _fail(str(exc), 2)
    except OSError as exc:
        return _fail(f"{out}: {exc.strerror or exc}", 1)
    print(f"exported incident {args.incident} as CAP alert {alert.identifier} ({alert.status}) to {out}")
    return 0
