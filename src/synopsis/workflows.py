"""The one place that turns media or text into a transcript and/or a summary.

The CLI, every API surface, the in-process workers and the Celery tasks call these functions;
none of them calls the speech pipeline or the summarizer on its own. So the rules that join the
two stages live here once: a conversational summary of a recording labels its speakers, a
recording with no speech is an error before any model is asked, and a summary of a transcript
carries the moments its lines come from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import InputError
from .evaluate.citations import cite
from .media import MediaSource
from .speech import transcribe as recognise
from .summarize import summarize as condense
from .summarize.result import Summary
from .transcript import Transcript

if TYPE_CHECKING:
    from .runtime import Runtime

Progress = Any  # `progress(stage, done, total)`, as every pipeline stage reports it


@dataclass(frozen=True)
class TranscriptionOptions:
    """How to transcribe: speakers, language, speech model, names to listen for."""

    speaker_labels: bool = False
    speakers_expected: int | None = None
    min_speakers: int | None = None
    max_speakers: int | None = None
    language: str | None = None
    model: str | None = None
    keyterms: tuple[str, ...] = ()
    punctuate: bool = True
    format_text: bool = True


@dataclass(frozen=True)
class SummaryOptions:
    """How to summarize: the style and what it needs, the model, the summary's language."""

    style: str = "bullets"
    prompt: str | None = None
    schema: dict[str, Any] | None = field(default=None, hash=False)
    model: str | None = None
    language: str | None = None

    def transcription(self) -> TranscriptionOptions:
        """What a recording needs for this summary: speakers for who said what."""
        return TranscriptionOptions(speaker_labels=self.style == "conversational")


@dataclass(frozen=True)
class TranscriptPlan:
    """What a transcript job does: transcribe with `options`, then add what
    `extras(runtime, transcript, progress)` returns to the result (fields one API surface adds,
    such as the transcript API's deprecated summary and chapters)."""

    options: TranscriptionOptions
    extras: Callable[[Runtime, Transcript, Progress], dict[str, Any]] | None = None


def transcribe(
    runtime: Runtime,
    source: MediaSource,
    options: TranscriptionOptions = TranscriptionOptions(),
    *,
    progress: Progress = None,
    name: str | None = None,
) -> Transcript:
    """A recording (path, URL, bytes or file) → its transcript, formatted as asked."""
    transcript = recognise(
        source,
        speaker_labels=options.speaker_labels,
        speakers_expected=options.speakers_expected,
        min_speakers=options.min_speakers,
        max_speakers=options.max_speakers,
        language=options.language,
        model=options.model,
        keyterms=options.keyterms,
        progress=progress,
        name=name,
        settings=runtime.settings,
    )
    return transcript.reformatted(punctuate=options.punctuate, format_text=options.format_text)


def summarize(
    runtime: Runtime,
    document: str | Transcript,
    options: SummaryOptions = SummaryOptions(),
    *,
    progress: Progress = None,
) -> Summary:
    """A text or a transcript → its summary; a transcript's summary cites its moments."""
    summary = condense(
        document,
        options.style,
        model=options.model,
        prompt=options.prompt,
        schema=options.schema,
        language=options.language,
        registry=runtime.registry,
        progress=progress,
    )
    if isinstance(document, Transcript):
        summary.citations = [c.to_dict() for c in cite(summary.text, document)]
    return summary


def summarize_media(
    runtime: Runtime,
    source: MediaSource,
    options: SummaryOptions = SummaryOptions(),
    transcription: TranscriptionOptions | None = None,
    *,
    progress: Progress = None,
    name: str | None = None,
) -> tuple[Transcript, Summary]:
    """A recording → (its transcript, its summary). No speech is an error, not a summary of
    nothing."""
    transcript = transcribe(
        runtime, source, transcription or options.transcription(), progress=progress, name=name
    )
    if not transcript.words:
        raise InputError(f"no speech was recognised in {name or source}")
    return transcript, summarize(runtime, transcript, options, progress=progress)
