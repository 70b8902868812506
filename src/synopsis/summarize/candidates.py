"""Statements that may carry a decision, a commitment, a date or a number.

In a long transcript the few sentences that matter are buried in discussion, and small models
miss them at 3,000 tokens of context. Decisions and action items are extracted instead from this
dense selection, made without a model: every sentence with a commitment or agreement cue, a date
or a number, in order, with its speaker. The model then structures the selection. The cues are
deliberately broad; the model, not this filter, decides what is a decision.
"""

from __future__ import annotations

import re

from .chunking import has_speaker_turns, speaker_turns, split_sentences

_CUES = re.compile(
    r"\b(i will|i'll|we will|we'll|i am going to|i'm going to|i can|i'll take|will you|can you|"
    r"could you|please|let's|let us|agree|agreed|agreement|decide|decided|decision|approve|"
    r"approved|go with|going with|settle|settled|owner|owns|deadline|due|action item|next step|"
    r"assign|assigned|responsible|commit|committed|plan to|by (?:end of|next|the end))\b",
    re.IGNORECASE,
)
_DATES = re.compile(
    r"\b(january|february|march|april|may|june|july|august|september|october|november|december|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|tonight|next week|"
    r"next month|this week|quarter|q[1-4]|\d{1,2}(?:st|nd|rd|th))\b",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
MIN_WORDS = 4


def is_candidate(sentence: str) -> bool:
    return bool(_CUES.search(sentence) or _DATES.search(sentence) or _DIGIT.search(sentence))


def candidate_statements(text: str) -> list[str]:
    """Candidate sentences in input order, each prefixed by its speaker when there is one.

    A sentence repeated word for word adds nothing the first occurrence did not say, so only the
    first is kept.
    """
    pairs: list[tuple[str, str]] = []
    if has_speaker_turns(text):
        for turn in speaker_turns(text):
            speaker, _, utterance = turn.partition(":")
            pairs.extend((speaker.strip(), s) for s in split_sentences(utterance.strip()))
    else:
        pairs = [("", s) for s in split_sentences(text)]
    seen: set[str] = set()
    statements = []
    for speaker, sentence in pairs:
        key = " ".join(sentence.lower().split())
        if key in seen or len(key.split()) < MIN_WORDS or not is_candidate(sentence):
            continue
        seen.add(key)
        statements.append(f"{speaker}: {sentence}" if speaker else sentence)
    return statements
