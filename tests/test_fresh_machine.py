"""A fresh machine passes: every Debian package the project loads is on a new machine of our
kind or installed by `make` (tools/check_debs.py; docs/development.md, "A fresh machine").

A green run here can hide a missing install step: this machine keeps what was installed by
hand. The check names the packages of every system library the virtualenv's Qt, WebEngine
and multimedia parts link to, and of those this very test process has mapped (loaded with
dlopen by earlier tests: VA-API, PulseAudio, EGL), and fails on any the Makefile does not bring.
"""
from __future__ import annotations

import ctypes.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TOOL = REPO / "tools" / "check_debs.py"

pytestmark = pytest.mark.skipif(shutil.which("dpkg") is None, reason="not a Debian machine")


def check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(TOOL), "--venv", str(Path(sys.prefix)), *args],
                          capture_output=True, text=True, timeout=300)


def loaded_libraries(tmp_path: Path) -> Path:
    record = tmp_path / "libs.txt"
    with open("/proc/self/maps") as f:
        libs = sorted({line.split(None, 5)[5].strip() for line in f
                       if len(line.split(None, 5)) == 6 and ".so" in line})
    record.write_text("".join(f"{p}\n" for p in libs if p.startswith("/")))
    return record


def test_every_library_the_project_loads_comes_from_a_fresh_machine_or_the_makefile(tmp_path):
    done = check("--record", str(loaded_libraries(tmp_path)))
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "every package the suite loads is on a fresh machine or installed by make" in done.stdout


def test_a_package_loaded_at_run_time_but_missing_from_debs_is_named(tmp_path):
    """The libva case that once failed a fresh machine: QtMultimedia opens libva with dlopen
    (no ldd sees it); a Makefile without its packages must be caught by the record."""
    name = ctypes.util.find_library("va")
    assert name, "libva is not installed: make test installs libva2 (Makefile DEBS)"
    path = next(p for p in (Path("/usr/lib/x86_64-linux-gnu") / name, Path("/usr/lib/aarch64-linux-gnu") / name,
                            Path("/lib/x86_64-linux-gnu") / name) if p.exists())
    makefile = (REPO / "Makefile").read_text(encoding="utf-8").replace("libva2 libva-drm2 libva-x11-2 ", "")
    assert "libva" not in makefile
    (tmp_path / "Makefile").write_text(makefile, encoding="utf-8")
    record = tmp_path / "libs.txt"
    record.write_text(f"{path}\n")
    done = check("--makefile", str(tmp_path / "Makefile"), "--record", str(record))
    assert done.returncode == 1, done.stdout[-3000:]
    assert "NOT accounted for" in done.stdout and "  libva2: " in done.stdout


def test_bad_use_exits_2_naming_the_file(tmp_path):
    done = check("--base", str(tmp_path / "nope.txt"))
    assert done.returncode == 2 and "nope.txt: no such file" in done.stderr
