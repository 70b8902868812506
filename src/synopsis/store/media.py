"""Where uploaded recordings live: a directory (the default; a share every process mounts when
scaled out) or an S3-compatible bucket (`SYNOPSIS_MEDIA_URL=s3://bucket/prefix`).

Both stream: an upload is spooled to a private local file while it arrives and then moved into
the directory or sent to the bucket in parts; a worker that needs the recording gets a local file
(the file itself, or a private temporary copy downloaded in parts); a download is sent in
chunks. Nothing holds a whole recording in memory.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from ..errors import InputError
from ..files import FILE_MODE, private_dir

CHUNK_BYTES = 1024 * 1024


class MediaStore(Protocol):
    """Named files. A name is an upload's id (rows of older versions hold absolute paths, which
    a directory store resolves to themselves)."""

    location: str

    def spool(self) -> Path:
        """A private directory for files being received (moved in by `put`)."""
        ...

    def put(self, name: str, source: Path) -> None:
        """Take a complete file (`source` is moved or uploaded, then gone)."""
        ...

    def exists(self, name: str) -> bool: ...

    def path(self, name: str) -> Path | None:
        """The file itself when it is on a filesystem here (HTTP range requests need one)."""
        ...

    def local(self, name: str) -> contextlib.AbstractContextManager[Path | None]:
        """A local file with the content for as long as the block runs; None if it is gone."""
        ...

    def chunks(self, name: str) -> Iterator[bytes]: ...

    def delete(self, name: str) -> None: ...


class DirectoryMedia:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.location = str(folder)

    def _file(self, name: str) -> Path:
        return self.folder / name

    def spool(self) -> Path:
        return private_dir(self.folder)  # the same filesystem, so `put` is a rename

    def put(self, name: str, source: Path) -> None:
        source.replace(self._file(name))

    def exists(self, name: str) -> bool:
        return self._file(name).is_file()

    def path(self, name: str) -> Path | None:
        return self._file(name) if self.exists(name) else None

    @contextlib.contextmanager
    def local(self, name: str) -> Iterator[Path | None]:
        yield self.path(name)

    def chunks(self, name: str) -> Iterator[bytes]:
        with self._file(name).open("rb") as stream:
            while block := stream.read(CHUNK_BYTES):
                yield block

    def delete(self, name: str) -> None:
        self._file(name).unlink(missing_ok=True)


class BucketMedia:
    """An S3-compatible bucket through boto3 (credentials from its usual chain: environment,
    config files, instance roles); `endpoint_url` for MinIO, Ceph, R2 and the like."""

    def __init__(self, url: str, endpoint_url: str | None, spool_dir: Path) -> None:
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise InputError(f"SYNOPSIS_MEDIA_URL must look like s3://bucket/prefix, not {url!r}")
        import boto3  # only when a bucket is configured (the scale extra)

        self.bucket = parts.netloc
        self.prefix = parts.path.strip("/")
        self.location = url
        self.client = boto3.client("s3", endpoint_url=endpoint_url)
        self.spool_dir = spool_dir

    def _key(self, name: str) -> str:
        return f"{self.prefix}/{name}" if self.prefix else name

    def spool(self) -> Path:
        return private_dir(self.spool_dir)

    def put(self, name: str, source: Path) -> None:
        try:
            self.client.upload_file(str(source), self.bucket, self._key(name))  # in parts
        finally:
            source.unlink(missing_ok=True)

    def exists(self, name: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(name))
        except ClientError:
            return False
        return True

    def path(self, name: str) -> Path | None:
        return None

    @contextlib.contextmanager
    def local(self, name: str) -> Iterator[Path | None]:
        if not self.exists(name):
            yield None
            return
        with tempfile.TemporaryDirectory(dir=self.spool(), prefix="job-") as folder:
            copy = Path(folder) / "media"
            copy.touch(mode=FILE_MODE)
            self.client.download_file(self.bucket, self._key(name), str(copy))
            yield copy

    def chunks(self, name: str) -> Iterator[bytes]:
        body = self.client.get_object(Bucket=self.bucket, Key=self._key(name))["Body"]
        try:
            yield from body.iter_chunks(CHUNK_BYTES)
        finally:
            body.close()

    def delete(self, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(name))


def media_store(media_url: str | None, endpoint_url: str | None, folder: Path) -> MediaStore:
    """The configured store: the bucket of `media_url`, else the directory `folder` (where a
    bucket's uploads are spooled too)."""
    if media_url:
        return BucketMedia(media_url, endpoint_url, folder / "spool")
    return DirectoryMedia(folder)
