"""Run the reference platform as a child process (the demo, the snapshot, benchmarks, tests).

A child process rather than a thread: the client's event loop stays free, and kill -9 of the
platform is a real crash and a real network outage for the client. Its output goes to a log
file next to the database, so nothing can block on a full pipe and a failure can show what the
platform said.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_LISTENING = re.compile(r"platform listening on (https?://\S+)")
_DEMO_TOKEN = re.compile(r"demo token: (\S+)")
START_TIMEOUT_S = 30.0


class PlatformStartError(RuntimeError):
    pass


class PlatformProcess:
    def __init__(
        self,
        db_path: str | Path,
        scenario: str | Path | None = None,
        speed: float = 60.0,
        token: str | None = None,
        *,
        port: int = 0,
        host: str = "127.0.0.1",
        extra_args: list[str] | None = None,
        demo_user: str | None = None,
        database_url: str | None = None,
    ) -> None:
        # with database_url (PostgreSQL), db_path only names where the log files go
        self.db_path = Path(db_path)
        self.database_url = database_url
        self.scenario = scenario
        self.speed = speed
        self.token = token
        self.host = host
        self.port = port
        self.extra_args = list(extra_args or [])
        # demo_user: the platform makes this commander and prints its token (read into
        # self.user_token at start), so the embedded client talks to a platform that has users
        self.demo_user = demo_user
        self.user_token: str | None = None
        self.url: str | None = None
        self.proc: subprocess.Popen | None = None
        self.log_path: Path | None = None
        self._starts = 0

    def command(self, port: int) -> list[str]:
        cmd = [
            sys.executable, "-m", "commandcenter.platform",
            *(["--database-url", self.database_url] if self.database_url else ["--db", str(self.db_path)]),
            "--host", self.host, "--port", str(port),
            "--speed", str(self.speed),
        ]
        if self.scenario is not None:
            cmd += ["--scenario", str(self.scenario)]
        if self.token is not None:
            cmd += ["--token", self.token]
        if self.demo_user is not None:
            cmd += ["--demo-user", self.demo_user]
        # the platform ends itself when this process is gone, even after a kill -9, so a demo
        # never leaves its platform running behind it
        cmd += ["--parent-pid", str(os.getpid())]
        return cmd + self.extra_args

    def start(self, port: int | None = None, timeout: float = START_TIMEOUT_S) -> str:
        """Start on `port` (0: any free port) and wait for "platform listening on"."""
        if self.running:
            raise PlatformStartError("the platform is already running")
        self._starts += 1
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        self.log_path = self.db_path.with_name(f"{self.db_path.stem}.run{self._starts}.log")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                self.command(self.port if port is None else port),
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=REPO, env=env,
            )
        deadline = time.monotonic() + timeout
        while True:
            found = _LISTENING.search(self.log_text())
            if found:
                self.url = found.group(1)
                token = _DEMO_TOKEN.search(self.log_text())
                self.user_token = token.group(1) if token else None
                self.port = int(self.url.rsplit(":", 1)[1])
                return self.url
            if self.proc.poll() is not None:
                raise PlatformStartError(
                    f"platform exited with {self.proc.returncode}:\n{self.log_text()[-2000:]}"
                )
            if time.monotonic() > deadline:
                self.kill()
                raise PlatformStartError(f"platform did not start in {timeout} s:\n{self.log_text()[-2000:]}")
            time.sleep(0.02)

    def log_text(self) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: the platform vanishes as in a crash or a cut cable."""
        if self.running:
            assert self.proc is not None
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM and wait; returns the exit code (None if it was never started)."""
        if self.proc is None:
            return None
        if self.running:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.proc.returncode

    def restart(self, timeout: float = START_TIMEOUT_S) -> str:
        """Start again on the same database, on the same port when it can be had, so a client
        reconnects to the URL it knows; another port only if that one stays busy."""
        self.stop()
        deadline = time.monotonic() + min(timeout, 5.0)
        while True:
            try:
                return self.start(self.port, timeout)
            except PlatformStartError:
                if time.monotonic() > deadline:
                    return self.start(0, timeout)
                time.sleep(0.2)

    def __enter__(self) -> "PlatformProcess":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
