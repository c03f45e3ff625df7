"""Users of the platform: a name, a role (domain/roles.py), a department for a department
seat, an org code, and a bearer token of which only the SHA-256 is stored.

The platform checks each pushed operation against the pusher's role with the same rule table
the client's store uses (`domain.roles.check`), on the platform's own current document, so a
modified client cannot do what its seat may not. A refusal is a result ("rejected",
"forbidden: ..."), never a lost operation, and it is not recorded in the ops log.
"""
from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Any

from commandcenter.domain.roles import ROLES, SYSTEM, RoleError, check

# Plain SQL that runs on SQLite and PostgreSQL alike.
USERS_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS users (
        name TEXT PRIMARY KEY, role TEXT NOT NULL, department TEXT, org TEXT,
        token_sha256 TEXT NOT NULL UNIQUE, created_ms INTEGER NOT NULL, revoked_ms INTEGER)""",
)


class UserError(ValueError):
    """A bad user definition or an unknown user; the message names the field."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field


@dataclass(frozen=True)
class User:
    name: str
    role: str
    department: str | None = None
    org: str | None = None
    revoked: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role, "department": self.department, "org": self.org}

    def check(self, op: str, row: dict | None, author: str | None = None) -> None:
        """Raise RoleError when this user may not push operation `op` on `row`.

        Operations the client's own clock rules made (author "system": the escalation sweep)
        are checked against the system rules, but only a user who may write at all may relay
        them: an observer pushes nothing."""
        if author == SYSTEM and self.role != "observer":
            check(SYSTEM, op, row)
            return
        check(self.role, op, row, self.department)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def forbidden(exc: RoleError) -> str:
    return f"forbidden: {exc}"


class Users:
    """The users table of a PlatformStorage (it shares its connection and its lock)."""

    def __init__(self, storage: Any) -> None:
        self._storage = storage

    def _run(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._storage._lock:
            return self._storage._conn.execute(sql, params).fetchall()

    def any(self) -> bool:
        """Whether the platform has users at all (revoked ones count: once a platform has had
        users it never falls back to open)."""
        return bool(self._run("SELECT COUNT(*) FROM users")[0][0])

    def add(self, name: str, role: str, department: str | None = None, org: str | None = None,
            *, departments: set[str] | None = None, orgs: set[str] | None = None) -> str:
        """Create a user and return its new token (shown once; only its hash is kept)."""
        name = (name or "").strip()
        if not name or len(name) > 64:
            raise UserError("name", "must be 1-64 characters")
        if role not in ROLES:
            raise UserError("role", f"unknown role {role!r} (one of {', '.join(ROLES)})")
        if role == "seat" and not department:
            raise UserError("dept", "a department seat needs its department (--dept)")
        if department is not None and departments is not None and department not in departments:
            raise UserError("dept", f"unknown department {department!r}")
        if org is not None and orgs is not None and org not in orgs:
            raise UserError("org", f"unknown org unit {org!r}")
        if self._run("SELECT 1 FROM users WHERE name=?", (name,)):
            raise UserError("name", f"user {name!r} exists already")
        token = secrets.token_urlsafe(32)
        self._run(
            "INSERT INTO users(name, role, department, org, token_sha256, created_ms, revoked_ms) "
            "VALUES(?,?,?,?,?,?,NULL)",
            (name, role, department, org, token_digest(token), int(time.time() * 1000)),
        )
        return token

    def list(self) -> list[User]:
        rows = self._run("SELECT name, role, department, org, revoked_ms FROM users ORDER BY name")
        return [User(r[0], r[1], r[2], r[3], r[4] is not None) for r in rows]

    def revoke(self, name: str) -> None:
        rows = self._run("SELECT revoked_ms FROM users WHERE name=?", (name,))
        if not rows:
            raise UserError("name", f"no user {name!r}")
        if rows[0][0] is None:
            self._run("UPDATE users SET revoked_ms=? WHERE name=?", (int(time.time() * 1000), name))

    def for_token(self, token: str) -> User | None:
        """The live user holding `token`, or None (unknown or revoked)."""
        rows = self._run(
            "SELECT name, role, department, org FROM users WHERE token_sha256=? AND revoked_ms IS NULL",
            (token_digest(token),),
        )
        return User(*rows[0]) if rows else None
