"""The real `synopsis serve` in a child process on loopback, as a user starts it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ChildProcess:
    """A `python -m synopsis ...` child: kill -9 it, or stop it with SIGTERM as an operator
    would (its graceful shutdown), killing it only if that takes over a minute."""

    process: subprocess.Popen | None = None

    def kill(self) -> None:
        """kill -9: no shutdown handler runs, nothing is acknowledged or renewed."""
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


class ServerProcess(ChildProcess):
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


class InProcessServer:
    """The app built from a runtime, served by uvicorn on loopback from a thread of the test
    process: real HTTP for the official SDKs, with the runtime (and its store) at hand."""

    def __init__(self, runtime) -> None:
        import uvicorn

        from synopsis.api.app import create_app
        from synopsis.store.keys import create_key

        self.runtime = runtime
        self.port = free_port()
        _, self.key = create_key(runtime.sessions, "test")
        config = uvicorn.Config(
            create_app(runtime), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def headers(self) -> dict[str, str]:
        return {"authorization": self.key}

    def start(self) -> InProcessServer:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the in-process server did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(60)


class WorkerProcess(ChildProcess):
    """`python -m synopsis worker`: a Celery worker, as an operator starts one."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = {**os.environ, **env}
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> WorkerProcess:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "synopsis", "worker", "--concurrency", "1"],
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            env=self.env,
        )
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid


class LlamaServer:
    """`python -m llama_cpp.server`: a real OpenAI-compatible upstream on loopback."""

    def __init__(self, model_path: Path, log: Path, alias: str = "qwen-fast") -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.log = log
        with log.open("wb") as out:  # a file, not a pipe: the server logs a lot to stderr
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "llama_cpp.server",
                    "--model",
                    str(model_path),
                    "--model_alias",
                    alias,
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--n_ctx",
                    "4096",
                    "--n_threads",
                    "2",
                ],  # fmt: skip
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, timeout: float = 180) -> LlamaServer:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"llama_cpp.server exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.base_url}/models", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.5)
        self.process.kill()
        raise RuntimeError(f"llama_cpp.server did not start: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        """kill -9, mid-request if one is running."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(30)
