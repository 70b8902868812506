"""Rich rendering of an Evaluation: one short section per check, problems first."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from .result import Evaluation


def _title(label: str, problems: int | None = None) -> Text:
    if problems is None:
        return Text(label, style="bold")
    style = "bold green" if problems == 0 else "bold red"
    return Text.assemble((label, "bold"), (f"  {problems} found" if problems else "  ok", style))


def _facts(evaluation: Evaluation) -> list[RenderableType]:
    report = evaluation.facts
    if report is None:
        return []
    total = len(report.found) + len(report.missing)
    parts: list[RenderableType] = [
        Text.assemble(
            ("Fact recall  ", "bold"), f"{report.recall:.0%} ({len(report.found)}/{total})"
        )
    ]
    table = Table(box=None, pad_edge=False, show_header=True)
    table.add_column("by", no_wrap=True)
    table.add_column("found", justify="right")
    table.add_column("recall", justify="right")
    for kind, tallies in (("type", report.by_type), ("where", report.by_where)):
        for key, tally in tallies.items():
            table.add_row(
                f"{kind} {key}", f"{tally['found']}/{tally['total']}", f"{tally['recall']:.0%}"
            )
    if table.rows:
        parts.append(table)
    if report.missing:
        parts.append(Text(f"  missing: {', '.join(report.missing)}"))
    for item in report.invented:
        parts.append(Text(f"  invented {item['id']}: {item['sentence']}", style="red"))
    for item in report.wrong_owner:
        parts.append(
            Text(
                f"  wrong owner {item['id']}: {item['sentence']} (credits "
                f"{', '.join(item['credited'])}; expected {' or '.join(item['expected'])})",
                style="red",
            )
        )
    if report.owner_missing:
        parts.append(Text(f"  owner not named: {', '.join(report.owner_missing)}"))
    if report.due_missing:
        parts.append(Text(f"  due date missing: {', '.join(report.due_missing)}"))
    return parts


def render(evaluation: Evaluation) -> RenderableType:
    parts: list[RenderableType] = []
    parts.append(_title("Unsupported names, numbers, dates", len(evaluation.unsupported)))
    for term in evaluation.unsupported:
        parts.append(Text(f"  {term.kind}: {term.text}"))
    parts.append(_title("Wrong owners", len(evaluation.wrong_owners)))
    for wrong in evaluation.wrong_owners:
        parts.append(
            Text(
                f"  {wrong.sentence}\n    credits {wrong.credited}, the source says "
                f'{wrong.expected}: "{wrong.evidence}"'
            )
        )
    parts.append(_title("Incomplete lines", len(evaluation.incomplete_lines)))
    for item in evaluation.incomplete_lines:
        parts.append(Text(f"  {item['line']}  ({item['why']})"))
    parts.append(
        Text.assemble(
            ("Length  ", "bold"),
            f"{evaluation.summary_words} of {evaluation.source_words} words "
            f"(ratio {evaluation.length_ratio:.3f})",
        )
    )
    if evaluation.rouge:
        parts.append(Text("ROUGE", style="bold"))
        for name, score in evaluation.rouge.items():
            parts.append(
                Text(
                    f"  {name:<7} P {score['precision']:.3f}  R {score['recall']:.3f}"
                    f"  F {score['fmeasure']:.3f}"
                )
            )
    parts.extend(_facts(evaluation))
    verdict = evaluation.judge
    if verdict is not None:
        state = ("accurate", "bold green") if verdict.accurate else ("not accurate", "bold red")
        parts.append(Text.assemble(("Judge  ", "bold"), state, f"  ({verdict.model})"))
        for item in verdict.hallucinations:
            parts.append(Text(f"  not supported: {item['sentence']}  ({item['why']})"))
        for fact in verdict.missing:
            parts.append(Text(f"  missing: {fact}"))
        parts.append(Text(f"  {verdict.note}", style="dim"))
    return Group(*parts)
