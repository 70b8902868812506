"""The webhook outbox: transcripts whose webhook is due, claimed by a dispatcher, then recorded.

A job that ends sets `webhook_state = "pending"` in the same update (`webhook_columns`), so a
delivery is never lost between finishing a job and sending its webhook.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from .tables import TranscriptJob

PENDING = "pending"


def webhook_columns(row: TranscriptJob) -> dict[str, Any]:
    """The webhook columns of a transcript that has just ended: due now when it has a webhook."""
    due = bool(row.request.get("webhook_url")) and not row.deleted
    return {
        "webhook_state": PENDING if due else None,
        "webhook_next_at": time.time() if due else None,
    }


class WebhookOutbox:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def claim(
        self, hold_seconds: float, skip_keys: frozenset[int | None] = frozenset()
    ) -> TranscriptJob | None:
        """A due webhook delivery, held for `hold_seconds` so no other dispatcher sends it;
        deliveries of `skip_keys` (keys with enough in flight already) wait."""
        now = time.time()
        due = and_(TranscriptJob.webhook_state == PENDING, TranscriptJob.webhook_next_at <= now)
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
                .with_for_update(skip_locked=True)
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

    def record(
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
