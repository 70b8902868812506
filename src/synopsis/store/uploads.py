"""Uploaded recordings: a row per file, owned by the key that sent it; the file in the media
store (`store.media`: a directory, or an S3-compatible bucket).

A row names its file by the upload's id, relative to the store, so processes that mount the same
share at different paths all find it; rows written by older versions kept absolute paths, which
the directory store resolves to themselves.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session, sessionmaker

from ..errors import InputError
from ..status import WAITING
from .media import MediaStore
from .queue import now
from .tables import SummaryJob, TranscriptJob, Upload


class UploadStore:
    def __init__(self, sessions: sessionmaker[Session], media: MediaStore) -> None:
        self.sessions = sessions
        self.media = media

    def spool(self) -> Path:
        """Where an arriving upload is written before `add` stores it."""
        return self.media.spool()

    def add(self, upload_id: str, key_id: int | None, received: Path, size: int) -> None:
        """Store a completely received file as this key's upload."""
        self.media.put(upload_id, received)
        with self.sessions.begin() as session:
            session.add(
                Upload(id=upload_id, key_id=key_id, path=upload_id, size=size, created=now())
            )

    def get(self, upload_id: str, key_id: int | None) -> Upload | None:
        """This key's upload whose file still exists (another key's reads as unknown)."""
        with self.sessions() as session:
            row = session.get(Upload, upload_id)
        if row is None or row.key_id != key_id or not self.media.exists(row.path):
            return None
        return row

    def exists(self, upload_id: str, key_id: int | None) -> bool:
        return self.get(upload_id, key_id) is not None

    @contextlib.contextmanager
    def opened(self, upload_id: str, key_id: int | None) -> Iterator[Path]:
        """The upload as a local file while the block runs (a worker decoding it); an input
        error when it is not this key's or is gone."""
        row = self.get(upload_id, key_id)
        with contextlib.nullcontext(None) if row is None else self.media.local(row.path) as path:
            if path is None:
                raise InputError("the uploaded file is no longer available")
            yield path

    def direct_path(self, upload_id: str, key_id: int | None) -> Path | None:
        """The file itself when the store is a directory (served with range requests)."""
        row = self.get(upload_id, key_id)
        return self.media.path(row.path) if row is not None else None

    def chunks(self, upload_id: str, key_id: int | None) -> Iterator[bytes] | None:
        row = self.get(upload_id, key_id)
        return self.media.chunks(row.path) if row is not None else None

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
            name = row.path
        self.media.delete(name)
        return True
