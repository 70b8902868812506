"""`synopsis eval`: deterministic checks, ROUGE equal to rouge-score, the judge's shape, the CLI."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from rouge_score import rouge_scorer

import synopsis
from synopsis.config import Settings
from synopsis.errors import InputError
from synopsis.evaluate import check_facts, core, evaluate, rouge
from synopsis.evaluate.completeness import incomplete_lines
from synopsis.evaluate.judge import NOT_SUPPORTED, Judge
from synopsis.llm.base import Completion, GenerationOptions, Usage

QUALITY = Path(__file__).parent / "fixtures" / "quality"

SOURCE = """Tom: Good morning. Let's go through the launch plan.
Ravi: I'll ask finance to approve the 20,000 budget.
Tom: I will send the notes by Friday.
Ravi: The design review moves to Thursday.
Tom: Agreed, Thursday it is.
Ravi: Thanks everyone."""
BROKEN = """Decisions: The 20,000 budget was approved.
Action items: Ravi: send the notes by Friday"""
FAITHFUL = """Decisions:
- The design review moves to Thursday.
Action items:
- Ravi: Ask finance to approve the 20,000 budget.
- Tom: Send the notes (due Friday)."""
FACTS = {
    "case": "inline",
    "people": ["Tom", "Ravi"],
    "facts": [
        {
            "id": "notes",
            "type": "action",
            "phrases": [["notes"], ["send"]],
            "owner": ["Tom"],
            "due": ["friday"],
            "where": "middle",
        },
        {"id": "ask-finance", "type": "action", "phrases": [["finance"]], "owner": ["Ravi"]},
        {"id": "review", "type": "decision", "phrases": [["review"], ["thursday"]], "where": "end"},
    ],
    "absent": [
        {
            "id": "budget-approved",
            "type": "decision",
            "phrases": [["20,000", "20k"], ["approved"]],
            "why": "Ravi only asks finance to approve it",
        }
    ],
}

ROUGE_PAIRS = [
    ("The launch moves to March 14.", "We decided to move the launch to March 14."),
    (
        "Priya sends the beta invites by Friday. Marcus updates the pricing page.",
        "Priya will send beta invites to 200 customers by Friday; Marcus updates pricing.",
    ),
    ("Budget capped at 48,500 dollars, don't overspend!", "The ad budget is capped at $48,500."),
    ("Nothing in common here", "Entirely different words"),
]


@pytest.mark.parametrize(("summary", "reference"), ROUGE_PAIRS)
def test_rouge_equals_rouge_score(summary, reference):
    ours = evaluate(reference, summary, reference=reference).rouge
    theirs = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=False).score(
        reference, summary
    )
    for name, score in theirs.items():
        assert ours[name]["precision"] == pytest.approx(score.precision)
        assert ours[name]["recall"] == pytest.approx(score.recall)
        assert ours[name]["fmeasure"] == pytest.approx(score.fmeasure)


def test_rouge_keeps_letters_of_every_script():
    scores = rouge("Der Start wird verschoben", "Der Start wird auf Juni verschoben")
    assert scores["rouge1"]["precision"] == 1.0  # rouge-score's default would drop nothing here,
    assert rouge("Ärger über Öl", "Ärger über Öl")["rouge1"]["fmeasure"] == 1.0  # nor score this
    assert rouge("会议", "会议")["rougeL"]["fmeasure"] == 1.0


def test_broken_summary_is_flagged():
    result = evaluate(SOURCE, BROKEN, facts=FACTS)
    assert [item["id"] for item in result.facts.invented] == ["budget-approved"]
    assert [item["id"] for item in result.facts.wrong_owner] == ["notes"]
    assert result.facts.missing == ["ask-finance", "review"]
    (wrong,) = result.wrong_owners  # from the transcript alone, without the facts file
    assert (wrong.credited, wrong.expected) == ("Ravi", "Tom")
    assert wrong.evidence == "Tom: I will send the notes by Friday."


def test_a_section_scoped_absent_fact_counts_only_where_it_is_claimed():
    facts = {
        "facts": [],
        "absent": [
            {
                "id": "autoclave-decided",
                "type": "decision",
                "section": ["decisions"],
                "phrases": [["autoclave"]],
            },
        ],
    }
    status = "The new autoclave works again since Monday."
    fine = f"Key points:\n- {status}\n\nDecisions:\n- Flu clinics are appointment-only."
    wrong = f"Key points:\n- Flu clinics are appointment-only.\n\nDecisions:\n- {status}"
    assert check_facts(fine, facts).invented == []
    assert [i["id"] for i in check_facts(wrong, facts).invented] == ["autoclave-decided"]
    # Prose has no headings: the sentence must state it as a decision.
    assert check_facts(status, facts).invented == []
    claimed = "The team decided to keep the new autoclave."
    assert [i["sentence"] for i in check_facts(claimed, facts).invented] == [claimed]


def test_faithful_summary_passes():
    result = evaluate(SOURCE, FAITHFUL, facts=FACTS, reference=FAITHFUL)
    assert result.wrong_owners == []
    assert result.unsupported == []
    assert result.incomplete_lines == []
    assert result.facts.recall == 1.0
    assert result.facts.invented == [] and result.facts.wrong_owner == []
    assert result.facts.due_missing == [] and result.facts.owner_missing == []
    assert result.rouge["rougeL"]["fmeasure"] == 1.0
    assert result.judge is None


def test_said_and_proposed_belong_to_the_speaker():
    wrong = evaluate(SOURCE, "Tom proposed moving the design review to Thursday.").wrong_owners
    assert [(w.credited, w.expected) for w in wrong] == [("Tom", "Ravi")]
    assert evaluate(SOURCE, "Ravi said the design review moves to Thursday.").wrong_owners == []
    # no source sentence matches: nothing to flag
    assert evaluate(SOURCE, "Tom proposed a new logo.").wrong_owners == []


def test_addressed_and_named_owners():
    source = (
        "Dana: Priya, please send the beta invites by Friday.\n"
        "Marcus: Maria from legal should finish the privacy review.\n"
        "Priya: Sure."
    )
    summary = (
        "Action items:\n- Dana: send the beta invites (due Friday)\n"
        "- Maria: finish the privacy review"
    )
    wrong = evaluate(source, summary).wrong_owners
    assert [(w.credited, w.expected) for w in wrong] == [("Dana", "Priya")]


def test_fact_owner_and_due_semantics():
    facts = {
        "people": ["Tom", "Ravi"],
        "facts": [
            {
                "id": "notes",
                "type": "action",
                "phrases": [["notes"]],
                "owner": ["Tom"],
                "due": ["friday"],
            },
            {"id": "review", "type": "decision", "phrases": [["review"]], "where": "end"},
            {"id": "logo", "type": "decision", "phrases": [["logo"]], "where": "start"},
        ],
    }
    # a fact split across two sentences is not found; owner named nowhere; due missing
    report = check_facts("Someone sends the notes. The review is Thursday.", facts)
    assert report.found == ["notes", "review"] and report.missing == ["logo"]
    assert report.owner_missing == ["notes"] and report.due_missing == ["notes"]
    assert report.by_where == {
        "end": {"found": 1, "total": 1, "recall": 1.0},
        "start": {"found": 0, "total": 1, "recall": 0.0},
    }
    assert report.by_type["action"]["recall"] == 1.0
    split = check_facts(
        "Tom sends the\nnotes", {"facts": [{"id": "x", "phrases": [["tom"], ["notes"]]}]}
    )
    assert split.missing == ["x"]


def test_a_task_credited_to_another_is_a_wrong_owner_even_when_listed_rightly():
    facts = {
        "people": ["Tom", "Ravi", "Ana"],
        "facts": [{"id": "notes", "type": "action", "phrases": [["notes"]], "owner": ["Tom"]}],
    }
    # right under Action items, wrong in a key point: the reader meets both
    report = check_facts("- Ravi sent the notes already.\n- Tom: send the notes", facts)
    assert [(w["id"], w["credited"]) for w in report.wrong_owner] == [("notes", ["Ravi"])]
    # naming who asked for it, or a sentence about several people, credits nobody else
    for fine in ("- Ravi asked for the notes.", "- Ravi and Ana will read the notes."):
        assert check_facts(f"{fine}\n- Tom: send the notes", facts).wrong_owner == []


def test_facts_file_errors_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        evaluate(SOURCE, BROKEN, facts=tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"facts": [{"id": "x"}]}))
    with pytest.raises(InputError, match="'phrases' is a required property"):
        evaluate(SOURCE, BROKEN, facts=bad)


def test_incomplete_lines():
    summary = (
        "Key points:\n- The team discussed the budget and\n- The launch moves to March 14.\n"
        "- Pricing was reviewed, but...\n- Budget for the marketing of the new product\n"
        "- Priya: send the invites (due Friday)\n- Der Start wird auf den 10. Juni verschoben."
    )
    found = {item["line"]: item["why"] for item in incomplete_lines(summary)}
    assert found == {
        "The team discussed the budget and": "ends with the dangling word 'and'",
        "Pricing was reviewed, but...": "cut off with an ellipsis",
        "Budget for the marketing of the new product": "no verb",
    }
    # an empty bullet or a bare "**" (a small model's stray markup) is no crash
    assert incomplete_lines("- \n**\n- The launch moves to March 14.") == []
    # a phrase that ends with its preposition is complete
    assert incomplete_lines("- Mireille: Use that date everywhere from now on\n- Log it in") == []
    # a title asked for is a title, but still not cut off
    titled = (
        "**Topic:** Device farm overage and the audit\nTitle: The planning of the summer fair and"
    )
    assert [item["line"] for item in incomplete_lines(titled)] == [
        "The planning of the summer fair and"
    ]


def test_no_model_is_loaded_without_a_judge(monkeypatch):
    def refuse():
        raise AssertionError("the deterministic checks must not touch the model registry")

    monkeypatch.setattr(core, "get_registry", refuse)
    result = synopsis.evaluate(SOURCE, BROKEN)
    assert result.length_ratio == pytest.approx(result.summary_words / result.source_words)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["judge"] is None and data["rouge"] is None and data["facts"] is None
    assert "Wrong owners" in result.to_text()


class ScriptedBackend:
    """A judge that answers from a script; counts a token per word."""

    name = "scripted"
    context_size = 1200
    max_concurrency = 1

    def __init__(self, answers):
        self.answers = list(answers)
        self.prompts: list[str] = []

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def complete(self, messages, options: GenerationOptions) -> Completion:
        assert options.json_schema is not None
        self.prompts.append(messages[-1]["content"])
        return Completion(json.dumps(self.answers.pop(0)), self.name, Usage(10, 5, 1))


def scripted_judge(backend: ScriptedBackend) -> Judge:
    return Judge(backend, Settings(), embedded=False)


class ChunkReader(ScriptedBackend):
    """Answers from what its chunk of the source says."""

    def complete(self, messages, options: GenerationOptions) -> Completion:
        prompt = messages[-1]["content"]
        chunk = prompt.split("<source>")[1].split("</source>")[0]
        answer = {"supported": [], "contradicted": [], "missing": []}
        if "March 14" in chunk:
            answer["supported"] = [1]
            answer["missing"] = ["The budget was only asked for."]
        if "Paragraph 0" in chunk:
            answer["supported"] = [3]
            answer["contradicted"] = [{"sentence": 2, "why": "only a request"}]
            answer["missing"] = ["the budget was only asked for. "]
        self.answers = [answer]
        return super().complete(messages, options)


def test_long_sources_are_judged_chunk_wise():
    source = "\n\n".join(f"Paragraph {i}: " + " ".join(["filler"] * 150) for i in range(6))
    source += "\n\nThe launch moves to March 14."
    summary = "The launch moves to March 14. The budget was approved. Priya sends invites."
    backend = ChunkReader([])
    verdict = scripted_judge(backend).run(source, summary)
    assert verdict.chunks == len(backend.prompts) > 1
    chunks = [p.split("<source>")[1].split("</source>")[0] for p in backend.prompts]
    assert "".join(chunks).count("filler") == 900  # nothing cut
    assert verdict.hallucinations == [
        {"sentence": "The budget was approved.", "why": "only a request"}
    ]
    assert [m.lower() for m in verdict.missing] == ["the budget was only asked for."]  # once
    assert verdict.accurate is False
    assert "7B+" in verdict.note
    assert verdict.usage.calls == verdict.chunks


def test_unsupported_everywhere_is_a_hallucination():
    backend = ScriptedBackend([{"supported": [1], "contradicted": [], "missing": []}])
    verdict = scripted_judge(backend).run("Tom: hi.", "Tom said hi. Ravi left.")
    assert verdict.hallucinations == [{"sentence": "Ravi left.", "why": NOT_SUPPORTED}]


VERDICT_SCHEMA = {
    "type": "object",
    "required": ["model", "hallucinations", "accurate", "missing", "note"],
    "properties": {
        "model": {"type": "string", "minLength": 1},
        "hallucinations": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["sentence", "why"],
                "properties": {"sentence": {"type": "string"}, "why": {"type": "string"}},
            },
        },
        "accurate": {"type": "boolean"},
        "missing": {"type": "array", "items": {"type": "string"}},
        "note": {"type": "string", "pattern": "7B"},
    },
}


def test_fast_model_judges(registry):
    result = evaluate(
        "Tom: I will send the notes by Friday.\nRavi: The review moves to Thursday.",
        "Tom will send the notes by Friday. The budget was approved.",
        judge_model="fast",
        registry=registry,
    )
    verdict = result.to_dict()["judge"]
    jsonschema.validate(verdict, VERDICT_SCHEMA)
    assert verdict["model"] == registry.resolve("fast").name
    assert verdict["chunks"] == 1


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "synopsis", "eval", *args],
        capture_output=True,
        env={**os.environ, "COLUMNS": "200"},
        timeout=300,
    )


def write_case(root: Path, name: str, summaries: dict[str, str]) -> Path:
    case = root / name
    case.mkdir(parents=True)
    (case / "source.txt").write_text(SOURCE)
    (case / "facts.json").write_text(json.dumps(FACTS))
    (case / "reference.md").write_text(FAITHFUL)
    for file, text in summaries.items():
        (case / file).write_text(text)
    return case


def test_cli_text_and_json(tmp_path):
    case = write_case(tmp_path, "one", {"summary.md": BROKEN})
    paths = ["--source", str(case / "source.txt"), "--summary", str(case / "summary.md")]
    paths += ["--facts", str(case / "facts.json"), "--reference", str(case / "reference.md")]
    text = run(*paths)
    assert text.returncode == 0, text.stderr.decode()
    out = text.stdout.decode()
    assert "Wrong owners  1 found" in out and "invented budget-approved" in out and "ROUGE" in out
    as_json = run(*paths, "--format", "json")
    assert as_json.returncode == 0, as_json.stderr.decode()
    data = json.loads(as_json.stdout)
    assert data["facts"]["invented"][0]["id"] == "budget-approved"
    assert data["wrong_owners"][0]["expected"] == "Tom"
    assert set(data["rouge"]) == {"rouge1", "rouge2", "rougeL"}
    missing = run("--source", str(tmp_path / "nope.txt"), "--summary", str(case / "summary.md"))
    assert missing.returncode == 1 and "no such file" in missing.stderr.decode()
    assert "Traceback" not in missing.stderr.decode()


def test_cli_batch_writes_csv_and_json(tmp_path):
    write_case(tmp_path / "cases", "alpha", {"summary.md": FAITHFUL, "broken_owner.md": BROKEN})
    write_case(
        tmp_path / "cases", "beta", {"summary_short.md": "The design review moves to Thursday."}
    )
    result = run(
        "--cases",
        str(tmp_path / "cases"),
        "--csv",
        str(tmp_path / "out.csv"),
        "--json",
        str(tmp_path / "out.json"),
    )
    assert result.returncode == 0, result.stderr.decode()
    assert "broken_owner.md" in result.stdout.decode()
    rows = list(csv.DictReader((tmp_path / "out.csv").open()))
    assert [(r["case"], r["summary"]) for r in rows] == [
        ("alpha", "broken_owner.md"),
        ("alpha", "summary.md"),
        ("beta", "summary_short.md"),
    ]
    broken, faithful, short = rows
    assert (broken["invented"], broken["wrong_owners"], broken["fact_recall"]) == (
        "1",
        "1",
        "0.3333",
    )
    assert (faithful["invented"], faithful["wrong_owners"], faithful["fact_recall"]) == (
        "0",
        "0",
        "1.0",
    )
    assert float(faithful["rouge_l"]) == 1.0 and short["judge"] == ""
    data = json.loads((tmp_path / "out.json").read_text())
    assert [row["summary"] for row in data] == [r["summary"] for r in rows]
    assert data[0]["evaluation"]["facts"]["invented"][0]["id"] == "budget-approved"


def _broken_cases() -> list[tuple[str, str, dict]]:
    cases = []
    for expected in sorted(QUALITY.glob("*/broken.json")):
        for file, flags in json.loads(expected.read_text()).items():
            cases.append((expected.parent.name, file, flags))
    return cases


@pytest.mark.parametrize(
    ("case", "file", "flags"), _broken_cases(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_quality_suite_broken_summaries_are_flagged(case, file, flags):
    directory = QUALITY / case
    result = evaluate(
        (directory / "source.txt").read_text(),
        (directory / file).read_text(),
        facts=directory / "facts.json",
    )
    report = result.facts
    assert set(flags.get("invented", [])) <= {item["id"] for item in report.invented}
    assert set(flags.get("wrong_owner", [])) <= {item["id"] for item in report.wrong_owner}
    assert set(flags.get("missing", [])) <= set(report.missing)


@pytest.mark.parametrize("case", sorted(p.parent.name for p in QUALITY.glob("*/reference.md")))
def test_quality_suite_references_have_full_recall(case):
    directory = QUALITY / case
    result = evaluate(
        (directory / "source.txt").read_text(),
        (directory / "reference.md").read_text(),
        facts=directory / "facts.json",
    )
    assert result.facts.missing == []
    assert result.facts.invented == []
    assert result.facts.wrong_owner == []
    assert result.wrong_owners == []


def test_spelled_out_numbers_in_the_source_are_supported():
    source = "Siobhan: We used four hundred and thirty doses, for the over-sixty-fives mostly."
    result = evaluate(source, "430 doses were used, mostly for people over 65. 500 are ordered.")
    assert [term.text for term in result.unsupported] == ["500"]


def test_hyphenated_names_are_whole_owners():
    source = (
        "Olusegun: Mei-Ling, can you send Farah the take-home exercise by Friday?\n"
        "Mei-Ling: Sure. Grace's draft is fine too.\n"
        "Farah: Thank you, I look forward to it."
    )
    right = evaluate(source, "Action items:\n- Mei-Ling: Send Farah the take-home exercise")
    wrong = evaluate(source, "Action items:\n- Farah: Send the take-home exercise")
    assert right.wrong_owners == []
    assert [(w.credited, w.expected) for w in wrong.wrong_owners] == [("Farah", "Mei-Ling")]


def test_an_absent_fact_that_the_summary_denies_is_not_invented():
    facts = {
        "facts": [],
        "absent": [
            {"id": "approved", "phrases": [["18,000"], ["approved"]]},
            {"id": "park", "phrases": [["parc"], ["se tient"]]},
            {"id": "old-date", "phrases": [["the 13th"], ["freeze"]]},
        ],
    }
    denied = (
        "The 18,000 euros are not in the approved budget. La fête se tient dans la cour, pas "
        "dans le parc. The freeze starts on the 20th, not the 13th."
    )
    assert check_facts(denied, facts).invented == []
    claimed = "The 18,000 euros were approved. The freeze starts on the 13th."
    assert [i["id"] for i in check_facts(claimed, facts).invented] == ["approved", "old-date"]


def test_an_absent_claim_lives_in_one_clause():
    facts = {"facts": [], "absent": [{"id": "refund", "phrases": [["full refund"], ["agreed"]]}]}
    fine = "Carlos proposed a full refund, agreed to a 20 percent credit instead."
    assert check_facts(fine, facts).invented == []
    assert check_facts("A full refund was agreed.", facts).invented != []


def test_an_elliptic_ending_is_a_complete_sentence_and_a_stranded_preposition_is_not():
    summary = "- We keep the schedule as it is\n- Ship it if we can\n- Launch plan agreed on"
    assert [cut["line"] for cut in incomplete_lines(summary)] == ["Launch plan agreed on"]
