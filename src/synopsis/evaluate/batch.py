"""Batch evaluation over a directory of cases, one row per summary.

A case is a directory with `source.txt`, `facts.json` (optional), `reference.md` (optional) and
the summaries to score: `summary*.md` and `broken_*.md`. Rows go to a Rich table, CSV and JSON.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rich.table import Table

from ..errors import InputError
from ..llm.registry import ModelRegistry
from .core import evaluate
from .facts import load_facts
from .owners import OwnerCheck
from .result import Evaluation

ProgressCallback = Callable[[str, int, int], None]
SUMMARY_PATTERNS = ("summary*.md", "broken_*.md")


@dataclass(frozen=True)
class Case:
    name: str
    source: Path
    facts: Path | None
    reference: Path | None
    summaries: list[Path]


@dataclass
class Row:
    """One summary's headline numbers (the columns of the table, CSV and JSON)."""

    case: str
    summary: str
    fact_recall: float | None
    invented: int | None
    wrong_owners: int
    unsupported: int
    incomplete: int
    rouge_l: float | None
    judge: str
    length_ratio: float

    @classmethod
    def of(cls, case: str, summary: str, evaluation: Evaluation) -> Row:
        facts = evaluation.facts
        verdict = evaluation.judge
        if verdict is None:
            judged = ""
        elif verdict.accurate:
            judged = "accurate"
        else:
            judged = f"not accurate ({len(verdict.hallucinations)} unsupported)"
        return cls(
            case=case,
            summary=summary,
            fact_recall=round(facts.recall, 4) if facts else None,
            invented=len(facts.invented) if facts else None,
            wrong_owners=len(evaluation.all_wrong_owners),
            unsupported=len(evaluation.unsupported),
            incomplete=len(evaluation.incomplete_lines),
            rouge_l=round(evaluation.rouge["rougeL"]["fmeasure"], 4) if evaluation.rouge else None,
            judge=judged,
            length_ratio=round(evaluation.length_ratio, 4),
        )


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc


def find_cases(root: Path) -> list[Case]:
    """Every case directory under `root` (itself included when it is one), sorted by name."""
    if not root.is_dir():
        raise InputError(f"cases directory {root}: no such directory")
    candidates = [root, *sorted(p for p in root.iterdir() if p.is_dir())]
    cases = []
    for directory in candidates:
        source = directory / "source.txt"
        if not source.is_file():
            continue
        summaries = sorted({p for pattern in SUMMARY_PATTERNS for p in directory.glob(pattern)})
        facts = directory / "facts.json"
        reference = directory / "reference.md"
        cases.append(
            Case(
                name=directory.name,
                source=source,
                facts=facts if facts.is_file() else None,
                reference=reference if reference.is_file() else None,
                summaries=summaries,
            )
        )
    if not cases:
        raise InputError(f"no cases in {root}: a case is a directory with a source.txt")
    return cases


def run_batch(
    root: Path,
    *,
    judge_model: str | None = None,
    registry: ModelRegistry | None = None,
    progress: ProgressCallback | None = None,
) -> list[tuple[Row, Evaluation]]:
    """Evaluate every summary of every case; progress stage "evaluating" counts summaries."""
    progress = progress or (lambda stage, done, total: None)
    cases = find_cases(root)
    total = sum(len(case.summaries) for case in cases)
    done = 0
    progress("evaluating", 0, total)
    results = []
    for case in cases:
        source = _read(case.source)
        facts = load_facts(case.facts) if case.facts else None
        reference = _read(case.reference) if case.reference else None
        owners = OwnerCheck(source)
        for path in case.summaries:
            evaluation = evaluate(
                source,
                _read(path),
                reference=reference,
                facts=facts,
                judge_model=judge_model,
                registry=registry,
                progress=progress,
                owners=owners,
            )
            results.append((Row.of(case.name, path.name, evaluation), evaluation))
            done += 1
            progress("evaluating", done, total)
    return results


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def table(rows: list[Row]) -> Table:
    """The terminal table: one row per summary."""
    columns = [
        ("case", "left"),
        ("summary", "left"),
        ("recall", "right"),
        ("invented", "right"),
        ("wrong owners", "right"),
        ("unsupported", "right"),
        ("incomplete", "right"),
        ("ROUGE-L F", "right"),
        ("judge", "left"),
        ("length", "right"),
    ]
    grid = Table(box=None, pad_edge=False)
    for name, justify in columns:
        grid.add_column(name, justify=justify)  # type: ignore[arg-type]
    for row in rows:
        grid.add_row(*(_cell(value) for value in asdict(row).values()))
    return grid


def to_csv(rows: list[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(Row.__dataclass_fields__))
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in asdict(row).items()})
    return buffer.getvalue()


def to_json(results: list[tuple[Row, Evaluation]]) -> str:
    """Rows with each summary's full evaluation beside them."""
    return json.dumps(
        [{**asdict(row), "evaluation": evaluation.to_dict()} for row, evaluation in results],
        ensure_ascii=False,
        indent=2,
    )
