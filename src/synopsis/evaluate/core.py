"""`evaluate()`: every check of one summary, deterministic ones always, the judge on request."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import InputError
from ..llm.registry import ModelRegistry, get_registry
from ..summarize.grounding import find_unsupported
from ..transcript import Transcript
from . import text
from .completeness import incomplete_lines
from .facts import check_facts, load_facts
from .judge import Judge, ProgressCallback
from .owners import OwnerCheck
from .result import Evaluation
from .rouge import rouge


def _allowed(summary: str) -> str:
    """Terms that are not claims: the summary's headings (spelled-out numbers of the source
    are known to the grounding check itself)."""
    return "\n".join(text.headings(summary))


def evaluate(
    source: str | Transcript,
    summary: str,
    *,
    reference: str | None = None,
    facts: dict[str, Any] | str | Path | None = None,
    judge_model: str | None = None,
    registry: ModelRegistry | None = None,
    progress: ProgressCallback | None = None,
    owners: OwnerCheck | None = None,
) -> Evaluation:
    """Check `summary` against `source`; see docs/evaluation.md for every field.

    With `judge_model` None no model is loaded: the checks are deterministic. `owners` lets a
    caller evaluating many summaries of one source reuse its parsed speaker sentences.
    """
    if isinstance(source, Transcript):
        source = source.labelled_text()
    if not isinstance(source, str) or not source.strip():
        raise InputError("there is no source to evaluate against: the source is empty")
    if not isinstance(summary, str):
        raise InputError("the summary must be text")
    fact_data = load_facts(facts) if facts is not None else None
    source_words = len(text.words(source))
    summary_words = len(text.words(summary))
    evaluation = Evaluation(
        unsupported=find_unsupported(summary, source, allowed=_allowed(summary)),
        wrong_owners=(owners or OwnerCheck(source)).check(summary),
        incomplete_lines=incomplete_lines(summary),
        length_ratio=summary_words / source_words if source_words else 0.0,
        source_words=source_words,
        summary_words=summary_words,
        rouge=rouge(summary, reference) if reference is not None else None,
        facts=check_facts(summary, fact_data) if fact_data is not None else None,
    )
    if judge_model is not None:
        registry = registry or get_registry()
        spec = registry.resolve(judge_model)
        judge = Judge(
            registry.backend(spec.name),
            registry.settings,
            embedded=spec.backend == "embedded",
            progress=progress,
        )
        evaluation.judge = judge.run(source.strip(), summary)
    return evaluation
