"""Fact recall against a facts file: which planted facts a summary kept, and whose they are.

A fact is a list of phrase groups; it is found when one line or sentence of the summary contains
an alternative of every group (case-insensitive substrings), so a fact split across the summary
does not count. Owners and due dates are checked in the sentence that carries the fact, and
`absent` facts (things the source does not say, such as an approval that was only asked for)
found in a summary are invented. An absent fact with a `section` counts only under a heading
that names it (saying the autoclave works is a fine key point and a false decision), or, in prose
without headings, in a sentence that states it as its type ("decided", "will"). See
docs/evaluation.md for the format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

from ..errors import InputError
from ..inputs import read_json_file
from . import text

_ALTERNATIVES = {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}
_FACT = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "minLength": 1},
        "type": {"type": "string"},
        "phrases": {"type": "array", "items": _ALTERNATIVES, "minItems": 1},
        "owner": _ALTERNATIVES,
        "due": _ALTERNATIVES,
        "where": {"enum": ["start", "middle", "end"]},
        "section": _ALTERNATIVES,
        "why": {"type": "string"},
    },
    "required": ["id", "phrases"],
}
FACTS_FILE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "case": {"type": "string"},
        "kind": {"type": "string"},
        "language": {"type": "string"},
        "people": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "facts": {"type": "array", "items": _FACT},
        "absent": {"type": "array", "items": _FACT},
    },
    "required": ["facts"],
}


def load_facts(facts: dict[str, Any] | str | Path) -> dict[str, Any]:
    """A facts dict, read from a path when given one, checked against the documented format."""
    if isinstance(facts, str | Path):
        facts = read_json_file(Path(facts), "facts file")
    try:
        jsonschema.validate(facts, FACTS_FILE_SCHEMA)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "top level"
        raise InputError(f"facts file: {exc.message} (at {where})") from exc
    return facts


def _norm(value: str) -> str:
    return " ".join(value.lower().replace("’", "'").split())


def _names(unit: str, people: list[str]) -> list[str]:
    """Which of `people` a sentence names (whole words, case-insensitive, possessives too)."""
    return [
        person
        for person in people
        if re.search(rf"(?<![\w]){re.escape(_norm(person))}(?![\w])", _norm(unit))
    ]


def _matches(unit: str, phrases: list[list[str]]) -> bool:
    lowered = _norm(unit)
    return all(any(_norm(alt) in lowered for alt in group) for group in phrases)


# Words that deny what follows them ("not in the approved budget", "pas dans le parc").
_NEGATION = re.compile(
    r"(?:^|\W)(?:not|no|never|instead of|rather than|nicht|kein\w*|statt|anstatt|pas|non|jamais"
    r"|au lieu d[eu'])(?:\W+\w+){0,3}\W*$"
)


# Where a new clause starts: "; ", ", and …", ", agreed to …", " but …" (not ", June 13").
_CLAUSE = re.compile(
    r";\s+|,\s+(?=(?:and|but|while|whereas|which|then|[a-z]+ed)\b)"
    r"|\s+(?:but|while|whereas|although|aber|mais)\s+"
)


def _asserts(unit: str, phrases: list[list[str]]) -> bool:
    """Like `_matches`, for absent facts, clause by clause: an alternative counts only where it
    is not denied ("launch on the 10th, not the 3rd" does not claim the 3rd), and a claim lives
    in one clause ("proposed a full refund, agreed to a 20 % credit" grants no refund)."""
    return any(_asserted_in(clause, phrases) for clause in _CLAUSE.split(unit))


def _asserted_in(unit: str, phrases: list[list[str]]) -> bool:
    lowered = _norm(unit)

    def affirmed(alt: str) -> bool:
        alt = _norm(alt)
        start = lowered.find(alt)
        while start >= 0:
            if not _NEGATION.search(lowered[:start]):
                return True
            start = lowered.find(alt, start + 1)
        return False

    return all(any(affirmed(alt) for alt in group) for group in phrases)


# Verbs that credit someone with speaking of a task, not with taking it on ("Priyanka asked
# for the alert"): such a sentence names the asker, not the owner, and is no wrong owner.
_REPORTS_SPEECH = re.compile(
    r"\b(?:ask\w*|propos\w*|suggest\w*|request\w*|want\w*|report\w*|said|says|mention\w*"
    r"|noted|told|tells|remind\w*|summari[sz]\w*|list\w*|bat|bittet|fragt\w*"
    r"|schlägt|schlug|demand\w*|rappel\w*)\b",
    re.IGNORECASE,
)


def _credits(unit: str, named: list[str]) -> bool:
    """The sentence makes its one named person the doer: it opens with the name ("Tomasz fixed
    the login test", "Tomasz: fix the login test") and does not report speech."""
    opening = _norm(unit).lstrip("-*• ")
    return (
        len(named) == 1 and opening.startswith(_norm(named[0])) and not _REPORTS_SPEECH.search(unit)
    )


@dataclass
class FactReport:
    """What the facts file says about one summary."""

    found: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    invented: list[dict[str, str]] = field(default_factory=list)
    wrong_owner: list[dict[str, Any]] = field(default_factory=list)
    owner_missing: list[str] = field(default_factory=list)
    due_missing: list[str] = field(default_factory=list)
    by_type: dict[str, dict[str, float]] = field(default_factory=dict)
    by_where: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def recall(self) -> float:
        total = len(self.found) + len(self.missing)
        return len(self.found) / total if total else 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "recall": round(self.recall, 4),
            "by_type": self.by_type,
            "by_where": self.by_where,
            "found": self.found,
            "missing": self.missing,
            "invented": self.invented,
            "wrong_owner": self.wrong_owner,
            "owner_missing": self.owner_missing,
            "due_missing": self.due_missing,
        }


def _tally(groups: dict[str, list[bool]]) -> dict[str, dict[str, float]]:
    return {
        key: {
            "found": sum(hits),
            "total": len(hits),
            "recall": round(sum(hits) / len(hits), 4),
        }
        for key, hits in sorted(groups.items())
    }


# How prose without headings states a decision or a task, for section-scoped absent facts.
_STATED_AS = {
    "decision": re.compile(
        r"decid|decision|agree|approv|settled|chose|entschied|entscheid|beschl|vereinbar"
        r"|einig|décid|décision|convenu|accord|approuv|retenu",
        re.IGNORECASE,
    ),
    "action": re.compile(
        r"\b(?:will|is to|are to|needs? to|has to|have to|is going to|wird|werden|soll|sollen"
        r"|muss|va|vont|doit|doivent|devra)\b",
        re.IGNORECASE,
    ),
}


def _absent_hits(fact: dict[str, Any], lines: list[text.Line]) -> list[str]:
    """The summary units where an absent fact is stated (see the module docstring)."""
    sections = [_norm(name) for name in fact.get("section") or []]
    if not sections:
        units = [unit for line in lines for unit in text.line_units(line.text)]
        return [unit for unit in units if _asserts(unit, fact["phrases"])]
    headed = any(line.section for line in lines)
    stated = _STATED_AS.get(str(fact.get("type", "")))
    hits = []
    for line in lines:
        if headed and not any(name in line.section for name in sections):
            continue
        # Under a heading the line is the claim; in prose, the one sentence that states it.
        units = text.line_units(line.text) if headed else text.sentences(line.text)
        for unit in units:
            if not _asserts(unit, fact["phrases"]):
                continue
            if headed or (stated is not None and stated.search(unit)):
                hits.append(unit)
    return hits


def check_facts(summary: str, facts: dict[str, Any]) -> FactReport:
    """Recall, invented absent facts, owners and due dates of `summary` against `facts`."""
    people: list[str] = list(facts.get("people") or [])
    lines = text.lines(summary)
    sentences = [sentence for line in lines for sentence in text.sentences(line.text)]
    # A fact split over the sentences of one line still counts, but its owner is judged in the
    # sentence that states it when there is one: a paragraph is one line naming everybody.
    whole_lines = [line.text for line in lines if len(text.sentences(line.text)) > 1]
    report = FactReport()
    by_type: dict[str, list[bool]] = {}
    by_where: dict[str, list[bool]] = {}
    for fact in facts.get("facts") or []:
        hits = [unit for unit in sentences if _matches(unit, fact["phrases"])] or [
            unit for unit in whole_lines if _matches(unit, fact["phrases"])
        ]
        found = bool(hits)
        by_type.setdefault(fact.get("type", "fact"), []).append(found)
        if fact.get("where"):
            by_where.setdefault(fact["where"], []).append(found)
        if not found:
            report.missing.append(fact["id"])
            continue
        report.found.append(fact["id"])
        owners = fact.get("owner")
        if owners:
            owned = [unit for unit in hits if _names(unit, owners)]
            # Another person named where the owner is not: the owner's task credited to them,
            # anywhere in the summary. Once the owner is credited somewhere, only a sentence
            # with that other person as its one subject counts ("Tomasz fixed the login test").
            others = [
                (unit, named)
                for unit in hits
                if unit not in owned
                and (named := [p for p in _names(unit, people) if p not in owners])
                and (not owned or _credits(unit, named))
            ]
            if others:
                unit, named = others[0]
                report.wrong_owner.append(
                    {"id": fact["id"], "sentence": unit, "credited": named, "expected": owners}
                )
            elif not owned:
                report.owner_missing.append(fact["id"])
            hits = owned or hits
        due = fact.get("due")
        if due and not any(any(_norm(d) in _norm(unit) for d in due) for unit in hits):
            report.due_missing.append(fact["id"])
    for fact in facts.get("absent") or []:
        hits = _absent_hits(fact, lines)
        if hits:
            report.invented.append(
                {"id": fact["id"], "sentence": hits[0], "why": fact.get("why", "")}
            )
    report.by_type = _tally(by_type)
    report.by_where = _tally(by_where)
    return report
