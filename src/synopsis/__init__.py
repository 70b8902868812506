"""Synopsis: self-hosted summaries of text, audio and video.

>>> import synopsis
>>> summary = synopsis.summarize(open("meeting.txt").read(), style="bullets")
>>> print(summary.text, summary.model, summary.unsupported)
>>> transcript = synopsis.transcribe("meeting.mp4", speaker_labels=True)
>>> print(synopsis.summarize(transcript, style="conversational").text)
>>> print(synopsis.evaluate(source_text, summary.text, facts="facts.json").to_text())
"""

from .errors import (
    BackendError,
    ContextLengthError,
    FetchError,
    InputError,
    ModelUnavailableError,
    OutputValidationError,
    SchemaError,
    SynopsisError,
    UnknownModelError,
)
from .evaluate import Evaluation, evaluate
from .media import MediaError
from .speech import transcribe
from .summarize import STYLES, Summary, summarize
from .transcript import Span, Transcript, Word

__version__ = "0.1.0"

__all__ = [
    "STYLES",
    "BackendError",
    "ContextLengthError",
    "Evaluation",
    "FetchError",
    "InputError",
    "MediaError",
    "ModelUnavailableError",
    "OutputValidationError",
    "SchemaError",
    "Span",
    "Summary",
    "SynopsisError",
    "Transcript",
    "UnknownModelError",
    "Word",
    "evaluate",
    "summarize",
    "transcribe",
]
