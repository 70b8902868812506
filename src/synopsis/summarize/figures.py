"""The source's key figures, carried into the summary when the model's notes drop them.

A small model's key points keep the story and lose its numbers ("crash-free sessions went from
97.1 to 99.3 percent", "1,140 users were locked out"), and a reader who checks a summary checks
those first. A sentence that states a figure plainly is found without a model; one whose figure
the summary already carries, or that a later sentence revises, hedges or asks about, is left to
the model's notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import cues
from .commitments import content_words, labelled_sentences, stem
from .grounding import NUMBER_WORDS, denied_numbers, numbers_in, spelled_numbers, states_corrected
from .language import Language

# A figure worth reporting: a decimal, a number of two digits or more, or any number with a
# percent, currency or unit sign. Not an ordinal day ("the 21st"), a clock time or a year.
_FIGURE = re.compile(
    r"(?<![\w:.,])(?:[$€£]\s?\d[\d,.]*\d|\d{1,3}(?:,\d{3})+|\d+[.,]\d+|\d{2,}"
    r"|\d+\s?(?:%|percent|per cent|prozent|pour cent))(?![\w:]|\.\d|,\d)",
    re.IGNORECASE,
)
_DATE_WORDS = cues.MONTHS
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_NUMBER_NOUN = re.compile(
    r"\b[\w-]*(?:ty|teen|ten|one|two|three|four|five|six|seven|eight|nine)s\b"
)
_ORDINAL_WORD = re.compile(
    r"\b(?:twenty|thirty)[- ]?(?:first|second|third|\w+th)\b|\b\w+tieth\b", re.I
)
# Said to someone, or asked of them: a request, not a statement of fact.
_ADDRESSED = re.compile(
    r"\b(?:you|your|please|du|dein\w*|ihr|euch|bitte|vous|votre|vos|tu|ton|ta)\b", re.IGNORECASE
)
# Would-be figures: "40 euros would be feasible" is an idea, not a fact.
_CONDITIONAL = re.compile(
    r"\b(?:would|could|might|wäre|wären|könnte|könnten|würde|würden|\w{3,}rai(?:t|ent)|pourrions)\b",
    re.IGNORECASE,
)
# "Let's make it twenty percent", "Hamid, make the order 450 doses": told, not stated.
_DIRECTIVE = re.compile(r"\blet's\b|\blass(?:t)? uns\b|^[A-Z][\w'-]+, [a-z]", re.IGNORECASE)
# A subject the reader cannot resolve ("That was painful", "They cost 600 euros").
_VAGUE_SUBJECT = re.compile(
    r"^(?:it|it's|that|that's|this|those|these|they|he|she|es|das|ça|cela|ils)\b", re.I
)
# "It's one thousand one hundred and forty distinct users …": the figure is the news.
_IT_IS = re.compile(
    r"^(?:it's|it is|it was|that's|that is|that was)\s+(?=(?:about|around|over|under|almost"
    r"|nearly|roughly|exactly|just|only|more than|less than)?\s*[\w$€£])",
    re.IGNORECASE,
)
# Reported speech: the speaker's "we" is "they" ("Dev reported that they usually run a pilot").
_WE = {
    "we": "they", "our": "their", "us": "them", "ours": "theirs", "we're": "they're",
    "we've": "they've", "we'll": "they'll", "we'd": "they'd",
}  # fmt: skip
# An English clause has a verb; "twenty percent on the next invoice" is a scrap of a turn.
_VERB = re.compile(
    r"\b(?:is|are|was|were|has|have|had|be|been|[a-z]{3,}ed|went|came|cost|costs|got|grew|fell"
    r"|rose|took|made|gave|left|run|runs|drops?|covers?|goes|comes|takes|makes|needs|shows|means"
    r"|stands|gets|keeps|sits|lasts|adds|saves|pays|holds|counts|reaches)\b",
    re.IGNORECASE,
)
_NUMBER_WORDS = {stem(word) for word in NUMBER_WORDS} | {"hundr", "thousand", "million"}
_WE_WORD = re.compile(r"\b(?:we['’](?:re|ve|ll|d)|we|our|us|ours)\b", re.IGNORECASE)
_OTHER_WE = re.compile(r"\b(?:wir|uns|unser\w*|nous|notre|nos|on)\b", re.IGNORECASE)
_OPENER = re.compile(
    r"^(?:(?:so|okay|ok|well|and|but|yes|no|right|yeah|also|now|then|und|ja|nein|alors|donc"
    r"|et|oui|non|bon),?\s+)+",
    re.IGNORECASE,
)
_CLAUSE = re.compile(r";\s+|,\s+(?=(?:but|so|which|and then)\b)|\s+(?:but|because)\s+")
# A figure of the past plan ("in the original plan we counted on 240 panels"): often the one
# the text goes on to replace.
_EARLIER = re.compile(
    r"\b(?:original|originally|initially|at first|previously|last (?:week|month|time|email)"
    r"|used to|(?:we|they|i) expected|was expected|planned|ursprünglich|zunächst|anfangs"
    r"|initialement|prévu\w*)\b",
    re.IGNORECASE,
)
MAX_FIGURE_POINTS = 4
MAX_WORDS = 40
MIN_CONTENT_WORDS = 4  # besides the figures: "Eighty-four." is no key point
MIN_AFTER_FIGURE = 5  # "It's 72 minutes, not forty" says too little once "it" is gone
MIN_PHRASE_WORDS = 3  # "2,318 failed payments in that window", not "Seventy-two, then."
# A figure and what it counts, with no verb and no second clause.
_FIGURE_PHRASE = re.compile(
    r"^(?:about |around |over |some |roughly |nearly )?[$€£]?\d(?:[^,;:]|,(?=\d))*[.!]$", re.I
)
# A later sentence revises a figure when it shares this many content words with it (and at
# least REVISION_SHARE of the shorter one's): two after a correction is said ("I have to
# correct myself"), three otherwise ("2,318 failed payments" is not revised by "we page when
# 2 percent of payments fail").
MIN_SHARED = 2
MIN_SHARED_UNCUED = 3
REVISION_SHARE = 0.35


def _figures(sentence: str) -> set[str]:
    """The figures a sentence states, normalised; spelled ones from twenty up ("eighty-four")."""
    found = set()
    for match in _FIGURE.finditer(sentence):
        near = sentence[max(0, match.start() - 12) : match.end() + 12]
        number = numbers_in(match.group())
        if _DATE_WORDS.search(near) or any(_YEAR.match(n) for n in number):
            continue
        found |= number
    if not _DATE_WORDS.search(sentence) and not _ORDINAL_WORD.search(sentence):
        words = _NUMBER_NOUN.sub(" ", sentence.lower())  # "the over-sixty-fives" count nothing
        found |= {str(value) for value in spelled_numbers(words) if value >= 20}
    return found


def _plain(sentence: str, language: Language, phrase: bool = False) -> bool:
    """A statement of fact: no question, request, "I", proposal, hedge, ruling or idea put off,
    and more than the figure itself; unless it is a figure `phrase` ("2,318 failed payments in
    that window"), a clause with a verb and a subject the reader can resolve."""
    if (
        sentence.rstrip().endswith("?")
        or sentence.rstrip()[-1:] not in ".!"  # a heading or a title line
        or cues.first_person_singular(sentence)
        or _ADDRESSED.search(sentence)
        or _CONDITIONAL.search(sentence)
        or _DIRECTIVE.search(sentence)
        or cues.puts_forward(sentence)
        or cues.DEFERRED.search(sentence)
        or cues.SETTLED.search(sentence)  # a ruling: the decisions carry it
        or _EARLIER.search(sentence)
        or (language.code != "en" and _OTHER_WE.search(sentence))
    ):
        return False
    if phrase:
        return _meaning_words(sentence) >= MIN_PHRASE_WORDS
    return not (
        _VAGUE_SUBJECT.match(sentence)
        or _meaning_words(sentence) < MIN_CONTENT_WORDS
        or sentence[:1].isdigit()  # "72 minutes, and that's the number": a reply, not a clause
        or (language.code == "en" and not _VERB.search(sentence))
    )


def _meaning_words(text: str) -> int:
    """Content words besides figures and number words."""
    return len({w for w in content_words(text) if not w.isdigit() and w not in _NUMBER_WORDS})


def _condensed(sentence: str, figures: set[str]) -> str:
    """A long sentence cut to its clauses that carry the figures."""
    if len(sentence.split()) <= MAX_WORDS:
        return sentence
    clauses = [c for c in _CLAUSE.split(sentence) if numbers_in(c) & figures]
    text = " ".join(c.strip().rstrip(",;.") + "." for c in clauses[:2])
    return text if clauses and len(text.split()) <= MAX_WORDS else ""


def _reported(
    sentence: str, speaker: str, language: Language, source: str, as_object: bool = False
) -> str:
    """The sentence as a key point: said by a speaker, it is reported in their name ("Wen
    reported 1,140 distinct users …" when the figure was the whole news)."""
    sentence = sentence.strip()
    if not speaker:
        return "" if as_object else sentence
    if language.code != "en":
        return "" if as_object else f"{speaker}{language.colon} {sentence}"
    sentence = _WE_WORD.sub(lambda m: _WE[m.group().lower().replace("’", "'")], sentence)
    first = sentence.split(" ", 1)[0]
    if not re.search(
        rf"[a-z,;] {re.escape(first)}\b", source
    ):  # names are capitalised mid-sentence
        sentence = sentence[:1].lower() + sentence[1:]
    return f"{speaker} reported {'' if as_object else 'that '}{sentence}"


@dataclass(frozen=True)
class _Stated:
    """One sentence's figures and content words, computed once per source."""

    figures: frozenset[str]
    words: frozenset[str]


def _stated(sentences: list[tuple[int, str, str]]) -> list[_Stated]:
    return [
        _Stated(frozenset(_figures(text)), frozenset(content_words(text)))
        for _, _, text in sentences
    ]


def _revises(later: _Stated, words: set[str], figures: set[str], least_words: int) -> bool:
    """A later sentence gives other figures for the same thing (it shares words with it)."""
    least = max(least_words, REVISION_SHARE * min(len(words), len(later.words)))
    return bool(later.figures - figures) and len(words & later.words) >= least


def corrected_numbers(source: str) -> set[str]:
    """Figures the source corrects away: denied ("…, not forty"), or replaced by a later
    sentence about the same thing in a turn that corrects ("I have to correct myself … it is
    198 euros per child" makes the 185 stated earlier stale)."""
    found = denied_numbers(source)
    sentences = labelled_sentences(source)
    stated = _stated(sentences)
    with_figures = [index for index, facts in enumerate(stated) if facts.figures]
    for position, index in enumerate(with_figures):
        figures, words = (
            set(stated[index].figures),
            set(stated[index].words - stated[index].figures),
        )
        for later in with_figures[position + 1 :]:
            if not _revises(stated[later], words, figures, MIN_SHARED):
                continue
            turn = sentences[later][0]
            said = " ".join(s for number, _, s in sentences[: later + 1] if number == turn)
            if cues.CORRECTS.search(said):
                found |= figures - stated[later].figures
    return found


# Money and rates are what a reader checks first: a sentence with one counts one figure more.
_MONEY_OR_RATE = re.compile(
    r"[$€£]\s?\d|\d\s?(?:%|percent|per cent|prozent|pour cent|dollars?|euros?|pounds?|usd|eur)\b",
    re.IGNORECASE,
)


def missing_figures(source: str, summary: str, language: Language) -> list[tuple[str, str]]:
    """Up to `MAX_FIGURE_POINTS` plain sentences of the source with figures `summary` lacks,
    the ones with most figures (money and rates first) first, in source order: (speaker, key
    point) each."""
    sentences = labelled_sentences(source)
    stated = _stated(sentences)
    carried = numbers_in(summary)
    corrected = corrected_numbers(source)
    candidates: list[tuple[int, int, tuple[str, str]]] = []
    for index, (_, speaker, said) in enumerate(sentences):
        sentence = _OPENER.sub("", said.strip())
        it_is = _IT_IS.match(sentence)
        if it_is:  # "It's 1,140 distinct users …" → "1,140 distinct users …"
            sentence = sentence[it_is.end() :]
            if _meaning_words(sentence) < MIN_AFTER_FIGURE:
                continue
        # "2,318 failed payments in that window.": a figure said as a phrase, in a speaker's name
        phrase = bool(it_is or _FIGURE_PHRASE.match(sentence))
        figures = _figures(sentence)
        if not figures or figures <= carried or not _plain(sentence, language, phrase):
            continue
        if (phrase and not speaker) or states_corrected(sentence, corrected):
            continue
        words = content_words(sentence) - figures
        if any(_revises(later, words, figures, MIN_SHARED_UNCUED) for later in stated[index + 1 :]):
            continue
        text = _condensed(sentence, figures)
        point = _reported(text, speaker, language, source, as_object=phrase)
        if text and point:
            weight = len(figures) + bool(_MONEY_OR_RATE.search(text))
            candidates.append((weight, index, (speaker, point)))
    chosen = sorted(candidates, key=lambda c: -c[0])[:MAX_FIGURE_POINTS]
    return [text for _, _, text in sorted(chosen, key=lambda c: c[1])]
