"""The job queue, for any table with `JobColumns`: claim, renew, report, finish, release, cancel.

Claiming and finishing are compare-and-set updates, so they are atomic on SQLite and PostgreSQL
alike: a job is claimed by exactly one worker, and only the worker that holds the lease can finish
it. On PostgreSQL the claim's read also takes the row with `FOR UPDATE SKIP LOCKED`, so many
workers claiming at once each take a different row instead of racing for the oldest (SQLite has
one writer at a time and ignores the clause). A worker that died stops renewing; once its lease
lapses the job is claimed again. That is what makes a job complete exactly once across crashes,
for transcripts and summaries alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, and_, func, or_, select, true, update
from sqlalchemy.orm import Session, sessionmaker

from ..status import CANCELLED_MESSAGE, COMPLETED, ERROR, PROCESSING, QUEUED
from .tables import JobColumns

Job = TypeVar("Job", bound=JobColumns)
Ending = Callable[[Any], dict[str, Any]]
"""Extra columns to set when a job ends (a transcript's webhook becomes due)."""


def now() -> datetime:
    return datetime.now(UTC)


class JobQueue(Generic[Job]):
    """The jobs of one table. `cancelled` is the status a cancelled job ends in; `runnable` keeps
    rows out of the queue (a deleted transcript); `on_end` adds columns when a job ends."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        table: type[Job],
        *,
        cancelled: str = ERROR,
        runnable: ColumnElement[bool] | None = None,
        on_end: Ending | None = None,
    ) -> None:
        self.sessions = sessions
        self.table = table
        self.kind = table.__tablename__
        self.cancelled = cancelled
        self.runnable = runnable if runnable is not None else true()
        self.on_end = on_end or (lambda row: {})

    def claim(self, owner: str, lease_seconds: float) -> Job | None:
        """Take the oldest queued job, or one whose worker's lease has lapsed."""
        table = self.table
        for _ in range(5):
            moment = time.time()
            claimable = self._claimable(moment)
            with self.sessions.begin() as session:
                seq = session.scalar(
                    select(table.seq)
                    .where(claimable, self.runnable)
                    .order_by(table.seq)
                    .limit(1)
                    .with_for_update(skip_locked=True)
                )
                if seq is None:
                    return None
                taken = session.execute(
                    update(table)
                    .where(table.seq == seq, claimable)
                    .values(**self._taking(owner, moment, lease_seconds))
                )
                if taken.rowcount == 1:
                    return session.get(table, seq)
        return None

    def claim_id(self, job_id: str, owner: str, lease_seconds: float) -> Job | None:
        """Take this job if it is queued or its worker's lease has lapsed (a task from a
        broker names its job); None when it is finished, cancelled, deleted or held."""
        table = self.table
        moment = time.time()
        with self.sessions.begin() as session:
            taken = session.execute(
                update(table)
                .where(table.id == job_id, self._claimable(moment), self.runnable)
                .values(**self._taking(owner, moment, lease_seconds))
            )
            if taken.rowcount != 1:
                return None
            return session.scalar(select(table).where(table.id == job_id))

    def _claimable(self, moment: float) -> ColumnElement[bool]:
        """Queued, or held by a worker whose lease lapsed before `moment`."""
        table = self.table
        return or_(
            table.status == QUEUED,
            and_(table.status == PROCESSING, table.lease_until < moment),
        )

    def _taking(self, owner: str, moment: float, lease_seconds: float) -> dict[str, Any]:
        """The columns a claim sets."""
        return {
            "status": PROCESSING,
            "lease_owner": owner,
            "lease_until": moment + lease_seconds,
            "attempts": self.table.attempts + 1,
        }

    def get(self, job_id: str) -> Job | None:
        with self.sessions() as session:
            return session.scalar(select(self.table).where(self.table.id == job_id))

    def renew(self, job_id: str, owner: str, lease_seconds: float) -> bool:
        with self.sessions.begin() as session:
            result = session.execute(
                self._held(job_id, owner).values(lease_until=time.time() + lease_seconds)
            )
            return result.rowcount == 1

    def report_progress(self, job_id: str, owner: str, progress: dict[str, Any]) -> bool:
        """Record what the worker is doing; True when the caller has asked it to stop."""
        table = self.table
        with self.sessions.begin() as session:
            session.execute(
                update(table)
                .where(table.id == job_id, table.lease_owner == owner)
                .values(progress=progress)
            )
            return bool(session.scalar(select(table.cancel_requested).where(table.id == job_id)))

    def finish(
        self,
        job_id: str,
        owner: str,
        result: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> bool:
        """Record the outcome if `owner` still holds the job; False means someone else does.
        A job the caller cancelled after its last step ends cancelled, its result dropped."""
        table = self.table
        with self.sessions.begin() as session:
            row = session.scalar(select(table).where(table.id == job_id))
            if row is None:
                return False
            ending = {"completed": now(), "lease_owner": None, "lease_until": None}
            ending.update(self.on_end(row))
            held = self._held(job_id, owner)
            outcome = session.execute(
                held.where(table.cancel_requested.is_(False)).values(
                    status=ERROR if error is not None else COMPLETED,
                    result=result,
                    error=error,
                    **ending,
                )
            )
            if outcome.rowcount == 0:
                outcome = session.execute(
                    held.where(table.cancel_requested.is_(True)).values(
                        status=self.cancelled, result=None, error=CANCELLED_MESSAGE, **ending
                    )
                )
            return outcome.rowcount == 1

    def release(self, job_id: str, owner: str) -> None:
        """Give a job back to the queue (graceful shutdown with work unfinished)."""
        table = self.table
        with self.sessions.begin() as session:
            session.execute(
                update(table)
                .where(table.id == job_id, table.lease_owner == owner)
                .values(status=QUEUED, lease_owner=None, lease_until=None)
            )

    def cancel(self, job_id: str, key_id: int | None) -> Job | None:
        """A queued job ends now; a processing one is asked to stop at its next step (and ends
        cancelled even if that step was its last). None when the key has no such job."""
        table = self.table
        with self.sessions.begin() as session:
            row = session.scalar(select(table).where(table.id == job_id))
            if row is None or row.key_id != key_id:
                return None
            this = update(table).where(table.id == job_id)
            ended = session.execute(  # compare-and-set: a worker may be claiming it right now
                this.where(table.status == QUEUED).values(
                    status=self.cancelled,
                    error=CANCELLED_MESSAGE,
                    completed=now(),
                    **self.on_end(row),
                )
            )
            if ended.rowcount == 0:
                session.execute(
                    this.where(table.status == PROCESSING).values(cancel_requested=True)
                )
            session.refresh(row)
            return row

    def abandon(self, job_id: str, error: str) -> None:
        """End a job that could not be handed to a worker, if it is still queued."""
        table = self.table
        with self.sessions.begin() as session:
            row = session.scalar(select(table).where(table.id == job_id))
            if row is None:
                return
            session.execute(
                update(table)
                .where(table.id == job_id, table.status == QUEUED)
                .values(status=ERROR, error=error, completed=now(), **self.on_end(row))
            )

    def waiting(self, key_id: int | None) -> int:
        """How many of this key's jobs are queued or running."""
        table = self.table
        with self.sessions() as session:
            return session.scalar(
                select(func.count())
                .select_from(table)
                .where(table.key_id == key_id, table.status.in_((QUEUED, PROCESSING)))
            )

    def _held(self, job_id: str, owner: str):
        table = self.table
        return update(table).where(
            table.id == job_id, table.lease_owner == owner, table.status == PROCESSING
        )
