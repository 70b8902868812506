"""Bounds on every size a client controls, in one place (docs/security.md lists them).

Request bodies and uploads are settings (`SYNOPSIS_MAX_JSON_BYTES`, `SYNOPSIS_UPLOAD_MAX_BYTES`);
the bounds here are fixed because nothing legitimate comes near them.
"""

from __future__ import annotations

MAX_URL_LENGTH = 4096  # characters of any URL a client gives (audio_url, webhook_url, url)
MAX_HOST_LENGTH = 253  # characters of a hostname (the DNS limit)

# Whisper's prompt holds about 220 tokens; hot words beyond that are cut by faster-whisper and
# slow every decoding step down (1,000 keyterms on a 3 s clip took 71 s and produced garbage).
MAX_KEYTERMS = 100
MAX_KEYTERM_CHARS = 50
MAX_KEYTERM_WORDS = 6
MAX_KEYTERMS_TOTAL_CHARS = 600

MAX_HEADER_NAME_CHARS = 100  # webhook_auth_header_name
MAX_HEADER_VALUE_CHARS = 1024  # webhook_auth_header_value

MAX_PROMPT_CHARS = 10_000  # instructions for the custom style or added to another style
MAX_SCHEMA_BYTES = 32_768  # a JSON Schema for the json style, serialised
MAX_NAME_CHARS = 200  # model names, styles, language codes and other short strings
MAX_SPEECH_MODELS = 10  # entries of a speech_models preference list
MAX_STOP_SEQUENCES = 4  # as OpenAI's API allows
MAX_STOP_CHARS = 200


def clean_text(value: str) -> str:
    """Text a model or a URL can take: no lone surrogates ("\\ud800" is valid JSON, but no
    tokenizer or encoder can represent it, and it failed deep inside them)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(
            f"contains an invalid character at position {exc.start} (a lone surrogate)"
        ) from None
    return value
