#!/usr/bin/env python3
"""Which Debian packages does the suite need that neither a fresh machine nor the Makefile has?

A green run on a development machine can hide a missing install step: a package installed by
hand for something else (ffmpeg once pulled in libva) keeps a test passing there that fails on
a fresh machine. This finds the system libraries the project loads and names their packages:

1. every ELF file in the virtualenv (Qt's libraries and plugins, QtWebEngineProcess, numpy...)
   through `ldd`: what the dynamic linker would load, and what it cannot find;
2. the libraries a real test run had mapped (`tests/conftest.py` writes them to the file named
   by CC_RECORD_LIBS when that is set): what is loaded with dlopen at run time, such as
   QtMultimedia's VA-API, PulseAudio or EGL, which ldd cannot see.

Each library is mapped to its package with `dpkg -S`. A package is accounted for when it is in
the fresh machine's list (`--base`, one package name a line; tools/fresh-image-debs.txt was
read off a new machine of our kind) or installed by `make` (the Makefile's DEBS and everything
they depend on, from `apt-cache depends --recurse`). The rest are printed and the exit is 1.

    CC_RECORD_LIBS=/tmp/libs.txt make test
    python3 tools/check_debs.py --record /tmp/libs.txt

Exit 0: every package the suite loads is accounted for; 1: some are not (listed); 2: bad use.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ELF_MAGIC = b"\x7fELF"
# Parts of PySide6 a user's machine loads: a library one of them cannot find is an install
# step missing (the xcb platform plugin of a real desktop, say), not an unused plugin.
NEEDED_PARTS = tuple(f"PySide6/Qt/{p}" for p in (
    "lib/libQt6Core", "lib/libQt6Gui", "lib/libQt6Widgets", "lib/libQt6WebEngine", "lib/libQt6Multimedia",
    "lib/libQt6XcbQpa", "lib/libQt6WaylandClient", "lib/libQt6OpenGL", "lib/libQt6WebChannel",
    "lib/libQt6Network", "lib/libQt6Svg", "lib/libQt6Pdf", "lib/libQt6PrintSupport", "lib/libQt6Positioning",
    "plugins/platforms/", "plugins/xcbglintegrations/", "plugins/wayland-", "plugins/multimedia/",
    "plugins/imageformats/", "plugins/tls/", "plugins/iconengines/", "libexec/",
))


def makefile_debs(makefile: Path) -> list[str]:
    """The DEBS variable of the Makefile (continuation lines included)."""
    text = makefile.read_text(encoding="utf-8").replace("\\\n", " ")
    match = re.search(r"^DEBS\s*:?=\s*(.*)$", text, re.MULTILINE)
    if not match:
        raise SystemExit(f"check_debs: no DEBS := ... line in {makefile}")
    return match.group(1).split()


def elf_files(folder: Path) -> list[Path]:
    found = []
    for path in folder.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        if not (".so" in path.name or os.access(path, os.X_OK)):
            continue
        try:
            with path.open("rb") as f:
                if f.read(4) == ELF_MAGIC:
                    found.append(path)
        except OSError:
            continue
    return found


def ldd(path: Path) -> tuple[set[str], set[str]]:
    """(resolved libraries outside the virtualenv, names ldd could not find)."""
    done = subprocess.run(["ldd", str(path)], capture_output=True, text=True)
    resolved, missing = set(), set()
    for line in done.stdout.splitlines():
        line = line.strip()
        if "=> not found" in line:
            missing.add(line.split()[0])
        elif "=>" in line:
            target = line.split("=>", 1)[1].split("(")[0].strip()
            if target:
                resolved.add(target)
        elif line.startswith("/"):
            resolved.add(line.split()[0])
    return resolved, missing


def owners(paths: set[str]) -> tuple[dict[str, str], set[str]]:
    """{library: package} and the libraries no package owns (the virtualenv's own, or built
    by hand). Debian's merged /usr means a file may be listed under /lib or /usr/lib."""
    def candidates(p: str) -> list[str]:
        real = os.path.realpath(p)
        out = [p, real]
        for q in (p, real):
            if q.startswith("/usr/lib/"):
                out.append(q[len("/usr"):])
            elif q.startswith("/lib"):
                out.append("/usr" + q)
        return list(dict.fromkeys(out))

    found: dict[str, str] = {}
    for round_ in range(4):  # the path itself, then the other spellings, in one dpkg call each
        todo = {c: p for p in sorted(paths - set(found)) for c in candidates(p)[round_:round_ + 1]}
        if not todo:
            continue
        done = subprocess.run(["dpkg", "-S", *todo], capture_output=True, text=True)
        for line in done.stdout.splitlines():
            pkg, _, path = line.partition(": ")
            if path.strip() in todo and todo[path.strip()] not in found:
                found[todo[path.strip()]] = pkg.split(",")[0].split(":")[0].strip()
    return found, set(paths) - set(found)


def closure(packages: list[str]) -> set[str]:
    """The packages and everything they depend on (what `apt-get install` brings)."""
    done = subprocess.run(
        ["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests", "--no-conflicts",
         "--no-breaks", "--no-replaces", "--no-enhances", *packages],
        capture_output=True, text=True)
    names = set(packages)
    for line in done.stdout.splitlines():
        line = line.strip()
        if line.startswith(("Depends:", "PreDepends:")):
            line = line.split(":", 1)[1].strip()
        name = line.strip("<>|").strip()
        if name and " " not in name:
            names.add(name)
    return {n.split(":")[0] for n in names}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="check_debs", description=__doc__.split("\n\n")[0])
    parser.add_argument("--venv", type=Path, default=ROOT / ".venv", help="the virtualenv (default .venv)")
    parser.add_argument("--base", type=Path, default=ROOT / "tools" / "fresh-image-debs.txt",
                        help="packages a fresh machine has, one a line (default tools/fresh-image-debs.txt)")
    parser.add_argument("--record", type=Path, action="append", default=[],
                        help="a CC_RECORD_LIBS file from a test run (may be given more than once)")
    parser.add_argument("--makefile", type=Path, default=ROOT / "Makefile", help="whose DEBS to check")
    args = parser.parse_args(argv)
    site = next(iter(sorted((args.venv / "lib").glob("python3*/site-packages"))), None)
    if site is None:
        print(f"check_debs: no site-packages in {args.venv} (run make setup first)", file=sys.stderr)
        return 2
    if not args.base.is_file():
        print(f"check_debs: --base {args.base}: no such file", file=sys.stderr)
        return 2
    base = {line.split()[0].split(":")[0] for line in args.base.read_text().splitlines()
            if line.strip() and not line.startswith("#")}

    files = elf_files(site)
    libs: set[str] = set()
    missing: dict[str, set[str]] = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for path, (resolved, absent) in zip(files, pool.map(ldd, files)):
            rel = str(path.relative_to(site))
            if rel.startswith("PySide6/") and not rel.startswith(NEEDED_PARTS):
                resolved = set()  # an unused plugin may link to whatever a machine happens to have
            libs |= {p for p in resolved if not p.startswith(str(args.venv.resolve()))
                     and not p.startswith(str(args.venv))}
            for name in absent:
                missing.setdefault(name, set()).add(str(path.relative_to(site)))
    recorded = 0
    for record in args.record:
        if not record.is_file():
            print(f"check_debs: --record {record}: no such file", file=sys.stderr)
            return 2
        for line in record.read_text().splitlines():
            line = line.strip()
            if line.startswith("/") and not line.startswith(str(args.venv.resolve())) and os.path.exists(line):
                libs.add(line)
                recorded += 1
    # A library only the virtualenv's bundled copies need (Qt ships its own ICU, ffmpeg...) is
    # found by ldd inside the venv and not listed; the rest must come from Debian.
    owned, unowned = owners(libs)
    needed = sorted(set(owned.values()))
    debs = makefile_debs(args.makefile)
    from_make = closure(debs)
    unaccounted = [p for p in needed if p not in base and p not in from_make]

    print(f"{len(files)} ELF files in {site}, {recorded} libraries from test-run records")
    print(f"{len(libs)} system libraries, from {len(needed)} Debian packages")
    print(f"Makefile DEBS: {len(debs)} packages, {len(from_make)} with their dependencies; fresh image: {len(base)}")
    for p in sorted(unowned):
        print(f"  no package owns {p} (built or copied by hand?)")
    # Libraries no ELF file in the venv finds. Those of the Qt parts a user's machine loads
    # (the xcb and Wayland platforms of a real desktop, multimedia, WebEngine) are needed;
    # the others are optional plugins (a Qt SQL driver for a database we do not use).
    needed_missing = {n: u for n, u in missing.items() if any(x.startswith(NEEDED_PARTS) for x in u)}
    optional = {n: u for n, u in missing.items() if n not in needed_missing}
    for title, table in (("optional plugins' libraries ldd cannot find (not loaded by us)", optional),
                         ("NEEDED libraries ldd cannot find (add their packages to DEBS)", needed_missing)):
        if table:
            print(f"{len(table)} {title}:")
        for name in sorted(table):
            users = sorted(table[name])
            print(f"  {name}: {users[0]}" + (f" and {len(users) - 1} more" if len(users) > 1 else ""))
    if needed_missing:
        return 1
    if unaccounted:
        print("NOT accounted for (add to DEBS in the Makefile, or find why they are loaded):")
        for p in unaccounted:
            libs_of = sorted(lib for lib, pkg in owned.items() if pkg == p)
            print(f"  {p}: {', '.join(libs_of[:3])}" + (" ..." if len(libs_of) > 3 else ""))
        return 1
    print("every package the suite loads is on a fresh machine or installed by make")
    return 0


if __name__ == "__main__":
    sys.exit(main())
