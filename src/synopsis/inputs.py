"""Turn what a user names on the command line (a path, `-`, or a URL) into text."""

from __future__ import annotations

import sys
from pathlib import Path

from .errors import InputError
from .fetch import fetch

_SNIFF = 8192


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def decode_text(data: bytes, name: str) -> str:
    """Decode UTF-8 text, refusing binary data with a message that names the input."""
    if b"\x00" in data[:_SNIFF]:
        raise InputError(f"{name} looks like a binary file, not text")
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


def read_text(source: str) -> str:
    """Text from a file path, `-` (standard input) or an http(s) URL."""
    if source == "-":
        return decode_text(sys.stdin.buffer.read(), "standard input")
    if is_url(source):
        fetched = fetch(source)
        if b"\x00" in fetched.content[:_SNIFF]:
            raise InputError(f"{source} is a binary document, not text")
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
