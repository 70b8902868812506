"""The tables: API keys, uploads, transcript jobs, summaries (SQLAlchemy 2, SQLite or PostgreSQL).

A transcript or summary row is also its job: `status` moves queued → processing → completed |
error (see `synopsis.status`), and a worker holds a processing row through a lease
(`lease_owner`, `lease_until`) that it renews while it works. Results are stored as JSON text:
one read serves a GET.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16))  # shown by `keys list`; not a secret
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the key
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Upload(Base):
    __tablename__ = "uploads"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"), nullable=True)
    path: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class JobColumns:
    """What every job row has: who owns it, where it stands, the lease of the worker holding it,
    what it is doing, and how it ended. `store.queue.JobQueue` works on any table made with it."""

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    request: Mapped[dict] = mapped_column(JSON)  # the create body as validated
    result: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    completed: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(64), nullable=True)
    lease_until: Mapped[float | None] = mapped_column(Float, nullable=True)  # epoch seconds
    # what the worker is doing, for polling pages: {"stage", "done", "total"}
    progress: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)


class TranscriptJob(JobColumns, Base):
    __tablename__ = "transcripts"

    audio_url: Mapped[str] = mapped_column(Text)
    upload_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    # webhook delivery: pending → delivered | failed; retried by the dispatcher
    webhook_state: Mapped[str | None] = mapped_column(String(16), nullable=True)
    webhook_attempts: Mapped[int] = mapped_column(Integer, default=0)
    webhook_next_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    webhook_status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)

    __table_args__ = (
        Index("ix_transcripts_status_lease", "status", "lease_until"),
        Index("ix_transcripts_key_seq", "key_id", "seq"),
        Index("ix_transcripts_webhook", "webhook_state", "webhook_next_at"),
    )


class SummaryJob(JobColumns, Base):
    """A summary and its job: of a pasted text (kept in `source`, so it can be checked again),
    of a completed transcript, or of an upload (transcribed first). `request` holds the summary
    options (style, prompt, schema, model, language)."""

    __tablename__ = "summaries"

    transcript_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    upload_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    source: Mapped[str | None] = mapped_column(Text, nullable=True)
    style: Mapped[str] = mapped_column(String(32))

    __table_args__ = (
        Index("ix_summaries_status_lease", "status", "lease_until"),
        Index("ix_summaries_key_seq", "key_id", "seq"),
    )
