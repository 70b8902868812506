"""Numbers a source spells out ("four hundred and thirty", "fifty-five", "twenty-seventh").

Transcripts write numbers as words; summaries write digits. The grounding check knows single
number words, not compounds, so "430 doses" would look invented next to "four hundred and
thirty doses". These values go to it as allowed terms.
"""

from __future__ import annotations

import re

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
_WORD = re.compile(r"[a-z]+")


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

    for word in _WORD.findall(text.lower()):
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
