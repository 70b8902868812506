""" "Who said what" that condenses, checked against what each speaker actually said.

Asked what each speaker said, a small model often copies the speaker's turns (ASR errors
included) or runs on. A speaker's entry is accepted only when it is short (at most two sentences,
about forty words) and mostly not a word-for-word copy of their turns; otherwise (long inputs,
whose entries come from chunks) the pipeline asks again for that speaker alone. Whatever still
runs on is trimmed to its first whole sentences, and a copied "I will …" reads "Will …".
A short transcript is condensed speaker by speaker from the start: a model given one speaker's
turns cannot credit them with what another speaker said.
"""

from __future__ import annotations

import re

from . import cues
from .chunking import SPEAKER_LINE, has_speaker_turns, speaker_turns, split_sentences
from .commitments import Commitment, content_words, parse, same_task

MAX_WORDS = 40
MAX_SENTENCES = 2
MIN_POINT_WORDS = 4
COPY_SHARE = 0.6  # share of an entry's word trigrams found verbatim in the speaker's turns
_WORD = re.compile(r"[a-z0-9']+")
_CLAUSE_END = re.compile(r"[;,]\s")


def spoken_by(source: str) -> dict[str, str]:
    """Each speaker's turns, joined, keyed by their label as written."""
    spoken: dict[str, list[str]] = {}
    if has_speaker_turns(source):
        for turn in speaker_turns(source):
            if SPEAKER_LINE.match(turn):
                label, _, said = turn.partition(":")
                spoken.setdefault(label.strip(), []).append(said.strip())
    return {speaker: " ".join(turns) for speaker, turns in spoken.items()}


def _trigrams(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def copied(said: str, spoken: str, share: float = COPY_SHARE) -> bool:
    """True when most of `said` (at least `share` of its word trigrams) is `spoken` word for
    word."""
    grams = _trigrams(said)
    return bool(grams) and len(grams & _trigrams(spoken)) >= share * len(grams)


def too_long(said: str) -> bool:
    return len(said.split()) > MAX_WORDS or len(split_sentences(said)) > MAX_SENTENCES


def needs_condensing(said: str, spoken: str) -> bool:
    return too_long(said) or copied(said, spoken)


def _first_clauses(sentence: str) -> str:
    """A sentence over the word limit cut after its last clause that fits, ended with a period."""
    kept = ""
    for match in _CLAUSE_END.finditer(sentence):
        head = sentence[: match.start()].rstrip(" ,;")
        if len(head.split()) > MAX_WORDS:
            break
        kept = head
    return kept + "." if kept else sentence


def without_filler(text: str) -> str:
    """`text` without the short acknowledgements ("Agreed.", "One more thing.") that carry no
    point, so neither the model nor a trimmed entry dwells on them."""
    sentences = split_sentences(text)
    kept = [s for s in sentences if len(s.split()) >= MIN_POINT_WORDS]
    return " ".join(kept or sentences)


def entry(speaker: str, said: str) -> str:
    """The model's entry without a leading "Speaker A" (the line already names them)."""
    if said.lower().startswith(speaker.lower() + " "):
        said = said[len(speaker) + 1 :]
        said = said[:1].upper() + said[1:]
    return said


def _third_person(sentence: str, speaker: str) -> str:
    """A copied "I will send the notes." as "Will send the notes." (the line names the speaker)."""
    found = parse(sentence, speaker)
    if len(found) != 1 or found[0].owner != speaker or not sentence.lstrip().startswith("I"):
        return sentence
    task = found[0].task
    return "Will " + task[:1].lower() + task[1:]


_IRREGULAR_PAST = {
    "begin": "began", "bring": "brought", "build": "built", "buy": "bought", "choose": "chose",
    "come": "came", "do": "did", "draw": "drew", "find": "found", "get": "got", "give": "gave",
    "go": "went", "hold": "held", "keep": "kept", "lead": "led", "leave": "left", "make": "made",
    "meet": "met", "pay": "paid", "run": "ran", "sell": "sold", "send": "sent", "speak": "spoke",
    "spend": "spent", "take": "took", "teach": "taught", "tell": "told", "think": "thought",
    "write": "wrote",
}  # fmt: skip
_OPEN_SUBJECT = re.compile(r"\b(?:[Hh]e|[Ss]he) (?=will\b)")
_GENDERED_START = re.compile(r"(^|[.!?]\s+)(?:He|She)\s+([a-z])")
_WILL_AFTER_STOP = re.compile(r"(^|[.!?]\s+)will\b")


def _past(verb: str) -> str:
    if verb in _IRREGULAR_PAST:
        return _IRREGULAR_PAST[verb]
    if verb.endswith("e"):
        return verb + "d"
    if verb.endswith("y") and len(verb) > 2 and verb[-2] not in "aeiou":
        return verb[:-1] + "ied"
    return verb + "ed"


def keep_tasks_open(said: str, turns: str, speaker: str) -> str:
    """A task the speaker took on stays open in their entry: "sent the notes" (a small model's
    past tense for "I will send the notes") becomes "will send the notes", and "He will …" or
    "He proposed …" become "Will …", "Proposed …" (the line names the speaker; a transcript
    gives no one a gender)."""
    verbs = {
        commitment.task.split()[0].lower()
        for sentence in split_sentences(turns)
        for commitment in parse(sentence, speaker)
        if commitment.owner == speaker and commitment.task
    }
    for verb in verbs:
        said = re.sub(rf"\b{_past(verb)}\b", f"will {verb}", said, flags=re.IGNORECASE)
    said = _OPEN_SUBJECT.sub("", said)
    said = _GENDERED_START.sub(lambda m: m.group(1) + m.group(2).upper(), said)
    return _WILL_AFTER_STOP.sub(lambda m: m.group(1) + "Will", said)


_PROPOSED = re.compile(
    r"^(?:\w+(?: \w+)? )?(?:proposed|suggested|recommended)\b|\b(?:proposed|suggested) that\b",
    re.IGNORECASE,
)
_OWN_PROPOSAL = re.compile(r"\b(?:propos\w*|suggest\w*|recommend\w*|I'd like|I want)\b", re.I)


def own_proposals(said: str, turns: str) -> str:
    """An entry's "Proposed …" sentences only when the speaker's own turns propose something.

    A chair who confirms "Siobhan's proposal stands" did not propose it, and someone who reports
    that the autoclave works proposed nothing; a small model writes "Proposed …" for both."""
    if _proposes(turns):
        return said
    kept = [s for s in split_sentences(said) if not _PROPOSED.search(s)]
    return " ".join(kept)


_CLAIMS_DECIDING = re.compile(
    r"(?:,\s*(?:and\s+)?|^|\band\s+)(?:decided|ruled|settled on|chose|made the decision)\b"
    r".*?(?=,\s*(?:and\s+)?(?:reported|proposed|suggested|agreed|asked|said|will|noted)\b|$)",
    re.IGNORECASE,
)
# A speaker who settles something for the group: a ruling, "we stay …", "let's go with …", or
# "… then." after a choice ("Okay, week of the 21st then").
_SETTLES = re.compile(
    r"\b(?:we(?:'ll| will)? (?:stay|keep|go with|stick with)|let's go with|then[.!]"
    r"|(?:is|are) better\b)",
    re.IGNORECASE,
)


def own_decisions(said: str, turns: str) -> str:
    """An entry's "decided …" only when the speaker's own turns settle something: a small model
    writes "decided to test with twelve users" for the person who reported the number, when the
    chair settled it."""
    if cues.SETTLED.search(turns) or _SETTLES.search(turns):
        return said
    kept = []
    for sentence in split_sentences(said):
        trimmed = _CLAIMS_DECIDING.sub("", sentence).strip(" ,")
        if trimmed and len(trimmed.split()) >= MIN_SHARED_WORDS:
            kept.append(trimmed if trimmed[-1:] in ".!?" else trimmed + ".")
    return " ".join(kept)


_LEADING_NAMES = re.compile(
    r"^(?P<names>[A-ZÀ-Þ][\w'-]+(?: [A-ZÀ-Þ0-9][\w'-]*)?(?:(?:, | and | und | et )"
    r"[A-ZÀ-Þ][\w'-]+(?: [A-ZÀ-Þ0-9][\w'-]*)?)*) (?=[a-zà-ÿ])"  # "Speaker A and Dr Okafor"
)
MIN_SHARED_WORDS = 2
_TAKES_ON = re.compile(
    r"^(?:from (?:the )?[a-z]+ )?(?:agreed to|will|is going to|promised to|offered to"
    r"|volunteered to|is to|has to)\s+"
)


def credited_rightly(
    sentence: str, spoken: dict[str, str], taken: list[Commitment] | None = None
) -> bool:
    """False when a sentence opens with speakers' names ("Anna hat die Texte geschrieben")
    and one of them said none of it, or credits them with a task someone else took on ("Carlos
    agreed to write the RCA", which Björn was asked to do): a small model credits the wrong
    person this way.

    Each named speaker's own turns must share at least two of the sentence's content words
    besides the names."""
    lead = _LEADING_NAMES.match(sentence)
    if not lead or not spoken:
        return True
    names = re.split(r", | and | und | et ", lead.group("names"))
    claim = sentence[lead.end() :]
    task = _TAKES_ON.sub("", claim)
    for commitment in taken or []:
        if same_task(task, commitment.task) and not any(
            name.lower() in commitment.owner.lower().split() or name == commitment.owner
            for name in names
        ):
            return False
    words = content_words(claim)
    for name in names:
        labels = [
            label
            for label in spoken
            if name.lower() == label.lower() or name.lower() in label.lower().split()
        ]
        if not labels:
            continue  # not a speaker: nothing to check against
        turns = " ".join(spoken[label] for label in labels)
        if len(words & content_words(turns)) < MIN_SHARED_WORDS:
            return False
        if _CLAIMS_PROPOSAL.match(claim) and not _proposes(turns):
            return False  # "Speaker A suggested a weekly show": A proposed nothing
    said = _CLAIMS_SAYING.match(claim)
    if said:  # "Rahul notes that …": the words must be Rahul's, not another speaker's
        content = content_words(claim[said.end() :])
        share = _best_shares(content, spoken)
        named = max((v for k, v in share.items() if _named(k, names)), default=0.0)
        others = max((v for k, v in share.items() if not _named(k, names)), default=0.0)
        if others >= SAID_OVERLAP > named:
            return False
    return True


_CLAIMS_SAYING = re.compile(
    r"(?:notes|noted|says|said|reports|reported|mentions|mentioned|explains|explained|asks|asked"
    r"|points out|pointed out)(?: that)?\s+",
    re.IGNORECASE,
)
SAID_OVERLAP = 0.6


def _named(label: str, names: list[str]) -> bool:
    return any(n.lower() == label.lower() or n.lower() in label.lower().split() for n in names)


def _best_shares(words: set[str], spoken: dict[str, str]) -> dict[str, float]:
    """Per speaker, the largest share of `words` that one of their sentences contains."""
    if not words:
        return {}
    return {
        label: max(
            (len(words & content_words(s)) / len(words) for s in split_sentences(turns)),
            default=0.0,
        )
        for label, turns in spoken.items()
    }


_CLAIMS_PROPOSAL = re.compile(r"(?:proposed|proposes|suggested|suggests|recommended)\b", re.I)


def _proposes(turns: str) -> bool:
    turns = turns.replace("’", "'")
    return bool(cues.PROPOSING.search(turns)) or any(
        _OWN_PROPOSAL.search(sentence) and "'s proposal" not in sentence
        for sentence in split_sentences(turns)
    )


def trim(said: str, speaker: str = "") -> str:
    """The first whole sentences of `said` within the limits, filler left out and first-person
    copies turned around; a first sentence over the word limit keeps its first whole clauses."""
    kept: list[str] = []
    for sentence in split_sentences(without_filler(said)):
        sentence = _third_person(sentence, speaker) if speaker else sentence
        if kept and (
            len(kept) == MAX_SENTENCES or len(" ".join([*kept, sentence]).split()) > MAX_WORDS
        ):
            break
        kept.append(sentence)
    if len(kept) == 1 and len(kept[0].split()) > MAX_WORDS:
        return _first_clauses(kept[0])
    return " ".join(kept)
