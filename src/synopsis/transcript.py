"""The transcript: words with times and speakers, and the spans built from them.

Times are integer milliseconds and speakers are letters ("A", "B", …), as the transcript API
reports them, so `to_dict()` can be served as is. Sentences, paragraphs and utterances are all
`Span`s: a run of consecutive words with its own text, times and mean confidence.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any

SENTENCE_END = (".", "?", "!", "…", "。", "？", "！")
PARAGRAPH_PAUSE_MS = 1500
PARAGRAPH_MAX_WORDS = 120
_PUNCTUATION = re.compile(r"[^\w\s'%$€£-]|(?<!\w)-|-(?!\w)")


@dataclass(frozen=True)
class Word:
    text: str
    start: int
    end: int
    confidence: float
    speaker: str | None = None


@dataclass(frozen=True)
class Span:
    """An utterance, sentence or paragraph: consecutive words, one speaker where known."""

    text: str
    start: int
    end: int
    confidence: float
    words: tuple[Word, ...]
    speaker: str | None = None

    @classmethod
    def of(cls, words: list[Word] | tuple[Word, ...]) -> Span:
        return cls(
            text=join_words(words),
            start=words[0].start,
            end=words[-1].end,
            confidence=round(sum(w.confidence for w in words) / len(words), 4),
            words=tuple(words),
            speaker=words[0].speaker,
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["words"] = [asdict(word) for word in self.words]
        return data


def join_words(words: list[Word] | tuple[Word, ...]) -> str:
    return " ".join(word.text for word in words)


def _runs(words: list[Word], breaks_after) -> list[Span]:
    spans: list[Span] = []
    current: list[Word] = []
    for index, word in enumerate(words):
        current.append(word)
        following = words[index + 1] if index + 1 < len(words) else None
        if following is None or breaks_after(current, word, following):
            spans.append(Span.of(current))
            current = []
    return spans


@dataclass(frozen=True)
class Transcript:
    """What speech recognition and diarization found in one recording."""

    words: list[Word]
    audio_duration: float
    language_code: str | None = None
    language_confidence: float | None = None
    speech_model: str | None = None
    speaker_labels: bool = False
    utterances: list[Span] | None = field(default=None)
    warnings: list[str] = field(default_factory=list)  # e.g. the recording ends early

    @property
    def text(self) -> str:
        return join_words(self.words)

    @property
    def confidence(self) -> float | None:
        if not self.words:
            return None
        return round(sum(word.confidence for word in self.words) / len(self.words), 4)

    @property
    def speakers(self) -> list[str]:
        seen: dict[str, None] = {}
        for word in self.words:
            if word.speaker:
                seen.setdefault(word.speaker)
        return list(seen)

    def sentences(self) -> list[Span]:
        """Sentences end at terminal punctuation or where the speaker changes."""
        return _runs(
            self.words,
            lambda run, word, following: (
                word.text.endswith(SENTENCE_END) or following.speaker != word.speaker
            ),
        )

    def paragraphs(self) -> list[Span]:
        """Sentences grouped until a speaker change, a long pause, or ~120 words."""

        def breaks(run: list[Word], word: Word, following: Word) -> bool:
            if following.speaker != word.speaker:
                return True
            if not word.text.endswith(SENTENCE_END):
                return False
            return (
                following.start - word.end >= PARAGRAPH_PAUSE_MS or len(run) >= PARAGRAPH_MAX_WORDS
            )

        return _runs(self.words, breaks)

    def reformatted(self, punctuate: bool = True, format_text: bool = True) -> Transcript:
        """Without punctuation and/or casing, as the transcript API's `punctuate` and
        `format_text` options ask (Whisper writes both by default)."""
        if punctuate and format_text:
            return self
        words = []
        for word in self.words:
            text = word.text if punctuate else _PUNCTUATION.sub("", word.text) or word.text
            words.append(replace(word, text=text if format_text else text.lower()))
        utterances = utterances_of(words) if self.utterances is not None else None
        return replace(self, words=words, utterances=utterances)

    def labelled_text(self) -> str:
        """One line per utterance, `Speaker A: …`, or plain paragraphs without speaker labels."""
        if self.utterances:
            return "\n".join(f"Speaker {u.speaker}: {u.text}" for u in self.utterances)
        return "\n\n".join(paragraph.text for paragraph in self.paragraphs())

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Transcript:
        """The inverse of `to_dict` (for stored results)."""
        words = [Word(**word) for word in data.get("words") or []]
        utterances = None
        if data.get("utterances") is not None:
            utterances = utterances_of(words) if words else []
        return cls(
            words=words,
            audio_duration=float(data.get("audio_duration") or 0),
            language_code=data.get("language_code"),
            language_confidence=data.get("language_confidence"),
            speech_model=data.get("speech_model_used"),
            speaker_labels=bool(data.get("speaker_labels")),
            utterances=utterances,
            warnings=list(data.get("warnings") or []),
        )

    def to_dict(self) -> dict[str, Any]:
        """The transcript API's field names and types (integer ms, integer seconds)."""
        return {
            "text": self.text,
            "words": [asdict(word) for word in self.words],
            "utterances": (
                [u.to_dict() for u in self.utterances] if self.utterances is not None else None
            ),
            "confidence": self.confidence,
            "audio_duration": round(self.audio_duration),
            "language_code": self.language_code,
            "language_confidence": self.language_confidence,
            "speech_model_used": self.speech_model,
            "speaker_labels": self.speaker_labels,
            "warnings": self.warnings,
        }


def utterances_of(words: list[Word]) -> list[Span]:
    """Consecutive words of one speaker form an utterance."""
    return _runs(words, lambda run, word, following: following.speaker != word.speaker)
