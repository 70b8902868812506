"""Token-aware splitting of long text into chunks that each fit one model call.

Boundaries prefer speaker turns, then paragraphs, then sentences; a single sentence longer than
a chunk is cut between words as a last resort. Chunks are balanced (a 2.1-chunk document becomes
three similar chunks, not two full ones and a scrap), which keeps each map call's quality even.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

TokenCounter = Callable[[str], int]

# "A: …", "Speaker B: …", "Alice: …", "Dr. Jane Roe: …" at the start of a line.
SPEAKER_LINE = re.compile(
    r"^\s*(?:Speaker\s+[A-Z0-9]{1,3}|[A-ZÀ-ÖØ-Þ][\w.'-]*(?:\s+[A-ZÀ-ÖØ-Þ][\w.'-]*){0,3})\s*:\s+\S"
)
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9À-ÖØ-Þ])")
# "am 10. Juni", "le 3. Mai": a German-style day number's period ends no sentence.
_DAY_BEFORE_MONTH = re.compile(
    r"(?<!\S)\d{1,2}\.\s+(?=(?:Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September"
    r"|Oktober|November|Dezember)\b)"
)


def has_speaker_turns(text: str) -> bool:
    """True when most non-empty lines start with a speaker label."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        return False
    labelled = sum(1 for line in lines if SPEAKER_LINE.match(line))
    return labelled >= max(2, 0.6 * len(lines))


def split_sentences(text: str) -> list[str]:
    """Sentences of a text, each stripped; keeps the original characters of every sentence."""
    sentences: list[str] = []
    for block in re.split(r"\n\s*\n|\n(?=\s*[-*•]\s)", text):
        block = block.strip()
        if block:
            sentences.extend(s.strip() for s in _split_block(block) if s.strip())
    return sentences


_TITLE = re.compile(r"(?<![\w.])(?:Mr|Mrs|Ms|Dr|Prof|St|Mt|Jr|Sr|vs|etc|approx|e\.g|i\.e|ca)\.\s+")


def _split_block(block: str) -> list[str]:
    keep = {m.end() for m in _DAY_BEFORE_MONTH.finditer(block)}
    keep |= {m.end() for m in _TITLE.finditer(block)}  # "Ms. Lindgren" is one sentence
    parts, start = [], 0
    for end in _SENTENCE_END.finditer(block):
        if end.end() not in keep:
            parts.append(block[start : end.start()])
            start = end.end()
    return [*parts, block[start:]]


def speaker_turns(text: str) -> list[str]:
    """Each speaker turn as one string ("Name: …"), continuation lines folded in."""
    turns: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if SPEAKER_LINE.match(line) or not turns:
            turns.append(line.strip())
        else:
            turns[-1] += "\n" + line.strip()
    return turns


def _units(text: str) -> tuple[list[str], str]:
    """The coarsest natural units and their joiner: speaker turns if any, else paragraphs."""
    if has_speaker_turns(text):
        return speaker_turns(text), "\n"
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()], "\n\n"


def _split_to_fit(unit: str, budget: int, count: TokenCounter) -> list[str]:
    """Break one oversized unit into sentence runs, then word runs, each within budget."""
    pieces: list[str] = []
    for sentence in split_sentences(unit) or [unit]:
        if count(sentence) <= budget:
            pieces.append(sentence)
            continue
        words = sentence.split()
        per_piece = max(1, len(words) * budget // (count(sentence) + 1))
        pieces.extend(" ".join(words[i : i + per_piece]) for i in range(0, len(words), per_piece))
    return pieces


def chunk_text(text: str, budget: int, count: TokenCounter) -> list[str]:
    """Split `text` into balanced chunks of at most `budget` tokens each."""
    if budget < 16:
        raise ValueError(f"chunk budget of {budget} tokens is too small to hold any text")
    units, joiner = _units(text)
    pieces: list[tuple[str, int]] = []
    for unit in units:
        tokens = count(unit)
        if tokens <= budget:
            pieces.append((unit, tokens))
        else:
            pieces.extend((p, count(p)) for p in _split_to_fit(unit, budget, count))
    total = sum(tokens + 2 for _, tokens in pieces)  # +2 tokens per piece for the joiner
    if total <= budget:
        return [joiner.join(p for p, _ in pieces)] if pieces else []
    target = math.ceil(total / math.ceil(total / budget))
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for piece, tokens in pieces:
        if current and (size + tokens + 2 > budget or size >= target):
            chunks.append(joiner.join(current))
            current, size = [], 0
        current.append(piece)
        size += tokens + 2
    if current:
        chunks.append(joiner.join(current))
    return chunks
