"""One small adapter so the platform's storage runs on SQLite (one file, one process) and on
PostgreSQL (several platform processes on one database).

The storage writes its SQL once, in SQLite's style (`?` parameters, `ON CONFLICT ... DO UPDATE
SET x=excluded.x`, SAVEPOINT); on PostgreSQL the parameters become `%s`. What differs beyond
that (the schema's types, how a push is serialised, how a new server_seq is taken) is asked of
`Database.postgres` by the storage. On SQLite `execute` is the sqlite3 connection's own method:
nothing is added to the path that `pull` runs.

A push on PostgreSQL takes `pg_advisory_xact_lock(PUSH_LOCK_KEY)` as its first statement, so
pushes of every process are serialised and server_seq is handed out in commit order: a puller
never sees seq N+1 before N is committed.
"""
from __future__ import annotations

import logging
import re
import sqlite3
import threading
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

log = logging.getLogger(__name__)

# The one advisory lock key every push takes (any fixed 64-bit number; this is "cc-push").
PUSH_LOCK_KEY = 0x63632D70757368
# The channel each push NOTIFYs with the new newest server_seq as payload.
CHANGES_CHANNEL = "cc_changes"

_URL = re.compile(r"^postgres(ql)?://", re.IGNORECASE)
_PASSWORD = re.compile(r"(://[^:/@]*:)[^@]*@")


class DatabaseError(RuntimeError):
    """The database cannot be reached or opened."""


def is_postgres_url(target: str | Path) -> bool:
    return isinstance(target, str) and bool(_URL.match(target))


def redact(url: str) -> str:
    """The URL without its password, for error messages and logs."""
    return _PASSWORD.sub(r"\1***@", url)


def driver_errors() -> tuple[type[BaseException], ...]:
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a runtime dependency
        return (sqlite3.Error,)
    return (sqlite3.Error, psycopg.Error)


class Database:
    """A connection in autocommit mode; transactions are explicit (`begin_write`, `commit`,
    `rollback`). Not thread-safe by itself: the storage holds its own lock around every use."""

    def __init__(self, target: str | Path) -> None:
        self.postgres = is_postgres_url(target)
        self.target = target
        self.errors = driver_errors()
        if self.postgres:
            import psycopg

            try:
                self._conn = psycopg.connect(str(target), autocommit=True, connect_timeout=10)
            except psycopg.Error as exc:
                raise DatabaseError(f"cannot connect: {_first_line(exc)}") from exc
            self._sql_cache: dict[str, str] = {}
            self.execute = self._pg_execute  # type: ignore[method-assign]
        else:
            Path(target).parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(str(target), isolation_level=None, check_same_thread=False)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("PRAGMA busy_timeout=5000")
            self.execute = self._conn.execute  # type: ignore[method-assign]

    @property
    def name(self) -> str:
        return redact(str(self.target)) if self.postgres else str(self.target)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:  # replaced per instance
        raise NotImplementedError

    def _pg(self, sql: str) -> str:
        text = self._sql_cache.get(sql)
        if text is None:
            text = self._sql_cache[sql] = sql.replace("?", "%s")
        return text

    def _pg_execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._conn.execute(self._pg(sql), params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        if self.postgres:
            with self._conn.cursor() as cur:
                cur.executemany(self._pg(sql), list(rows))
        else:
            self._conn.executemany(sql, rows)

    # ----------------------------------------------------------- transactions
    def begin_write(self) -> None:
        """Start a writing transaction that no other writer (thread or process) runs beside."""
        if self.postgres:
            self._conn.execute("BEGIN")
            self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (PUSH_LOCK_KEY,))
        else:
            self._conn.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        self._conn.execute("COMMIT")

    def rollback(self) -> None:
        self._conn.execute("ROLLBACK")

    def notify_changes(self, seq: int) -> None:
        """Tell every listening platform process (on commit) that the feed reached `seq`."""
        if self.postgres:
            self._conn.execute("SELECT pg_notify(%s, %s)", (CHANGES_CHANNEL, str(seq)))

    def close_quietly(self) -> None:
        try:
            self._conn.close()
        except Exception:  # noqa: BLE001 - already failing; the first error is the one to report
            pass

    def close(self) -> None:
        try:
            if not self.postgres:
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            self._conn.close()


class ChangeListener:
    """LISTENs on CHANGES_CHANNEL with its own connection, in a daemon thread, and calls
    `on_change(seq)` (from that thread) for every notice: a push committed by ANY platform
    process on the database. A lost connection is opened again after a pause; while it is
    down, clients still catch up by their periodic pull."""

    def __init__(self, url: str, on_change: Callable[[int], None], *, retry_s: float = 1.0) -> None:
        self.url = url
        self.on_change = on_change
        self.retry_s = retry_s
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pg-listen", daemon=True)

    def start(self, timeout: float = 10.0) -> None:
        self._thread.start()
        self._ready.wait(timeout)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5.0)

    def _run(self) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True, connect_timeout=10) as conn:
                    conn.execute(f"LISTEN {CHANGES_CHANNEL}")
                    self._ready.set()
                    while not self._stop.is_set():
                        for notice in conn.notifies(timeout=0.5):
                            try:
                                seq = int(notice.payload)
                            except ValueError:
                                continue
                            self.on_change(seq)
            except psycopg.Error as exc:
                log.warning("change listener on %s: %s", redact(self.url), _first_line(exc))
                self._ready.set()
                self._stop.wait(self.retry_s)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
