"""Evaluation: what every check found about one summary, as data and for the terminal."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..summarize.grounding import UnsupportedTerm
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
