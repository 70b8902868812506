"""Structured notes: what the map step extracts and the reduce step carries.

Decisions and action items travel through map-reduce as data, not prose, so merging the notes
of fifty chunks cannot drop or reword them; only the free-form key points are condensed by the
model. Owners and due dates that the source never mentions are removed before rendering: a
small model's guess is worse than an honest blank.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from . import cues
from .attribution import (
    add_commitments,
    add_settled,
    attribute_owners,
    drop_restated_tasks,
    drop_superseded,
    states_idea_as_fact,
    tasks_stated_as_decisions,
    untaken_ideas,
)
from .chunking import split_sentences
from .commitments import Commitment, commitments, content_words, labelled_sentences
from .completeness import ending_problem, problem
from .figures import corrected_numbers, missing_figures
from .grounding import invented_numbers, source_numbers, states_corrected
from .language import ENGLISH, Language
from .speakers import copied, credited_rightly, spoken_by

_NORMALISE = re.compile(r"[^a-z0-9]+")

# Length bounds are part of the grammar: a small model that starts repeating itself inside a
# string is stopped by the grammar instead of running to the output limit. Each bound is well
# above what the prompt asks for (a 20-word sentence is about 130 characters), so only a runaway
# string is cut, and `_tidy` cuts that back to a whole sentence.
_SENTENCE = {"type": "string", "maxLength": 240}
_TASK = {"type": "string", "maxLength": 160}
_SAID = {"type": "string", "maxLength": 320}

POINTS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "key_points": {"type": "array", "items": _SENTENCE, "maxItems": 6},
    },
    "required": ["key_points"],
}

FACTS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "decisions": {"type": "array", "items": _SENTENCE, "maxItems": 6},
        "action_items": {
            "type": "array",
            "maxItems": 6,
            "items": {
                "type": "object",
                "properties": {
                    "owner": {"type": "string", "maxLength": 40},
                    "task": _TASK,
                    "due": {"type": "string", "maxLength": 30},
                },
                "required": ["owner", "task", "due"],
            },
        },
    },
    "required": ["decisions", "action_items"],
}

SPEAKERS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "speakers": {
            "type": "array",
            "maxItems": 12,
            "items": {
                "type": "object",
                "properties": {
                    "speaker": {"type": "string", "maxLength": 60},
                    "said": _SAID,
                },
                "required": ["speaker", "said"],
            },
        },
    },
    "required": ["speakers"],
}


def _key(text: str) -> str:
    return _NORMALISE.sub(" ", text.lower()).strip()


def _occurs(term: str, source_key: str) -> bool:
    term_key = _key(term)
    return bool(term_key) and f" {term_key} " in f" {source_key} "


SAID_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"said": _SAID},
    "required": ["said"],
}

_CLAUSE_END = re.compile(r"[,;:–—]\s")
MIN_CLAUSE_WORDS = 4


def _tidy(text: str, bound: dict[str, Any] = _SENTENCE) -> str:
    """Whitespace-normalised, and never a fragment.

    A string that reached the grammar's length bound without ending a sentence was cut mid-way:
    it falls back to its complete sentences, else to its first clauses (ended with a period),
    else to "" (dropped), rather than printing a fragment with an ellipsis.
    """
    text = " ".join(str(text).split())
    if len(text) < bound["maxLength"] - 1 or text.endswith((".", "!", "?")):
        return text
    sentences = split_sentences(text)
    if len(sentences) > 1:
        return " ".join(sentences[:-1])
    ends = [m.start() for m in _CLAUSE_END.finditer(text)]
    for end in reversed(ends):
        head = text[:end].rstrip(" ,;:–—")
        if len(head.split()) >= MIN_CLAUSE_WORDS:
            return head + "."
    return ""


# "… to the office myself": emphasis of a first-person remark, wrong once the owner is named.
_EMPHATIC_SELF = re.compile(r",?\s+(?:myself|ourselves)\b(?=[\s,.;]|$)", re.IGNORECASE)


def _as_task(text: str) -> str:
    """A model's task tidied to read as a task of its owner: verb first with a capital, no
    first-person emphasis ("Send the risk assessment to the office myself" → "… to the office")."""
    task = _EMPHATIC_SELF.sub("", _tidy(text, _TASK))
    first = task.split(" ", 1)[0]
    return task[:1].upper() + task[1:] if first.isalpha() and first.islower() else task


def _reads_as_sentence(text: str) -> bool:
    """A line that starts like a sentence. A small model that loses its way inside the JSON
    emits the rest of a cut string as new items ("date of the last flu vaccine", "and a line
    for …"); those are dropped."""
    return bool(text) and not text[0].islower()


_COURTESY = re.compile(
    r"^(?:thanks?|thank you|(?:good )?(?:morning|afternoon|evening)|good luck|hello|hi|bye|goodbye"
    r"|danke|vielen dank|guten (?:morgen|tag)|merci|bonjour|au revoir)\b",
    re.IGNORECASE,
)
MIN_POINT_WORDS = 5
KEY_POINT_COPY = 0.9  # a key point this much a transcript's words, verbatim, is a copied turn


def finished(text: str) -> str:
    """`text` without an unfinished last sentence: a small model sometimes stops mid-sentence
    ("… and ask a") without reaching the grammar's length bound. A single sentence that dangles
    goes whole."""
    parts = split_sentences(text) or [text]
    last = parts[-1].rstrip()
    words = last.split()
    unpunctuated = last[-1:] not in ".!?"
    if (len(parts) > 1 and unpunctuated) or (unpunctuated and words and ending_problem(last)):
        parts = parts[:-1]
    return " ".join(parts)


def _point_sentences(points: list[str]) -> list[str]:
    """Key points with every sentence said once: a small model that loops repeats sentences
    within a point and across points. Courtesies ("Thank you all, and good luck") and scraps of
    a few words are no key point."""
    seen: set[str] = set()
    kept = []
    for point in points:
        sentences = []
        for sentence in split_sentences(finished(point)):
            key = _key(sentence)
            if key in seen or _COURTESY.match(sentence):
                continue
            seen.add(key)
            if _reads_as_sentence(sentence):
                sentences.append(sentence)
        text = " ".join(sentences)
        if len(text.split()) >= MIN_POINT_WORDS:
            kept.append(text)
    return [p for i, p in enumerate(kept) if not _inside(p, kept[:i] + kept[i + 1 :])]


def _inside(point: str, others: list[str]) -> bool:
    """A point whose words are nearly all in a longer one says nothing of its own."""
    words = content_words(point)
    return bool(words) and any(
        len(content_words(o)) > len(words)
        and len(words & content_words(o)) >= RESTATED_SHARE * len(words)
        for o in others
    )


def _without_label(text: str, labels: set[str]) -> str:
    """A line copied with its speaker's label ("Jonas: Wir starten …") without the label."""
    head, colon, rest = text.partition(":")
    if colon and head.strip() in labels and rest.strip():
        rest = rest.strip()
        return rest[:1].upper() + rest[1:]
    return text


def _as_reported(point: str, labelled: bool) -> str:
    """A key point without copied questions and, in a transcript (where "I" could be anyone),
    without sentences that speak as "I"; in a document "I" is its one author."""
    sentences = split_sentences(point) or [point]
    kept = [
        s
        for s in sentences
        if not s.rstrip().endswith("?") and not (labelled and cues.first_person_singular(s))
    ]
    return " ".join(kept)


RESTATED_SHARE = 0.8


def _restates(point: str, decisions: list[str]) -> bool:
    """A key point that is one of the decisions again (most of its words in one of them)."""
    words = content_words(point)
    return bool(words) and any(
        len(words & content_words(d)) >= RESTATED_SHARE * len(words) for d in decisions
    )


# A sentence that opens like talk, not like a summary ("Ha, yeah. Björn, you took the call.").
_CHATTER = re.compile(
    r"^(?:ha|haha|yeah|yes|yep|okay|ok|so|well|oh|anyway|um|uh|hm+|right|hey|wow|just|ja|na"
    r"|oui|bon|alors|ah)\b[,.!]?",
    re.IGNORECASE,
)


def without_copies(points: list[str], source: str) -> list[str]:
    """Key points without sentences that copy the transcript word for word: what a small model
    gives when asked a second time."""
    return _sentences_kept(points, lambda s: not copied(s, source, KEY_POINT_COPY))


def _sentences_kept(texts: list[str], keep: Callable[[str], bool]) -> list[str]:
    """Each text with only the sentences `keep` accepts; texts left empty go."""
    kept = [" ".join(s for s in split_sentences(t) or [t] if keep(s)) for t in texts]
    return [t for t in kept if t]


def restates_task(sentence: str, items: list[ActionItem]) -> bool:
    """A key point that is an action item again ("Daniel, please collect the forms by 4 March"):
    the action items say it, with its owner."""
    words = content_words(sentence)
    return bool(words) and any(
        len(words & content_words(f"{item.owner} {item.task} {item.due}"))
        >= RESTATED_SHARE * len(words)
        for item in items
    )


# Past tense, as a summary tells what already happened ("has been sent", "booked the lab").
_DONE = re.compile(
    r"\b(?:has|have|had|was|were) (?:been |already )?\w+(?:ed|en|ne|de|t)\b"
    r"|\b(?:booked|sent|made|fixed|updated|finished|completed|confirmed|approved|ordered"
    r"|wrote|written|set up|delivered|submitted|signed|drafted|checked|done)\b"
    r"|\b(?:hat|haben|hatte|hatten|wurde|wurden)\b.*\bge\w+(?:t|en)\b"  # hat … geschrieben
    r"|\b(?:a|ont|avait|avaient) (?:déjà )?(?:été )?\w+(?:é|ée|és|ées|it|is|ert)\b",  # a envoyé
    re.IGNORECASE,
)
_STILL_OPEN = re.compile(
    r"\b(?:will|shall|needs? to|going to|plans? to|is to|are to|wants? to|must|should|asked"
    r"|agreed to|promised|offered|volunteered|yet|to be"
    r"|wird|werden|soll|sollen|muss|müssen|möchte|noch"
    r"|va|vont|doit|doivent|devra|devront|sera|seront|encore)\b",
    re.IGNORECASE,
)
DONE_SHARE = 0.5
_AUXILIARIES = frozenset(("has", "have", "had", "been", "was", "were", "already"))


def tells_task_as_done(sentence: str, items: list[ActionItem]) -> bool:
    """A sentence that tells an open task as done ("The final order has been made and
    confirmed with the supplier" while Hamid is still to make and confirm it): past tense, no
    word that keeps it open, and most of its words are the tasks of one owner."""
    if not _DONE.search(sentence) or _STILL_OPEN.search(sentence):
        return False
    by_owner: dict[str, set[str]] = {}
    for item in items:
        by_owner.setdefault(item.owner, set()).update(content_words(item.task))
    names = {w for item in items for w in content_words(item.owner)}
    words = content_words(sentence) - names - _AUXILIARIES
    return len(words) >= 2 and any(
        len(words & tasks) >= max(2, DONE_SHARE * len(words)) for tasks in by_owner.values()
    )


def _unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for item in items:
        key = _key(item)
        if key and key not in seen:
            seen.add(key)
            kept.append(item.strip())
    return kept


class SourceChecks:
    """What a free sentence of a summary (a key point, a line of a custom answer) is checked
    against, worked out at most once per source and only when first needed (a headline needs
    none of it): the speakers' turns, the numbers the source states and those it corrects
    away, the tasks people took on, and the ideas nobody took up."""

    def __init__(self, source: str) -> None:
        self.source = source

    @cached_property
    def spoken(self) -> dict[str, str]:
        return spoken_by(self.source)

    @cached_property
    def numbers(self) -> set[str]:
        return source_numbers(self.source)

    @cached_property
    def corrected(self) -> set[str]:
        return corrected_numbers(self.source)

    @cached_property
    def taken(self) -> list[Commitment]:
        return commitments(self.source)

    @cached_property
    def ideas(self) -> list[frozenset[str]]:
        return untaken_ideas(labelled_sentences(self.source)) if self.spoken else []

    def supports(self, sentence: str) -> bool:
        """Nobody is credited with another's words or task, no idea nobody took up is told as
        fact, and no number appears that the source never states or corrected away."""
        return (
            credited_rightly(sentence, self.spoken, self.taken)
            and not states_idea_as_fact(sentence, self.ideas)
            and not invented_numbers(sentence, self.numbers)
            and not states_corrected(sentence, self.corrected)
        )


@dataclass
class ActionItem:
    owner: str
    task: str
    due: str = ""

    def sentence(self, language: Language = ENGLISH) -> str:
        """The task as a sentence of running prose ("Grace will update the forms by Thursday.");
        in languages other than English, "Owner: task (due)." so no verb is conjugated."""
        if language.code != "en":
            return self.render(language).rstrip(".") + "."
        task = self.task.rstrip(".")
        if task[1:2].islower():
            task = task[:1].lower() + task[1:]
        due = self.due_note(ENGLISH)
        if not self.owner:
            return f"Nobody has taken on yet: {task}{due}."
        owner = f"The {self.owner}" if self.owner[:1].islower() else self.owner  # "caretaker"
        return f"{owner} will {task}{due}."

    def due_note(self, language: Language = ENGLISH) -> str:
        """ " (due Friday)" to follow the task, or "" when there is no date or the task already
        says it ("… by Friday")."""
        if not self.due or _key(self.due) in _key(self.task):
            return ""
        return f" ({language.due} {self.due})"

    def render(self, language: Language = ENGLISH) -> str:
        owner = self.owner[:1].upper() + self.owner[1:] if self.owner else language.unassigned
        return f"{owner}: {self.task.rstrip('.')}{self.due_note(language)}"


@dataclass
class Notes:
    key_points: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    action_items: list[ActionItem] = field(default_factory=list)
    said: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_data(
        cls,
        points: dict[str, Any] | None = None,
        facts: dict[str, Any] | None = None,
        speakers: dict[str, Any] | None = None,
    ) -> Notes:
        notes = cls()
        if points:
            notes.key_points = _point_sentences(
                _unique(
                    [p for p in map(_tidy, points.get("key_points", [])) if _reads_as_sentence(p)]
                )
            )
        if facts:
            notes.decisions = _unique(
                [
                    d
                    for d in map(_tidy, facts.get("decisions", []))
                    if _reads_as_sentence(d) and problem(d) is None  # not "Launch agreed on"
                ]
            )
            notes.action_items = [
                ActionItem(str(a.get("owner", "")).strip(), task, str(a.get("due", "")).strip())
                for a in facts.get("action_items", [])
                if (task := _as_task(a.get("task", "")))
            ]
        if speakers:
            for entry in speakers.get("speakers", []):
                speaker, said = (
                    str(entry.get("speaker", "")).strip(),
                    finished(_tidy(entry.get("said", ""), _SAID)),
                )
                if speaker and said:
                    notes.said.setdefault(speaker, []).append(said)
        return notes

    def grounded(
        self, source: str, language: Language = ENGLISH, checks: SourceChecks | None = None
    ) -> Notes:
        """The notes checked against the source: owners against the transcript's speakers
        (owners and due dates it never mentions blanked), every commitment it makes listed as an
        action item, decisions only what was agreed, and key points that neither copy a turn,
        nor credit someone with what another said, nor state a number the source never does."""
        source_key = _key(source)
        checks = checks or SourceChecks(source)
        numbers, spoken = checks.numbers, checks.spoken
        items = []
        for item in attribute_owners(self.action_items, source):
            owner = item.owner if _occurs(item.owner, source_key) else ""
            due = item.due if _occurs(item.due, source_key) else ""
            if not invented_numbers(item.task, numbers):
                items.append(ActionItem(owner, item.task, due))
        items = add_commitments(items, source, checks.taken)
        said = {s: points for s, points in self.said.items() if _occurs(s, source_key)}
        decisions = [_without_label(d, set(spoken)) for d in self.decisions]
        decisions = _sentences_kept(decisions, lambda s: not invented_numbers(s, numbers))
        decisions, items = tasks_stated_as_decisions(_unique(decisions), items, source)
        # The model's decisions are checked; what the source settles in so many words is added.
        decisions = drop_restated_tasks(decisions, items, source)
        decisions = drop_superseded(add_settled(decisions, source, language))
        points = _unique(
            [_as_reported(_without_label(p, set(spoken)), bool(spoken)) for p in self.key_points]
        )
        points = _sentences_kept(
            points, lambda s: checks.supports(s) and not (spoken and _CHATTER.match(s))
        )
        points = _sentences_kept(
            points, lambda s: not restates_task(s, items) and not tells_task_as_done(s, items)
        )
        points = [p for p in points if len(p.split()) >= MIN_POINT_WORDS]
        return Notes(points, decisions, items, said)

    def with_figures(
        self, source: str, language: Language = ENGLISH, conversational: bool = False
    ) -> Notes:
        """The notes with the source's key figures that they lack (see `figures`): as key
        points, or in "who said what" as the speaker's report."""
        shown = self.render(conversational, language)
        found = missing_figures(source, shown, language)
        if not found:
            return self
        if conversational and self.said:
            said = {
                speaker: [p for p in points if p.strip()] for speaker, points in self.said.items()
            }
            for speaker, point in found:
                report = point.removeprefix(f"{speaker} reported ")
                if speaker in said and report != point and language.code == "en":
                    said[speaker].append(f"Reported {report.rstrip('.')}.")
            return Notes(self.key_points, self.decisions, self.action_items, said)
        points = self.key_points + [point for _, point in found]
        return Notes(points, self.decisions, self.action_items, self.said)

    @classmethod
    def merge(cls, parts: list[Notes]) -> Notes:
        """Concatenate notes in order, dropping exact repeats."""
        merged = cls()
        seen_items: set[tuple[str, str]] = set()
        for part in parts:
            merged.key_points = _point_sentences(_unique(merged.key_points + part.key_points))
            merged.decisions = _unique(merged.decisions + part.decisions)
            for item in part.action_items:
                key = (_key(item.owner), _key(item.task))
                if key not in seen_items:
                    seen_items.add(key)
                    merged.action_items.append(item)
            for speaker, points in part.said.items():
                merged.said.setdefault(speaker, []).extend(points)
        return merged

    def prose(self, language: Language = ENGLISH) -> str:
        """One paragraph: the key points, then what was decided, then who does what by when.

        Built from the checked notes rather than asked of the model as free text: a small model
        writing prose credits people with each other's tasks, and every line here has passed the
        same owner and decision checks as the bullets."""
        points = [p for p in self.key_points if not _restates(p, self.decisions)]
        sentences = [*points, *self.decisions]
        sentences = [s if s.rstrip()[-1:] in ".!?" else s.rstrip() + "." for s in sentences]
        sentences += [item.sentence(language) for item in self.action_items]
        return " ".join(sentences)

    def render(self, conversational: bool = False, language: Language = ENGLISH) -> str:
        """Markdown with the fixed skeleton, headings in `language`; empty sections are left
        out."""
        sections: list[tuple[str, list[str]]] = []
        if conversational and self.said:
            lines = [
                f"{speaker}: {' '.join(points)}"
                for speaker, points in self.said.items()
                if " ".join(points).strip()
            ]
            sections.append((language.who_said_what, lines))
        elif self.key_points:
            sections.append((language.key_points, self.key_points))
        sections.append((language.decisions, self.decisions))
        sections.append((language.action_items, [a.render(language) for a in self.action_items]))
        return "\n\n".join(
            language.heading(title) + "\n" + "\n".join(f"- {line}" for line in lines)
            for title, lines in sections
            if lines
        )
