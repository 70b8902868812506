"""Where in the recording each summary line comes from: the transcript sentence that says it.

A summary line cites the sentence that shares the largest part of its content words, when that
part is large enough to be the same statement, so a reader can jump to the moment and hear it.
Lines with no such sentence (headings, a paragraph's connective prose) cite nothing rather than
a guess.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..transcript import Transcript
from . import text
from .owners import content_words

MIN_SHARED_WORDS = 2
MIN_SHARE = 0.4  # of the line's content words found in the sentence


@dataclass(frozen=True)
class Citation:
    line: int  # index into the summary's lines (`summary.splitlines()`)
    start: int  # milliseconds
    end: int
    speaker: str | None
    sentence: str

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def cite(summary: str, transcript: Transcript) -> list[Citation]:
    """The supporting moment of each summary line that has one, in line order."""
    sentences = [(span, content_words(span.text)) for span in transcript.sentences()]
    citations = []
    for index, raw in enumerate(summary.splitlines()):
        if not raw.strip() or text.is_heading(raw):
            continue
        words = content_words(text.clean(raw))
        if len(words) < MIN_SHARED_WORDS:
            continue
        best, shared = None, 0
        for span, span_words in sentences:
            overlap = len(words & span_words)
            if overlap > shared:
                best, shared = span, overlap
        if best is not None and shared >= MIN_SHARED_WORDS and shared / len(words) >= MIN_SHARE:
            citations.append(Citation(index, best.start, best.end, best.speaker, best.text))
    return citations
