"""Synopsis: self-hosted summaries of text, audio and video.

>>> import synopsis
>>> summary = synopsis.summarize(open("meeting.txt").read(), style="bullets")
>>> print(summary.text, summary.model, summary.unsupported)
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
from .summarize import STYLES, Summary, summarize

__version__ = "0.1.0"

__all__ = [
    "STYLES",
    "BackendError",
    "ContextLengthError",
    "FetchError",
    "InputError",
    "ModelUnavailableError",
    "OutputValidationError",
    "SchemaError",
    "Summary",
    "SynopsisError",
    "UnknownModelError",
    "summarize",
]
