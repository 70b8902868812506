"""SubRip (SRT) and WebVTT captions from a transcript's words.

Captions break at sentence ends, speaker changes and a character limit, so a line is readable on
screen and never spans two speakers.
"""

from __future__ import annotations

from .transcript import SENTENCE_END, Span, Transcript, Word

DEFAULT_CHARS_PER_CAPTION = 42


def caption_spans(transcript: Transcript, chars_per_caption: int | None = None) -> list[Span]:
    limit = chars_per_caption or DEFAULT_CHARS_PER_CAPTION
    spans: list[Span] = []
    current: list[Word] = []
    length = 0
    for word in transcript.words:
        if current and (word.speaker != current[-1].speaker or length + 1 + len(word.text) > limit):
            spans.append(Span.of(current))
            current, length = [], 0
        current.append(word)
        length += len(word.text) + (1 if length else 0)
        if word.text.endswith(SENTENCE_END):
            spans.append(Span.of(current))
            current, length = [], 0
    if current:
        spans.append(Span.of(current))
    return spans


def _timestamp(ms: int, separator: str) -> str:
    hours, rest = divmod(max(ms, 0), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


def _caption_text(span: Span, with_speakers: bool) -> str:
    return f"Speaker {span.speaker}: {span.text}" if with_speakers and span.speaker else span.text


def to_srt(transcript: Transcript, chars_per_caption: int | None = None) -> str:
    blocks = []
    for number, span in enumerate(caption_spans(transcript, chars_per_caption), start=1):
        timing = f"{_timestamp(span.start, ',')} --> {_timestamp(span.end, ',')}"
        text = _caption_text(span, transcript.speaker_labels)
        blocks.append(f"{number}\n{timing}\n{text}\n")
    return "\n".join(blocks)


def to_vtt(transcript: Transcript, chars_per_caption: int | None = None) -> str:
    blocks = ["WEBVTT\n"]
    for span in caption_spans(transcript, chars_per_caption):
        timing = f"{_timestamp(span.start, '.')} --> {_timestamp(span.end, '.')}"
        speaker = span.speaker if transcript.speaker_labels else None
        text = f"<v Speaker {speaker}>{span.text}" if speaker else span.text
        blocks.append(f"{timing}\n{text}\n")
    return "\n".join(blocks)
