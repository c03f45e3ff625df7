"""`commandcenter bundle export|import|key|trust` (issue 11): a node's side of USB bundles.

Errors are one line naming the file, line or field; exit 2 for usage, 1 for a bundle or
cache that cannot be used; a refused import changes nothing."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Callable

from commandcenter.sync import bundle as bundles

PROGRESS_FROM_OPS = 5_000  # smaller bundles take well under a second: no progress lines


def add_bundle_parser(sub, common: argparse.ArgumentParser, *, since_type: Callable) -> None:
    b = sub.add_parser("bundle", parents=[common], help="offline bundles (USB) of operations, signed")
    what = b.add_subparsers(dest="bundle_command", parser_class=type(b), required=True)
    exp = what.add_parser("export", parents=[common], help="write this cache's operations (and relayed ones) to a bundle")
    exp.add_argument("--out", metavar="FILE.ccb", required=True)
    exp.add_argument("--since", metavar="ISO", type=since_type,
                     help="only operations written or received since then (default: all)")
    imp = what.add_parser("import", parents=[common], help="verify a bundle, then take all of it or nothing")
    imp.add_argument("file", metavar="FILE")
    what.add_parser("key", parents=[common], help="print this node's public key (give it to whoever imports its bundles)")
    tr = what.add_parser("trust", parents=[common], help="trust bundles signed by this public key")
    tr.add_argument("key", metavar="KEY", help="the public key (base64), or a file holding it")
    tr.add_argument("--name", required=True, help="whose key it is (e.g. post-7, center)")


def progress_printer(label: str, total_hint: int) -> Callable[[int, int], None] | None:
    """Progress lines on stderr for large bundles: every tenth, and the end."""
    if total_hint < PROGRESS_FROM_OPS:
        return None
    state = {"tenth": -1}

    def report(done: int, total: int) -> None:
        tenth = (10 * done) // max(total, 1)
        if tenth != state["tenth"]:
            state["tenth"] = tenth
            print(f"{label}: {done}/{total} ({10 * tenth}%)", file=sys.stderr, flush=True)

    return report


def fail(message: str, code: int = 1) -> int:
    print(f"commandcenter: error: {message}", file=sys.stderr)
    return code


def key_text(arg: str) -> str:
    path = Path(arg)
    if len(arg) != 44 and path.is_file():
        return path.read_text(encoding="utf-8")
    return arg


def run_bundle(args: argparse.Namespace, keys_dir: Path, open_store: Callable) -> int:
    """The client side; `open_store()` opens the cache."""
    try:
        if args.bundle_command == "key":
            keys = bundles.load_keys(keys_dir)
            print(f"{keys.public_text}  (key {keys.id}, {keys_dir / bundles.KEY_FILE})")
            return 0
        if args.bundle_command == "trust":
            path = bundles.trust(keys_dir, args.name, key_text(args.key))
            print(f"trusted key {bundles.key_id(bundles.parse_public_key(key_text(args.key)))} as {args.name} ({path})")
            return 0
        if args.bundle_command == "export":
            out = Path(args.out)
            if out.is_dir():
                return fail(f"--out is a folder: {out}", 2)
            if not out.resolve().parent.is_dir():
                return fail(f"--out folder does not exist: {out.parent}", 2)
            return _export(out, args.since, bundles.load_keys(keys_dir), open_store)
        return _import(Path(args.file), bundles.load_keys(keys_dir), open_store)
    except bundles.BundleError as exc:
        return fail(str(exc))


def export_store(store, out: Path, keys: bundles.Keys, since_ms: int | None = None, progress=None) -> dict:
    """Write the cache's operations to a signed bundle and record the export (command line
    and window alike); returns the manifest. Raises OSError; a failed write records nothing."""
    from commandcenter.domain.ids import uuid7
    from commandcenter.store.schema import SCHEMA_VERSION

    ops = store.bundle_ops(since_ms)
    now = store.clock.now_ms()
    manifest = bundles.write_bundle(
        out, ops, keys, bundle_id=uuid7(now), origin_node=store.node_id, epoch=store.epoch,
        schema=SCHEMA_VERSION, created_ms=now, kind="client",
        progress=progress(len(ops)) if progress is not None else None, drill_run=getattr(store, "run_id", None))
    store.record_bundle_export(manifest["bundle_id"], str(out), len(ops), keys.id)
    return manifest


def _export(out: Path, since_ms: int | None, keys: bundles.Keys, open_store: Callable) -> int:
    store = open_store()
    try:
        manifest = export_store(store, out, keys, since_ms, progress=lambda n: progress_printer("writing", n))
    except OSError as exc:
        return fail(f"{out}: {exc.strerror or exc}")
    finally:
        store.close()
    count, bundle_id = manifest["ops"], manifest["bundle_id"]
    nodes = len(manifest["ranges"])
    print(f"exported {count} operation{'s' if count != 1 else ''} of {nodes} node{'s' if nodes != 1 else ''} "
          f"to {out} (bundle {bundle_id}, signed by key {keys.id})")
    return 0


def _import(path: Path, keys: bundles.Keys, open_store: Callable) -> int:
    from commandcenter.store.db import StoreError

    started = time.monotonic()
    size_hint = path.stat().st_size // 200 if path.is_file() else 0  # roughly operations
    verified = bundles.read_bundle(path, keys, progress=progress_printer("verifying", size_hint))
    store = open_store()
    try:
        acknowledged = verified.manifest["epoch"] if verified.manifest.get("kind") == "platform" else None
        try:
            result = store.import_ops(
                verified.ops, bundle_id=verified.bundle_id, origin_node=verified.origin, signer=verified.signer,
                path=str(path), acknowledged_epoch=acknowledged, drill_run=verified.manifest.get("drill_run"),
                progress=progress_printer("importing", len(verified.ops)))
        except StoreError as exc:
            return fail(f"{path}: {exc}")
    finally:
        store.close()
    took = time.monotonic() - started
    if result.new == 0:
        print(f"nothing new in {path}: all {result.known} operations are here already (bundle {verified.bundle_id})")
        return 0
    print(f"imported {result.new} new operation{'s' if result.new != 1 else ''} from {path} "
          f"(bundle {verified.bundle_id} of node {verified.origin}, signed by {verified.signer}); "
          f"{result.known} already here; {result.applied} changed the picture; {took:.1f} s")
    return 0
