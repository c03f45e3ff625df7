"""The platform's side of USB bundles (issue 11): `commandcenter platform bundle export|import`.

A platform bundle carries every operation the platform took (kind "platform", its epoch), so
a post that imports it holds them as already delivered. Importing a post's bundle pushes its
operations through the same idempotent path as an online push, in one transaction: all or
nothing. The platform's key lives beside its database (PLATFORM_DB's folder, platform-keys/).
Run these against a stopped platform or its own file; a running platform sees imported
operations at its next start (a long-poll client sees them after the next push)."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import commandcenter.sync.bundle as bundles
from commandcenter.sync.protocol import WireOp


def keys_dir(db: Path) -> Path:
    return Path(db).resolve().parent / "platform-keys"


def export_bundle(storage, out: Path, keys: bundles.Keys, now_ms: int, progress=None) -> dict:
    from commandcenter.domain.ids import uuid7

    ops = storage.operations()
    return bundles.write_bundle(out, ops, keys, bundle_id=uuid7(now_ms), origin_node="platform:" + storage.epoch,
                                epoch=storage.epoch, schema=max((o["schema_version"] for o in ops), default=1),
                                created_ms=now_ms, kind="platform", progress=progress)


def import_bundle(storage, verified: bundles.Bundle) -> dict[str, int]:
    """Push a verified bundle's operations; raises BundleError (nothing applied) when one of
    them reuses a (node_id, local_seq) the platform holds with other content."""
    ops = verified.ops
    seen = storage.payload_hashes([(o["node_id"], o["local_seq"]) for o in ops])
    for op in ops:
        digest = seen.get((op["node_id"], op["local_seq"]))
        if digest is not None and digest != bundles.payload_hash(op):
            raise bundles.BundleError(f"{verified.path}: operation {op['node_id']}:{op['local_seq']} differs from "
                                      f"the one the platform holds under that number; nothing imported")
    # in causal (hybrid-clock) order, whatever wrote the file: an update pushed before the
    # relayed create it builds on would be refused as "unknown"
    fresh = [WireOp.model_validate(o) for o in bundles.order(ops) if (o["node_id"], o["local_seq"]) not in seen]
    counts = {"new": len(fresh), "known": len(ops) - len(fresh)}
    if fresh:
        for result in storage.push(fresh):
            counts[result.result] = counts.get(result.result, 0) + 1
    return counts


def run(args, default_db: Path) -> int:
    """`platform bundle export|import|key|trust`."""
    from commandcenter.platform.storage import PlatformStorage, StorageError
    from commandcenter.sync.bundle_cli import fail, key_text, progress_printer

    db = Path(args.db or default_db)
    kdir = keys_dir(db)
    try:
        if args.bundle_command == "key":
            keys = bundles.load_keys(kdir)
            print(f"{keys.public_text}  (key {keys.id}, {kdir / bundles.KEY_FILE})")
            return 0
        if args.bundle_command == "trust":
            path = bundles.trust(kdir, args.name, key_text(args.key))
            print(f"the platform trusts key {bundles.key_id(bundles.parse_public_key(key_text(args.key)))} "
                  f"as {args.name} ({path})")
            return 0
        if not db.is_file():
            return fail(f"--db {db}: no platform database there")
        keys = bundles.load_keys(kdir)
        if args.bundle_command == "import":
            verified = bundles.read_bundle(Path(args.file), keys)
        try:
            storage = PlatformStorage(db)
        except StorageError as exc:
            return fail(str(exc))
        try:
            if args.bundle_command == "export":
                out = Path(args.out)
                if not out.resolve().parent.is_dir():
                    return fail(f"--out folder does not exist: {out.parent}", 2)
                manifest = export_bundle(storage, out, keys, int(time.time() * 1000),
                                         progress=progress_printer("writing", storage.op_count()))
                print(f"exported {manifest['ops']} operations of {len(manifest['ranges'])} nodes to {out} "
                      f"(platform bundle {manifest['bundle_id']}, epoch {storage.epoch}, signed by key {keys.id})")
                return 0
            counts = import_bundle(storage, verified)
        finally:
            storage.close()
    except bundles.BundleError as exc:
        return fail(str(exc))
    except OSError as exc:
        return fail(f"{exc.filename or db}: {exc.strerror or exc}")
    if counts["new"] == 0:
        print(f"nothing new in {args.file}: all {counts['known']} operations are on the platform already")
        return 0
    detail = ", ".join(f"{counts[k]} {k}" for k in ("applied", "merged", "conflict", "rejected") if counts.get(k))
    print(f"imported {counts['new']} new operations from {args.file} into {db} ({detail}); "
          f"{counts['known']} already there", file=sys.stdout)
    return 0
