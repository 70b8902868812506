"""Real PostgreSQL and Redis servers on loopback, from the Debian packages (Makefile), started
and torn down by the tests themselves: no service manager, no shared state between runs."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from .server_helpers import free_port


def _postgres_user() -> dict[str, str]:
    """PostgreSQL refuses to run as root; as root, run it as the package's `postgres` user."""
    return {"user": "postgres", "group": "postgres"} if os.geteuid() == 0 else {}


def _postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb is None:
        raise RuntimeError("PostgreSQL is not installed (make dev installs the postgresql package)")
    return Path(initdb).parent


def _wait(check, what: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            check()
            return
        except Exception:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start within {seconds:.0f} s") from None
            time.sleep(0.2)


class PostgresServer:
    """A throwaway cluster: initdb into a private folder, then `postgres` on a free port."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="synopsis-pg-"))
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> PostgresServer:
        binaries = _postgres_bin()
        data = self.root / "data"
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            os.chown(self.root, account.pw_uid, account.pw_gid)
        log = (self.root / "postgres.log").open("ab")
        subprocess.run(
            [
                str(binaries / "initdb"),
                "-D",
                str(data),
                "-U",
                "synopsis",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],  # fmt: skip
            check=True,
            **_postgres_user(),
            stdout=log,
            stderr=log,
        )
        self.process = subprocess.Popen(
            [
                str(binaries / "postgres"),
                "-D",
                str(data),
                "-p",
                str(self.port),
                "-h",
                "127.0.0.1",
                "-k",
                str(self.root),
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=300",
            ],  # fmt: skip
            **_postgres_user(),
            stdout=log,
            stderr=log,
        )
        _wait(lambda: self._connect("postgres").close(), "PostgreSQL")
        return self

    def _connect(self, database: str):
        import psycopg

        return psycopg.connect(
            host="127.0.0.1", port=self.port, user="synopsis", dbname=database, autocommit=True
        )

    def new_database(self) -> str:
        """A fresh, empty database; its SQLAlchemy URL."""
        name = f"synopsis_{uuid.uuid4().hex[:12]}"
        with self._connect("postgres") as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://synopsis@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # "fast" shutdown
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)


class RedisServer:
    """redis-server on a free port, nothing persisted."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="synopsis-redis-"))
        self.port = free_port()
        self.used = -1
        self.process: subprocess.Popen | None = None

    def new_database(self) -> str:
        """A broker URL on a database number no other caller got (Redis has 16), so two
        deployments in one session never take each other's tasks."""
        self.used += 1
        if self.used > 15:
            raise RuntimeError("all 16 Redis databases are in use")
        return f"redis://127.0.0.1:{self.port}/{self.used}"

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("Redis is not installed (make dev installs redis-server)")
        log = (self.root / "redis.log").open("ab")
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.root),
            ],  # fmt: skip
            stdout=log,
            stderr=log,
        )

        def ping() -> None:
            import redis

            redis.Redis(port=self.port, socket_timeout=1).ping()

        _wait(ping, "Redis")
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(30)
        shutil.rmtree(self.root, ignore_errors=True)


class BucketServer:
    """An S3-compatible endpoint on loopback (moto's server: S3 is a hosted API, so this is the
    one stand-in), with one bucket; the AWS variables a client process needs to reach it."""

    def __init__(self, bucket: str = "synopsis-media") -> None:
        from moto.server import ThreadedMotoServer

        self.port = free_port()
        self.bucket = bucket
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        return {
            "AWS_ACCESS_KEY_ID": "synopsis-test",
            "AWS_SECRET_ACCESS_KEY": "synopsis-test",
            "AWS_DEFAULT_REGION": "us-east-1",
        }

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id="synopsis-test",
            aws_secret_access_key="synopsis-test",
            region_name="us-east-1",
        )

    def start(self) -> BucketServer:
        self.server.start()
        self.client().create_bucket(Bucket=self.bucket)
        return self

    def object_keys(self) -> list[str]:
        listed = self.client().list_objects_v2(Bucket=self.bucket)
        return [item["Key"] for item in listed.get("Contents", [])]

    def stop(self) -> None:
        self.server.stop()
