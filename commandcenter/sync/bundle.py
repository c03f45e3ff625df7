"""Offline bundles (SYNC.md, "Bundle (USB)"; issue 11): a field post's operations on a USB
stick, and back.

A bundle is a zip:

    manifest.json     format, bundle id, origin node, epoch, schema, created time, operation
                      ranges per origin node, the SHA-256 of every other file, the signer's key
    ops.ndjson        one operation per line in the push wire format (protocol.WireOp), relayed
                      operations of other nodes included, in hybrid-clock order
    attachments/HASH  files by their SHA-256 (none are made yet; verified when present)
    signature         the Ed25519 signature of manifest.json's bytes, base64

Reading verifies everything before anything is applied: the zip is whole, the manifest
parses and is of our format, the signature is by a trusted key, every file's hash matches
(so the signature covers them), there is no file the manifest does not name, every line is a
valid operation, and the ranges match the operations. Any failure raises BundleError naming
the file, the line or the field; nothing is changed.

Keys: one Ed25519 key per node, kept in the data folder (keys/node_ed25519.pem, readable by
its owner only); trusted keys are the public keys in keys/trusted/NAME.pub (one line, base64
of the 32 raw bytes). A node always trusts its own key. This module is pure of the store: the
store's and the platform's import and export call it.
"""
from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from pydantic import ValidationError

from commandcenter.sync.protocol import WireOp

FORMAT = "commandcenter-bundle"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
OPS = "ops.ndjson"
SIGNATURE = "signature"
ATTACHMENTS = "attachments/"
KEY_FILE = "node_ed25519.pem"
TRUSTED_DIR = "trusted"
# a bundle is refused past these (a stick of a week's work is far below them)
MAX_OPS = 5_000_000
MAX_MEMBER_BYTES = 2 * 1024**3
_NAME = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{1,64}$")
_HASH = re.compile(r"^[0-9a-f]{64}$")


class BundleError(ValueError):
    """A bundle (or a key) that cannot be used; the message names the file and what is wrong."""


# ------------------------------------------------------------------------------------ keys
def _crypto():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

    return serialization, Ed25519PrivateKey, Ed25519PublicKey


def key_id(public: bytes) -> str:
    """A short fingerprint of a public key: 16 hex digits of its SHA-256."""
    return hashlib.sha256(public).hexdigest()[:16]


@dataclass(frozen=True)
class Keys:
    """A node's signing key and the keys it trusts (public key bytes by name)."""

    folder: Path
    private: Any
    public: bytes
    trusted: dict[str, bytes]

    @property
    def id(self) -> str:
        return key_id(self.public)

    @property
    def public_text(self) -> str:
        return base64.b64encode(self.public).decode("ascii")

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)

    def trusted_name(self, public: bytes) -> str | None:
        if public == self.public:
            return "self"
        for name, key in self.trusted.items():
            if key == public:
                return name
        return None


def load_keys(folder: str | Path, *, create: bool = True) -> Keys:
    """The keys of the node whose key folder is `folder` (DATA_DIR/keys), made on first use."""
    serialization, Ed25519PrivateKey, _ = _crypto()
    folder = Path(folder)
    path = folder / KEY_FILE
    if path.is_file():
        try:
            private = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except (ValueError, TypeError) as exc:
            raise BundleError(f"{path}: not an Ed25519 private key ({exc})") from None
        if not isinstance(private, Ed25519PrivateKey):
            raise BundleError(f"{path}: not an Ed25519 private key")
    elif create:
        folder.mkdir(parents=True, exist_ok=True)
        private = Ed25519PrivateKey.generate()
        pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    else:
        raise BundleError(f"{path}: no signing key")
    public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    trusted: dict[str, bytes] = {}
    tdir = folder / TRUSTED_DIR
    if tdir.is_dir():
        for item in sorted(tdir.glob("*.pub")):
            trusted[item.stem] = parse_public_key(item.read_text(encoding="utf-8"), where=str(item))
    return Keys(folder, private, public, trusted)


def parse_public_key(text: str, where: str = "key") -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except ValueError:
        raise BundleError(f"{where}: not a base64 public key") from None
    if len(raw) != 32:
        raise BundleError(f"{where}: an Ed25519 public key is 32 bytes, this is {len(raw)}")
    return raw


def trust(folder: str | Path, name: str, key_text: str) -> Path:
    """Add a trusted key under `name` (keys/trusted/NAME.pub). Raises BundleError for a bad
    name or key; an existing name with another key is refused (revoke it first)."""
    if not _NAME.match(name):
        raise BundleError(f"--name {name!r}: use letters, digits, '-', '_' or '.' (at most 64)")
    raw = parse_public_key(key_text)
    tdir = Path(folder) / TRUSTED_DIR
    tdir.mkdir(parents=True, exist_ok=True)
    path = tdir / f"{name}.pub"
    if path.exists() and parse_public_key(path.read_text(encoding="utf-8"), str(path)) != raw:
        raise BundleError(f"{path}: another key is trusted under the name {name!r}")
    path.write_text(base64.b64encode(raw).decode("ascii") + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------- bundles
@dataclass
class Bundle:
    """A verified bundle: its manifest, its operations (wire dicts, hlc order), attachments."""

    path: Path
    manifest: dict
    ops: list[dict]
    signer: str  # the trusted name of the key that signed it ("self" for our own)
    attachments: dict[str, bytes] = field(default_factory=dict)

    @property
    def bundle_id(self) -> str:
        return self.manifest["bundle_id"]

    @property
    def origin(self) -> str:
        return self.manifest["origin_node"]


def ranges(ops: Iterable[dict]) -> dict[str, dict[str, int]]:
    """Per origin node: the first and last local_seq and the count of operations."""
    out: dict[str, dict[str, int]] = {}
    for op in ops:
        r = out.setdefault(op["node_id"], {"first": op["local_seq"], "last": op["local_seq"], "count": 0})
        r["first"] = min(r["first"], op["local_seq"])
        r["last"] = max(r["last"], op["local_seq"])
        r["count"] += 1
    return out


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def order(ops: Iterable[dict]) -> list[dict]:
    """Hybrid-clock order (causal: a node's own operations stay in local_seq order)."""
    return sorted(ops, key=lambda o: (o["hlc"], o["node_id"], o["local_seq"]))


def write_bundle(path: str | Path, ops: Iterable[dict], keys: Keys, *, bundle_id: str, origin_node: str,
                 epoch: str | None, schema: int, created_ms: int, kind: str = "client",
                 attachments: dict[str, bytes] | None = None, progress=None, drill_run: str | None = None) -> dict:
    """Write a signed bundle atomically (a temporary file renamed into place); returns the
    manifest. `ops` are wire dicts; they are validated on the way (a bad one is a bug)."""
    path = Path(path)
    ops = order(ops)
    lines = io.StringIO()
    for i, op in enumerate(ops):
        lines.write(WireOp.model_validate(op).model_dump_json())
        lines.write("\n")
        if progress is not None and i % 2000 == 0:
            progress(i, len(ops))
    body = lines.getvalue().encode("utf-8")
    files = {OPS: _sha256(body)}
    attachments = attachments or {}
    for digest, data in attachments.items():
        if _sha256(data) != digest:
            raise BundleError(f"attachment {digest}: its content does not have that hash")
        files[ATTACHMENTS + digest] = digest
    manifest = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "bundle_id": bundle_id,
        "origin_node": origin_node, "kind": kind, "epoch": epoch, "schema": schema,
        "created_ms": created_ms, "ops": len(ops), "ranges": ranges(ops), "files": files,
        "signer_key": keys.public_text, "signer_id": keys.id,
    }
    if drill_run is not None:  # a drill cache's bundle says so: only that run's caches take it
        manifest["drill_run"] = drill_run
    manifest_bytes = _dumps(manifest).encode("utf-8")
    signature = base64.b64encode(keys.sign(manifest_bytes))
    tmp = path.with_name(path.name + ".part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr(MANIFEST, manifest_bytes)
        z.writestr(OPS, body)
        for digest, data in attachments.items():
            z.writestr(ATTACHMENTS + digest, data)
        z.writestr(SIGNATURE, signature)
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)
    if progress is not None:
        progress(len(ops), len(ops))
    return manifest


def read_bundle(path: str | Path, keys: Keys, progress=None) -> Bundle:
    """Open and verify a bundle completely (see the module's docstring). Raises BundleError."""
    path = Path(path)
    where = str(path)
    if not path.is_file():
        raise BundleError(f"{where}: no such file")
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BundleError(f"{where}: not a complete bundle (the zip cannot be read: {exc}); was it truncated?") from None
    with z:
        names = z.namelist()
        for required in (MANIFEST, SIGNATURE, OPS):
            if required not in names:
                raise BundleError(f"{where}: {required} is missing; not a bundle, or a damaged one")
        for info in z.infolist():
            if info.file_size > MAX_MEMBER_BYTES:
                raise BundleError(f"{where}: {info.filename} is too large ({info.file_size} bytes)")

        def member(name: str) -> bytes:
            try:
                return z.read(name)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:  # CRC errors, short data
                raise BundleError(f"{where}: {name} is damaged ({exc})") from None

        manifest_bytes = member(MANIFEST)
        try:
            manifest = json.loads(manifest_bytes)
        except ValueError as exc:
            raise BundleError(f"{where}: {MANIFEST} is not JSON ({exc})") from None
        if not isinstance(manifest, dict):
            raise BundleError(f"{where}: {MANIFEST} must be an object")
        _check_manifest(manifest, where)
        # the signature first: nothing unsigned is looked at further
        signer_key = parse_public_key(manifest["signer_key"], f"{where}: {MANIFEST} signer_key")
        signer = keys.trusted_name(signer_key)
        if signer is None:
            raise BundleError(f"{where}: signed by an untrusted key {key_id(signer_key)}; trust it with "
                              f"`commandcenter bundle trust` if you know whose it is")
        try:
            signature = base64.b64decode(member(SIGNATURE), validate=True)
        except ValueError:
            raise BundleError(f"{where}: {SIGNATURE} is not base64") from None
        _, _, Ed25519PublicKey = _crypto()
        from cryptography.exceptions import InvalidSignature

        try:
            Ed25519PublicKey.from_public_bytes(signer_key).verify(signature, manifest_bytes)
        except InvalidSignature:
            raise BundleError(f"{where}: the signature does not match {MANIFEST}: the bundle was altered "
                              f"or signed by another key") from None
        files = manifest["files"]
        extra = sorted(set(names) - set(files) - {MANIFEST, SIGNATURE})
        if extra:
            raise BundleError(f"{where}: {extra[0]} is not named in {MANIFEST}")
        contents: dict[str, bytes] = {}
        for name, digest in files.items():
            if name not in names:
                raise BundleError(f"{where}: {name} is named in {MANIFEST} but missing")
            data = member(name)
            if _sha256(data) != digest:
                raise BundleError(f"{where}: {name} does not match its SHA-256 in {MANIFEST}: it was altered")
            contents[name] = data
    ops = _parse_ops(contents[OPS], where, progress)
    if len(ops) != manifest["ops"]:
        raise BundleError(f"{where}: {MANIFEST} ops says {manifest['ops']} operations, {OPS} has {len(ops)}")
    if ranges(ops) != manifest["ranges"]:
        raise BundleError(f"{where}: {MANIFEST} ranges do not match the operations in {OPS}")
    attachments = {name[len(ATTACHMENTS):]: data for name, data in contents.items() if name.startswith(ATTACHMENTS)}
    return Bundle(path, manifest, order(ops), signer, attachments)


def _check_manifest(m: dict, where: str) -> None:
    def bad(field_name: str, what: str):
        raise BundleError(f"{where}: {MANIFEST} {field_name}: {what}")

    if m.get("format") != FORMAT:
        bad("format", f"expected {FORMAT!r}, got {m.get('format')!r}")
    if m.get("format_version") != FORMAT_VERSION:
        bad("format_version", f"this program reads version {FORMAT_VERSION}, got {m.get('format_version')!r}")
    for name in ("bundle_id", "origin_node", "signer_key"):
        if not isinstance(m.get(name), str) or not m[name]:
            bad(name, "missing or not text")
    for name in ("schema", "created_ms", "ops"):
        if not isinstance(m.get(name), int) or isinstance(m.get(name), bool) or m[name] < 0:
            bad(name, "missing or not a non-negative integer")
    if m["ops"] > MAX_OPS:
        bad("ops", f"more than {MAX_OPS}")
    if m.get("epoch") is not None and not isinstance(m["epoch"], str):
        bad("epoch", "not text")
    if not isinstance(m.get("ranges"), dict):
        bad("ranges", "missing or not an object")
    if m.get("drill_run") is not None and (not isinstance(m["drill_run"], str) or not m["drill_run"]):
        bad("drill_run", "not text")
    files = m.get("files")
    if not isinstance(files, dict) or OPS not in files:
        bad("files", f"missing, or without {OPS}")
    for name, digest in files.items():
        if not isinstance(digest, str) or not _HASH.match(digest):
            bad(f"files.{name}", "not a SHA-256")
        if name != OPS and not (name.startswith(ATTACHMENTS) and name[len(ATTACHMENTS):] == digest):
            bad(f"files.{name}", "only ops.ndjson and attachments/SHA256 may be in a bundle")


def _parse_ops(body: bytes, where: str, progress=None) -> list[dict]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BundleError(f"{where}: {OPS} is not UTF-8 ({exc})") from None
    ops: list[dict] = []
    seen: set[tuple[str, int]] = set()
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            op = WireOp.model_validate_json(line).model_dump(mode="json")
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            loc = ".".join(str(p) for p in first["loc"]) or "line"
            raise BundleError(f"{where}: {OPS} line {number}: {loc}: {first['msg']}") from None
        key = (op["node_id"], op["local_seq"])
        if key in seen:
            raise BundleError(f"{where}: {OPS} line {number}: operation {key[0]}:{key[1]} appears twice")
        seen.add(key)
        ops.append(op)
        if progress is not None and number % 2000 == 0:
            progress(number, len(lines))
    return ops


def payload_hash(op: dict) -> str:
    """The hash of an operation's wire form, as the platform keys replays (same op, same hash)."""
    return _sha256(_dumps(WireOp.model_validate(op).model_dump(mode="json")).encode("utf-8"))
