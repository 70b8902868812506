"""Words that tell what kind of statement a sentence of a meeting is, in the languages we detect.

A small model lists status remarks ("the laptops arrived yesterday"), floated ideas ("it might be
nice to send text reminders") and rejected proposals as decisions and tasks. Whether a sentence
reports, proposes or settles something is usually plain in a few words, so the checks that keep
decisions and action items honest read these cues from the source sentence a line came from.
One place for every such list; each pattern is case-insensitive and matches whole words.
"""

from __future__ import annotations

import re


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w])(?:" + "|".join(alternatives) + r")(?![\w])", re.IGNORECASE)


_PROPOSING = (
    r"we could",
    r"we might",
    r"could we",
    r"what if",
    r"how about",
    r"what about",
    r"i suggest",
    r"i'd suggest",
    r"i propose",
    r"i'd propose",
    r"i'd (?!be\b|like to know\b|love to know\b)[a-z]+",  # "I'd put a change freeze on …"
    r"i would (?!be\b)[a-z]+",
    r"one option",
    r"should we",
    r"we may want",
    r"i wonder",
    r"i was wondering",
    r"(?:i think )?we should",
    r"it (?:might|would|could) be (?:nice|good|great|worth)",
    # German
    r"wir könnten",
    r"könnten wir",
    r"sollten wir",
    r"wir sollten",
    r"ich schlage vor",
    r"wie wäre es",
    r"was wäre, wenn",
    # French
    r"on pourrait",
    r"nous pourrions",
    r"pourrait-on",
    r"je propose",
    r"je suggère",
    r"et si",
    r"ce serait bien",
)
_HEDGING = (
    r"maybe",
    r"perhaps",
    r"at some point",
    r"some day",
    r"one day",
    r"vielleicht",
    r"irgendwann",
    r"peut-être",
    r"un jour",
)
# Someone puts an idea forward ("what if we …", "I'd suggest …").
PROPOSING = _words(*_PROPOSING)
# An idea floated or hedged: a decision or task only if someone else then agrees.
PROPOSAL = _words(*_PROPOSING, *_HEDGING)

# A proposal put forward in so many words ("I'd like to propose that we hire …").
PROPOSES = _words(
    r"propos\w*",
    r"suggest\w*",
    r"i'd like to",
    r"vorschlag",
    r"schlage vor",
    r"proposition",
    r"propose",
    r"je suggère",
)


def puts_forward(text: str) -> bool:
    """The sentence proposes something or hedges about it ("I'd put a freeze on it", "maybe")."""
    return bool(PROPOSAL.search(text) or PROPOSES.search(text))


# A reply that turns a proposal down.
REJECTS = re.compile(
    r"(?:^|[,.]\s*)(?:but )?no\b(?![- ](?:one|doubt|problem))|my answer is no|proposal rejected"
    r"|not going to approve|i won't approve|i don't want to do that|we(?:'re| are) not doing"
    r"|i (?:don't|do not) (?:want|like) (?:that|this|it)\b|i'm against|(?:^|[.,]\s*)so no\b"
    r"|let's not\b|(?:don't|do not) think (?:that|it|this) (?:works|will work)|(?:won't|will not)"
    r" work\b"
    r"|\bnein\b|das machen wir nicht|(?:^|[,.]\s*)non\b|pas question|on ne (?:va|fait) pas",
    re.IGNORECASE,
)

# An idea put off in the same breath or the reply ("but that's a bigger design question, I'm not
# signing up for it now"): not taken up, whatever agreement words follow.
DEFERRED = _words(
    r"not (?:now|today|yet|for now|this (?:time|year|quarter))",
    r"(?:a )?bigger (?:design )?question",
    r"i'm not signing up",
    r"(?:some )?other time",
    r"let's (?:leave|park) (?:that|it)",
    r"(?:maybe|perhaps) (?:one day|later|next year)",
    r"keep an eye on",
    r"let's not",
    r"(?:don't|do not)\b[^.]{0,40}\b(?:before then|until)\b",  # "don't promise … before then"
    r"until\b[^.]{0,30}\b(?:has|have) (?:agreed|approved|signed off|confirmed)",
    r"i might",
    r"maybe[.!]?$",
    r"come back (?:to (?:it|this|that)|when|later)",
    r"wait and see",
    r"nicht jetzt",
    r"später",
    r"pas maintenant",
    r"plus tard",
)

# A report on how things stand: news, not something the meeting settled or anyone must do.
STATUS = _words(
    r"on track",
    r"on schedule",
    r"as planned",
    r"arrived",
    r"(?:was|were|got|been) (?:installed|delivered|fixed|done|finished|printed|confirmed)",
    r"(?:is|are|it's|they're) (?:set up|working|running|done|finished|fine|still open)",
    r"working fine",
    r"works fine",
    r"no change",
    r"nothing new",
    r"would (?:cost|mean|take|need)",  # a consideration, not a choice
    r"died with",
    r"nothing was decided",
    r"same as always",
    r"as always",
    r"i'm told",
    r"still",  # "the form still asks about …": how things are
    r"(?:someone|somebody) (?:needs|has) to",  # a task nobody has taken yet
    r"though",  # "the texting system costs extra, though": a remark
    r"nothing (?:for anyone|anyone needs|you need|we need|to do)",
    r"no action needed",
    r"that's it from me",
    r"looks? (?:healthy|good|fine)",
    # German
    r"läuft (?:gut|nach plan)",
    r"im plan",
    r"ist fertig",
    r"sind fertig",
    r"funktioniert",
    r"nichts zu tun",
    r"keine änderung",
    # French
    r"fonctionne",
    r"marche bien",
    r"dans les temps",
    r"rien à faire",
    r"pas de changement",
    r"est arrivée?s?",
)

# The speaker settles something for the group: agreement, a ruling, a confirmation.
SETTLED = _words(
    r"we agreed",
    r"we decided",
    r"we(?:'ve| have) decided",
    r"it's decided",
    r"agreed that",
    r"decided that",
    r"the decision is",
    r"that's the decision",
    r"let's decide",
    r"let us decide",
    r"(?:to|so to) confirm",
    r"(?:proposal|decision|plan) stands",
    r"let's (?:correct|change|fix) that",
    r"decision\b[^:.?!]{0,30}(?=:)",  # "the fare decision: …", "one decision I want on record: …"
    # German
    r"beschlossen",
    r"entschieden",
    r"halten wir fest",
    r"sind uns einig",
    r"abgemacht",
    # French
    r"c'est décidé",
    r"décidé",
    r"convenu",
    r"on retient",
)

# The calendar's words, written once: grounding, commitments and figures build on these.
ENGLISH_MONTHS = (
    "january february march april may june july august september october november december"
).split()
WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
# Month names in the summary languages with cue words (a figure next to one is a date).
MONTHS = re.compile(
    r"\b(?:"
    + "|".join(ENGLISH_MONTHS)
    + r"|januar|februar|märz|juni|juli|oktober|dezember|janvier|février|mars|avril|mai"
    r"|juin|juillet|août|septembre|octobre|novembre|décembre)\b",
    re.IGNORECASE,
)

# A speaker corrects a figure they or someone gave ("I have to correct myself", "make that 72").
CORRECTS = _words(
    r"correct myself",
    r"correction",
    r"actually",
    r"in fact",
    r"make that",
    r"revised",
    r"korrigier\w*",
    r"tatsächlich",
    r"eigentlich",
    r"en fait",
    r"je (?:me )?corrige",
    r"rectifi\w*",
)

# A reply that takes up what was just said ("Sure, I'll send it by Friday.").
AGREED_REPLY = re.compile(
    r"^(?:yes|yeah|yep|agreed|i agree|sounds good|sure|okay|ok|fine|good|great|perfect|deal"
    r"|let's do (?:that|it)|works for me|that works|makes sense|right|no problem|will do"
    r"|ja|klar|gerne|einverstanden|mach ich|mache ich|wird gemacht|oui|d'accord|entendu"
    r"|ça marche|bien sûr|pas de souci)\b",
    re.IGNORECASE,
)

# First person singular: a decision or key point in these words is a copied remark.
FIRST_PERSON_SINGULAR = _words(
    r"i", r"i'm", r"i've", r"i'd", r"i'll", r"me", r"my",
    r"ich", r"mir", r"mich", r"mein\w*",
    r"je", r"j'\w+", r"moi",
)  # fmt: skip


def first_person_singular(text: str) -> bool:
    """True when `text` speaks as "I" (apostrophes normalised)."""
    return bool(FIRST_PERSON_SINGULAR.search(text.replace("’", "'")))


# English, German and French words too common to tie a sentence to another one.
STOPWORDS = frozenset(
    (
        "the a an and or to of for in on at by with from this that will would should can i we you "
        "be is are was it our my your their them they he she his her all any up out as "
        "der die das den dem des ein eine einen und oder zu im am auf mit von für ist sind wir "
        "ich du sie es bis bitte dann hat haben "
        "le la les un une des et ou de du au aux en pour sur avec est sont nous je tu il elle"
    ).split()
)


# Words a task cannot start with (it starts with its verb): "We talked about …", "The old plan …".
NOT_TASK_START = _words(
    r"the", r"a", r"an", r"we", r"i", r"it", r"this", r"that", r"there", r"these", r"those",
    r"in", r"on", r"at", r"for", r"of", r"our", r"my", r"your", r"their", r"his", r"her",
    r"they", r"he", r"she", r"you", r"der", r"die", r"das", r"wir", r"ich", r"es", r"ein",
    r"eine", r"im", r"le", r"la", r"les", r"un", r"une", r"nous", r"je", r"il", r"elle",
    r"on", r"dans",
)  # fmt: skip


# A finite "is"/"stays" as the second word: a statement ("Communication stays in the app").
_STATED = re.compile(
    r"is|are|was|were|stays|remains|ist|sind|bleibt|bleiben|wird|war|est|sont|reste|restent|sera",
    re.IGNORECASE,
)


def starts_like_a_task(task: str) -> bool:
    """False for a task that opens with an article, pronoun or preposition (a copied remark), or
    that is one word or a reply ("Prima", "Okay, sure")."""
    words = task.split()
    first = words[0] if words else ""
    return (
        len(words) >= 2
        and not AGREED_REPLY.match(task)
        and not _STATED.fullmatch(words[1].strip(",.:;"))  # "Kommunikation bleibt in der App"
        and not NOT_TASK_START.fullmatch(first.strip(",.:;"))
    )
