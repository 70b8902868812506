"""How a summary is cut into the units every check looks at: lines, then sentences.

Summaries come as bullets, headed sections or prose; a fact or a claim lives in one line or one
sentence of it. Bullet markers and Markdown emphasis are noise for matching, so they go.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..summarize.chunking import split_sentences

_BULLET = re.compile(r"^\s*(?:[-*•+]|\d+[.)])\s+")
_EMPHASIS = re.compile(r"\*\*|__|`")
_HEADING = re.compile(r"^\s*#+\s*|^\s*\*\*[^*]+\*\*\s*:?\s*$")
_WORDS = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# Section names a summary may put in front of a line ("Decisions: The launch is on May 2.").
SECTIONS = (
    "key points",
    "decisions",
    "action items",
    "who said what",
    "next steps",
    "tasks",
    "summary",
    "conclusion",
    "topic",
    "title",
    "subject",
)
_INLINE_SECTION = re.compile(r"^(" + "|".join(SECTIONS) + r")\s*:\s+(?=\S)", re.IGNORECASE)


@dataclass(frozen=True)
class Line:
    """One non-empty summary line without its bullet, under the section heading it follows."""

    text: str
    section: str  # the last heading seen, lowercased ("action items", "decisions", ...) or ""


def clean(text: str) -> str:
    """A line without bullet marker or Markdown emphasis, whitespace collapsed."""
    text = _EMPHASIS.sub("", _BULLET.sub("", text))
    return " ".join(text.split())


def is_heading(line: str) -> bool:
    """A Markdown heading, a bold-only line, or a short line ending with a colon."""
    if _HEADING.match(line):
        return True
    stripped = clean(line)
    return stripped.endswith(":") and len(stripped.rstrip(" :").split()) <= 4  # "Qui a dit quoi :"


def lines(summary: str) -> list[Line]:
    """The summary's content lines, each tagged with its section; headings themselves skipped."""
    found: list[Line] = []
    section = ""
    for raw in summary.splitlines():
        if not raw.strip():
            continue
        if is_heading(raw):
            section = clean(raw).lstrip("#").strip().rstrip(":").lower()
            continue
        text = clean(raw)
        inline = _INLINE_SECTION.match(text)
        if inline:
            found.append(Line(text[inline.end() :], inline.group(1).lower()))
        else:
            found.append(Line(text, section))
    return found


def headings(summary: str) -> list[str]:
    """The section headings of a summary: structure, not claims ("Kernpunkte:", "## Decisions")."""
    found = [clean(raw).lstrip("#").strip() for raw in summary.splitlines() if is_heading(raw)]
    for raw in summary.splitlines():
        inline = _INLINE_SECTION.match(clean(raw))
        if inline:
            found.append(inline.group(1))
    return found


def sentences(line: str) -> list[str]:
    """The sentences of one line (just the line when it is one sentence)."""
    return split_sentences(line) or [line]


def line_units(line: str) -> list[str]:
    """A line's sentences and, when it has several, the whole line too."""
    parts = sentences(line)
    return parts + [line] if len(parts) > 1 else parts


def units(summary: str) -> list[str]:
    """Every line and, for lines of several sentences, each sentence too: what facts match in."""
    return [unit for line in lines(summary) for unit in line_units(line.text)]


def words(text: str) -> list[str]:
    """Words in any script (letters and digits), for counts and length ratios."""
    return _WORDS.findall(text)
