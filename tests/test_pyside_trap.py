"""PySide6 6.12.0 on Python 3.10/3.11 drops a reference to None on every void binding call
and aborts after ~5,000 calls (../shared/PERF.md). Our pinned combination must survive a
million such calls in a fresh process."""
from __future__ import annotations

import os
import subprocess
import sys

CODE = """
from PySide6.QtCore import QCoreApplication, QTimer
app = QCoreApplication([])
timer = QTimer()
for _ in range(1_000_000):
    timer.setInterval(5)
print("survived", flush=True)
"""


def test_a_million_void_binding_calls_survive():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, f"process died ({out.returncode}): {out.stderr[-500:]}"
    assert out.stdout.strip() == "survived"
