"""Summary quality on the suite: every style and model vs the raw model with a plain prompt.

For every case in tests/fixtures/quality/ (source.txt, facts.json, reference.md), every style and
every model, `synopsis.summarize` writes a summary and `synopsis.evaluate` checks it (fact recall,
invented facts, wrong owners, unsupported terms, incomplete lines, length; the LLM judge only
with --judge-model). In the same run, the same model gets the source with a plain prompt through
the backend directly (the raw baseline; input cut from the end until it fits the context), and
that summary is evaluated the same way.

    python benches/quality.py [--cases a,b] [--styles bullets,paragraph] [--models default,fast]
        [--skip-long] [--no-baseline] [--judge-model NAME] [--out docs/quality.md] [--json FILE]
        [--resume FILE] [--report-only] [--cache DIR] [--skip case:style,...]

With --cache DIR, model completions are stored and replayed for prompts seen before (see
completion_cache.py): a change to the deterministic steps re-runs in minutes, and the time a
replayed call took when it was measured is counted in the row's seconds.

One line per run goes to stderr as it finishes; the Markdown report (and the JSON) is rewritten
after every run, so a run cut short still leaves its rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shlex
import subprocess
import sys
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

import synopsis
from synopsis.config import get_settings
from synopsis.llm.base import ChatBackend, GenerationOptions, count_prompt_tokens
from synopsis.llm.registry import get_registry

sys.path.insert(0, str(Path(__file__).resolve().parent))
from completion_cache import CompletionCache  # noqa: E402 - a sibling module of this script

ROOT = Path(__file__).resolve().parent.parent
CASES_DIR = ROOT / "tests/fixtures/quality"
STYLES = ("bullets", "paragraph", "headline", "conversational", "custom", "json")
CUSTOM_PROMPT = "Topic, Key points, Action items, Conclusion"
# The usual shape of a meeting summary as JSON: the facts files count key points as well as
# decisions and tasks, so a schema without key points would measure the schema, not the summary.
JSON_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "key_points": {"type": "array", "items": {"type": "string"}},
        "decisions": {"type": "array", "items": {"type": "string"}},
        "action_items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "owner": {"type": "string"},
                    "task": {"type": "string"},
                    "due": {"type": "string"},
                },
                "required": ["owner", "task", "due"],
            },
        },
    },
    "required": ["key_points", "decisions", "action_items"],
}
BASELINE = "raw baseline"
BASELINE_PROMPT = (
    "Summarize the following {noun} with key points, decisions and action items with owners:"
    "\n\n{text}"
)
BASELINE_MAX_TOKENS = 600
NO_RECALL = {"headline"}  # a headline cannot carry the facts: only what it gets wrong counts

console = Console(stderr=True, highlight=False, soft_wrap=True)  # one line per run, in logs too


# -- the suite --------------------------------------------------------------------------------


@dataclass
class Case:
    name: str
    source: str
    facts: dict[str, Any]
    reference: str | None
    words: int

    @property
    def noun(self) -> str:
        return "document" if "document" in self.facts.get("kind", "") else "meeting"


def load_cases(names: list[str] | None, skip_long: bool) -> list[Case]:
    cases = []
    for directory in sorted(p for p in CASES_DIR.iterdir() if (p / "source.txt").is_file()):
        if names and directory.name not in names:
            continue
        facts = json.loads((directory / "facts.json").read_text(encoding="utf-8"))
        if skip_long and any(f.get("where") for f in facts.get("facts", [])):
            continue  # the long case (facts placed at start/middle/end)
        source = (directory / "source.txt").read_text(encoding="utf-8")
        reference = directory / "reference.md"
        cases.append(
            Case(
                name=directory.name,
                source=source,
                facts=facts,
                reference=reference.read_text(encoding="utf-8") if reference.is_file() else None,
                words=len(source.split()),
            )
        )
    if names:
        unknown = set(names) - {c.name for c in cases}
        if unknown and not skip_long:
            raise SystemExit(f"unknown case(s): {', '.join(sorted(unknown))}")
    return cases


def style_options(style: str) -> dict[str, Any]:
    if style == "custom":
        return {"prompt": CUSTOM_PROMPT}
    if style == "json":
        return {"schema": JSON_SCHEMA}
    return {}


def render_json(data: Any) -> str:
    """The json style's data as lines the evaluator reads: key points, decisions, then
    "Owner: task (due)"."""
    if not isinstance(data, dict):
        return json.dumps(data, ensure_ascii=False)
    lines = ["Key points:"]
    for point in data.get("key_points") or []:
        lines.append(f"- {point}")
    lines.append("Decisions:")
    for decision in data.get("decisions") or []:
        lines.append(f"- {decision}")
    lines.append("Action items:")
    for item in data.get("action_items") or []:
        if not isinstance(item, dict):
            lines.append(f"- {item}")
            continue
        owner = (item.get("owner") or "").strip()
        task = (item.get("task") or "").strip()
        due = (item.get("due") or "").strip()
        line = f"{owner}: {task}" if owner else task
        lines.append(f"- {line} ({due})" if due else f"- {line}")
    return "\n".join(lines)


# -- one run ----------------------------------------------------------------------------------


@dataclass
class Row:
    case: str
    style: str  # a style, or BASELINE
    model: str  # the alias asked for (default, fast)
    model_name: str = ""
    recall: float | None = None
    by_type: dict[str, dict[str, float]] = field(default_factory=dict)
    by_where: dict[str, dict[str, float]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    invented: list[str] = field(default_factory=list)
    wrong_owner_facts: list[str] = field(default_factory=list)  # fact ids credited to another
    wrong_owner_source: int = 0  # deterministic check against the speaker-labelled source
    wrong_owners: int = 0  # summary sentences flagged by either check, once each
    wrong_owner_sentences: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)
    length_ratio: float = 0.0
    judge: str = ""
    seconds: float = 0.0
    seconds_per_1k_words: float = 0.0
    prompt_tokens: int = 0
    source_tokens: int = 0
    prompt_per_input_token: float = 0.0
    chunks: int = 0
    calls: int = 0
    note: str = ""
    error: str = ""
    summary: str = ""


def evaluate_into(row: Row, case: Case, summary_text: str, judge_model: str | None) -> None:
    evaluation = synopsis.evaluate(
        case.source,
        summary_text,
        reference=case.reference,
        facts=case.facts,
        judge_model=judge_model,
    )
    facts = evaluation.facts
    assert facts is not None
    if row.style not in NO_RECALL:
        row.recall = facts.recall
        row.by_type = facts.by_type
        row.by_where = facts.by_where
        row.missing = list(facts.missing)
    row.invented = [item["id"] for item in facts.invented]
    row.wrong_owner_facts = [item["id"] for item in facts.wrong_owner]
    row.wrong_owner_source = len(evaluation.wrong_owners)
    row.wrong_owner_sentences = evaluation.all_wrong_owners
    row.wrong_owners = len(row.wrong_owner_sentences)
    row.unsupported = [term.text for term in evaluation.unsupported]
    row.incomplete = [item.get("line", "") for item in evaluation.incomplete_lines]
    row.length_ratio = evaluation.length_ratio
    verdict = evaluation.judge
    if verdict is not None:
        row.judge = (
            "accurate"
            if verdict.accurate
            else f"not accurate ({len(verdict.hallucinations)} unsupported)"
        )


def fit_to_context(backend: ChatBackend, case: Case, max_tokens: int) -> tuple[str, int]:
    """The plain prompt with the source cut word by word from the end until it fits."""
    spans = [m.start() for m in re.finditer(r"\S+", case.source)]

    def prompt_for(keep: int) -> str:
        text = case.source if keep >= len(spans) else case.source[: spans[keep]].rstrip()
        return BASELINE_PROMPT.format(noun=case.noun, text=text)

    def needed(keep: int) -> int:
        messages = [{"role": "user", "content": prompt_for(keep)}]
        return count_prompt_tokens(backend, messages) + max_tokens

    keep = len(spans)
    budget = backend.context_size
    while keep > 0 and (size := needed(keep)) > budget:
        # Jump close to the fit in proportion, then go word by word (re-counting each time).
        over = size - budget
        keep -= max(1, int(keep * over / size * 0.95)) if over > 200 else 1
    return prompt_for(keep), keep


CACHE: CompletionCache | None = None  # set by --cache


def replayed_note(row: Row) -> None:
    """Count replayed calls' measured time in the row and say how many there were."""
    if CACHE is None:
        return
    calls, seconds = CACHE.take_replayed()
    if calls:
        row.seconds += seconds
        row.note = "; ".join(
            filter(None, [row.note, f"{calls} of {row.calls} model calls replayed from cache"])
        )


def run_pipeline(case: Case, style: str, model: str, judge_model: str | None) -> Row:
    registry = get_registry()
    backend = registry.backend(model)
    row = Row(case.name, style, model, model_name=backend.name)
    row.source_tokens = backend.count_tokens(case.source)
    try:
        started = time.perf_counter()
        summary = synopsis.summarize(case.source, style=style, model=model, **style_options(style))
        row.seconds = time.perf_counter() - started
        text = render_json(summary.data) if style == "json" else summary.text
        row.summary = text
        row.model_name = summary.model
        row.chunks = summary.chunks
        row.calls = summary.usage.calls
        row.prompt_tokens = summary.usage.prompt_tokens
        if summary.warnings:
            row.note = "; ".join(summary.warnings)
        replayed_note(row)
        evaluate_into(row, case, text, judge_model)
    except Exception as exc:  # noqa: BLE001 - a failed run is a row, not the end of the bench
        row.error = f"{type(exc).__name__}: {exc}"
        console.print(traceback.format_exc(), markup=False)
    finish_row(row, case)
    return row


def run_baseline(case: Case, model: str, judge_model: str | None) -> Row:
    registry = get_registry()
    backend = registry.backend(model)
    settings = get_settings()
    row = Row(case.name, BASELINE, model, model_name=backend.name)
    row.source_tokens = backend.count_tokens(case.source)
    try:
        prompt, kept = fit_to_context(backend, case, BASELINE_MAX_TOKENS)
        if kept < case.words:
            row.note = f"input cut to {kept:,} of {case.words:,} words"
        started = time.perf_counter()
        completion = backend.complete(
            [{"role": "user", "content": prompt}],
            GenerationOptions(max_tokens=BASELINE_MAX_TOKENS, seed=settings.llm_seed),
        )
        row.seconds = time.perf_counter() - started
        row.summary = completion.text.strip()
        row.chunks = 1
        row.calls = completion.usage.calls
        row.prompt_tokens = completion.usage.prompt_tokens
        if completion.finish_reason == "length":
            row.note = "; ".join(filter(None, [row.note, "hit max_tokens"]))
        replayed_note(row)
        evaluate_into(row, case, row.summary, judge_model)
    except Exception as exc:  # noqa: BLE001
        row.error = f"{type(exc).__name__}: {exc}"
        console.print(traceback.format_exc(), markup=False)
    finish_row(row, case)
    return row


def finish_row(row: Row, case: Case) -> None:
    row.seconds_per_1k_words = row.seconds / (case.words / 1000) if case.words else 0.0
    row.prompt_per_input_token = row.prompt_tokens / row.source_tokens if row.source_tokens else 0.0


# -- report -----------------------------------------------------------------------------------


def machine() -> str:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    settings = get_settings()
    return (
        f"{cores} cores ({cpu}), Python {platform.python_version()}, LLM threads "
        f"{settings.llm_threads}/{settings.llm_batch_threads}, context {settings.llm_context}"
    )


def code_state() -> str:
    def git(*args: str) -> str:
        try:
            out = subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=20
            )
            return out.stdout.rstrip("\n")
        except (OSError, subprocess.SubprocessError):
            return ""

    head = git("rev-parse", "--short", "HEAD").strip() or "unknown"
    changed = [line[3:] for line in git("status", "--porcelain", "--", "src").splitlines()]
    if not changed:
        return f"commit {head}, src/ clean"
    return f"commit {head} plus uncommitted changes in src/ ({', '.join(changed)})"


def _fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _part(tally: dict[str, dict[str, float]], key: str) -> str:
    item = tally.get(key)
    return f"{int(item['found'])}/{int(item['total'])}" if item else "—"


def _where(row: Row) -> str:
    if not row.by_where:
        return "—"
    return " ".join(_part(row.by_where, k) for k in ("start", "middle", "end"))


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _type_total(rows: list[Row], kind: str) -> str:
    found = sum(int(r.by_type.get(kind, {}).get("found", 0)) for r in rows)
    total = sum(int(r.by_type.get(kind, {}).get("total", 0)) for r in rows)
    return f"{found}/{total} ({found / total:.0%})" if total else "—"


VERDICT_RULE = (
    "A case is ahead when the pipeline's mean recall over its styles is higher than the "
    "baseline's, or the same (within 0.01) with fewer invented facts and wrong owners per run; "
    "behind when its recall is lower, or the same with more errors; else level."
)
SAME_RECALL = 0.01


def _errors(rows: list[Row]) -> float:
    return sum(len(r.invented) + r.wrong_owners for r in rows) / len(rows)


def _against_baseline(
    case: str, pipeline: list[Row], baseline: list[Row]
) -> tuple[str, str] | None:
    """The case's verdict (see VERDICT_RULE) and its table row; None without both measured."""
    base = [r for r in baseline if r.case == case and r.recall is not None and not r.error]
    styled = [r for r in pipeline if r.case == case and r.recall is not None and not r.error]
    if not base or not styled:
        return None
    recall = _mean([r.recall for r in styled]) or 0.0
    base_recall = base[0].recall or 0.0
    errors, base_errors = _errors(styled), _errors(base)
    if abs(recall - base_recall) >= SAME_RECALL:
        verdict = "ahead" if recall > base_recall else "behind"
    elif errors != base_errors:
        verdict = "ahead" if errors < base_errors else "behind"
    else:
        verdict = "level"
    row = (
        f"| `{case}` | {recall:.2f} | {errors:.2f} | {base_recall:.2f} | {base_errors:.0f} "
        f"| {verdict} |"
    )
    return verdict, row


def summary_rows(rows: list[Row], label: str) -> str:
    ok = [r for r in rows if not r.error]
    recall_rows = [r for r in ok if r.recall is not None]
    return (
        f"| {label} | {len(ok)}{f' (+{len(rows) - len(ok)} failed)' if len(ok) < len(rows) else ''}"
        f" | {_fmt(_mean([r.recall for r in recall_rows]))}"  # type: ignore[misc]
        f" | {_type_total(recall_rows, 'decision')} | {_type_total(recall_rows, 'action')}"
        f" | {_type_total(recall_rows, 'point')}"
        f" | {sum(len(r.invented) for r in ok)} | {sum(r.wrong_owners for r in ok)}"
        f" | {sum(len(r.unsupported) for r in ok)} | {sum(len(r.incomplete) for r in ok)}"
        f" | {_fmt(_mean([r.seconds_per_1k_words for r in ok]), 1)}"
        f" | {_fmt(_mean([r.prompt_per_input_token for r in ok]))} |"
    )


def write_report(
    path: Path,
    rows: list[Row],
    plan: list[tuple[str, str, str]],
    cases: list[Case],
    models: list[str],
    header: dict[str, str],
    done: bool,
) -> None:
    registry = get_registry()
    out = ["# Summary quality", ""]
    out.append(
        "Every case of the quality suite (`tests/fixtures/quality/`) summarized in each style by "
        "each model, then checked by `synopsis.evaluate` against the case's facts file "
        "(see [evaluation.md](evaluation.md) and the suite's "
        "[README](../tests/fixtures/quality/README.md)). The **raw baseline** is the same model "
        "in the same run, called directly with a plain prompt "
        f'("{BASELINE_PROMPT.splitlines()[0].format(noun="meeting")}" + the text, '
        f"at most {BASELINE_MAX_TOKENS} output tokens, input cut from the end to fit the context)."
    )
    out += ["", "```sh", header["command"], "```", ""]
    out.append(f"- Date: {header['date']} (started), last written {header['now']}")
    out.append(f"- Machine: {header['machine']} (shared with other work: times are indicative)")
    out.append(f"- Code: {header['code']}")
    if header.get("resumed"):
        out.append(f"- Resumed: {header['resumed']}")
    finished = {(r.case, r.style, r.model) for r in rows}
    left_out = set(header.get("skipped", []))
    missing = [p for p in plan if p not in finished and "/".join(p) not in left_out]
    status = "complete" if done and not missing else ("stopped" if done else "in progress")
    out.append(f"- Status: {len(rows)} of {len(plan)} runs measured ({status})")
    if left_out:
        out.append(f"- Left out with --skip: {len(left_out)} runs: {', '.join(sorted(left_out))}")
    if missing:
        out.append(
            f"- Not measured yet: {len(missing)} runs: "
            + ", ".join(f"{c}/{s}/{m}" for c, s, m in missing)
        )
    out += ["", "Cases (words by whitespace; tokens by each model's tokenizer):", ""]
    names = [registry.resolve(m).name for m in models]
    out.append(
        "| case | kind | language | words | " + " | ".join(f"tokens ({n})" for n in names) + " |"
    )
    out.append("|---|---|---|---|" + "---|" * len(names))
    for case in cases:
        tokens = []
        for model in models:
            measured = [r.source_tokens for r in rows if r.case == case.name and r.model == model]
            tokens.append(f"{measured[0]:,}" if measured else "—")
        out.append(
            f"| `{case.name}` | {case.facts.get('kind', '')} | {case.facts.get('language', '')} "
            f"| {case.words:,} | " + " | ".join(tokens) + " |"
        )

    out += ["", "## Summary per model", ""]
    out.append(
        "Recall is the mean over runs of the share of a case's facts found (headline runs are "
        "left out of recall and of the decision/action/point totals); invented, wrong owners, "
        "unsupported terms and incomplete lines are totals over runs; s/1k words and prompt "
        "tokens per input token are means."
    )
    for model in models:
        model_rows = [r for r in rows if r.model == model]
        if not model_rows:
            continue
        out += ["", f"### {model} ({registry.resolve(model).name})", ""]
        out.append(
            "| path | runs | mean recall | decisions | actions | points | invented | "
            "wrong owners | unsupported | incomplete | s/1k words | prompt tok/input tok |"
        )
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|")
        pipeline = [r for r in model_rows if r.style != BASELINE]
        if pipeline:
            out.append(summary_rows(pipeline, "**pipeline, all styles**"))
        baseline = [r for r in model_rows if r.style == BASELINE]
        if baseline:
            out.append(summary_rows(baseline, "**raw baseline**"))
        for style in STYLES:
            styled = [r for r in pipeline if r.style == style]
            if styled:
                out.append(summary_rows(styled, f"pipeline, {style}"))
        # Like with like: the pipeline's styles vs the baseline on the same cases.
        verdicts = [v for case in cases if (v := _against_baseline(case.name, pipeline, baseline))]
        if verdicts:
            counts = {word: sum(v[0] == word for v in verdicts) for word in ("ahead", "behind")}
            out += [
                "",
                f"Against the raw baseline, case by case: ahead on {counts['ahead']} of "
                f"{len(verdicts)} cases, behind on {counts['behind']}. {VERDICT_RULE}",
                "",
                "| case | pipeline recall | pipeline invented + wrong owners per run "
                "| baseline recall | baseline invented + wrong owners | verdict |",
                "|---|---|---|---|---|---|",
                *(v[1] for v in verdicts),
            ]

    # Per case: recall, invented/wrong owners per style and the baseline.
    out += ["", "## Per case", ""]
    out.append("Each cell: recall · invented/wrong owners (headline: invented/wrong owners only).")
    columns = [BASELINE] + [s for s in STYLES if any(r.style == s for r in rows)]
    out += ["", "| case | model | " + " | ".join(columns) + " |"]
    out.append("|---|---|" + "---|" * len(columns))
    for case in cases:
        for model in models:
            cells = []
            for style in columns:
                found = [r for r in rows if (r.case, r.style, r.model) == (case.name, style, model)]
                if not found:
                    cells.append("")
                elif found[0].error:
                    cells.append("error")
                else:
                    r = found[0]
                    recall = "" if r.recall is None else f"{r.recall:.2f} · "
                    cells.append(f"{recall}{len(r.invented)}/{r.wrong_owners}")
            if any(cells):
                out.append(f"| `{case.name}` | {model} | " + " | ".join(cells) + " |")

    out += ["", "## All runs", ""]
    out.append(
        "recall: share of the facts found; D/A/P: decisions, actions, points found; s/m/e: facts "
        "at start/middle/end (long case only); invented: absent facts found; wrong owners: "
        "summary sentences crediting the wrong person (facts file or source check, once each); "
        "length: summary words / source words; prompt/input: prompt tokens spent per source token."
    )
    out += [
        "",
        "| case | style | model | recall | D | A | P | s/m/e | invented | wrong owners | "
        "unsupported | incomplete | length | judge | s | s/1k words | prompt/input | note |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        if r.error:
            out.append(
                f"| `{r.case}` | {r.style} | {r.model} | error | | | | | | | | | | | "
                f"{r.seconds:.1f} | | | {_md(r.error)} |"
            )
            continue
        out.append(
            f"| `{r.case}` | {r.style} | {r.model} | {_fmt(r.recall)} "
            f"| {_part(r.by_type, 'decision')} | {_part(r.by_type, 'action')} "
            f"| {_part(r.by_type, 'point')} | {_where(r)} | {len(r.invented)} "
            f"| {r.wrong_owners} | {len(r.unsupported)} | {len(r.incomplete)} "
            f"| {r.length_ratio:.3f} | {r.judge or '—'} | {r.seconds:.1f} "
            f"| {r.seconds_per_1k_words:.1f} | {r.prompt_per_input_token:.2f} | {_md(r.note)} |"
        )

    flagged = [r for r in rows if r.invented or r.wrong_owner_sentences]
    if flagged:
        out += ["", "## What was invented or credited to the wrong person", ""]
        for r in flagged:
            parts = []
            if r.invented:
                parts.append("invented " + ", ".join(f"`{i}`" for i in r.invented))
            if r.wrong_owner_sentences:
                parts.append(
                    "wrong owner in " + "; ".join(f'"{_md(s)}"' for s in r.wrong_owner_sentences)
                )
            out.append(f"- `{r.case}` {r.style} {r.model}: " + "; ".join(parts))
    out.append("")
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text("\n".join(out), encoding="utf-8")
    tmp.replace(path)


def _md(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def write_json(path: Path, rows: list[Row], header: dict[str, str]) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(
        json.dumps({**header, "rows": [asdict(r) for r in rows]}, indent=1, ensure_ascii=False),
        encoding="utf-8",
    )
    tmp.replace(path)


# -- main -------------------------------------------------------------------------------------


def _list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=_list, default=None, help="comma-separated case names")
    parser.add_argument("--styles", type=_list, default=list(STYLES))
    parser.add_argument("--models", type=_list, default=["default", "fast"])
    parser.add_argument("--skip-long", action="store_true", help="leave out the 16k-word case")
    parser.add_argument("--baseline", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--judge-model", default=None, help="also run the LLM judge (slow)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs/quality.md")
    parser.add_argument("--json", type=Path, default=None, help="every row, with its summary")
    parser.add_argument(
        "--resume",
        type=Path,
        default=None,
        help="a --json file of an earlier run: its rows are kept and those runs are not repeated",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="with --resume: write the report from the earlier rows, run nothing",
    )
    parser.add_argument(
        "--skip",
        type=_list,
        default=[],
        help="runs to leave out, as case:style or case:style:model (comma-separated); the "
        "report lists them as not measured",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="store model completions here and replay them for prompts seen before",
    )
    args = parser.parse_args()
    unknown = [s for s in args.styles if s not in STYLES]
    if unknown:
        parser.error(f"unknown style(s) {', '.join(unknown)}; choose from {', '.join(STYLES)}")

    if args.report_only and not args.resume:
        parser.error("--report-only needs --resume FILE")
    cases = load_cases(args.cases, args.skip_long)
    registry = get_registry()
    for model in args.models:
        registry.resolve(model)  # unknown names fail before anything runs
    plan: list[tuple[str, str, str]] = []
    for case in cases:
        for model in args.models:
            if args.baseline:
                plan.append((case.name, BASELINE, model))
            plan += [(case.name, style, model) for style in args.styles]

    argv = [a if not a.startswith(str(ROOT)) else os.path.relpath(a, ROOT) for a in sys.argv[1:]]
    header = {
        "command": ".venv/bin/python benches/quality.py " + shlex.join(argv),
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "machine": machine(),
        "code": code_state(),
    }
    header["skipped"] = [
        f"{n}/{s}/{m}" for n, s, m in plan if f"{n}:{s}" in args.skip or f"{n}:{s}:{m}" in args.skip
    ]
    console.print(f"{header['machine']}\n{header['code']}")
    console.print(
        f"{len(cases)} cases, {len(args.models)} models, styles {', '.join(args.styles)}"
        f"{', baseline' if args.baseline else ''}: {len(plan)} runs"
    )
    for model in [] if args.report_only else args.models:
        started = time.perf_counter()
        backend = registry.backend(model)
        warm_up = getattr(backend, "warm_up", None)
        if warm_up:
            warm_up()
        console.print(f"loaded {backend.name} in {time.perf_counter() - started:.1f} s")
    if args.cache and not args.report_only:
        global CACHE
        CACHE = CompletionCache(args.cache)
        for model in args.models:
            CACHE.wrap(registry.backend(model))

    rows: list[Row] = []
    if args.resume:
        earlier = json.loads(args.resume.read_text(encoding="utf-8"))
        wanted = set(plan)
        rows = [Row(**r) for r in earlier["rows"] if (r["case"], r["style"], r["model"]) in wanted]
        header["resumed"] = (
            f"{len(rows)} rows kept from the run started {earlier.get('date', '?')} "
            f"(`{earlier.get('command', '?')}`, {earlier.get('code', '?')})"
        )
        console.print(f"resuming: {header['resumed']}")
        if args.report_only:  # the report of that run as it stands, not of a new one
            header.update({k: earlier[k] for k in ("command", "date", "code") if k in earlier})
            del header["resumed"]
    already = {(r.case, r.style, r.model) for r in rows}
    by_name = {c.name: c for c in cases}
    args.out.parent.mkdir(parents=True, exist_ok=True)

    def save(done: bool) -> None:
        header["now"] = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
        write_report(args.out, rows, plan, cases, args.models, header, done)
        if args.json:
            write_json(args.json, rows, header)

    save(False)
    bench_started = time.perf_counter()
    try:
        for i, (name, style, model) in enumerate(plan, 1):
            if (name, style, model) in already or args.report_only:
                continue
            if f"{name}:{style}" in args.skip or f"{name}:{style}:{model}" in args.skip:
                continue
            case = by_name[name]
            if CACHE is not None:
                CACHE.take_replayed()  # only this run's replays count in its row
            if style == BASELINE:
                row = run_baseline(case, model, args.judge_model)
            else:
                row = run_pipeline(case, style, model, args.judge_model)
            rows.append(row)
            save(False)
            elapsed = time.perf_counter() - bench_started
            if row.error:
                result = f"[red]error[/red] {escape(row.error)}"
            else:
                recall = "" if row.recall is None else f"recall {row.recall:.2f}  "
                result = (
                    f"{recall}invented {len(row.invented)}  wrong owners {row.wrong_owners}  "
                    f"unsupported {len(row.unsupported)}  incomplete {len(row.incomplete)}  "
                    f"length {row.length_ratio:.3f}{'  judge ' + row.judge if row.judge else ''}"
                )
            console.print(
                f"\\[{i}/{len(plan)} {elapsed / 60:5.1f} min] {name} {style} {model}: "
                f"{result}  {row.seconds:.1f} s ({row.seconds_per_1k_words:.1f} s/1k words, "
                f"{row.prompt_per_input_token:.2f} prompt tok/input tok)",
                markup=True,
            )
    finally:
        save(True)
    console.print(f"wrote {args.out}" + (f" and {args.json}" if args.json else ""))


if __name__ == "__main__":
    main()
