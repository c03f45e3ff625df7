"""A real PostgreSQL server for the tests, from Debian's `postgresql` package (the Makefile
installs it). One server per test session, in a temporary directory owned by user postgres,
on 127.0.0.1 and a free port, fsync off; each test that asks gets a database of its own.

Missing binaries FAIL the tests that need them, with what to install: a skipped PostgreSQL
test would hide that the multi-process platform was never tested.
"""
from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

PG_ROOT = Path("/usr/lib/postgresql")
START_TIMEOUT_S = 60.0


def pg_bin_dir() -> Path:
    """The newest installed PostgreSQL's bin directory (the version is not fixed)."""
    versions = sorted(
        (p for p in PG_ROOT.glob("*/bin") if (p / "initdb").is_file() and (p / "postgres").is_file()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if not versions:
        raise RuntimeError(
            f"PostgreSQL binaries not found under {PG_ROOT}/*/bin: install Debian's `postgresql` "
            "package (`make test` does: it is in the Makefile's DEBS)"
        )
    return versions[-1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self) -> None:
        self.bin = pg_bin_dir()
        self.dir = Path(tempfile.mkdtemp(prefix="cc-pg-"))
        self.data = self.dir / "data"
        self.port = _free_port()
        self.proc: subprocess.Popen | None = None
        self._names = itertools.count(1)
        self.user = "postgres"
        self._as_postgres = os.geteuid() == 0

    def _run(self, *cmd: str) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *cmd] if self._as_postgres else list(cmd)

    def start(self) -> None:
        if self._as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")
        else:
            self.user = os.environ.get("USER") or "postgres"
        subprocess.run(
            self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", self.user, "-A", "trust",
                      "-E", "UTF8", "--no-sync"),
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        log = open(self.dir / "postgres.log", "wb")
        self.proc = subprocess.Popen(
            self._run(str(self.bin / "postgres"), "-D", str(self.data), "-p", str(self.port),
                      "-h", "127.0.0.1", "-k", str(self.dir), "-c", "fsync=off",
                      "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                      "-c", "max_connections=200"),
            stdout=log, stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + START_TIMEOUT_S
        import psycopg

        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"PostgreSQL exited at start: {self.log_text()[-2000:]}")
            try:
                psycopg.connect(self.url("postgres"), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"PostgreSQL did not start in {START_TIMEOUT_S:.0f}s: "
                                       f"{self.log_text()[-2000:]}") from None
                time.sleep(0.1)

    def log_text(self) -> str:
        path = self.dir / "postgres.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def url(self, database: str) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A fresh empty database; its URL."""
        import psycopg

        name = f"cc_test_{next(self._names)}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()  # "smart" shutdown would wait for clients; SIGTERM is fast
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server():
    """The session's PostgreSQL server (started on first use)."""
    try:
        server = PostgresServer()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        server.start()
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        server.stop()
        detail = exc.stderr.decode(errors="replace") if isinstance(exc, subprocess.CalledProcessError) else ""
        pytest.fail(f"cannot start PostgreSQL from {server.bin}: {exc} {detail}", pytrace=False)
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server) -> str:
    """The URL of a new empty database on the session's server."""
    return pg_server.create_database()
