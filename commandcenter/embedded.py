"""Run the reference platform as a child process (the demo, the snapshot, tests).

A child process rather than a thread: the client's event loop stays free, and killing the
platform is a real network outage for the client.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

_LISTENING = re.compile(r"platform listening on (http://\S+)")


class PlatformStartError(RuntimeError):
    pass


class PlatformProcess:
    def __init__(
        self,
        db_path: str | Path,
        *,
        scenario: str | Path | None = None,
        speed: float = 60.0,
        port: int = 0,
        host: str = "127.0.0.1",
        extra_args: list[str] | None = None,
        log_path: str | Path | None = None,
    ) -> None:
        self.db_path = Path(db_path)
        self.scenario = scenario
        self.speed = speed
        self.port = port
        self.host = host
        self.extra_args = extra_args or []
        self.log_path = Path(log_path) if log_path else None
        self.url: str | None = None
        self.proc: subprocess.Popen | None = None

    def command(self) -> list[str]:
        cmd = [sys.executable, "-m", "commandcenter.platform", "--db", str(self.db_path),
               "--host", self.host, "--port", str(self.port), "--speed", str(self.speed)]
        if self.scenario:
            cmd += ["--scenario", str(self.scenario)]
        return cmd + self.extra_args

    def start(self, timeout: float = 30.0) -> str:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            self.command(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
        )
        found: list[str] = []
        lines: list[str] = []
        ready = threading.Event()

        def pump() -> None:
            assert self.proc and self.proc.stdout
            log = open(self.log_path, "a", encoding="utf-8") if self.log_path else None
            try:
                for line in self.proc.stdout:
                    lines.append(line)
                    if log:
                        log.write(line)
                        log.flush()
                    m = _LISTENING.search(line)
                    if m and not found:
                        found.append(m.group(1))
                        ready.set()
            finally:
                if log:
                    log.close()
                ready.set()

        threading.Thread(target=pump, name="platform-output", daemon=True).start()
        deadline = time.monotonic() + timeout
        while not ready.wait(0.05):
            if time.monotonic() > deadline:
                self.stop()
                raise PlatformStartError("platform did not start in time:\n" + "".join(lines[-20:]))
        if not found:
            self.stop()
            raise PlatformStartError("platform exited:\n" + "".join(lines[-20:]))
        self.url = found[0]
        self.port = int(self.url.rsplit(":", 1)[1].split("/")[0])
        return self.url

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: the platform vanishes as in a crash or a cut cable."""
        if self.running:
            assert self.proc
            self.proc.kill()
            self.proc.wait(10)

    def stop(self, timeout: float = 10.0) -> None:
        if self.running:
            assert self.proc
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def restart(self, timeout: float = 30.0) -> str:
        """Start again on the same database and, when free, the same port."""
        self.stop()
        return self.start(timeout)

    def __enter__(self) -> "PlatformProcess":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
