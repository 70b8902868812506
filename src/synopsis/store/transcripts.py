"""Transcripts: create, read, page, search and delete a key's transcript rows.

Running them is the queue's business (`store.queue.JobQueue` over this table, see `queue()`),
uploads are `store.uploads`, webhook delivery `store.outbox`.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ..status import ERROR, QUEUED
from .db import contains
from .outbox import webhook_columns
from .queue import JobQueue, now
from .tables import TranscriptJob


def transcript_queue(sessions: sessionmaker[Session]) -> JobQueue[TranscriptJob]:
    """Transcript jobs: a deleted one never runs; an ended one's webhook becomes due."""
    return JobQueue(
        sessions, TranscriptJob, runnable=TranscriptJob.deleted.is_(False), on_end=webhook_columns
    )


class TranscriptStore:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    # --- the API's reads and writes -----------------------------------------------------------

    def create(
        self,
        key_id: int | None,
        request: dict[str, Any],
        audio_url: str,
        upload_id: str | None = None,
    ) -> TranscriptJob:
        row = TranscriptJob(
            id=str(uuid.uuid4()),
            key_id=key_id,
            status=QUEUED,
            audio_url=audio_url,
            upload_id=upload_id,
            request=request,
            created=now(),
            attempts=0,
            deleted=False,
            webhook_attempts=0,
        )
        with self.sessions.begin() as session:
            session.add(row)
        return row

    def get(self, transcript_id: str, key_id: int | None) -> TranscriptJob | None:
        """A transcript of this key (another key's id reads as unknown)."""
        with self.sessions() as session:
            row = session.scalar(select(TranscriptJob).where(TranscriptJob.id == transcript_id))
            return row if row is not None and row.key_id == key_id else None

    def page(
        self,
        key_id: int | None,
        limit: int,
        status: str | None = None,
        before_id: str | None = None,
        after_id: str | None = None,
    ) -> list[TranscriptJob]:
        """Newest first; `before_id` pages to older transcripts, `after_id` to newer ones."""
        with self.sessions() as session:
            query = select(TranscriptJob).where(TranscriptJob.key_id == key_id)
            if status:
                query = query.where(TranscriptJob.status == status)
            for anchor_id, older in ((before_id, True), (after_id, False)):
                if anchor_id:  # only this key's ids anchor a page: others read as unknown
                    anchor = session.scalar(
                        select(TranscriptJob.seq).where(
                            TranscriptJob.id == anchor_id, TranscriptJob.key_id == key_id
                        )
                    )
                    if anchor is None:
                        return []
                    query = query.where(
                        TranscriptJob.seq < anchor if older else TranscriptJob.seq > anchor
                    )
            if after_id and not before_id:
                rows = session.scalars(query.order_by(TranscriptJob.seq).limit(limit)).all()
                return list(reversed(rows))
            return list(session.scalars(query.order_by(TranscriptJob.seq.desc()).limit(limit)))

    def search(self, key_id: int | None, query: str, limit: int) -> list[TranscriptJob]:
        """This key's live transcripts whose text contains `query` (any case), newest first."""
        with self.sessions() as session:
            rows = select(TranscriptJob).where(
                TranscriptJob.key_id == key_id, TranscriptJob.deleted.is_(False)
            )
            if query:  # the transcript's text, not its JSON (keys, timings, escapes)
                text = TranscriptJob.result["text"].as_string()
                rows = rows.where(text.ilike(contains(query), escape="\\"))
            return list(session.scalars(rows.order_by(TranscriptJob.seq.desc()).limit(limit)))

    def delete(self, transcript_id: str, key_id: int | None) -> TranscriptJob | None:
        """Erase the content of a finished transcript; the row stays as a tombstone."""
        with self.sessions.begin() as session:
            row = session.scalar(select(TranscriptJob).where(TranscriptJob.id == transcript_id))
            if row is None or row.key_id != key_id:
                return None
            row.deleted = True
            row.result = None
            if row.status == QUEUED:  # never started: it ends here, as an error
                row.status, row.error = ERROR, "Deleted by user before processing"
            row.audio_url = "http://deleted_by_user"
            row.request = {k: v for k, v in row.request.items() if k != "webhook_auth_header_value"}
            return row
