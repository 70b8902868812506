"""What a client's media URL points at: one of its own uploads, or a remote http(s) URL.

A client's string is never a local path. `upload_url`s this server handed out are recognised by
their path (any host, since proxies rewrite hosts) and resolve only to the caller's own uploads;
everything else must pass the URL rule and is fetched through the guard when the job runs.
"""

from __future__ import annotations

import re
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from urllib.parse import urlsplit

from fastapi.responses import FileResponse, Response, StreamingResponse

from ..fetch import parse_url
from ..store.uploads import UploadStore
from .errors import ApiError

_UPLOAD_PATH = re.compile(r"/v2/upload/([0-9a-f-]{36})$")


def upload_id_of(url: str) -> str | None:
    """The upload id when `url` has the path of an `upload_url` this server hands out."""
    match = _UPLOAD_PATH.search(urlsplit(url).path)
    return match.group(1) if match else None


def own_upload_id(url: str, field: str, uploads: UploadStore, key_id: int | None) -> str | None:
    """Validate a client's media URL; the upload id when it names one of the caller's uploads.

    An upload URL that is not the caller's (or no longer exists) is refused, exactly like one
    that never existed, so no key learns about another key's uploads.
    """
    parse_url(url, field)
    upload_id = upload_id_of(url)
    if upload_id is not None and not uploads.exists(upload_id, key_id):
        raise ApiError(400, f"{field} refers to an upload that does not exist")
    return upload_id


def opened_source(
    url: str, upload_id: str | None, uploads: UploadStore, key_id: int | None
) -> AbstractContextManager[Path | str]:
    """A media URL checked by `own_upload_id`, as something to transcribe: the caller's upload
    as a local file while the block runs, else the URL (fetched through the guard)."""
    return nullcontext(url) if upload_id is None else uploads.opened(upload_id, key_id)


def upload_response(uploads: UploadStore, upload_id: str, key_id: int | None) -> Response | None:
    """An upload sent back: the file itself when stored in a directory (range requests, so a
    player can seek), else streamed from the bucket; None when it is not this key's."""
    path = uploads.direct_path(upload_id, key_id)
    if path is not None:
        return FileResponse(path, media_type="application/octet-stream")
    chunks = uploads.chunks(upload_id, key_id)
    if chunks is None:
        return None
    return StreamingResponse(chunks, media_type="application/octet-stream")
