"""Translations: `--update` runs pyside6-lupdate over ui/ into resources/i18n/*.ts (the
committed source translators edit); `--release` compiles them to .qm (built at set-up, not
committed)."""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "resources" / "i18n"
LANGS = ("zh_CN",)
BIN = Path(sys.executable).parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--update", action="store_true")
    parser.add_argument("--release", action="store_true")
    args = parser.parse_args()
    sources = sorted(str(p) for p in (ROOT / "commandcenter" / "ui").rglob("*.py"))
    for lang in LANGS:
        ts = I18N / f"commandcenter_{lang}.ts"
        qm = ts.with_suffix(".qm")
        if args.update:
            subprocess.run([str(BIN / "pyside6-lupdate"), *sources, "-no-obsolete", "-ts", str(ts)], check=True,
                           stdout=subprocess.DEVNULL)
        if args.release and ts.exists():
            if qm.exists() and qm.stat().st_mtime >= ts.stat().st_mtime:
                continue
            subprocess.run([str(BIN / "pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
