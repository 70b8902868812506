"""What a client's media URL points at: one of its own uploads, or a remote http(s) URL.

A client's string is never a local path. `upload_url`s this server handed out are recognised by
their path (any host, since proxies rewrite hosts) and resolve only to the caller's own uploads;
everything else must pass the URL rule and is fetched through the guard when the job runs.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

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
    if upload_id is not None and uploads.file(upload_id, key_id) is None:
        raise ApiError(400, f"{field} refers to an upload that does not exist")
    return upload_id


def media_source(url: str, field: str, uploads: UploadStore, key_id: int | None) -> Path | str:
    """The caller's own upload as a local file, or the validated remote URL."""
    upload_id = own_upload_id(url, field, uploads, key_id)
    if upload_id is None:
        return url
    path = uploads.file(upload_id, key_id)
    if path is None:
        raise ApiError(400, f"{field} refers to an upload that does not exist")
    return path
