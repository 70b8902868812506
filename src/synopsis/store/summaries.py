"""Summaries: a key's summary jobs and their results; create, read, search, delete.

A summary row is its job, run by the same queue and lease rules as a transcript
(`summary_queue()`), so it survives a restart or a `kill -9` like one.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from ..status import CANCELLED, COMPLETED, QUEUED, WAITING
from .db import contains
from .queue import JobQueue, now
from .tables import SummaryJob


def summary_queue(sessions: sessionmaker[Session]) -> JobQueue[SummaryJob]:
    """Summary jobs: a cancelled one ends `cancelled`."""
    return JobQueue(sessions, SummaryJob, cancelled=CANCELLED)


class SummaryStore:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def create(
        self,
        key_id: int | None,
        options: dict[str, Any],
        *,
        source: str | None = None,
        transcript_id: str | None = None,
        upload_id: str | None = None,
    ) -> SummaryJob:
        """Queue a summary of a pasted `source`, a transcript or an upload."""
        row = SummaryJob(
            id=str(uuid.uuid4()),
            key_id=key_id,
            status=QUEUED,
            request=options,
            style=options.get("style") or "bullets",
            source=source,
            transcript_id=transcript_id,
            upload_id=upload_id,
            created=now(),
            attempts=0,
            cancel_requested=False,
        )
        with self.sessions.begin() as session:
            session.add(row)
        return row

    def get(self, summary_id: str, key_id: int | None) -> SummaryJob | None:
        """A summary of this key (another key's id reads as unknown)."""
        with self.sessions() as session:
            row = session.scalar(select(SummaryJob).where(SummaryJob.id == summary_id))
            return row if row is not None and row.key_id == key_id else None

    def search(self, key_id: int | None, query: str, limit: int) -> list[SummaryJob]:
        """This key's completed summaries whose text or pasted source contains `query` (any
        case), newest first."""
        with self.sessions() as session:
            rows = select(SummaryJob).where(
                SummaryJob.key_id == key_id, SummaryJob.status == COMPLETED
            )
            if query:
                pattern = contains(query)
                text = SummaryJob.result["summary"].as_string()
                rows = rows.where(
                    or_(
                        text.ilike(pattern, escape="\\"),
                        SummaryJob.source.ilike(pattern, escape="\\"),
                    )
                )
            return list(session.scalars(rows.order_by(SummaryJob.seq.desc()).limit(limit)))

    def keep_source(self, summary_id: str, text: str) -> None:
        """Keep the text a summary was made from (an upload's transcript)."""
        with self.sessions.begin() as session:
            session.execute(
                update(SummaryJob).where(SummaryJob.id == summary_id).values(source=text)
            )

    def delete(self, summary_id: str, key_id: int | None) -> bool:
        """Forget a finished summary of this key; False when there is none (or it still runs)."""
        with self.sessions.begin() as session:
            result = session.execute(
                delete(SummaryJob).where(
                    SummaryJob.id == summary_id,
                    SummaryJob.key_id == key_id,
                    SummaryJob.status.not_in(WAITING),
                )
            )
            return result.rowcount == 1

    def delete_of_transcript(self, transcript_id: str, key_id: int | None) -> list[str]:
        """Delete the finished summaries of a transcript being deleted; the ids of its waiting
        ones, for the caller to cancel."""
        of_it = (SummaryJob.transcript_id == transcript_id, SummaryJob.key_id == key_id)
        with self.sessions.begin() as session:
            session.execute(delete(SummaryJob).where(*of_it, SummaryJob.status.not_in(WAITING)))
            return list(session.scalars(select(SummaryJob.id).where(*of_it)))
