"""The real `synopsis serve` in a child process on loopback, as a user starts it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    """Starts `python -m synopsis serve` and reads the first-run key from its stdout."""

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.env = {
            **os.environ,
            "SYNOPSIS_FETCH_ALLOWLIST": "127.0.0.1",
            "SYNOPSIS_JOB_LEASE_SECONDS": "3",
            "SYNOPSIS_WEBHOOK_BACKOFF_SECONDS": "0.2",
            "SYNOPSIS_DEFAULT_MODEL": "fast",
            **(env or {}),
        }
        self.process: subprocess.Popen | None = None
        self.key: str | None = None
        self.log = data_dir / "server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServerProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "synopsis",
                "serve",
                "--port",
                str(self.port),
                "--data-dir",
                str(self.data_dir),
            ],
            stdout=subprocess.PIPE,
            stderr=self.log.open("ab"),
            env=self.env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise RuntimeError("server did not start within 60 s")
        if self.key is None:
            assert self.process.stdout is not None
            self.key = self.process.stdout.readline().decode().strip()
        return self

    def kill(self) -> None:
        """kill -9: no shutdown handlers run."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def keys(self, *args: str) -> str:
        """Run `synopsis keys ARGS` on this server's database; its stdout."""
        done = subprocess.run(
            [sys.executable, "-m", "synopsis", "keys", *args, "--data-dir", str(self.data_dir)],
            capture_output=True,
            env={**self.env, "COLUMNS": "200"},
        )
        assert done.returncode == 0, done.stderr.decode()
        return done.stdout.decode()

    def create_key(self, name: str) -> str:
        """A new key of this server (the secret is alone on the last line)."""
        return self.keys("create", "--name", name).strip().splitlines()[-1]

    def headers(self, key: str | None = None) -> dict[str, str]:
        return {"authorization": key or self.key or ""}

    def wait_for(self, transcript_id: str, key: str | None = None, timeout: float = 300) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            data = httpx.get(
                f"{self.url}/v2/transcript/{transcript_id}", headers=self.headers(key), timeout=10
            ).json()
            if data["status"] in ("completed", "error"):
                return data
            time.sleep(0.3)
        raise TimeoutError(f"{transcript_id} did not finish in {timeout} s")
