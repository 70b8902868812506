"""What a transcript job does: find the audio, transcribe it, and fill the optional extras.

The job reads the validated create body stored with the row. The deprecated `summarization` and
`auto_chapters` options are served by our summarizer, so older client code keeps working.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import workflows
from ..errors import InputError
from ..fetch import parse_url
from ..speech.models import first_available, requested_names
from ..store.tables import TranscriptJob
from ..transcript import Span, Transcript
from ..workflows import SummaryOptions, TranscriptionOptions

if TYPE_CHECKING:
    from ..runtime import Runtime
from .progress import ProgressReport

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


class TranscriptionJob:
    """Callable for the worker pool: one transcript row in, the result document out."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.settings = runtime.settings

    def __call__(self, job: TranscriptJob) -> dict[str, Any]:
        request = job.request
        source = self._source(job)
        names = requested_names(request.get("speech_models"), request.get("speech_model"))
        spec = first_available(names, self.settings.speech_model_path)
        speakers_expected = request.get("speakers_expected")
        bounds = request.get("speaker_options") or {}
        owner = job.lease_owner or ""
        queue = self.runtime.transcript_jobs
        progress = ProgressReport(lambda state: queue.report_progress(job.id, owner, state))
        options = TranscriptionOptions(
            speaker_labels=bool(request.get("speaker_labels")) or speakers_expected is not None,
            speakers_expected=speakers_expected,
            min_speakers=bounds.get("min_speakers_expected"),
            max_speakers=bounds.get("max_speakers_expected"),
            language=request.get("language_code"),
            model=spec.name,
            keyterms=tuple(request.get("keyterms_prompt") or ()),
            punctuate=request.get("punctuate", True),
            format_text=request.get("format_text", True),
        )
        transcript = workflows.transcribe(
            self.runtime, source, options, progress=progress, name=job.audio_url
        )
        result = transcript.to_dict()
        if request.get("summarization"):
            result["summary"] = self._summary(transcript, request, progress)
        if request.get("auto_chapters"):
            result["chapters"] = self._chapters(transcript, progress)
        return result

    def _source(self, job: TranscriptJob) -> Path | str:
        """The caller's upload as a file, or the remote URL; never a path from the client."""
        if job.upload_id is None:
            parse_url(job.audio_url, "audio_url")  # rows stored by older versions, too
            return job.audio_url
        path = self.runtime.uploads.file(job.upload_id, job.key_id)
        if path is None:
            raise InputError("the uploaded file is no longer available")
        return path

    def _summary(
        self, transcript: Transcript, request: dict[str, Any], progress: ProgressReport
    ) -> str:
        if not transcript.words:
            return ""
        style = SUMMARY_STYLES.get(request.get("summary_type") or "bullets", "bullets")
        if request.get("summary_model") == "conversational" and transcript.utterances:
            style = "conversational" if style == "bullets" else style
        return workflows.summarize(
            self.runtime, transcript, SummaryOptions(style=style), progress=progress
        ).text

    def _chapters(self, transcript: Transcript, progress: ProgressReport) -> list[dict[str, Any]]:
        chapters = []
        groups = chapter_groups(transcript.paragraphs(), transcript.audio_duration)
        for number, group in enumerate(groups):
            progress("chapters", number, len(groups))
            text = "\n\n".join(p.text for p in group)
            chapter = SummaryOptions(style="json", schema=CHAPTER_SCHEMA, prompt=CHAPTER_PROMPT)
            data = workflows.summarize(self.runtime, text, chapter).data
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
