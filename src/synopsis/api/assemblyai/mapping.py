"""What the transcript API's options mean to our workflows: the one place that reads a create
body for the worker that runs it.

The row keeps the body as the caller sent it (a GET echoes it). From it come the speech model
(the hosted API's model names stand for ours), the speaker count or bounds, the language and
keyterms, and the deprecated `summarization` and `auto_chapters` features, which our summarizer
serves so older client code keeps working.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ... import workflows
from ...speech.models import SpeechModelSpec, first_available
from ...transcript import Span, Transcript
from ...workflows import SummaryOptions, TranscriptionOptions, TranscriptPlan

if TYPE_CHECKING:
    from ...config import Settings
    from ...jobs.progress import ProgressReport
    from ...runtime import Runtime

# the hosted API's speech model names → ours (any of ours is accepted as well)
SPEECH_MODEL_NAMES = {
    "universal": "whisper-base",
    "universal-2": "whisper-base",
    "universal-3-pro": "whisper-base",
    "slam-1": "whisper-base",
    "best": "whisper-base",
    "nano": "whisper-tiny.en",
}
SDK_SPEECH_MODELS = {"best", "nano", "slam-1", "universal"}  # the SDK's enum; others echo null

# the hosted API's summary types → our styles
SUMMARY_STYLES = {
    "bullets": "bullets",
    "bullets_verbose": "bullets",
    "gist": "headline",
    "headline": "headline",
    "paragraph": "paragraph",
}
CHAPTER_SECONDS = 300  # a chapter per ~5 minutes of speech
CHAPTER_SCHEMA = {
    "type": "object",
    "properties": {
        "headline": {"type": "string", "maxLength": 120},
        "gist": {"type": "string", "maxLength": 60},
        "summary": {"type": "string", "maxLength": 600},
    },
    "required": ["headline", "gist", "summary"],
}
CHAPTER_PROMPT = (
    "headline: one sentence naming what this part is about; gist: 3 to 6 words; "
    "summary: 2 or 3 sentences on what was said and decided."
)


def speech_model(request: dict[str, Any], local_path: Path | None) -> SpeechModelSpec:
    """The first installed model of the body's preference list: `speech_models`, else
    `speech_model`, else the default."""
    names = request.get("speech_models") or [request.get("speech_model") or "default"]
    ours = [SPEECH_MODEL_NAMES.get(name.strip().lower(), name) for name in names]
    return first_available(ours, local_path)


def transcript_plan(request: dict[str, Any], settings: Settings) -> TranscriptPlan:
    """A create body as a workflow plan; raises the caller's error for an unknown model."""
    speakers_expected = request.get("speakers_expected")
    bounds = request.get("speaker_options") or {}
    options = TranscriptionOptions(
        speaker_labels=bool(request.get("speaker_labels")) or speakers_expected is not None,
        speakers_expected=speakers_expected,
        min_speakers=bounds.get("min_speakers_expected"),
        max_speakers=bounds.get("max_speakers_expected"),
        language=request.get("language_code"),
        model=speech_model(request, settings.speech_model_path).name,
        keyterms=tuple(request.get("keyterms_prompt") or ()),
        punctuate=request.get("punctuate", True),
        format_text=request.get("format_text", True),
    )
    wants_extras = request.get("summarization") or request.get("auto_chapters")
    return TranscriptPlan(options, DeprecatedFeatures(request) if wants_extras else None)


class DeprecatedFeatures:
    """`summarization` (a summary in the transcript) and `auto_chapters`, from our summarizer."""

    def __init__(self, request: dict[str, Any]) -> None:
        self.request = request

    def __call__(
        self, runtime: Runtime, transcript: Transcript, progress: ProgressReport
    ) -> dict[str, Any]:
        extras: dict[str, Any] = {}
        if self.request.get("summarization"):
            extras["summary"] = self._summary(runtime, transcript, progress)
        if self.request.get("auto_chapters"):
            extras["chapters"] = self._chapters(runtime, transcript, progress)
        return extras

    def _summary(self, runtime: Runtime, transcript: Transcript, progress: ProgressReport) -> str:
        if not transcript.words:
            return ""
        style = SUMMARY_STYLES.get(self.request.get("summary_type") or "bullets", "bullets")
        if self.request.get("summary_model") == "conversational" and transcript.utterances:
            style = "conversational" if style == "bullets" else style
        return workflows.summarize(
            runtime, transcript, SummaryOptions(style=style), progress=progress
        ).text

    def _chapters(
        self, runtime: Runtime, transcript: Transcript, progress: ProgressReport
    ) -> list[dict[str, Any]]:
        chapters = []
        groups = chapter_groups(transcript.paragraphs(), transcript.audio_duration)
        for number, group in enumerate(groups):
            progress("chapters", number, len(groups))
            text = "\n\n".join(p.text for p in group)
            chapter = SummaryOptions(style="json", schema=CHAPTER_SCHEMA, prompt=CHAPTER_PROMPT)
            data = workflows.summarize(runtime, text, chapter).data
            chapters.append(
                {
                    "start": group[0].start,
                    "end": group[-1].end,
                    "headline": data["headline"],
                    "gist": data["gist"],
                    "summary": data["summary"],
                }
            )
        return chapters


def chapter_groups(paragraphs: list[Span], duration: float) -> list[list[Span]]:
    """Consecutive paragraphs in about equal stretches of ~5 minutes."""
    if not paragraphs:
        return []
    count = max(1, math.ceil(duration / CHAPTER_SECONDS))
    size = math.ceil(len(paragraphs) / count)
    return [paragraphs[i : i + size] for i in range(0, len(paragraphs), size)]
