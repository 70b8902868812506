"""Commitments in a transcript, read without a model: who took on which task, by when.

A small model's action items depend on its decoding, which is not bit-identical across CPUs and
builds: a task that comes through on one machine is missing on another. A commitment is plain in
the words themselves, so it is found deterministically and never lost. A speaker who commits in
the first person ("I will ask finance to …", "I'll …", "Let me …") owns the task; so does a person
asked by name ("Tom, please …") or named as the one who will do it ("Maria from legal should …").
The task is the committed clause turned verb-first, with pronouns made to read from outside.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .chunking import SPEAKER_LINE, has_speaker_turns, speaker_turns, split_sentences
from .cues import AGREED_REPLY, ENGLISH_MONTHS, STOPWORDS, WEEKDAYS

CAPITAL_WORD = r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+(?:[-'’][A-ZÀ-ÖØ-Þ]?[a-zà-öø-ÿ]+)?"  # Mei-Ling, O'Neil
_NAME = rf"(?:Speaker [A-Z0-9]{{1,3}}|{CAPITAL_WORD}(?: {CAPITAL_WORD})?)"
_LEAD = (
    r"(?i:(?:then|so|and|okay|ok|fine|sure|yes|good|great|right|alright|well|also|now|next)"
    r"[,.]?\s+)*"
)
_START = r"(?:^|[,;:]\s+|\s(?i:and|but|so|then)\s+)"
_FIRST_PERSON = re.compile(
    _START
    + _LEAD
    + r"(?:I(?:'ll|’ll| will| shall| am going to|'m going to|’m going to)|(?P<let>(?i:let) me))"
    r"\s+(?P<clause>.+)"
)
# "Tom, please …", and with an aside between ("Tariq, as treasurer, could you …", "Beatriz, you
# offered to organise this, so please …").
_ADDRESSED = re.compile(
    r"^" + _LEAD + r"(?P<owner>" + _NAME + r"), (?:[^,.?!]{1,60}, )?(?:so |and )?"
    r"(?:you will|you'll|you’ll|please|can you|could you|would you|will you|I need you to)"
    r"(?: please)?\s+(?P<clause>.+)"
)
_NAMED = re.compile(
    _START + _LEAD + r"(?P<owner>" + _NAME + r")(?: from (?:the )?[a-z]+(?: team)?)?,? "
    r"(?:will|should|must|needs to|has to|is going to|is to|agreed to|promised to|offered to"
    r"|said (?:that )?(?:he|she|they)(?:'ll| will| would))\s+(?P<clause>.+)"
)
# Notes in the third person: "Dana asked Priya to test the two demo units …" is Priya's task.
_ASKED_TO = re.compile(
    _START + _LEAD + r"(?P<asker>" + _NAME + r") (?:asked|told) (?P<owner>" + _NAME + r") to\s+"
    r"(?P<clause>.+)"
)
# "Hamid, make the final order 450 doses.": a name, then a verb (not a greeting, pronoun or
# article), in a sentence that is no question.
_TOLD = re.compile(
    r"^" + _LEAD + r"(?P<owner>" + _NAME + r"), (?!(?i:you|we|i|it|that|this|the|a|an|is|are|was|"
    r"do|did|what|how|why|where|when|which|who|any|anything|so|and|but|or|if|thanks|thank|"
    r"sorry|right|yes|no|okay|ok|over|welcome|good|great|nice|sure|fine|exactly|hi|hello|"
    r"morning|in|on|at|for|to|with|from|about|as|just|really|honestly|also|too|here|there|"
    r"then|now|of|please|quickly|one|two|three|go ahead|their|our|my|your|his|her|its)\b)"
    r"(?P<clause>[a-z].+)"
)
_YOU_REQUEST = re.compile(
    r"^" + _LEAD + r"(?i:and\s+)?(?i:can|could|would|will) you (?:please )?(?P<clause>.+)"
)
# A new subject with its modal starts a second commitment in the same sentence.
_CLAUSE_BREAK = re.compile(
    r"\s*;\s*|:\s+|,\s+(?:and|but)\s+(?=I\b)"
    r"|,?\s+(?:and|but)\s+(?=(?:I|" + _NAME + r")(?:'ll|’ll|\s+(?:will|should|must|am)\b))"
)
_NOT_OWNERS = frozenset(
    "Then So And But Also Okay Fine Sure Good Great Yes No We You They It This That There These "
    "Those Everything Everyone Everybody Someone Somebody Nobody Nothing What Which Who Here Well "
    "Now Next Right Maybe Perhaps Speaker Ich Wir Du Sie Er Es Man Je Nous Vous Il Elle On".split()
)
# Verbs after "I will" that state or hedge rather than commit ("I'll be honest", "let me think").
_NOT_TASKS = frozenset(
    "be not never need want think guess say admit bet assume hope mention repeat note know see "
    "start explain summarize recap add".split()
)
_GROUP_YOU = re.compile(r"\byou (?:all|guys|both|two)\b", re.IGNORECASE)
# After "let me", verbs that do something in the meeting itself ("let me ask a practical one",
# "let me stop you there"); a task with one of them as its verb is no action item.
IN_MEETING = frozenset(
    "ask answer go jump turn show share try put move read walk stop interrupt".split()
)
# Acts of the conversation itself, whoever says them and however ("I'm going to stop you there").
MEETING_ACTS = frozenset("stop interrupt jump pause".split())
_VAGUE_OBJECTS = frozenset("it them that this those one".split())
_ADVERBS = frozenset("also just then quickly personally definitely still really now please".split())
_TRAILING = re.compile(r",?\s+(?:then|too|as well|anyway|okay|ok)$", re.IGNORECASE)
_CONDITIONAL = re.compile(r"^(?i:if|unless)\b")
_PRONOUNS_FIRST = {
    "i": "they",
    "i'm": "they're",
    "i've": "they've",
    "i'll": "they'll",
    "my": "their",
    "me": "them",
    "mine": "theirs",
    "myself": "themselves",
}
_PRONOUNS_YOU = {"you": "them", "your": "their", "yours": "theirs", "yourself": "themselves"}
_TOKEN = re.compile(r"[^\W\d_’']+(?:['’][^\W\d_]+)*|[\W\d_]+")  # words in any script, and the rest
_DAY = (
    r"(?:\d{1,2}(?:st|nd|rd|th)?|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"
    r"|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth"
    r"|nineteenth|twentieth|twenty[- ](?:first|second|third|fourth|fifth|sixth|seventh|eighth"
    r"|ninth)|thirtieth|thirty[- ]first)"
)
_MONTH = "(?:" + "|".join(month.capitalize() for month in ENGLISH_MONTHS) + ")"
_WEEKDAY = "(?:" + "|".join(day.capitalize() for day in WEEKDAYS) + ")"
_WHEN = (
    r"(?:(?:the )?end of (?:the |this |next )?(?:day|week|month|quarter|sprint|year)"
    rf"|(?:next |this )?{_WEEKDAY}"
    rf"(?: morning| afternoon| evening|,? (?:the )?{_DAY}(?: of)? {_MONTH}|,? {_MONTH} {_DAY})?"
    r"|tomorrow(?: morning| afternoon)?|tonight|next week|next month|this week"
    rf"|{_MONTH}(?: (?:the )?{_DAY})?|(?:the )?{_DAY} of {_MONTH}|{_DAY} {_MONTH})"
)
_DUE = re.compile(rf"\b(by|before|until|no later than|due|on)\s+({_WHEN})\b(?:,? \d{{4}})?")
# A deadline said without "by" at the end of a task ("I'll send the list this week").
_SOON = re.compile(
    r"\b(today|tonight|tomorrow(?: morning| afternoon)?|this (?:week|morning|afternoon|evening)"
    r"|next week)[.!]?$"
)
_BECAUSE = re.compile(r",?\s+(?:because|since|so that|which|as)\s+")
MAX_TASK_WORDS = 25
MIN_OVERLAP = 0.6  # share of the shorter text's content words two tasks must share to be one
_WORD = re.compile(r"[^\W_]+")  # letters of any script, and digits


@dataclass(frozen=True)
class Commitment:
    """One task taken on in one sentence: owner, verb-first task, due phrase ("" if none)."""

    owner: str
    task: str
    due: str
    sentence: str


def content_words(text: str) -> set[str]:
    """The words that carry meaning, for matching a model's wording to the source's; each as its
    stem, so "Oskar books the lab" and "book the lab" share their verb."""
    return {stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1}


_DOUBLED = re.compile(r"([b-df-hj-np-tv-z])\1$")


def stem(word: str) -> str:
    """A light English suffix stripper (-s, -es, -ed, -ing, a final -e), enough to match "fixed"
    with "fix" and "updates" with "update"; other languages' words come out the same on both
    sides of a comparison, which is all matching needs."""
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, keep in (("ies", "y"), ("ied", "y"), ("sses", "ss"), ("ing", ""), ("ed", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + keep
            return _DOUBLED.sub(r"\1", word) if suffix in ("ing", "ed") else word
    if word.endswith("es") and word[-3:-2] in ("s", "x", "z") or word.endswith(("ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


_ACRONYM = re.compile(r"\b[A-Z]{2,5}\b")


def _spelled_acronyms(text: str, other: str) -> str:
    """`text` with phrases that spell an acronym of `other` written as it ("root cause
    analysis" → "RCA"), so "have the RCA ready" and "write the root cause analysis" match."""
    for acronym in set(_ACRONYM.findall(other)):
        words = r"\s+".join(rf"{letter}\w*" for letter in acronym.lower())
        text = re.sub(rf"\b{words}\b", acronym, text, flags=re.IGNORECASE)
    return text


def same_task(a: str, b: str) -> bool:
    """True when most of the shorter text's content words are in the other one (acronyms and
    the words they stand for are one word)."""
    a, b = _spelled_acronyms(a, b), _spelled_acronyms(b, a)
    words_a, words_b = content_words(a), content_words(b)
    shorter = min(len(words_a), len(words_b))
    return shorter > 0 and len(words_a & words_b) >= MIN_OVERLAP * shorter


def _owner_name(name: str) -> str:
    """The name without a leading connective the pattern may have taken ("Then Maria")."""
    words = name.split()
    while len(words) > 1 and words[0] in _NOT_OWNERS:
        words = words[1:]
    return " ".join(words)


def _imperative(clause: str, pronouns: dict[str, str], speaker: str) -> str:
    """A committed clause as a verb-first sentence that reads from outside the conversation."""
    words = clause.strip().rstrip(".!?…").split()
    while words and words[0].lower() in _ADVERBS:
        words = words[1:]
    cut = _BECAUSE.split(" ".join(words), maxsplit=1)[0].split()  # the task, not the reason
    words = cut if len(cut) >= 3 else words
    tokens = _TOKEN.findall(" ".join(words))
    out = []
    for token in tokens:
        lowered = token.lower().replace("’", "'")
        if lowered in pronouns:
            out.append(pronouns[lowered])
        elif lowered == "me" and speaker:  # asked of someone else: "send me" → "send Speaker A"
            out.append(speaker)
        else:
            out.append(token)
    text = _TRAILING.sub("", "".join(out).strip()).rstrip(",;:")
    return text[:1].upper() + text[1:] + "." if text else ""


def due_phrase(text: str) -> str:
    """The deadline a sentence states ("by Friday" → "Friday", "before March 5"), or ""."""
    match = _DUE.search(text)
    if not match:
        soon = _SOON.search(text)
        return soon.group(1) if soon else ""
    word, when = match.group(1), match.group(0)[len(match.group(1)) :].strip()
    return when if word in ("by", "due", "on") else f"{word} {when}"


def _parse_clause(
    clause: str,
    speaker: str,
    addressee: str = "",
    requested: bool = False,
    people: frozenset[str] = frozenset(),
) -> Commitment | None:
    first = _FIRST_PERSON.search(clause)
    addressed = _ADDRESSED.match(clause)
    told = None if clause.rstrip().endswith("?") else _TOLD.match(clause)
    if not addressed and told and _owner_name(told.group("owner")) in people:
        addressed = told
    named = _NAMED.search(clause)
    asked = _YOU_REQUEST.match(clause) if requested and addressee else None
    notes_ask = None if speaker else _ASKED_TO.search(clause)  # a text without turns
    if first and speaker:
        pronouns = _PRONOUNS_FIRST
        if addressee:  # "I'll send you the invite", said to Farah: "Send Farah the invite"
            pronouns = {**pronouns, "you": addressee, "your": f"{addressee}'s"}
        owner, rest, asker = speaker, _GROUP_YOU.sub("everyone", first.group("clause")), ""
    elif addressed and _owner_name(addressed.group("owner")) not in _NOT_OWNERS:
        owner, rest = _owner_name(addressed.group("owner")), addressed.group("clause")
        pronouns, asker = _PRONOUNS_YOU, speaker
    elif asked:  # "Could you send me two references?", taken up in the next turn
        owner, rest, pronouns, asker = addressee, asked.group("clause"), _PRONOUNS_YOU, speaker
    elif notes_ask and _owner_name(notes_ask.group("owner")) not in _NOT_OWNERS:
        owner, rest = _owner_name(notes_ask.group("owner")), notes_ask.group("clause")
        pronouns, asker = _PRONOUNS_YOU, _owner_name(notes_ask.group("asker"))
    elif named and _owner_name(named.group("owner")) not in _NOT_OWNERS:
        owner, rest, pronouns, asker = (
            _owner_name(named.group("owner")),
            named.group("clause"),
            {},
            speaker,
        )
    else:
        return _german(clause, speaker, addressee, requested, people) or _french(
            clause, speaker, addressee, requested
        )
    verb = rest.split()[0].lower().strip(",.") if rest.split() else ""
    if verb in _NOT_TASKS or (verb == "have" and rest.split()[1:2] == ["to"]):
        return None
    if first and first.group("let") and owner == speaker and verb in IN_MEETING:
        return None
    if first and verb in MEETING_ACTS:  # "I'm going to stop you there"
        return None
    task = _imperative(_AND_WILL.sub(" and ", rest), pronouns, asker)
    if notes_ask and not _people_in(rest):  # "… and send her a short report": the asker
        task = _HER_HIM.sub(asker, task, count=1)
    words = task.split()
    bare = _SOON.sub("", _DUE.sub("", task.rstrip("."))).split()
    if len(words) < 2 or (words[1].lower().strip(".,") in _VAGUE_OBJECTS and len(bare) <= 3):
        return None  # "I'll do it by Friday": an answer to a request, itself the commitment
    return Commitment(owner, task, due_phrase(rest), clause)


# German: "ich kümmere mich um …", "ich schicke den Brief bis Montag", "ich werde … schreiben",
# and requests "Lena, schreibst du bitte … bis Freitag?", "Kannst du … machen?".
_DE_LEAD = r"(?:^|[,;:]\s+|\b(?i:und)\s+)(?i:(?:dann|also|gut|okay|ja|klar)[,]?\s+)*"
_DE_CARE = re.compile(_DE_LEAD + r"[Ii]ch kümmere mich (?P<prep>um|darum,?) (?P<rest>.+)")
_DE_WILL = re.compile(_DE_LEAD + r"[Ii]ch werde (?P<rest>.+?) (?P<verb>\w+en)[.!]?$")
_DE_FIRST = re.compile(
    _DE_LEAD + r"[Ii]ch (?P<verb>[a-zäöüß]+e) (?P<rest>(?:den|die|das|dem|der|einen|eine|ein|noch"
    r"|gleich|morgen|heute|bis)\b.+)"
)
_DE_REQUEST = re.compile(
    r"^(?:(?P<owner>" + _NAME + r"),\s+)?(?P<verb>[a-zäöüß]+st) du (?:bitte |dich |mal )*"
    r"(?P<rest>.+?)\??$"
)
_DE_CAN = re.compile(
    r"^(?:(?P<owner>" + _NAME + r"),\s+)?(?i:kannst du|könntest du|können Sie|könnten Sie)"
    r" (?:bitte |mal )*(?P<rest>.+) (?P<verb>\w+en)\??$"
)
# First-person verbs that state or hedge ("ich glaube …"), not take something on.
_DE_NOT_TASKS = frozenset(
    "glaube denke finde meine sehe habe hoffe schätze verstehe sage würde müsste hätte wäre "
    "weiß schaffe".split()
)
_DE_PARTICLES = frozenset(
    "an auf ab aus ein mit vor zu nach zurück weiter durch fest raus rein los vorbei weg hin her "
    "zusammen".split()
)
_DE_SUBCLAUSE = re.compile(r",\s+(?=(?:ob|dass|wann|wie|was|wer|wo|welche\w*|damit)\b)")
_DE_DUE = re.compile(
    r"\b(bis (?:zum |zur |Ende |nächste[nm]? )?(?:\d{1,2}\. \w+|\w+)|nächste Woche|morgen|heute)"
    r"(?=[\s,.!?]|$)"
)


def _de_infinitive(verb: str) -> str:
    """A regular German verb's infinitive from its "ich" or "du" form (schicke/schickst →
    schicken, kümmere → kümmern, organisiere → organisieren)."""
    verb = verb.lower()
    if verb.endswith("st"):
        verb = verb[:-2] if verb[-3:-2] != "e" else verb[:-3]
        verb = verb if verb.endswith("e") else verb + "e"
    return verb + ("n" if verb.endswith(("ere", "ele")) or verb.endswith("e") else "en")


def _de_task(rest: str, infinitive: str) -> str:
    """Object first, infinitive last, before a subordinate clause ("die Finanzabteilung fragen,
    ob sie … freigibt"), a separable particle joined ("den Verein an" + rufen → "Den Verein
    anrufen"); "mich"/"dich" read as "sich"."""
    parts = _DE_SUBCLAUSE.split(rest.strip().rstrip(".!?"), maxsplit=1)
    words = parts[0].split()
    if words and words[-1].lower() in _DE_PARTICLES:
        infinitive = words.pop().lower() + infinitive
    text = " ".join(words + [infinitive]) + (f", {parts[1]}" if len(parts) > 1 else "")
    text = re.sub(r"\b(?:mich|dich)\b", "sich", text)
    text = re.sub(r"\b(?:mir|dir)\b", "sich", text)
    return text[:1].upper() + text[1:] + "."


# French: "je vais demander …", "je m'occupe de …", "je réserve les chaises d'ici vendredi",
# and requests "Élodie, tu peux envoyer … d'ici jeudi ?", "Pouvez-vous préparer … ?".
_FR_LEAD = r"(?:^|[,;:]\s+|\b(?i:et)\s+)(?i:(?:alors|bon|donc|oui|d'accord|ok|okay)[,]?\s+)*"
_FR_CARE = re.compile(_FR_LEAD + r"(?i:je) m['’]occupe (?P<rest>(?:de|du|des|d['’])\s?.+)")
_FR_WILL = re.compile(
    _FR_LEAD + r"(?i:je) vais (?P<verb>[a-zàâçéèêëîïôûùüÿœ]+(?:er|ir|re))\b(?P<rest>.*)"
)
_FR_FIRST = re.compile(
    _FR_LEAD
    + r"(?i:je|j['’])\s?(?P<verb>[a-zàâçéèêëîïôûùüÿœ]+) (?P<rest>(?:le|la|les|l['’]|un|une|des|du"
    r"|aussi|demain|d['’]ici)\b.+)"
)
_FR_REQUEST = re.compile(
    r"^(?:(?P<owner>" + _NAME + r"),\s+)?(?i:tu peux|tu pourrais|peux-tu|pourrais-tu|vous pouvez"
    r"|vous pourriez|pouvez-vous|pourriez-vous)\s+(?P<verb>[a-zàâçéèêëîïôûùüÿœ]+(?:er|ir|re))\b"
    r"(?P<rest>.*?)\s*\??$"
)
# First-person present → infinitive for the verbs meetings use; a regular -er verb adds "r".
_FR_IRREGULAR = {
    "fais": "faire", "envoie": "envoyer", "appelle": "appeler", "rappelle": "rappeler",
    "écris": "écrire", "prends": "prendre", "mets": "mettre", "vois": "voir", "dis": "dire",
    "finis": "finir", "choisis": "choisir", "reviens": "revenir", "relis": "relire",
}  # fmt: skip
_FR_NOT_TASKS = frozenset(
    "pense crois trouve suis ai sais veux voudrais peux dois espère propose suggère comprends "
    "vois récapitule confirme".split()
)
_FR_DUE = re.compile(
    r"\b((?:d['’]ici|avant|pour) (?:le |la |lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
    r"|demain|la fin)[^,.;!?]{0,20}?|demain|aujourd['’]hui|la semaine prochaine)(?=[\s,.!?]|$)",
    re.IGNORECASE,
)


def _french(clause: str, speaker: str, addressee: str, requested: bool) -> Commitment | None:
    """A French commitment or request in `clause`, or None."""
    clause = clause.strip()
    care = _FR_CARE.search(clause)
    will = _FR_WILL.search(clause)
    first = _FR_FIRST.search(clause)
    request = _FR_REQUEST.match(clause)
    if speaker and care:
        owner, task = speaker, f"S'occuper {care.group('rest')}"
    elif speaker and will:
        owner, task = speaker, will.group("verb") + will.group("rest")
    elif speaker and first and first.group("verb").lower() not in _FR_NOT_TASKS:
        verb = first.group("verb").lower()
        infinitive = _FR_IRREGULAR.get(verb) or (verb + "r" if verb.endswith("e") else "")
        if not infinitive:
            return None
        owner, task = speaker, f"{infinitive} {first.group('rest')}"
    elif request and (request.group("owner") or (requested and addressee)):
        owner = _owner_name(request.group("owner") or addressee)
        if owner in _NOT_OWNERS:
            return None
        owner, task = owner, request.group("verb") + request.group("rest")
    else:
        return None
    task = re.sub(
        r"^(\S+) (?:aussi|donc|alors|bien|vite) ", r"\1 ", " ".join(task.rstrip(" .!?").split())
    )
    words = task.split()
    if len(words) < 2 or words[1].lower() in {"ça", "cela", "le", "la"} and len(words) <= 3:
        return None  # "je m'en occupe", "je le fais": the answer to a request
    due = _FR_DUE.search(clause)
    return Commitment(owner, task[:1].upper() + task[1:] + ".", due.group(1) if due else "", clause)


def _german(
    clause: str, speaker: str, addressee: str, requested: bool, people: frozenset[str]
) -> Commitment | None:
    """A German commitment or request in `clause`, or None."""
    clause = clause.strip()
    care = _DE_CARE.search(clause)
    will = _DE_WILL.search(clause)
    first = _DE_FIRST.search(clause)
    request = _DE_REQUEST.match(clause) or _DE_CAN.match(clause)
    if speaker and care:
        owner, task = speaker, _de_task(f"um {care.group('rest')}", "kümmern")
    elif speaker and will:
        owner, task = speaker, _de_task(will.group("rest"), will.group("verb"))
    elif speaker and first and first.group("verb") not in _DE_NOT_TASKS:
        owner, task = speaker, _de_task(first.group("rest"), _de_infinitive(first.group("verb")))
    elif request and (request.group("owner") or (requested and addressee)):
        owner = _owner_name(request.group("owner") or addressee)
        if owner in _NOT_OWNERS or (request.group("owner") and owner not in people):
            return None
        verb = request.group("verb")
        infinitive = verb if verb.endswith("en") and request.re is _DE_CAN else _de_infinitive(verb)
        task = _de_task(request.group("rest"), infinitive)
    else:
        return None
    if len(task.split()) < 3 or task.split()[0].lower().strip(",.") in _VAGUE_OBJECTS | {
        "das",
        "es",
    }:
        return None  # "Das mache ich": the answer to a request, itself the commitment
    due = _DE_DUE.search(clause)
    return Commitment(owner, task, due.group(1).removeprefix("bis ") if due else "", clause)


def parse(
    sentence: str,
    speaker: str = "",
    addressee: str = "",
    requested: bool = False,
    people: frozenset[str] = frozenset(),
) -> list[Commitment]:
    """The commitments one sentence makes; none for questions (other than requests) or
    conditions ("If …, I will …" is contingent, not taken on). `addressee` is who "you" is,
    when known; `requested` when they took up the turn, so "could you …?" is their task;
    `people` are the speakers, who may be told to do something without a "please"."""
    sentence = sentence.strip()
    if _CONDITIONAL.match(sentence):
        return []
    found = []
    topic = ""
    for clause in _CLAUSE_BREAK.split(sentence):
        named_topic = _TOPIC.match(clause)
        if named_topic:  # "And the flaky login test: Leilani, could you fix it …?"
            topic = named_topic.group("topic")
            continue
        request = (
            _ADDRESSED.match(clause)
            or (requested and _YOU_REQUEST.match(clause))
            or _DE_REQUEST.match(clause.strip())
            or _DE_CAN.match(clause.strip())
            or _FR_REQUEST.match(clause.strip())
        )
        if clause.rstrip().endswith("?") and not request:
            continue
        commitment = _parse_clause(clause, speaker, addressee, requested, people)
        if commitment and topic:
            task = _IT.sub(topic.replace("your ", "their "), commitment.task, count=1)
            commitment = replace(commitment, task=task)
        if commitment:
            found.append(commitment)
    return found


# A topic named before a colon, which the task then calls "it" ("And the flaky login test:
# Leilani, could you fix it or delete it by Friday?").
_TOPIC = re.compile(
    r"^(?i:(?:and|so|now|also|then|next|okay|ok|lastly|finally)[,]?\s+)*"
    r"(?P<topic>(?i:the|our|this|that|your) (?:[\w'’-]+ ){0,4}[\w'’-]+)$"
)
_IT = re.compile(r"(?<=\s)it\b")


def labelled_sentences(source: str) -> list[tuple[int, str, str]]:
    """(turn number, speaker, sentence) for every sentence; speaker "" for unlabelled text."""
    if not has_speaker_turns(source):
        return [(i, "", s) for i, s in enumerate(split_sentences(source))]
    sentences = []
    for number, turn in enumerate(speaker_turns(source)):
        label, said = ("", turn)
        if SPEAKER_LINE.match(turn):
            label, _, said = turn.partition(":")
        sentences.extend((number, label.strip(), s) for s in split_sentences(said))
    return sentences


def sentences_by_turn(source: str) -> list[tuple[str, list[str]]]:
    """(speaker, sentences) per turn; one turn per sentence, speaker "", for unlabelled text."""
    turns: list[tuple[str, list[str]]] = []
    last = None
    for number, speaker, sentence in labelled_sentences(source):
        if number != last:
            turns.append((speaker, []))
            last = number
        turns[-1][1].append(sentence)
    return turns


def commitments(source: str) -> list[Commitment]:
    """Every commitment of the source, in order, each task once: a request and its owner's
    "I'll have it done" are one task, and so is a sentence said twice. Text without speaker
    labels has no known "I", so only people asked or named as doers are found there.

    "You" is the next speaker when they take up what was said ("Could you send two references?"
    "Yes, by Monday."), else the previous one."""
    found: list[Commitment] = []
    turns = sentences_by_turn(source)
    people = frozenset(p for speaker, _ in turns if speaker for p in [speaker, *speaker.split()])
    for index, (speaker, sentences) in enumerate(turns):
        previous = next((s for s, _ in reversed(turns[:index]) if s != speaker), "")
        reply = turns[index + 1] if index + 1 < len(turns) else ("", [""])
        answers = bool(speaker and reply[0] and reply[0] != speaker)
        answers = answers and bool(AGREED_REPLY.match(reply[1][0] if reply[1] else ""))
        addressee = reply[0] if answers else previous
        named = ""  # the last person named in this turn, whom "her" or "him" stands for
        proposal = ""  # the act this turn proposed, which a later "it" stands for
        for position, sentence in enumerate(sentences):
            following = sentences[position + 1] if position + 1 < len(sentences) else ""
            following = following[:1].lower() + following[1:]  # "By Friday, if …"
            for new in parse(sentence, speaker, addressee, answers, people):
                if not new.due and _DUE.match(following):
                    # "Hana, could you build a canary …? By Friday, if that's realistic."
                    new = replace(new, due=due_phrase(following))
                if answers and new.owner == reply[0] and not new.due:
                    # "Tomasz, can you set up an alert?" "Yes, by next Tuesday."
                    new = replace(new, due=due_phrase(" ".join(reply[1][:2])))
                if named and _HER_HIM.search(new.task):  # "I'll send her the request"
                    new = replace(new, task=_HER_HIM.sub(named, new.task, count=1))
                if proposal and _IT_OBJECT.search(new.task):  # "I'll ask Margit to sign off
                    # on it", after "I'd like to send those 412 customers a voucher"
                    act = _gerund(proposal)
                    task = _IT_OBJECT.sub(lambda m, act=act: m.group(1) + act, new.task, count=1)
                    new = replace(new, task=task)
                if _IN_MEETING_REQUEST.match(new.task):
                    continue  # "can you walk us through it?": asked of the meeting itself
                same = [i for i, old in enumerate(found) if _same_commitment(new, old)]
                if not same:
                    found.append(new)
                elif _more_specific(new, found[same[0]]):  # "Could you send that list?" "Sure,
                    found[same[0]] = new  # I'll send you the list of tools this week."
            proposal = proposed_act(sentence) or proposal
            mentioned = [n for n in _MENTIONED.findall(sentence) if n not in _NOT_OWNERS]
            named = next((n for n in reversed(mentioned) if n != speaker), named)
    return found


# "we should really think about failover …", "I'd like to send those 412 customers a voucher".
_PROPOSED_ACT = re.compile(
    r"\b(?:I'd like to|I would like to|I want to|we should|we could|we might|I suggest (?:that )?we"
    r"|I propose (?:that )?we|how about|what about|what if we)\s+"
    r"(?:really |maybe |perhaps |probably |also |just )*(?P<act>[a-z][^.;!?]{5,120})",
    re.IGNORECASE,
)
_IT_OBJECT = re.compile(r"(\b(?:on|approve|approving|for|about) )it\b(?!')")
_SHORT_VOWEL_END = re.compile(r"[^aeiou]*[aeiou][bdgmnprt]")


def proposed_act(sentence: str) -> str:
    """The act a sentence proposes, verb first ("send those 412 customers a 10-euro voucher
    with an apology"); "" when it proposes nothing in so many words."""
    match = _PROPOSED_ACT.search(sentence)
    return match.group("act").strip().rstrip(",") if match else ""


def _gerund(act: str) -> str:
    """ "send the voucher" → "sending the voucher", "stop the trial" → "stopping the trial"."""
    verb, _, rest = act.partition(" ")
    lowered = verb.lower()
    if lowered.endswith("ie"):
        lowered = lowered[:-2] + "y"
    elif lowered.endswith("e") and not lowered.endswith(("ee", "ye", "oe")):
        lowered = lowered[:-1]
    elif _SHORT_VOWEL_END.fullmatch(lowered):
        lowered += lowered[-1]
    return f"{lowered}ing {rest}".strip()


_AND_WILL = re.compile(r"\s+and (?:will|would|shall)\s+")  # "… and will send her the request"
_HER_HIM = re.compile(r"(?<=\s)(?:her|him)\b(?!\s+(?:own|\w+'s))")
_MENTIONED = re.compile(r"(?<=[a-z,;] )" + CAPITAL_WORD)  # a name inside a sentence
_IN_MEETING_REQUEST = re.compile(
    r"^(?:walk|take|talk) (?:us|everyone|the team) through\b|^(?:tell|show|give) us\b", re.I
)


def _people_in(text: str) -> list[str]:
    """Capitalised words inside `text` that may be people: not connectives, days or months."""
    return [
        name
        for name in _MENTIONED.findall(text)
        if name not in _NOT_OWNERS and not re.fullmatch(rf"{_WHEN}|{_MONTH}", name, re.I)
    ]


def _same_commitment(new: Commitment, old: Commitment) -> bool:
    """One task said twice: the same words, or the same owner and deadline and something in
    common ("write the root cause analysis by Wednesday", "have the RCA ready by Wednesday")."""
    if same_task(new.task, old.task):
        return True
    if new.owner != old.owner or not new.due or new.due != old.due:
        return False
    due = content_words(new.due)
    a, b = _spelled_acronyms(new.task, old.task), _spelled_acronyms(old.task, new.task)
    return bool((content_words(a) - due) & (content_words(b) - due))


def _more_specific(new: Commitment, old: Commitment) -> bool:
    """The owner's own, fuller wording of a task they were asked to do."""
    return new.owner == old.owner and len(content_words(new.task)) > len(content_words(old.task))
