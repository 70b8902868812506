"""Transcript jobs: create, read, list, delete; claim, renew, finish; webhook bookkeeping.

Claiming and finishing are compare-and-set updates, so they are atomic on SQLite and PostgreSQL
alike: a job is claimed by exactly one worker, and only the worker that holds the lease can finish
it. A worker that died stops renewing; once its lease lapses the job is claimed again. That is
what makes a job complete exactly once across crashes.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import and_, delete, exists, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from ..status import CANCELLED_MESSAGE, COMPLETED, ERROR, PROCESSING, QUEUED
from .db import contains
from .tables import TranscriptJob, Upload

FINISHED = (COMPLETED, ERROR)


def _now() -> datetime:
    return datetime.now(UTC)


def _webhook_due(row: TranscriptJob) -> dict[str, Any]:
    """The webhook columns of a job that has just ended: due now when it has a webhook."""
    due = bool(row.request.get("webhook_url")) and not row.deleted
    return {
        "webhook_state": "pending" if due else None,
        "webhook_next_at": time.time() if due else None,
    }


class TranscriptStore:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    # --- uploads ------------------------------------------------------------------------------

    def add_upload(self, upload_id: str, key_id: int | None, path: str, size: int) -> None:
        with self.sessions.begin() as session:
            session.add(Upload(id=upload_id, key_id=key_id, path=path, size=size, created=_now()))

    def upload(self, upload_id: str, key_id: int | None) -> Upload | None:
        with self.sessions() as session:
            row = session.get(Upload, upload_id)
            return row if row is not None and row.key_id == key_id else None

    def upload_file(self, upload_id: str, key_id: int | None) -> Path | None:
        """The file of this key's upload, if both the row and the file still exist."""
        row = self.upload(upload_id, key_id)
        if row is None or not Path(row.path).is_file():
            return None
        return Path(row.path)

    def release_upload(self, upload_id: str, key_id: int | None) -> bool:
        """Delete an upload (row and file) once no live transcript of its key uses it."""
        with self.sessions.begin() as session:
            row = session.get(Upload, upload_id)
            if row is None or row.key_id != key_id:
                return False
            in_use = session.scalar(
                select(
                    exists().where(
                        TranscriptJob.upload_id == upload_id, TranscriptJob.deleted.is_(False)
                    )
                )
            )
            if in_use:
                return False
            session.execute(delete(Upload).where(Upload.id == upload_id))
            path = Path(row.path)
        path.unlink(missing_ok=True)
        return True

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
            created=_now(),
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

    def cancel(self, transcript_id: str, key_id: int | None) -> TranscriptJob | None:
        """A queued job ends now (its webhook fires); a processing one is asked to stop at its
        next step, and ends cancelled even if that step was its last."""
        with self.sessions.begin() as session:
            row = session.scalar(select(TranscriptJob).where(TranscriptJob.id == transcript_id))
            if row is None or row.key_id != key_id:
                return None
            this = update(TranscriptJob).where(TranscriptJob.id == transcript_id)
            ended = session.execute(  # compare-and-set: a worker may be claiming it right now
                this.where(TranscriptJob.status == QUEUED).values(
                    status=ERROR, error=CANCELLED_MESSAGE, completed=_now(), **_webhook_due(row)
                )
            )
            if ended.rowcount == 0:
                session.execute(
                    this.where(TranscriptJob.status == PROCESSING).values(cancel_requested=True)
                )
            session.refresh(row)
            return row

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

    # --- the workers' side --------------------------------------------------------------------

    def claim(self, owner: str, lease_seconds: float) -> TranscriptJob | None:
        """Take the oldest queued job, or one whose worker's lease has lapsed."""
        for _ in range(5):
            now = time.time()
            claimable = or_(
                TranscriptJob.status == QUEUED,
                and_(TranscriptJob.status == PROCESSING, TranscriptJob.lease_until < now),
            )
            with self.sessions.begin() as session:
                seq = session.scalar(
                    select(TranscriptJob.seq)
                    .where(claimable, TranscriptJob.deleted.is_(False))
                    .order_by(TranscriptJob.seq)
                    .limit(1)
                )
                if seq is None:
                    return None
                taken = session.execute(
                    update(TranscriptJob)
                    .where(TranscriptJob.seq == seq, claimable)
                    .values(
                        status=PROCESSING,
                        lease_owner=owner,
                        lease_until=now + lease_seconds,
                        attempts=TranscriptJob.attempts + 1,
                    )
                )
                if taken.rowcount == 1:
                    return session.get(TranscriptJob, seq)
        return None

    def renew(self, transcript_id: str, owner: str, lease_seconds: float) -> bool:
        with self.sessions.begin() as session:
            result = session.execute(
                update(TranscriptJob)
                .where(
                    TranscriptJob.id == transcript_id,
                    TranscriptJob.lease_owner == owner,
                    TranscriptJob.status == PROCESSING,
                )
                .values(lease_until=time.time() + lease_seconds)
            )
            return result.rowcount == 1

    def finish(
        self,
        transcript_id: str,
        owner: str,
        result: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> bool:
        """Record the outcome if `owner` still holds the job; False means someone else does."""
        with self.sessions.begin() as session:
            row = session.scalar(select(TranscriptJob).where(TranscriptJob.id == transcript_id))
            if row is None:
                return False
            held = update(TranscriptJob).where(
                TranscriptJob.id == transcript_id,
                TranscriptJob.lease_owner == owner,
                TranscriptJob.status == PROCESSING,
            )
            ending = {"completed": _now(), "lease_owner": None, "lease_until": None}
            ending.update(_webhook_due(row))
            outcome = session.execute(
                held.where(TranscriptJob.cancel_requested.is_(False)).values(
                    status=ERROR if error is not None else COMPLETED,
                    result=result,
                    error=error,
                    **ending,
                )
            )
            if outcome.rowcount == 0:  # the caller cancelled after the job's last step
                outcome = session.execute(
                    held.where(TranscriptJob.cancel_requested.is_(True)).values(
                        status=ERROR, result=None, error=CANCELLED_MESSAGE, **ending
                    )
                )
            return outcome.rowcount == 1

    def report_progress(self, transcript_id: str, owner: str, progress: dict[str, Any]) -> bool:
        """Record what the worker is doing; True when the caller has asked it to stop."""
        with self.sessions.begin() as session:
            session.execute(
                update(TranscriptJob)
                .where(TranscriptJob.id == transcript_id, TranscriptJob.lease_owner == owner)
                .values(progress=progress)
            )
            return bool(
                session.scalar(
                    select(TranscriptJob.cancel_requested).where(TranscriptJob.id == transcript_id)
                )
            )

    def release(self, transcript_id: str, owner: str) -> None:
        """Give a job back to the queue (graceful shutdown with work unfinished)."""
        with self.sessions.begin() as session:
            session.execute(
                update(TranscriptJob)
                .where(TranscriptJob.id == transcript_id, TranscriptJob.lease_owner == owner)
                .values(status=QUEUED, lease_owner=None, lease_until=None)
            )

    # --- webhooks -----------------------------------------------------------------------------

    def claim_webhook(
        self, hold_seconds: float, skip_keys: frozenset[int | None] = frozenset()
    ) -> TranscriptJob | None:
        """A due webhook delivery, held for `hold_seconds` so no other dispatcher sends it;
        deliveries of `skip_keys` (keys with enough in flight already) wait."""
        now = time.time()
        due = and_(TranscriptJob.webhook_state == "pending", TranscriptJob.webhook_next_at <= now)
        known = [key for key in skip_keys if key is not None]
        if known:  # NOT IN is never true for NULL, so rows without a key are kept explicitly
            due = and_(due, or_(TranscriptJob.key_id.not_in(known), TranscriptJob.key_id.is_(None)))
        if None in skip_keys:
            due = and_(due, TranscriptJob.key_id.is_not(None))
        with self.sessions.begin() as session:
            seq = session.scalar(
                select(TranscriptJob.seq)
                .where(due)
                .order_by(TranscriptJob.webhook_next_at)
                .limit(1)
            )
            if seq is None:
                return None
            taken = session.execute(
                update(TranscriptJob)
                .where(TranscriptJob.seq == seq, due)
                .values(
                    webhook_next_at=now + hold_seconds,
                    webhook_attempts=TranscriptJob.webhook_attempts + 1,
                )
            )
            return session.get(TranscriptJob, seq) if taken.rowcount == 1 else None

    def record_webhook(
        self, transcript_id: str, status_code: int | None, state: str, next_at: float | None
    ) -> None:
        with self.sessions.begin() as session:
            session.execute(
                update(TranscriptJob)
                .where(TranscriptJob.id == transcript_id)
                .values(
                    webhook_status_code=status_code, webhook_state=state, webhook_next_at=next_at
                )
            )
