"""The `Summary` every entry point returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..llm.base import Usage
from .grounding import UnsupportedTerm


@dataclass
class Summary:
    """A summary with the facts needed to trust and account for it.

    `text` is always set (for the json style it is the JSON document); `data` holds the parsed
    object for the json style. `unsupported` lists names, numbers and dates in the summary that
    the source does not contain: review those before relying on them. A transcript's summary made
    by `synopsis.workflows` has `citations`: per summary line, the moment it comes from
    (`{line, start, end, speaker, sentence}`, times in ms).
    """

    text: str
    style: str
    model: str
    chunks: int
    usage: Usage
    timings: dict[str, float] = field(default_factory=dict)
    data: Any = None
    unsupported: list[UnsupportedTerm] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    language: str = "en"  # the language the summary is written in (ISO 639-1)
    citations: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": self.text,
            "data": self.data,
            "style": self.style,
            "model": self.model,
            "chunks": self.chunks,
            "usage": self.usage.as_dict(),
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "unsupported": [term.as_dict() for term in self.unsupported],
            "warnings": self.warnings,
            "language": self.language,
            "citations": self.citations,
        }

    def __str__(self) -> str:
        return self.text
