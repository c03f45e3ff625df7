"""Layering rules of ARCHITECTURE.md, checked on the source with the ast module.

Only ui/ (and cli.py, __main__.py) may import PySide6, pyqtgraph or qasync; the core layers
import only what the design allows. A violation fails the build.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "commandcenter"
QT = ("PySide6", "pyqtgraph", "qasync", "shiboken6")
UI_ALLOWED = {"ui", "cli.py", "__main__.py"}

# layer -> layers of ours it may import ("*" = anything)
ALLOWED = {
    "domain": {"domain"},
    "live": {"live", "domain"},
    "store": {"store", "domain"},
    "drills": {"drills", "domain", "catalog"},
    "interop": {"interop", "domain"},
    "map": {"map", "domain", "catalog"},
    "sync": {"sync", "domain", "store"},
    # the platform is a separate peer: the wire protocol, the shared rules and formats only
    "platform": {"platform", "sync.protocol", "sync.bundle", "sync.bundle_cli", "domain", "catalog", "drills.scenario",
                 "drills.run"},
    "catalog.py": {"domain"},
    "citymap.py": {"domain", "catalog"},
    "paths.py": set(),
    "embedded.py": set(),
    "__init__.py": set(),
}


def layer_of(path: Path) -> str:
    rel = path.relative_to(PKG)
    return rel.parts[0]


def imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def source_files():
    return sorted(p for p in PKG.rglob("*.py"))


def test_only_ui_imports_qt():
    bad = []
    for path in source_files():
        if layer_of(path) in UI_ALLOWED:
            continue
        for line, mod in imports(path):
            if mod.split(".")[0] in QT:
                bad.append(f"{path.relative_to(PKG.parent)}:{line} imports {mod}")
    assert not bad, "Qt outside ui/:\n" + "\n".join(bad)


def test_layers_import_only_what_they_may():
    bad = []
    for path in source_files():
        layer = layer_of(path)
        if layer in UI_ALLOWED:
            continue
        allowed = ALLOWED.get(layer)
        assert allowed is not None, f"new top-level module {layer}: add it to ALLOWED"
        for line, mod in imports(path):
            parts = mod.split(".")
            if parts[0] != "commandcenter" or len(parts) == 1:
                continue
            target = ".".join(parts[1:])
            if not any(target == a or target.startswith(a + ".") or parts[1] == a.removesuffix(".py") and a.endswith(".py") for a in allowed):
                bad.append(f"{path.relative_to(PKG.parent)}:{line} ({layer}) imports {mod}")
    assert not bad, "layering violations:\n" + "\n".join(bad)


def test_nothing_imports_ui_but_cli():
    bad = []
    for path in source_files():
        if layer_of(path) in UI_ALLOWED:
            continue
        for line, mod in imports(path):
            if mod.startswith("commandcenter.ui"):
                bad.append(f"{path}:{line}")
    assert not bad


def test_core_imports_without_qt_installed(tmp_path):
    """Import every core module in a process where Qt cannot be imported at all."""
    blocker = tmp_path / "sitecustomize.py"
    blocker.write_text(
        "import sys\n"
        "class _Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name.split('.')[0] in {QT!r}:\n"
        "            raise ImportError('Qt is blocked in core tests: ' + name)\n"
        "sys.meta_path.insert(0, _Block())\n"
    )
    modules = [
        ".".join(p.relative_to(PKG.parent).with_suffix("").parts)
        for p in source_files()
        if layer_of(p) not in UI_ALLOWED and p.name != "__main__.py"
    ]
    code = "import importlib\nfor m in %r:\n    importlib.import_module(m)\nprint('ok')" % modules
    env = {"PYTHONPATH": f"{tmp_path}:{PKG.parent}", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "ok"
