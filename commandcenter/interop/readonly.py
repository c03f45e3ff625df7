"""Reading the client's cache from the command line without changing anything next to it.

A WAL database opened with mode=ro still creates its -wal and -shm files when they are
missing. When there is no -wal file the database is fully checkpointed (no client has it
open), so it is read as immutable and nothing is created; with a client running, mode=ro
shares its WAL. (store/audit.py has the same rule for `audit verify`: store/ may not import
interop/.)
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote


def readonly_uri(path: str | Path) -> str:
    path = Path(path).resolve()
    uri = f"file:{quote(str(path))}?mode=ro"
    return uri if Path(f"{path}-wal").exists() else uri + "&immutable=1"


def connect_readonly(path: str | Path) -> sqlite3.Connection:
    return sqlite3.connect(readonly_uri(path), uri=True)
