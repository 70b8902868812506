"""A check that a summary's names, numbers and dates occur in its source.

Small models misattribute owners and misquote dates (docs/quality.md). This does not prove a summary
right, but it lists the concrete claims a reader should not trust blindly: every number, month or
weekday, and capitalized name in the summary that the source never mentions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import cues

_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
_NAME = re.compile(r"\b[A-Z][a-zA-Z'’-]+(?:\s+[A-Z][a-zA-Z'’-]+)*")
_WORD = re.compile(r"[a-z0-9]+")
MONTHS = frozenset(cues.ENGLISH_MONTHS + "jan feb mar apr jun jul aug sep sept oct nov dec".split())
WEEKDAYS = frozenset(cues.WEEKDAYS)
NUMBER_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "half": 50,
}
# Words our own prompt skeletons put in summaries, and sentence-openers that are not names.
_NOT_NAMES = frozenset(
    (
        "key points decisions decision action items item who said what none summary topic "
        "conclusion notes part speaker the a an this that these those it its they we he she i "
        "you there here in on at for to and but or if when after before during overall also next "
        "then all both each no not yes our their his her my your however meanwhile finally first "
        "second third today tomorrow yesterday team meeting agenda update updates discussion "
        "discussed unassigned due"
    ).split()
)


@dataclass(frozen=True)
class UnsupportedTerm:
    kind: str  # "number", "date" or "name"
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "text": self.text}


def _normalise_number(token: str) -> str:
    token = token.replace(",", "")
    if "." in token:
        token = token.rstrip("0").rstrip(".") or "0"
    return token


# Numbers a source spells out ("four hundred and thirty", "fifty-five", "twenty-seventh"):
# transcripts write numbers as words, summaries write digits.
_UNITS = {
    word: value
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {
    word: 10 * value
    for value, word in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)
}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
_SCALES = {"thousand": 1_000, "million": 1_000_000}
_LETTERS = re.compile(r"[a-z]+")


def _value(word: str) -> int | None:
    return _UNITS.get(word, _TENS.get(word))


def spelled_numbers(text: str) -> list[int]:
    """Every compound number written in words, as its value (single words included)."""
    found: list[int] = []
    total = current = 0
    active = False

    def flush() -> None:
        nonlocal total, current, active
        if active:
            found.append(total + current)
        total = current = 0
        active = False

    for word in _LETTERS.findall(text.lower()):
        if word not in _ORDINALS and _value(word) is None and word not in _SCALES:
            word = word[:-1] if word.endswith("s") else word  # "over-sixty-fives"
        if (value := _value(word)) is not None:
            if active and (current % 10 or (value >= 10 and current % 100)):
                flush()  # "sixty-five twenty": two numbers
            current, active = current + value, True
        elif word in _ORDINALS:
            current, active = current + _ORDINALS[word], True
            flush()
        elif word == "hundred" and active:
            current = max(current, 1) * 100
        elif word in _SCALES and active:
            total, current = total + max(current, 1) * _SCALES[word], 0
        elif word == "and" and active:
            continue
        else:
            flush()
    flush()
    return found


def source_numbers(source: str) -> set[str]:
    """Every number the source states, in digits or in words, normalised ("1,140" → "1140")."""
    numbers = {_normalise_number(n) for n in _NUMBER.findall(source)}
    words = set(_WORD.findall(source.lower()))
    numbers.update(str(value) for word, value in NUMBER_WORDS.items() if word in words)
    numbers.update(str(value) for value in spelled_numbers(source))
    # Ordinals and suffixes: "14th" → 14 is already covered by the digit run.
    return numbers


_DENIAL = re.compile(
    r"\b(?:not|no longer|instead of|rather than|nicht|statt|pas)\s+(?:(?:the|on|am|le|la)\s+)?"
    r"((?:[^,.;:!?]|[.,](?=\d)){1,40})",  # "not 2.80, 2.90": up to the clause's end
    re.IGNORECASE,
)


def _first_number(text: str) -> str | None:
    words = " ".join(text.split()[:3])
    digits = _NUMBER.search(words)
    spelled = spelled_numbers(words)
    if digits and (not spelled or words.find(digits.group()) < 3):
        return _normalise_number(digits.group())
    return str(spelled[0]) if spelled else None


def denied_numbers(source: str) -> set[str]:
    """Numbers the source corrects away ("…, not the three hundred", "not the 13th")."""
    found = {_first_number(m.group(1)) for m in _DENIAL.finditer(source)}
    return {n for n in found if n}


def numbers_in(text: str) -> set[str]:
    """Every number `text` states, in digits or compound words, normalised."""
    return {_normalise_number(n) for n in _NUMBER.findall(text)} | {
        str(v) for v in spelled_numbers(text)
    }


def states_corrected(sentence: str, denied: set[str]) -> bool:
    """True when a sentence gives a number the source corrected away, without saying so."""
    stale = numbers_in(sentence) & denied
    return bool(stale) and not (denied_numbers(sentence) >= stale or _FROM_TO.search(sentence))


_FROM_TO = re.compile(
    r"\b(?:from|instead of|rather than|originally|moved|changed|corrected)\b", re.IGNORECASE
)


def invented_numbers(text: str, numbers: set[str]) -> list[str]:
    """The digit numbers of `text` that are not among `numbers` (from `source_numbers`)."""
    return [n for n in _NUMBER.findall(text) if _normalise_number(n) not in numbers]


def _line_openers(summary: str) -> set[int]:
    """Offsets where a sentence, line or bullet begins: capitals there prove nothing."""
    starts = {0}
    for match in re.finditer(r"(?:^|\n)\s*(?:[-*•]|\d+[.)])?\s*|[.!?:]\s+", summary):
        starts.add(match.end())
    return starts


def find_unsupported(summary: str, source: str, allowed: str = "") -> list[UnsupportedTerm]:
    """Numbers, dates and names in `summary` that neither `source` nor `allowed` contains."""
    source_lower = source.lower() + "\n" + allowed.lower()
    source_words = set(_WORD.findall(source_lower))
    numbers = source_numbers(source + "\n" + allowed)
    found: list[UnsupportedTerm] = []
    seen: set[tuple[str, str]] = set()

    def report(kind: str, text: str) -> None:
        if (kind, text) not in seen:
            seen.add((kind, text))
            found.append(UnsupportedTerm(kind, text))

    for token in _NUMBER.findall(summary):
        if _normalise_number(token) not in numbers:
            report("number", token)
    for word in _WORD.findall(summary.lower()):
        if (word in MONTHS or word in WEEKDAYS) and word not in source_words:
            report("date", word.capitalize())
    openers = _line_openers(summary)
    for match in _NAME.finditer(summary):
        words = match.group().split()
        if match.start() in openers:
            # The first word may just be capitalized for the sentence; judge the rest.
            followed_by_colon = summary[match.end() : match.end() + 1] == ":"
            if not followed_by_colon:
                words = words[1:]
        for word in words:
            key = re.sub(r"['’]s$", "", word.lower().strip("'’"))
            if key in _NOT_NAMES or key in MONTHS or key in WEEKDAYS:
                continue
            if not all(part in source_words for part in _WORD.findall(key)):
                report("name", word)
    return found
