"""Turn what a user names on the command line (a path, `-`, or a URL) into text or media."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError
from .fetch import fetch, looks_like_url
from .media import MediaError, looks_like_media, probe

_SNIFF = 8192


@dataclass(frozen=True)
class MediaInput:
    """A recording to transcribe before summarizing: a local path or a URL."""

    source: str


class _BinaryInput(InputError):
    """The input is binary: maybe a recording, certainly not text."""


def is_url(source: str) -> bool:
    return looks_like_url(source)


def decode_text(data: bytes, name: str) -> str:
    """Decode UTF-8 text, refusing binary data with a message that names the input."""
    if b"\x00" in data[:_SNIFF]:
        raise _BinaryInput(f"{name} looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name} is not UTF-8 text (invalid byte at offset {exc.start}); "
            f"convert it to UTF-8 first"
        ) from exc
    if not text.strip():
        raise InputError(f"{name} is empty: there is no text to summarize")
    return text


def read_input(source: str) -> str | MediaInput:
    """Text, or a `MediaInput` for audio and video (judged by extension, then by content)."""
    if source != "-" and looks_like_media(source):
        if not is_url(source):
            probe(source)  # fail now, with the media error, rather than after loading models
        return MediaInput(source)
    try:
        return read_text(source)
    except InputError as exc:
        if source == "-" or (is_url(source) and not isinstance(exc, _BinaryInput)):
            raise
        if is_url(source):
            return MediaInput(source)
        if not Path(source).is_file():
            raise
        try:
            probe(source)
        except MediaError:
            if isinstance(exc, _BinaryInput):
                raise InputError(f"{source} is neither text nor an audio or video file") from exc
            raise exc from None
        return MediaInput(source)


def read_text(source: str) -> str:
    """Text from a file path, `-` (standard input) or an http(s) URL."""
    if source == "-":
        return decode_text(sys.stdin.buffer.read(), "standard input")
    if is_url(source):
        fetched = fetch(source)
        if b"\x00" in fetched.content[:_SNIFF]:
            raise _BinaryInput(f"{source} is a binary document, not text")
        text = fetched.text()
        if not text.strip():
            raise InputError(f"{source} is empty: there is no text to summarize")
        return text
    path = Path(source)
    if path.is_dir():
        raise InputError(f"{source} is a directory, not a file")
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{source}: no such file") from exc
    except OSError as exc:
        raise InputError(f"{source} cannot be read: {exc.strerror}") from exc
    return decode_text(data, source)


def read_json_file(path: Path, what: str, invalid: type[InputError] = InputError) -> Any:
    """A JSON file the user named ("schema file", "facts file"), or an error naming it;
    `invalid` is the error type for content that is not JSON."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"{what} {path}: no such file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{what} {path} cannot be read: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise invalid(f"{what} {path} is not valid JSON: {exc.msg} at line {exc.lineno}") from exc
