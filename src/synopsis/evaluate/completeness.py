"""Summary lines that are not complete sentences, with the reason (the rule itself is
`summarize.completeness`, which the summarizer obeys too)."""

from __future__ import annotations

from typing import Any

from ..summarize.completeness import is_title_section, problem
from . import text


def incomplete_lines(summary: str) -> list[dict[str, Any]]:
    """Each summary line that is not a complete sentence, with the reason."""
    found = []
    for line in text.lines(summary):
        why = problem(line.text, title=is_title_section(line.section))
        if why:
            found.append({"line": line.text, "why": why})
    return found
