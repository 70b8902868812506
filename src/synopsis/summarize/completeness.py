"""Whether a line is a complete sentence: not cut off, not dangling, not without a verb.

One rule for both sides: the summarizer drops or trims what fails it, and `synopsis eval`
reports what fails it (`evaluate.completeness`), so the pipeline never writes a line its own
checker would flag.

A reader stops at "The team discussed the budget and…". The rules are deliberately simple:
- a line ending with "…" or "..." is cut off;
- a line ending with a comma, colon, semicolon, dash, or a word that cannot end a sentence
  ("and", "the", "of", "to", ...) dangles;
- an English line of four or more words with no verb-like word is a fragment. Verb-like: an
  auxiliary or common verb, a word ending in "ed" or "s" (plurals pass too: the rule would
  rather miss a fragment than flag a sentence), a contraction, or the first word after
  "Name:" (an action item starts with its verb). A line is English when at least a sixth of
  its words are English function words; other lines skip this rule.
Headings ("Decisions:", "## Key points") are not content and are never flagged, and a line
under a title heading ("Topic: Flu clinics and weekend cover") is a title: only cut-off and
dangling endings count there.
"""

from __future__ import annotations

import re

_DANGLING = frozenset(
    (
        "and or but nor so yet the a an of to for with from in on at by into onto about as than "
        "that which who whom whose because since while if when where whether although though "
        "unless until after before over under between including like via per plus our their "
        "his her its my your this these those is are was were be been will would should can could "
        "must has have had not very"
    ).split()
)
_VERBS = frozenset(
    (
        "is are was were be been being am 's 're will would shall should can could may might must "
        "has have had do does did 'll 'd 've need needs want wants agree agrees go goes get gets "
        "make makes take takes send sends move moves keep keeps start starts stop stops "
        "update updates review reviews finish finishes launch launches ship ships plan plans "
        "ask asks say says tell tells give gives check checks follow follows prepare prepares "
        "schedule schedules share shares write writes run runs set sets call calls meet meets "
        "hire hires cap caps spend spends cut cuts pay pays buy buys sell sells lead leads own "
        "owns book books fix fixes test tests draft drafts brief briefs invite invites email "
        "emails confirm confirms decide decides propose proposes suggest suggests note notes "
        "remain remains stay stays become becomes come comes see sees know knows think thinks "
        "expect expects lands land works work led met made took gave said told went got ran "
        "sent kept set cut paid bought sold held thought saw knew came became began begun won "
        "lost chose chosen left brought built spent understood wrote written done gone seen "
        "taken given known shown put let"
    ).split()
)
_ENGLISH = frozenset(
    "the a an and of to is are was were in on for with will we it this that by from".split()
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|'(?:s|re|ll|d|ve)")  # any script: "Lucía"
MIN_FRAGMENT_WORDS = 4


# Sections whose content is a title, not a sentence, in the languages summaries come in.
_TITLE_SECTION = re.compile(r"^(?:topic|title|subject|headline|thema|titel|sujet|titre)s?$")


# A preposition that ends a sentence as part of its phrase: "from now on", "signed it off".
_PARTICLE_END = re.compile(
    r"\b(?:from now|later|and so|going|moving|carry|carried|move|moved|go|went|come|came"
    r"|switch\w*|turn\w*|log\w*|sign\w*|check\w*|hand\w*|sort\w*|it|them|this|that)"
    r" (?:on|in|over|off|out|about)$",
    re.IGNORECASE,
)


# An auxiliary after its subject ends an elliptic clause: "as it is", "if we can", "so it was".
_ELLIPTIC_END = re.compile(
    r"\b(?:it|that|this|they|we|you|he|she|there|i) "
    r"(?:is|are|was|were|will|would|can|could|should|must|has|have|had)$",
    re.IGNORECASE,
)


def ending_problem(line: str) -> str | None:
    """Why the line's end is not a sentence's end (an ellipsis, a comma, "and"), or None."""
    stripped = line.rstrip()
    if stripped.endswith(("…", "...")):
        return "cut off with an ellipsis"
    if stripped and stripped[-1] in ",;:-–—":  # ("" is in every string)
        return f"ends with {stripped[-1]!r}"
    words = _words(stripped)
    dangling = words and words[-1] in _DANGLING and stripped[-1:].isalpha()
    if dangling and not (_PARTICLE_END.search(stripped) or _ELLIPTIC_END.search(stripped)):
        return f"ends with the dangling word {words[-1]!r}"
    return None


def problem(line: str, title: bool = False) -> str | None:
    """Why `line` is not a complete sentence, or None. A `title` (a line under "Topic:") only
    needs a proper ending."""
    ending = ending_problem(line)
    if ending or title:
        return ending
    stripped = line.rstrip()
    words = _words(stripped)
    english = sum(w in _ENGLISH for w in words) >= len(words) / 6
    after_owner = re.match(r"^[^:]{1,40}:\s*([A-Za-z]+)", stripped)
    verbish = any(w in _VERBS or w.endswith(("ed", "s")) or "'" in w for w in words) or bool(
        after_owner
    )
    if english and len(words) >= MIN_FRAGMENT_WORDS and not verbish:
        return "no verb"
    return None


def is_title_section(section: str) -> bool:
    """A section whose lines are titles, not sentences ("Topic:", "Titel:")."""
    return bool(_TITLE_SECTION.match(section))


def _words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]
