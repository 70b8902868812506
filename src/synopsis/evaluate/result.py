"""Evaluation: what every check found about one summary, as data and for the terminal."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..summarize.grounding import UnsupportedTerm
from . import text
from .facts import FactReport
from .judge import Verdict
from .owners import WrongOwner


@dataclass
class Evaluation:
    """The checks of one summary against its source (and reference, facts, judge if given)."""

    unsupported: list[UnsupportedTerm] = field(default_factory=list)
    wrong_owners: list[WrongOwner] = field(default_factory=list)
    incomplete_lines: list[dict[str, Any]] = field(default_factory=list)
    length_ratio: float = 0.0
    source_words: int = 0
    summary_words: int = 0
    rouge: dict[str, dict[str, float]] | None = None
    facts: FactReport | None = None
    judge: Verdict | None = None

    @property
    def all_wrong_owners(self) -> list[str]:
        """Summary sentences with a wrong owner by either check (source or facts), once each."""
        sentences = [w.sentence for w in self.wrong_owners]
        if self.facts:
            sentences += [w["sentence"] for w in self.facts.wrong_owner]
        return list(dict.fromkeys(sentences))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: plain dicts, lists, numbers and strings."""
        return {
            "unsupported": [term.as_dict() for term in self.unsupported],
            "wrong_owners": [w.to_dict() for w in self.wrong_owners],
            "incomplete_lines": self.incomplete_lines,
            "length_ratio": round(self.length_ratio, 4),
            "source_words": self.source_words,
            "summary_words": self.summary_words,
            "rouge": self.rouge,
            "facts": self.facts.to_dict() if self.facts else None,
            "judge": self.judge.to_dict() if self.judge else None,
        }

    def line_problems(self, summary: str) -> list[dict[str, Any]]:
        """What the checks found, per line of `summary` (`summary.splitlines()` indexes), for a
        reader who wants the doubtful lines marked where they stand; lines with none are left out.
        """
        found = []
        for index, raw in enumerate(summary.splitlines()):
            line = text.clean(raw)
            if not line:
                continue
            lowered = line.lower()
            problems = [
                f"{term.kind} {term.text!r} is not in the source"
                for term in self.unsupported
                if term.text.lower() in lowered
            ]
            problems += [
                f"credits {wrong.credited}; the source says {wrong.expected}"
                for wrong in self.wrong_owners
                if wrong.sentence in line
            ]
            problems += [
                f"not a complete sentence: {cut['why']}"
                for cut in self.incomplete_lines
                if cut["line"] in line
            ]
            if problems:
                found.append({"line": index, "text": raw, "problems": problems})
        return found

    def to_text(self, width: int = 100) -> str:
        """The terminal rendering as plain text (for files and logs)."""
        from rich.console import Console

        from .render import render

        console = Console(width=width, record=True, file=_Discard(), color_system=None)
        console.print(render(self))
        return console.export_text()

    def __str__(self) -> str:
        return self.to_text()


class _Discard:
    def write(self, _: str) -> int:
        return 0

    def flush(self) -> None:
        pass
