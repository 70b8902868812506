"""Recording in, `Transcript` out: decode → recognise → (diarize) → words, utterances.

Each stage is its own module and can be used alone; this one only wires them together and turns
their progress into the CLI's `progress(stage, done, total)` calls.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..config import Settings, get_settings
from ..errors import InputError
from ..fetch import FetchPolicy, download, looks_like_url
from ..media import SAMPLE_RATE, MediaSource, decode_audio
from ..transcript import Transcript, utterances_of
from .diarize import diarize, speaker_bounds
from .models import model_directory, resolve_speech_model
from .whisper import RecognitionOptions, SpeechRecognizer

ProgressCallback = Callable[[str, int, int], None]
"""`progress(stage, done, total)`; stages "decode", "transcribe" (audio seconds), "speakers"."""


def recognizer_for(model: str | None = None, settings: Settings | None = None) -> SpeechRecognizer:
    """The recognizer for a speech model name or alias (default: the configured one)."""
    settings = settings or get_settings()
    spec = resolve_speech_model(
        model or ("local" if settings.speech_model_path else settings.speech_model),
        settings.speech_model_path,
    )
    directory = model_directory(spec, settings.cache_dir)
    return SpeechRecognizer(
        directory,
        spec.name,
        threads=settings.speech_threads,
        compute_type=settings.speech_compute_type,
        english_only=spec.english_only,
    )


def recognition_options(
    duration: float,
    language: str | None = None,
    keyterms: tuple[str, ...] = (),
    settings: Settings | None = None,
) -> RecognitionOptions:
    """Settings-driven options for an ISO 639-1 `language` (see `normalise_language`); long
    recordings are decoded in batches."""
    settings = settings or get_settings()
    batched = 0 < settings.speech_batch_min_seconds <= duration
    return RecognitionOptions(
        language=language,
        beam_size=settings.speech_beam_size,
        keyterms=tuple(term.strip() for term in keyterms if term.strip()),
        batch_size=settings.speech_batch_size if batched else None,
    )


def normalise_language(code: str | None) -> str | None:
    """Whisper takes ISO 639-1 codes; accept the transcript API's `en_us` style too."""
    if code is None or not code.strip():
        return None
    base = code.strip().lower().replace("-", "_").split("_", 1)[0]
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    if base not in _LANGUAGE_CODES:
        raise InputError(f"unsupported language_code {code!r}")
    return base


def transcribe(
    source: MediaSource,
    *,
    speaker_labels: bool = False,
    speakers_expected: int | None = None,
    min_speakers: int | None = None,
    max_speakers: int | None = None,
    language: str | None = None,
    model: str | None = None,
    keyterms: tuple[str, ...] | list[str] = (),
    progress: ProgressCallback | None = None,
    timings: dict[str, Any] | None = None,
    name: str | None = None,
    settings: Settings | None = None,
) -> Transcript:
    """Transcribe a recording (path, URL, bytes or file object) into a `Transcript`.

    `speakers_expected` implies `speaker_labels` and fixes the count; otherwise it is estimated
    between `min_speakers` and `max_speakers` when given. Pass a dict as `timings` to receive
    per-stage seconds. `name` is how errors refer to the input (default: the path or URL).
    `settings` default to the process's (a server passes its runtime's).
    """
    speaker_bounds(speakers_expected, min_speakers, max_speakers)  # bad bounds fail before work
    if speakers_expected is not None:
        speaker_labels = True
    report = progress or (lambda stage, done, total: None)
    settings = settings or get_settings()
    recognizer = recognizer_for(model, settings)
    language = normalise_language(language)

    started = time.perf_counter()
    warnings: list[str] = []
    with local_media(source, settings) as local_source:
        audio = decode_audio(
            local_source,
            lambda done, total: report("decode", int(done), int(total or done)),
            name=name or (source if isinstance(source, str) else None),
            warnings=warnings,
            max_seconds=settings.media_max_seconds,
        )
    duration = len(audio) / SAMPLE_RATE
    decoded = time.perf_counter()

    options = recognition_options(duration, language, tuple(keyterms), settings)
    recognition = recognizer.recognize(
        audio, options, lambda done, total: report("transcribe", int(done), int(total))
    )
    recognized = time.perf_counter()

    words = recognition.words
    utterances = None
    if speaker_labels:
        words = diarize(
            audio,
            words,
            speakers_expected,
            lambda done, total: report("speakers", done, total),
            threads=settings.speech_threads,
            min_speakers=min_speakers,
            max_speakers=max_speakers,
        )
        utterances = utterances_of(words) if words else []
    finished = time.perf_counter()
    if timings is not None:
        timings.update(
            decode=decoded - started, recognize=recognized - decoded, diarize=finished - recognized
        )
    return Transcript(
        words=words,
        audio_duration=duration,
        language_code=recognition.language,
        language_confidence=recognition.language_probability,
        speech_model=recognizer.name,
        speaker_labels=speaker_labels,
        utterances=utterances,
        warnings=warnings,
    )


@contextmanager
def local_media(source: MediaSource, settings: Settings) -> Iterator[MediaSource]:
    """A URL is downloaded through the fetch guard to a temporary file; anything else passes.

    A string with an http(s) scheme is always treated as a URL, malformed or not (`http:/x`
    is refused by the guard, never opened as the path `http:/x`).
    """
    if not (isinstance(source, str) and looks_like_url(source)):
        yield source
        return
    with tempfile.TemporaryDirectory(prefix="synopsis-") as tmp:
        target = Path(tmp) / "media"
        download(source, target, FetchPolicy.for_media(settings))
        yield target
