"""Who owns an action item, checked against the transcript's own words.

Small models often give a task to the wrong speaker of a transcript ("Speaker A: send the notes"
when B said "I will send the notes"). In a speaker-labelled transcript the source settles it: find
the sentence the task came from; if its speaker commits in the first person, that speaker owns it;
if it asks someone by name ("Priya, please …") or names who "will" / "should" do it, they do.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from .chunking import SPEAKER_LINE, has_speaker_turns, speaker_turns, split_sentences

if TYPE_CHECKING:
    from .notes import ActionItem

MIN_OVERLAP = 0.6  # share of the task's content words the source sentence must contain
_FIRST_PERSON = re.compile(
    r"\b(?:I(?:'ll| will| shall| can| am going to|'m going to| take| volunteer)"
    r"|let me|I'd like to)\b"
)
_NAMED_OWNER = re.compile(
    r"\b([A-Z][a-z]+)(?: from [a-z]+| [A-Z][a-z]+)?,? "
    r"(?:will|should|must|needs to|has to|is going to|is to|agreed to|can)\b"
)
_ADDRESSED = re.compile(
    r"^(?:\w+, )?([A-Z][a-z]+), (?:you will|you'll|please|can you|could you|would you)\b"
)
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    "the a an and or to of for in on at by with from this that will would should can i we you "
    "be is are was it our my your their them they he she his her all any by up out as".split()
)
_NOT_NAMES = frozenset(
    "Then So And But Also Okay Fine Sure Good Great Yes No We You They It".split()
)


_FIGURE = re.compile(
    r"\d[\d,.]*|\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?"
    r"|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
    r"|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b",
    re.IGNORECASE,
)


def _figures(text: str) -> set[str]:
    """Numbers, months and weekdays: what must not be lost when a decision is dropped."""
    return {match.lower().rstrip(".,") for match in _FIGURE.findall(text)}


def _content(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1}


def _labelled_sentences(source: str) -> list[tuple[str, str]]:
    sentences = []
    for turn in speaker_turns(source):
        match = SPEAKER_LINE.match(turn)
        if not match:
            continue
        label, _, said = turn.partition(":")
        sentences.extend((label.strip(), sentence) for sentence in split_sentences(said))
    return sentences


def _source_sentence(text: str, sentences: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The (speaker, sentence) sharing most of `text`'s content words, if enough of them."""
    words = _content(text)
    best, best_share = None, 0.0
    for speaker, sentence in sentences:
        if words:
            share = len(words & _content(sentence)) / len(words)
            if share > best_share:
                best, best_share = (speaker, sentence), share
    return best if best_share >= MIN_OVERLAP else None


def attribute_owners(items: list[ActionItem], source: str) -> list[ActionItem]:
    """Correct owners from the sentence each task came from; other items pass unchanged."""
    if not items or not has_speaker_turns(source):
        return items
    sentences = _labelled_sentences(source)
    corrected = []
    for item in items:
        found = _source_sentence(item.task, sentences)
        if found is None:
            corrected.append(item)
            continue
        speaker, sentence = found
        if _FIRST_PERSON.search(sentence):
            corrected.append(replace(item, owner=speaker))
            continue
        addressed = _ADDRESSED.match(sentence)
        if addressed and addressed.group(1) not in _NOT_NAMES:
            corrected.append(replace(item, owner=addressed.group(1)))
            continue
        named = [n for n in _NAMED_OWNER.findall(sentence) if n not in _NOT_NAMES]
        corrected.append(replace(item, owner=named[0]) if len(named) == 1 else item)
    return corrected


def drop_restated_tasks(decisions: list[str], items: list[ActionItem], source: str) -> list[str]:
    """Decisions that are really someone's task, already listed as an action item, are dropped.

    Small models turn "I will ask finance to approve the budget" into the decision "the budget is
    approved". When the sentence a decision came from is a personal commitment ("I will …",
    "Maria should …") and an action item covers it, the decision adds nothing but a wrong claim.
    """
    if not decisions or not items or not has_speaker_turns(source):
        return decisions
    sentences = _labelled_sentences(source)
    task_words = [_content(item.task) for item in items]
    task_figures = [_figures(f"{item.task} {item.due}") for item in items]
    kept = []
    for decision in decisions:
        found = _source_sentence(decision, sentences)
        if found is not None:
            _, sentence = found
            personal = (
                _FIRST_PERSON.search(sentence)
                or _ADDRESSED.match(sentence)
                or [n for n in _NAMED_OWNER.findall(sentence) if n not in _NOT_NAMES]
            )
            words = _content(decision)
            # one listed task shares most of the shorter text's words and keeps every figure
            covered = any(
                task
                and len(words & task) >= MIN_OVERLAP * min(len(words), len(task))
                and _figures(decision) <= figures
                for task, figures in zip(task_words, task_figures, strict=True)
            )
            if personal and covered:
                continue
        kept.append(decision)
    return kept
