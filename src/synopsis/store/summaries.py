"""Finished summaries of each key, for its history: add, read, search, delete."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session, sessionmaker

from .db import contains
from .tables import SummaryRecord


class SummaryStore:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def add(
        self,
        summary_id: str,
        key_id: int | None,
        result: dict[str, Any],
        *,
        transcript_id: str | None,
        source: str | None,
    ) -> None:
        """Keep a finished summary; `source` is the pasted text (None for a transcript's)."""
        record = SummaryRecord(
            id=summary_id,
            key_id=key_id,
            transcript_id=transcript_id,
            source=source,
            text=result["summary"],
            style=result["style"],
            result=result,
            created=datetime.now(UTC),
        )
        with self.sessions.begin() as session:
            session.add(record)

    def get(self, summary_id: str, key_id: int | None) -> SummaryRecord | None:
        """A summary of this key (another key's id reads as unknown)."""
        with self.sessions() as session:
            row = session.scalar(select(SummaryRecord).where(SummaryRecord.id == summary_id))
            return row if row is not None and row.key_id == key_id else None

    def search(self, key_id: int | None, query: str, limit: int) -> list[SummaryRecord]:
        """This key's summaries whose text or source contains `query` (any case), newest first."""
        with self.sessions() as session:
            rows = select(SummaryRecord).where(SummaryRecord.key_id == key_id)
            if query:
                pattern = contains(query)
                rows = rows.where(
                    or_(
                        SummaryRecord.text.ilike(pattern, escape="\\"),
                        SummaryRecord.source.ilike(pattern, escape="\\"),
                    )
                )
            return list(session.scalars(rows.order_by(SummaryRecord.seq.desc()).limit(limit)))

    def delete(self, summary_id: str, key_id: int | None) -> bool:
        with self.sessions.begin() as session:
            result = session.execute(
                delete(SummaryRecord).where(
                    SummaryRecord.id == summary_id, SummaryRecord.key_id == key_id
                )
            )
            return result.rowcount == 1

    def delete_of_transcript(self, transcript_id: str, key_id: int | None) -> None:
        """A deleted transcript takes its summaries with it."""
        with self.sessions.begin() as session:
            session.execute(
                delete(SummaryRecord).where(
                    SummaryRecord.transcript_id == transcript_id, SummaryRecord.key_id == key_id
                )
            )
