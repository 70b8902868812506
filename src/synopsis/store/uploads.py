"""Uploaded recordings: a row per file, owned by the key that sent it, the file in the media
directory.

A row names its file relative to the media directory, so processes that mount the same share at
different paths (`SYNOPSIS_MEDIA_DIR`) all find it; rows written before kept absolute paths,
which resolve to themselves.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session, sessionmaker

from ..files import private_dir
from ..status import WAITING
from .queue import now
from .tables import SummaryJob, TranscriptJob, Upload


class UploadStore:
    def __init__(self, sessions: sessionmaker[Session], media_dir: Path) -> None:
        self.sessions = sessions
        self.media_dir = media_dir

    def folder(self) -> Path:
        """The media directory, created private on first use."""
        return private_dir(self.media_dir)

    def add(self, upload_id: str, key_id: int | None, size: int) -> None:
        """Record an upload whose file is complete at `folder() / upload_id`."""
        with self.sessions.begin() as session:
            session.add(
                Upload(id=upload_id, key_id=key_id, path=upload_id, size=size, created=now())
            )

    def get(self, upload_id: str, key_id: int | None) -> Upload | None:
        with self.sessions() as session:
            row = session.get(Upload, upload_id)
            return row if row is not None and row.key_id == key_id else None

    def file(self, upload_id: str, key_id: int | None) -> Path | None:
        """The file of this key's upload, if both the row and the file still exist."""
        row = self.get(upload_id, key_id)
        if row is None or not (self.media_dir / row.path).is_file():
            return None
        return self.media_dir / row.path

    def release(self, upload_id: str, key_id: int | None) -> bool:
        """Delete an upload (row and file) once no live transcript of its key uses it and no
        summary job still has to read it."""
        with self.sessions.begin() as session:
            row = session.get(Upload, upload_id)
            if row is None or row.key_id != key_id:
                return False
            transcript = exists().where(
                TranscriptJob.upload_id == upload_id, TranscriptJob.deleted.is_(False)
            )
            summary = exists().where(
                SummaryJob.upload_id == upload_id, SummaryJob.status.in_(WAITING)
            )
            if session.scalar(select(transcript)) or session.scalar(select(summary)):
                return False
            session.execute(delete(Upload).where(Upload.id == upload_id))
            path = self.media_dir / row.path
        path.unlink(missing_ok=True)
        return True
