"""`commandcenter import ...` and `commandcenter export layer ...`, for commandcenter/cli.py.

cli.py owns the parser and the data dir; these functions add the subcommands and run them.
Exit codes follow the rest of the command line: 2 for bad arguments (unknown file, bad layer
name, existing layer without --replace), 1 for bad data. On any error nothing is written.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable

from commandcenter.interop.cap import read_cap
from commandcenter.interop.cot import read_cot
from commandcenter.interop.crs import CRS_NAMES
from commandcenter.interop.csvfile import read_csv, write_csv
from commandcenter.interop.errors import InteropError, LayerError
from commandcenter.interop.geojson import read_geojson, write_geojson
from commandcenter.interop.kml import read_kml, write_kml
from commandcenter.interop.layers import Layer, LayerStore, check_name, sanitise_name, write_atomic
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


def _fail(message: str, code: int) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return code


def _root(data_dir: object) -> Path:
    """cli.py passes its DataDir; tests and scripts may pass a plain path."""
    return Path(getattr(data_dir, "root", data_dir))


def run_import(args: argparse.Namespace, data_dir: object) -> int:
    path = Path(args.file)
    if not path.is_file():
        return _fail(f"file not found: {args.file}", 2)
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


def run_export(args: argparse.Namespace, data_dir: object) -> int:
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
