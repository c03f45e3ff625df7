"""Where state lives. Every command takes --data-dir; the default is the user's data folder."""
from __future__ import annotations

import os
from pathlib import Path

APP = "commandcenter"


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(Path.home(), ".local", "share")
    return Path(base) / APP


def cache_dir() -> Path:
    """Derived files that can be rebuilt at any time (the built map page)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / APP


def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]


def scenarios_dir() -> Path:
    return repo_root() / "scenarios"


class DataDir:
    """The folder holding one installation's state (cache, platform db, settings, logs)."""

    def __init__(self, root: str | Path | None = None) -> None:
        self.root = Path(root) if root else default_data_dir()

    def ensure(self) -> "DataDir":
        self.root.mkdir(parents=True, exist_ok=True)
        probe = self.root / ".write-test"
        probe.write_text("")
        probe.unlink()
        return self

    @property
    def cache_db(self) -> Path:
        return self.root / "cache.db"

    @property
    def platform_db(self) -> Path:
        return self.root / "platform.db"

    @property
    def settings_file(self) -> Path:
        return self.root / "settings.ini"

    @property
    def log_file(self) -> Path:
        return self.root / "commandcenter.log"
