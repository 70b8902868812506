"""Effective settings: environment variables `SYNOPSIS_*`, an optional TOML file, then defaults.

Defaults make `synopsis summarize FILE` work with no configuration at all.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


def _xdg(var: str, fallback: str) -> Path:
    return Path(os.environ.get(var) or Path.home() / fallback) / "synopsis"


class ModelSpec(BaseModel):
    """One entry of the model registry: a public name, its aliases, and how to run it."""

    name: str
    backend: Literal["embedded", "openai"]
    aliases: list[str] = Field(default_factory=list)
    description: str = ""
    # embedded: a local GGUF file, or weights assembled from packaged parts (see weights.py)
    path: Path | None = None
    parts: list[str] = Field(default_factory=list)
    sha256: str | None = None
    size: int | None = None
    filename: str | None = None
    license: str | None = None
    # openai-compatible upstream; two or more `base_urls` make a pool (llm/pool.py)
    base_url: str | None = None
    base_urls: list[str] = Field(default_factory=list)
    api_key: SecretStr | None = None
    upstream_model: str | None = None
    # both
    context: int | None = None
    max_concurrency: int | None = None


class Settings(BaseSettings):
    """All knobs in one place; see `synopsis config` for the values in effect."""

    model_config = SettingsConfigDict(env_prefix="SYNOPSIS_", extra="ignore")

    config_file: Path | None = None
    data_dir: Path = Field(default_factory=lambda: _xdg("XDG_DATA_HOME", ".local/share"))
    cache_dir: Path = Field(default_factory=lambda: _xdg("XDG_CACHE_HOME", ".cache"))

    default_model: str = "qwen2.5-coder-1.5b-instruct"
    models: list[ModelSpec] = Field(default_factory=list)

    # embedded llama.cpp: generation is memory-bound and unstable on a busy core with 2 threads,
    # prompt processing is compute-bound and scales with threads, hence two thread counts.
    llm_threads: int = 2
    llm_batch_threads: int = 2
    llm_context: int = 8192
    llm_parallel: int = 1
    llm_max_output_tokens: int = 1024
    llm_seed: int = 0

    # speech: faster-whisper on CTranslate2 (int8 is the fastest accurate type on CPUs)
    speech_model: str = "whisper-base"
    speech_model_path: Path | None = None
    speech_threads: int = 2
    speech_compute_type: str = "int8"
    speech_beam_size: int = 5
    # batched inference (VAD-cut segments decoded together) from this length on; 0 = never.
    # Measured here: 1.7x faster at 70 s, 1.95x at 10 min, same WER (docs/benchmarks.md)
    speech_batch_min_seconds: float = 60.0
    speech_batch_size: int = 8

    # openai-compatible upstreams
    upstream_timeout: float = 300.0
    upstream_retries: int = 3
    upstream_concurrency: int = 4

    # map-reduce: small models summarize shorter chunks more faithfully than full contexts
    chunk_tokens: int = 2500
    max_input_tokens: int = 200_000

    # LLM gateway and Deepgram-compatible summaries
    gateway_strict_models: bool = False  # unknown model names: 400 instead of the default model
    read_max_input_tokens: int = 150_000
    read_languages: list[str] = Field(default_factory=lambda: ["en"])

    # service: store, jobs, uploads, webhooks
    database_url: str | None = None  # default: SQLite in data_dir
    # uploaded recordings; with many machines, a directory every API process and worker mounts
    media_dir: Path | None = None  # default: data_dir/uploads
    # or an S3-compatible bucket: s3://bucket/prefix (credentials: boto3's usual chain)
    media_url: str | None = None
    s3_endpoint_url: str | None = None  # MinIO, Ceph, R2...; none: AWS
    # a Celery broker (redis://...): the API only queues jobs and `synopsis worker` processes
    # run them; none: the server's own threads run them
    broker_url: str | None = None
    # a job's task the broker has handed out but not seen acknowledged is handed out again after
    # this long (a worker killed mid-job); a copy that finds the job still running checks back
    broker_visibility_seconds: float = 300.0
    workers: int = 1  # in-process transcription workers; each uses speech_threads cores
    job_lease_seconds: float = 30.0  # a job whose worker stops renewing this long is resumed
    upload_max_bytes: int = 2 * 1024 * 1024 * 1024
    # any other request body (JSON): checked against Content-Length and counted while read
    max_json_bytes: int = 8 * 1024 * 1024
    webhook_timeout: float = 10.0  # the whole exchange: connect, send, and the answer's headers
    webhook_attempts: int = 10
    webhook_backoff_seconds: float = 2.0  # doubles per attempt, capped at 5 minutes
    # deliveries in flight at once, and per key, so a slow receiver delays only its own key
    webhook_concurrency: int = 8
    webhook_concurrency_per_key: int = 2

    # guarded fetcher: `fetch_timeout` bounds connecting and each read; the deadlines bound a
    # whole fetch (redirects included); media must also average the minimum rate after the
    # first `fetch_timeout` seconds, so a trickling server cannot hold a worker
    fetch_timeout: float = 30.0
    fetch_deadline_seconds: float = 60.0
    media_fetch_deadline_seconds: float = 3600.0
    media_fetch_min_bytes_per_second: float = 16 * 1024
    fetch_max_bytes: int = 50 * 1024 * 1024
    fetch_allowlist: str = ""
    # audio and video (downloads and uploads) are larger than documents; decoding holds about
    # 0.1 MB of memory per second of audio whatever the file's size, hence a duration limit too
    media_max_bytes: int = 2 * 1024 * 1024 * 1024
    media_max_seconds: float = 4 * 3600.0

    @field_validator(
        "llm_threads",
        "llm_batch_threads",
        "llm_parallel",
        "upstream_concurrency",
        "speech_threads",
        "speech_beam_size",
        "speech_batch_size",
        "workers",
        "webhook_attempts",
        "webhook_concurrency",
        "webhook_concurrency_per_key",
    )
    @classmethod
    def _positive(cls, value: int) -> int:
        if value < 1:
            raise ValueError("must be at least 1")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config_file = os.environ.get("SYNOPSIS_CONFIG_FILE")
        if config_file:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=config_file))
        return tuple(sources)

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'synopsis.db'}"

    @property
    def effective_media_dir(self) -> Path:
        return self.media_dir or self.data_dir / "uploads"

    @property
    def mode(self) -> dict[str, str]:
        """Where jobs, data and uploads live: what `synopsis config` shows first."""
        database = self.effective_database_url.split(":", 1)[0].split("+", 1)[0]
        return {
            "database": database,
            "jobs": "celery workers" if self.broker_url else f"in-process ({self.workers} threads)",
            "media": self.media_url or str(self.effective_media_dir),
        }

    def masked(self) -> dict[str, Any]:
        """The settings as plain data with every secret replaced by asterisks."""
        from sqlalchemy.engine import make_url

        data = self.model_dump(mode="json")
        for name in ("database_url", "broker_url"):
            if getattr(self, name):
                data[name] = make_url(getattr(self, name)).render_as_string(hide_password=True)
        return data


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
