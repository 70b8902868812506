"""People credited in a summary with what someone else said or took on.

Only for speaker-labelled sources, where the transcript settles who said what. Each summary line
"Name: task" and each sentence whose subject is a known person ("Dana proposed …", "Tom will …")
is traced to the source sentence it came from (most of its content words, as the summarizer's
owner check matches). A task belongs to whom that sentence commits ("I will …" → its speaker,
"Tom, please …" → Tom, "Maria should …" → Maria); what someone said, proposed or decided belongs
to the speaker. A credit is wrong only when that evidence names another known person and the
credited person has no matching sentence of their own: no match, no flag.

The rules mirror `summarize.attribution` on purpose but live here: an evaluator must not change
its verdicts when the summarizer's heuristics change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..summarize.chunking import SPEAKER_LINE, has_speaker_turns, speaker_turns, split_sentences
from ..summarize.cues import STOPWORDS
from . import text

MIN_OVERLAP = 0.6  # share of a claim's content words its source sentence must contain
MIN_CLAIM_WORDS = 2  # a claim of one content word matches too much of any source
_WORD = re.compile(r"[^\W_]+")
_UPPER_NAME = r"(?=[A-ZÀ-ÖØ-Þ])[^\W\d_]+(?:[-'’][A-ZÀ-ÖØ-Þ][^\W\d_]*)?"  # Mei-Ling, O'Neil
_FIRST_PERSON = re.compile(
    r"\b(?:I(?:'ll|’ll| will| shall| can| am going to|'m going to|’m going to| take| volunteer)"
    r"|[Ll]et me|I'd like to"
    r"|[Ii]ch (?:werde|kümmere|übernehme|mache|schreibe|schicke|kläre|frage|teste|bereite|rufe)"
    r"|[Jj]e (?:vais|m'occupe|m’occupe|prépare|envoie|fais|relance|contacte|rédige|appelle)"
    r")\b"
)
_NAMED_OWNER = re.compile(
    rf"(?<![\w'’-])({_UPPER_NAME})(?: from (?:the )?[a-z]+| {_UPPER_NAME})?,? "
    r"(?:will|should|must|needs to|has to|is going to|is to|agreed to|can)\b"
)
_ADDRESSED = re.compile(
    rf"^(?:\w+[,.!] )?({_UPPER_NAME}), (?:you will|you'll|you’ll|please|can you|could you"
    r"|would you|will you|kannst du|könntest du|\w+ du bitte|bitte|tu peux|peux-tu|pourrais-tu"
    r"|vous pouvez|pouvez-vous)\b"
)
_NOT_NAMES = frozenset(
    "Then So And But Also Okay Fine Sure Good Great Yes No We You They It This That There "
    "Everyone Someone Nobody Maybe Next Now Well Right Gut Prima Ja Nein Also Dann Bon Oui "
    "Alors Merci".split()
)
_TITLES = frozenset("dr dr. mr mr. mrs mrs. ms ms. prof prof. speaker".split())
_TASK_VERBS = (
    r"will|'ll|’ll|shall|should|must|needs to|has to|is going to|is to|agreed to|volunteered to"
    r"|offered to|committed to|promised to|plans to|took on|takes on|is responsible for|owns"
)
_SAID_VERBS = (
    r"said|says|proposed|proposes|suggested|suggests|noted|notes|mentioned|mentions|raised"
    r"|argued|argues|explained|explains|reported|reports|recommended|recommends|warned|warns"
    r"|pointed out|points out|asked|asks|wanted|wants|preferred|prefers|objected|questioned"
    r"|decided|decides|announced|announces|confirmed|confirms|stated|states|insisted|claimed"
)
_CLAIM_END = re.compile(r",\s*(?:which|who|whom|but|while|whereas|although|though)\b|;|\s+but\s+")
_TASK_SECTIONS = frozenset({"action items", "tasks", "next steps"})
_DUE = re.compile(
    r"\s*\((?:due|by|on|before|until|bis|am|avant|d'ici|pour)\b[^)]*\)\s*\.?$", re.IGNORECASE
)
_SUFFIX = re.compile(r"(?:'s|’s|ing|ed|es|s)$")


@dataclass(frozen=True)
class WrongOwner:
    sentence: str  # the summary line or sentence
    credited: str  # who the summary credits
    expected: str  # who the source says
    evidence: str  # "Speaker: source sentence"

    def to_dict(self) -> dict[str, Any]:
        return {
            "sentence": self.sentence,
            "credited": self.credited,
            "expected": self.expected,
            "evidence": self.evidence,
        }


def _stem(word: str) -> str:
    """A crude English stem ("switching" → "switch"), enough to match a paraphrase's words."""
    stem = _SUFFIX.sub("", word)
    return stem if len(stem) >= 3 else word


def content_words(text: str) -> set[str]:
    """The stemmed words that carry meaning: what a paraphrase shares with its source."""
    return {_stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1}


def labelled_sentences(source: str) -> list[tuple[str, str]]:
    """(speaker, sentence) for every sentence of a labelled turn."""
    sentences = []
    for turn in speaker_turns(source):
        if SPEAKER_LINE.match(turn):
            label, _, said = turn.partition(":")
            sentences.extend((label.strip(), s) for s in split_sentences(said))
    return sentences


def owner_of(speaker: str, sentence: str) -> str | None:
    """Who a source sentence gives a task to, when it says so plainly; None otherwise."""
    if _FIRST_PERSON.search(sentence):
        return speaker
    addressed = _ADDRESSED.match(sentence)
    if addressed and addressed.group(1) not in _NOT_NAMES:
        return addressed.group(1)
    named = {n for n in _NAMED_OWNER.findall(sentence) if n not in _NOT_NAMES}
    return named.pop() if len(named) == 1 else None


# Where a new subject starts a clause: "…, Lena macht …", "…, und ich mache …", "…; Tom …".
_CLAUSES = re.compile(
    r";\s+|,?\s+(?:and|und|et)\s+(?=(?:I|ich|je|[A-ZÀ-Þ][\w-]+)\s)"
    r"|,\s+(?=[A-ZÀ-Þ][\w-]+ [a-zà-ÿ])"
)


def _clause(sentence: str, claim: str) -> str:
    """The clause of a source sentence that a claim comes from: "Anna asks finance, Lena writes
    the texts, and I book the room" gives three people three tasks."""
    clauses = [c for c in _CLAUSES.split(sentence) if c.strip()]
    if len(clauses) < 2:
        return sentence
    words = content_words(claim)
    return max(clauses, key=lambda c: len(words & content_words(c)))


def _tokens(name: str) -> set[str]:
    return {t for t in name.lower().split() if t not in _TITLES}


def same_person(a: str, b: str) -> bool:
    """ "Priya" and "Priya Raman" are one person; "Speaker A" and "Speaker B" are two."""
    return bool(_tokens(a) & _tokens(b)) or a.strip().lower() == b.strip().lower()


def known_people(sentences: list[tuple[str, str]]) -> dict[str, str]:
    """Every way the source names a person → that person: labels, their parts, named doers."""
    people: dict[str, str] = {}
    for speaker, sentence in sentences:
        people.setdefault(speaker, speaker)
        for part in speaker.split():
            if part.lower() not in _TITLES and len(part) > 2 and part[0].isupper():
                people.setdefault(part, speaker)
        named = [m.group(1) for m in [_ADDRESSED.match(sentence)] if m]
        named += _NAMED_OWNER.findall(sentence)
        for name in named:
            if name not in _NOT_NAMES:
                people.setdefault(name, name)
    return people


class OwnerCheck:
    """The wrong-owner check for one source; reusable across summaries of it."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.labelled = has_speaker_turns(source)
        self.sentences = labelled_sentences(source) if self.labelled else []
        self.people = known_people(self.sentences)
        names = sorted(self.people, key=len, reverse=True)
        alternation = "|".join(re.escape(n) for n in names) or r"(?!x)x"
        self._line = re.compile(rf"^({alternation})\s*:\s+(.+)$")
        self._credit = re.compile(
            rf"(?<![\w])({alternation})(?:'s|’s)?\s+(?:(?:also|then|later|first|now)\s+)?"
            rf"(?:(?P<task>{_TASK_VERBS})|(?P<said>{_SAID_VERBS}))(?![\w])"
        )
        self._anyone = re.compile(rf"(?<![\w])(?:{alternation})(?![\w])")
        self._pair = re.compile(rf"(?<![\w])(?:{alternation})\s+(?:and|&)\s+$")

    def check(self, summary: str) -> list[WrongOwner]:
        if not self.labelled:
            return []
        wrong: list[WrongOwner] = []
        for line in text.lines(summary):
            labelled = self._line.match(line.text)
            if labelled:
                credited = self.people[labelled.group(1)]
                rest = labelled.group(2)
                if line.section == "who said what":
                    for sentence in text.sentences(rest):
                        wrong += self._said(line.text, credited, sentence)
                else:
                    wrong += self._task(line.text, credited, _DUE.sub("", rest))
                continue
            for sentence in text.sentences(line.text):
                wrong += self._credits(sentence, line.section)
        return wrong

    def _credits(self, sentence: str, section: str) -> list[WrongOwner]:
        wrong: list[WrongOwner] = []
        matches = list(self._credit.finditer(sentence))
        for i, match in enumerate(matches):
            if self._pair.search(sentence[: match.start()]):
                continue  # "Dana and Priya agreed": shared, not checked
            end = matches[i + 1].start() if i + 1 < len(matches) else len(sentence)
            claim = self._own_part(sentence[match.end() : end])
            credited = self.people[match.group(1)]
            if match.group("task") or section in _TASK_SECTIONS:
                wrong += self._task(sentence, credited, claim)
            else:
                wrong += self._said(sentence, credited, claim)
        return wrong

    def _own_part(self, claim: str) -> str:
        """The claim up to a clause about someone else ("…, which Beatrix estimated …")."""
        claim = _CLAIM_END.split(claim, maxsplit=1)[0]
        other = self._anyone.search(claim)
        return claim[: other.start()] if other else claim

    def _matching(self, claim: str) -> list[tuple[str, str]]:
        words = content_words(claim)
        if len(words) < MIN_CLAIM_WORDS:
            return []
        return [
            (speaker, sentence)
            for speaker, sentence in self.sentences
            if len(words & content_words(sentence)) / len(words) >= MIN_OVERLAP
        ]

    def _best(self, claim: str) -> tuple[str, str] | None:
        """The (speaker, sentence) sharing most of the claim's content words, if enough."""
        words = content_words(claim)
        best, best_share = None, 0.0
        for speaker, sentence in self.sentences:
            share = len(words & content_words(sentence)) / len(words) if words else 0.0
            if share > best_share:
                best, best_share = (speaker, sentence), share
        return best if best_share >= MIN_OVERLAP and len(words) >= MIN_CLAIM_WORDS else None

    def _task(self, shown: str, credited: str, claim: str) -> list[WrongOwner]:
        """A task: its owner is whom the source sentence commits, addresses or names."""
        found = self._best(claim)
        if found is None:
            return []
        speaker, sentence = found
        owner = owner_of(speaker, _clause(sentence, claim))
        if not owner or same_person(owner, credited):
            return []
        if not any(same_person(owner, person) for person in self.people):
            return []
        for other_speaker, other in self._matching(claim):
            # the credited person took it on in their own words too ("I'll have it done")
            if owner_of(other_speaker, other) and same_person(
                owner_of(other_speaker, other), credited
            ):
                return []
        return [WrongOwner(shown, credited, owner, f"{speaker}: {sentence}")]

    def _said(self, shown: str, credited: str, claim: str) -> list[WrongOwner]:
        """Something said, proposed or decided: it belongs to whoever said it."""
        found = self._best(claim)
        if found is None:
            return []
        speaker, sentence = found
        if same_person(speaker, credited):
            return []
        if any(same_person(other, credited) for other, _ in self._matching(claim)):
            return []
        return [WrongOwner(shown, credited, speaker, f"{speaker}: {sentence}")]
