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

from . import cues
from .chunking import has_speaker_turns, split_sentences
from .commitments import (
    CAPITAL_WORD,
    IN_MEETING,
    MIN_OVERLAP,
    Commitment,
    commitments,
    due_phrase,
    labelled_sentences,
    parse,
    proposed_act,
    same_task,
    sentences_by_turn,
)
from .commitments import content_words as _content
from .language import ENGLISH, Language

if TYPE_CHECKING:
    from .notes import ActionItem

_FIRST_PERSON = re.compile(
    r"\b(?:I(?:'ll| will| shall| can| am going to|'m going to| take| volunteer)"
    r"|let me|I'd like to)\b"
)
_NAMED_OWNER = re.compile(
    rf"(?<![\w-])({CAPITAL_WORD})(?: from [a-z]+| {CAPITAL_WORD})?,? "
    r"(?:will|should|must|needs to|has to|is going to|is to|agreed to|can)\b"
)
_ADDRESSED = re.compile(
    rf"^(?:\w+, )?({CAPITAL_WORD}), (?:you will|you'll|please|can you|could you|would you)\b"
)
_NOT_NAMES = frozenset(
    "Then So And But Also Okay Fine Sure Good Great Yes No We You They It".split()
)


_FIGURE = re.compile(
    r"\d[\d,.]*|\b(?:(?:twen|thir|for|fif|six|seven|eigh|nine)ty|hundred|thousand|million"
    r"|billion|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?"
    r"|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
    r"|(?:mon|tues|wednes|thurs|fri|satur|sun)day"
    r"|(?:four|fif|six|seven|eigh|nin|ten|eleven|twelf|(?:thir|four|fif|six|seven|eigh|nine)teen"
    r"|twentie|thirtie)th|(?:twenty|thirty)[- ](?:first|second|third|\w+th))\b",
    re.IGNORECASE,
)
# "…, not the thirteenth": the figure after the "not" is the one corrected away.
_DENIED = re.compile(
    r"\b(?:not|no longer|instead of|rather than|nicht|statt|pas)"
    r" (?:on |by |am |an |le |au )?(?:the )?([\w-]+)",
    re.IGNORECASE,
)


def _figures(text: str) -> set[str]:
    """Numbers, months and weekdays: what must not be lost when a decision or task is dropped."""
    return {match.lower().rstrip(".,") for match in _FIGURE.findall(text)}


def _labelled_sentences(source: str) -> list[tuple[str, str]]:
    """(speaker, sentence) for every labelled sentence of a transcript."""
    return [(speaker, s) for _, speaker, s in labelled_sentences(source) if speaker]


DECISION_OVERLAP = 0.5  # a decision is a looser paraphrase of its sentence than a task


def _best_match(text: str, sentences: list[str], least: float = MIN_OVERLAP) -> int | None:
    """Index of the sentence sharing most of `text`'s content words, if at least `least`."""
    words = _content(text)
    best, best_share = None, 0.0
    for index, sentence in enumerate(sentences):
        if words:
            share = len(words & _content(sentence)) / len(words)
            if share > best_share:
                best, best_share = index, share
    return best if best_share >= least else None


def _source_sentence(text: str, sentences: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The (speaker, sentence) sharing most of `text`'s content words, if enough of them."""
    index = _best_match(text, [sentence for _, sentence in sentences])
    return None if index is None else sentences[index]


def _is_first_person(owner: str) -> bool:
    """An owner written as "I" ("Ich", "Je", "me") copies the speaker's word, not a name."""
    return owner.strip().lower() in {"i", "me", "myself", "ich", "je", "moi", "yo", "io", "eu"}


def attribute_owners(items: list[ActionItem], source: str) -> list[ActionItem]:
    """Correct owners from the sentence each task came from; other items pass unchanged."""
    if not items:
        return items
    if not has_speaker_turns(source):  # no speaker to stand for "I"
        return [replace(i, owner="") if _is_first_person(i.owner) else i for i in items]
    sentences = _labelled_sentences(source)
    corrected = []
    for item in items:
        found = _source_sentence(item.task, sentences)
        if found is None:
            corrected.append(replace(item, owner="") if _is_first_person(item.owner) else item)
            continue
        speaker, sentence = found
        if _is_first_person(item.owner):  # "Ich: mache den Termin": the one who said it
            item = replace(item, owner=speaker)
        committed = [c for c in parse(sentence, speaker) if same_task(c.task, item.task)]
        if committed:
            corrected.append(replace(item, owner=committed[0].owner))
            continue
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


def _lead_verb(task: str) -> str:
    """The task's first word without an -s/-ed/-ing ending ("Reviews" → "review")."""
    words = task.split()
    word = words[0].lower().strip(".,:;") if words else ""
    return re.sub(r"(?:ing|ed|es|s)$", "", word) if len(word) > 4 else word


def _keeps(item: ActionItem, commitment: Commitment) -> bool:
    """A model's item may stand for a commitment if it is a task, not a copied first-person
    sentence, starts with the commitment's own verb ("review" is not "draft") and keeps the
    commitment's numbers and dates."""
    first_person = re.search(r"\b(?:I|I'm|I'll|my|me)\b", item.task)
    return (
        not first_person
        and _lead_verb(item.task) == _lead_verb(commitment.task)
        and _figures(commitment.task) <= _figures(f"{item.task} {item.due}")
    )


_LET_ME = re.compile(r"\blet me (\w+)", re.IGNORECASE)


def _taken_up(item: ActionItem, sentences: list[tuple[int, str, str]]) -> bool:
    """A model's item that matches no commitment stays only if it comes from a sentence of the
    source (in a transcript; a document's tasks may be paraphrased) that is not a question, a
    status report or an idea nobody took up ("it might be nice to send text reminders"), nor an
    act of the meeting itself ("let me stop you there")."""
    index = _best_match(item.task, [sentence for _, _, sentence in sentences])
    if index is None:  # a transcript's tasks are its commitments: untraceable is made up
        return not any(speaker for _, speaker, _ in sentences)
    sentence = sentences[index][2]
    in_meeting = _LET_ME.search(sentence)
    if in_meeting and in_meeting.group(1).lower() in IN_MEETING:
        return False
    return not _unsettled(index, sentences, requests_count=True)


def add_commitments(
    items: list[ActionItem], source: str, found: list[Commitment] | None = None
) -> list[ActionItem]:
    """Action items with every commitment of the source among them, in the source's order.

    A commitment the model listed keeps the model's wording (with the commitment's owner); one
    it missed, or wrote as a copied "I will …", with another verb or without its figures, is
    listed as derived from the source. Model items that match no commitment follow, unless they
    come from an idea nobody took up (`_taken_up`).
    """
    from .notes import ActionItem  # notes imports this module

    found = commitments(source) if found is None else found  # the caller's, when it has them
    merged: list[ActionItem] = []
    used: set[int] = set()
    for commitment in found:
        covering = [
            i
            for i, item in enumerate(items)
            if i not in used and same_task(item.task, f"{commitment.task} {commitment.due}")
        ]
        used.update(covering)
        kept = [items[i] for i in covering if _keeps(items[i], commitment)]
        if not kept:
            kept = [ActionItem(commitment.owner, commitment.task, commitment.due)]
        merged += [
            replace(item, owner=commitment.owner, due=item.due or commitment.due) for item in kept
        ]
    sentences = labelled_sentences(source)
    rest = [
        item
        for i, item in enumerate(items)
        if i not in used
        and not cues.first_person_singular(item.task)  # a copied "I will …"
        and cues.starts_like_a_task(item.task)  # not "We talked about …"
    ]
    return merged + [item for item in rest if _taken_up(item, sentences)]


_APPROVAL_CLAIM = re.compile(
    r"\b(?:approv\w*|sign(?:s|ed)? off|sign-off|green-?lit)\b", re.IGNORECASE
)
_APPROVAL_STATED = re.compile(
    r"(?<!to be )(?<!will be )(?<!must be )(?<!should be )(?<!needs to be )"
    r"\b(?:approved|signed off|green-?lit)\b|\b(?:let's|we) approve\b",
    re.IGNORECASE,
)


# Words that keep a claim an idea ("proposed a freeze", "wants to send vouchers").
_AS_IDEA = re.compile(
    r"\b(?:propos\w*|suggest\w*|recommend\w*|ideas?|would like|wants? to|wanted to|could|might"
    r"|should|consider\w*|floated|hopes?|vorgeschlagen|schlug|schlägt|möchte|würde"
    r"|suggér\w*|aimerait|voudrait)\b",
    re.IGNORECASE,
)


def untaken_ideas(sentences: list[tuple[int, str, str]]) -> list[frozenset[str]]:
    """The content words of each sentence that puts an idea forward which nobody took up: not
    settled, not agreed to in the reply. Computed once per source for `states_idea_as_fact`."""
    return [
        frozenset(_content(sentence))
        for index, (_, _, sentence) in enumerate(sentences)
        if cues.puts_forward(sentence)
        and not (cues.SETTLED.search(sentence) or _agreed_in_reply(index, sentences))
    ]


def states_idea_as_fact(claim: str, ideas: list[frozenset[str]]) -> bool:
    """`claim` tells as done or certain what a sentence of the source only put forward, and
    nobody took up (`ideas`, from `untaken_ideas`): "will receive a voucher" for "I'd like to
    send them a voucher", answered with "don't promise anyone a voucher before then". It shares
    most of that sentence's words and none that keep it an idea."""
    if _AS_IDEA.search(claim):
        return False
    words = _content(claim)
    return any(
        len(words & idea) >= max(MIN_IDEA_WORDS, IDEA_SHARE * min(len(idea), len(words)))
        for idea in ideas
    )


MIN_IDEA_WORDS = 3
IDEA_SHARE = 0.5


_ASKS_FOR_APPROVAL = re.compile(r"\bask\w*\b[^.;]*?\b(?:approv|sign)", re.IGNORECASE)


def claims_unstated_approval(claim: str, said: str) -> bool:
    """`claim` says something was (or will be) approved or signed off, and `said` (the source
    words it stands for) states no approval and settles nothing: "I'll ask Margit to sign off
    on it" becomes "Margit will sign off on it" in a small model's words. Asking for approval
    is no such claim."""
    return (
        bool(_APPROVAL_CLAIM.search(claim))
        and not _ASKS_FOR_APPROVAL.search(claim)
        and not _APPROVAL_STATED.search(said)
        and not cues.SETTLED.search(said)
    )


def _agreed_in_reply(index: int, sentences: list[tuple[int, str, str]]) -> bool:
    """True when the turn after sentence `index`, by someone else, opens with agreement and
    neither it nor the rest of the proposer's turn puts the idea off."""
    turn, speaker, _ = sentences[index]
    for position, (number, other, sentence) in enumerate(sentences[index + 1 :], index + 1):
        if number == turn:
            if cues.DEFERRED.search(sentence):
                return False
            continue
        reply = " ".join(s for n, _, s in sentences[position:] if n == number)
        return (
            (other != speaker or not speaker)
            and bool(cues.AGREED_REPLY.match(sentence))
            and not cues.DEFERRED.search(reply)
        )
    return False


_SECOND_PERSON = re.compile(r"\b(?:you|your|yours|yourself|yourselves)\b", re.IGNORECASE)
_REQUEST = re.compile(
    r"\b(?:can|could|would|will) you\b|\bplease\b|\bbitte\b|\b(?:kannst|könntest) du\b"
    r"|\bkönnen Sie\b|\btu (?:peux|pourrais)\b|\b(?:peux|pourrais)-tu\b"
    r"|\bvous (?:pouvez|pourriez)\b|\b(?:pouvez|pourriez)-vous\b|s'il (?:te|vous) plaît",
    re.IGNORECASE,
)


def _unsettled(
    index: int, sentences: list[tuple[int, str, str]], requests_count: bool = False
) -> bool:
    """The source sentence settles nothing: a question (a request, when `requests_count`, is
    a task), a status report, a proposal that the next speaker did not take up, or, for a
    decision, words said to someone ("bring your broken stuff")."""
    _, _, sentence = sentences[index]
    if cues.SETTLED.search(sentence):
        return False
    if cues.DEFERRED.search(sentence):
        return True  # "I might have time on Wednesday, maybe": put off, not taken on
    question = sentence.rstrip().endswith("?")
    if question and requests_count and _REQUEST.search(sentence):
        question = False
    if not requests_count and _SECOND_PERSON.search(sentence):
        return True  # said to someone ("bring your broken stuff"): advice or a request
    if question or cues.STATUS.search(sentence):
        return True
    return cues.puts_forward(sentence) and not _agreed_in_reply(index, sentences)


def drop_restated_tasks(decisions: list[str], items: list[ActionItem], source: str) -> list[str]:
    """Decisions are only what was agreed. A decision is dropped when it speaks as "I" (a copied
    remark), restates a listed task, or comes from a sentence that is a question, a status
    report, a personal commitment, a proposal nobody took up, or that does not state the
    approval the decision claims.

    Small models turn "I will ask finance to approve the budget" into the decision "the budget is
    approved", and "the laptops arrived yesterday" into a decision. Every commitment of a
    speaker-labelled transcript is an action item (see `add_commitments`), so dropping its
    restatement loses nothing.
    """
    if not decisions:
        return decisions
    labelled = has_speaker_turns(source)
    sentences = labelled_sentences(source)
    texts = [sentence for _, _, sentence in sentences]
    kept = []
    for decision in decisions:
        covered = any(
            same_task(decision, item.task)
            and _figures(decision) <= _figures(f"{item.task} {item.due}")
            for item in items
        )
        if covered or cues.first_person_singular(decision):
            continue
        index = _best_match(decision, texts, DECISION_OVERLAP)
        if index is None:
            kept.append(decision)
            continue
        _, speaker, sentence = sentences[index]
        personal = bool(parse(sentence, speaker)) and not cues.SETTLED.search(sentence)
        unapproved = claims_unstated_approval(decision, sentence)
        if _unsettled(index, sentences) or (personal and labelled) or unapproved:
            continue
        kept.append(decision)
    return kept


_RULING = re.compile(r"^[^:]{0,24}:\s*(?P<rest>\S.+)$")
_GROUP_DECIDED = re.compile(
    r"(?<![\w])(?:we|the [a-z]+(?: [a-z]+)?) (?:agreed|decided)\b(?: on [^,;]{1,20})?"
    r" (?:to|that|on)\s",
    re.IGNORECASE,
)
MIN_RULING_WORDS = 2  # content words: "we stay fortnightly", not "we go with it"


# "We stay fortnightly", "Then we keep the launch date": the group settles how things stay.
_WE_SETTLE = re.compile(
    r"^(?:(?:so|then|okay|ok|fine|good|right),?\s+)*(?:we|let's) (?:stay|keep|stick with"
    r"|go with|switch to|move to|retire|drop|cancel)\b",
    re.IGNORECASE,
)
_CONNECTIVE = re.compile(
    r"^(?:(?:so|okay|ok|then|right|good|great|fine|yes|dann|also|gut|alors|donc|bon),?\s+)+", re.I
)


def _corrects(sentence: str) -> bool:
    """A correction: a figure denied and another one given ("So not Tuesday the ninth, the
    round is Thursday the eleventh")."""
    denied = _figures(" ".join(_DENIED.findall(sentence)))
    return bool(denied) and bool(_figures(sentence) - denied)


def settled_statements(source: str) -> list[str]:
    """What the source itself says was settled, without a model: the words after a ruling
    ("that's the decision: Siobhan and Mateus alternate …", "C'est décidé : …", "So to confirm:
    …"), sentences in which a group agreed or decided to do something, and corrections ("not
    Tuesday the ninth, the round is Thursday the eleventh")."""
    found = []
    for _, _, sentence in labelled_sentences(source):
        if sentence.rstrip().endswith("?"):
            continue
        cue = cues.SETTLED.search(sentence)
        ruling = _RULING.match(sentence[cue.end() :]) if cue else None
        if ruling:
            statement = ruling.group("rest")
        elif _WE_SETTLE.search(sentence):
            statement = _CONNECTIVE.sub("", re.split(r";\s*|,\s+and\s+", sentence)[0])
        elif _GROUP_DECIDED.search(sentence) or (
            _corrects(sentence) and not _REQUEST.search(sentence)
        ):
            statement = re.split(r";\s*", sentence)[0]
            head, colon, tail = statement.partition(": ")
            statement = _CONNECTIVE.sub("", tail if colon and _figures(tail) else statement)
        else:
            continue
        statement = statement.strip().rstrip(",;:")
        if (
            len([w for w in _content(statement) if not w.isdigit()]) >= MIN_RULING_WORDS
            and not cues.first_person_singular(statement)
            and not cues.DEFERRED.search(sentence)  # "let's keep an eye on it and come back"
        ):
            found.append(statement[:1].upper() + statement[1:].rstrip(".") + ".")
    return list(dict.fromkeys(found))  # a ruling repeated is one decision


MIN_REASON_WORDS = 3


_CONCESSION = re.compile(
    r"^(?:i (?:understand|get|see|hear|love|like|agree)\b[^,]*,\s*(?:[A-ZÀ-Þ][\w-]+,\s*)?"
    r"but\s+)",
    re.IGNORECASE,
)
_SPEAKER_CENTRIC = re.compile(r"^(?:I|I'm|I’m|I'll)\b")


def rejected_proposals(source: str, language: Language = ENGLISH) -> list[str]:
    """Proposals turned down within the next two turns, as decisions with the reason given
    ("Dr Okafor turned down the proposal by Mateus: the agency rate is about three times what
    we pay"). A rejected idea is a decision a reader needs, and small models list it as agreed."""
    turns = [(speaker, said) for speaker, said in sentences_by_turn(source) if speaker]
    found = []
    for index, (proposer, said) in enumerate(turns):
        if not any(cues.PROPOSES.search(s) or cues.PROPOSING.search(s) for s in said):
            continue
        for replier, reply in turns[index + 1 : index + 3]:
            answer = " ".join(reply[:2])
            if replier == proposer or not reply:
                continue
            put_off = _put_off(proposer, said, replier, reply, language)
            if put_off:
                found.append(put_off)
                break
            if not cues.REJECTS.search(answer):
                continue
            if cues.DEFERRED.search(answer):
                break  # "Interesting, we'll see. Let's not plan anything yet": put off

            reason = _reason(reply)
            if reason:
                found.append(language.rejected.format(who=replier, by=proposer, why=reason) + ".")
            break
    return found


# Where a put-off idea goes: "Put it on the list for next quarter's planning".
_LATER_PLACE = re.compile(
    r"\bnext (?:quarter|year|month|review|sprint|planning)|\bon (?:the|our) (?:list|backlog"
    r"|roadmap)\b|\bafter the (?:summer|launch|holidays|migration|release)\b",
    re.IGNORECASE,
)


def _put_off(
    proposer: str, said: list[str], replier: str, reply: list[str], language: Language
) -> str:
    """A proposal the reply puts off to a named later time ("Not now. Put it on the list for
    next quarter's planning"), as a decision with the reason; "" for anything else, such as
    an idea waved off with "let's not go there today"."""
    answer = " ".join(reply[:3])
    if not (language.put_off and cues.DEFERRED.search(answer)):
        return ""
    later = next((s for s in reply[:3] if _LATER_PLACE.search(s)), "")
    idea, reason = _idea(said), _reason(reply)
    if not (later and idea and reason):
        return ""
    why = reason if later.strip() in reason else f"{reason.rstrip('.')}. {later.strip()}"
    return language.put_off.format(who=replier, by=proposer, what=idea, why=why.rstrip(".")) + "."


def _reason(reply: list[str]) -> str:
    """The first sentence of a reply that gives a reason: no question, not about the speaker,
    with the "no" and any "I see your point, but" taken off."""
    reasons = [
        _CONCESSION.sub("", cues.REJECTS.sub("", s).strip(" ,.")).strip()
        for s in reply
        if not s.rstrip().endswith("?")
    ]
    reason = next(
        (
            r
            for r in reasons
            if len(_content(r)) >= MIN_REASON_WORDS and not _SPEAKER_CENTRIC.match(r)
        ),
        "",
    )
    return reason[:1].upper() + reason[1:]


_CONSIDER = re.compile(
    r"^(?:think about|consider|look at|look into|talk about|discuss|have)\s+", re.IGNORECASE
)


def _idea(said: list[str]) -> str:
    """What a turn proposes, as words to follow "idea": "of failover to a second payment
    provider", "to send the customers a voucher"; "" when no sentence says it plainly."""
    for sentence in said:
        idea = proposed_act(sentence)
        if idea:
            thing = _CONSIDER.sub("", idea)
            return f"of {thing}" if thing != idea else f"to {idea}"
    return ""


# "Someone suggested in the staff room that we add a stop at the Science Museum", "it was
# proposed to move the fair": the suggested act, verb first.
_SUGGESTED = re.compile(
    r"\b(?:suggested|proposed|recommended)\b(?:[^,.;]{0,40}?\bthat (?:we|they|the \w+)"
    r"(?: should)?| to) (?P<what>[a-z][^.;!?]{8,150})",
)


def rejected_suggestions(source: str, language: Language = ENGLISH) -> list[str]:
    """Suggestions a text without speaker turns turns down in the same or the next sentence
    ("… that we add a stop at the Science Museum. I don't think that works …, so let's not")."""
    if has_speaker_turns(source):
        return []
    sentences = [sentence for _, _, sentence in labelled_sentences(source)]
    found = []
    for index, sentence in enumerate(sentences):
        suggested = _SUGGESTED.search(sentence)
        answer = " ".join(sentences[index : index + 2])[suggested.end() :] if suggested else ""
        if suggested and cues.REJECTS.search(answer):
            what = suggested.group("what").strip().rstrip(",")
            found.append(language.dropped.format(what=what) + ".")
    return found


# Call notes tell an offer and its refusal in the third person: "Jun then presented the
# Premium Care support plan: …", then "Dana turned it down, because …".
_OFFERED = re.compile(
    r"\b(?:presented|offered|proposed|pitched|suggested|recommended|put forward)\s+"
    r"(?P<what>(?:the|a|an|their|his|her|its) [^:;,.!?]{3,80}?)(?=\s*(?:[:;,.!?]|\bfor\b|$))"
)
_DECLINED = re.compile(
    r"^(?P<who>[A-ZÀ-Þ][\w'-]+(?: [A-ZÀ-Þ][\w'-]+)?) (?:turned (?:it|that|this|the offer) down"
    r"|declined(?: it| the offer)?|rejected (?:it|that|the idea|the offer)|said no(?: to it)?"
    r"|passed on it|ruled it out)\b(?P<why>.*)$"
)


def declined_offers(source: str, language: Language = ENGLISH) -> list[str]:
    """Offers a text without speaker turns reports as turned down in the next two sentences,
    as decisions in the name of the one who refused, with their reason ("Dana turned down the
    Premium Care support plan, because the standard warranty already covers three years")."""
    if has_speaker_turns(source) or language.code != "en":
        return []
    sentences = [sentence.strip() for _, _, sentence in labelled_sentences(source)]
    found = []
    for index, sentence in enumerate(sentences):
        offered = _OFFERED.search(sentence)
        if not offered:
            continue
        for answer in sentences[index + 1 : index + 3]:
            declined = _DECLINED.match(answer)
            if declined:
                why = declined.group("why").strip().rstrip(".")
                found.append(
                    f"{declined.group('who')} turned down {offered.group('what')}"
                    + (f"{'' if why.startswith(',') else ' '}{why}" if why else "")
                    + "."
                )
                break
    return found


# "Okay, week of the 21st then.", "Fine, 450 doses then.": a choice confirmed in a few words.
_CONFIRMED = re.compile(
    r"^(?:okay|ok|fine|right|good|great|alright|all right|perfect|gut|okay|d'accord|bon|parfait)"
    r",?\s+(?P<what>[^,.;:!?]{3,40}?)\s+(?:then|dann|alors)[.!]?$",
    re.IGNORECASE,
)
_LATER = re.compile(
    r"^(?:(?:maybe|perhaps|peut-être|vielleicht) )?(?:next (?:year|month|time|quarter)|later"
    r"|l['’]année prochaine|plus tard|la prochaine fois|nächstes jahr|später|ein andermal)$",
    re.IGNORECASE,
)
_VAGUE_CHOICE = re.compile(r"^(?:that|this|it|so|we|us|you|das|ça|cela)\b", re.IGNORECASE)


def confirmations(source: str, language: Language = ENGLISH) -> list[str]:
    """Choices a speaker confirms in a few words ("Okay, week of the 21st then"), as decisions
    in their name: the words of the choice, which the turns before it explain."""
    found = []
    for _, speaker, sentence in labelled_sentences(source):
        confirmed = _CONFIRMED.match(sentence.strip())
        what = confirmed.group("what").strip() if confirmed else ""
        if (
            speaker
            and what
            and not _VAGUE_CHOICE.match(what)
            and not _LATER.match(what)  # "Bon, l'année prochaine alors": put off, not chosen
            and _content(what)
        ):
            found.append(language.confirmed.format(who=speaker, what=what) + ".")
    return found


def _said_in(statement: str, decisions: list[str]) -> bool:
    return any(same_task(statement, decision) for decision in decisions)


def add_settled(decisions: list[str], source: str, language: Language = ENGLISH) -> list[str]:
    """The model's decisions plus every settled statement and rejected proposal of the source
    they do not cover, in the order the source says them (so a later correction still wins in
    `drop_superseded`)."""
    sentences = [sentence for _, _, sentence in labelled_sentences(source)]
    stated = [
        *settled_statements(source),
        *rejected_proposals(source, language),
        *rejected_suggestions(source, language),
        *declined_offers(source, language),
    ]
    # A few words confirmed ("fifty-five seats then") go when a fuller statement says them.
    stated += [c for c in confirmations(source, language) if not _said_in(c, stated + decisions)]
    missing = [statement for statement in stated if not _said_in(statement, decisions)]
    if not missing:
        return decisions
    merged = decisions + missing
    positions: list[float] = []
    last = -1.0
    for decision in merged:
        index = _best_match(decision, sentences)
        last = float(index) if index is not None else last + 0.001
        positions.append(last)
    return [d for _, d in sorted(zip(positions, merged, strict=True), key=lambda pair: pair[0])]


_WEEKDAY = (
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|montag|dienstag|mittwoch|donnerstag|freitag"
    r"|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
)
_DEADLINE = re.compile(
    r"\b(?:by|before|until|due|bis(?: zum| zur| Ende)?|d'ici|avant(?: le| la)?)\s+"
    rf"(?:(?:next|this|the|nächsten|le|la|am)\s+)?(?:{_WEEKDAY}|\d|end\b|ende\b|fin\b)",
    re.IGNORECASE,
)
_PERSON_TASK = re.compile(
    r"^(?P<name>[A-ZÀ-Þ][\w'-]+(?: [A-ZÀ-Þ0-9][\w'-]*)?) (?P<rest>[a-zà-ÿ].+)$"
)
_WILL = re.compile(r"^(?:will|is going to|is to|'ll)\s+", re.IGNORECASE)


def tasks_stated_as_decisions(
    decisions: list[str], items: list[ActionItem], source: str
) -> tuple[list[str], list[ActionItem]]:
    """ "Aiko will send the route data by Monday" or "Élodie envoie le communiqué d'ici jeudi"
    under Decisions is a task: one person, a future act or a deadline. It moves to the action
    items (unless one already covers it) and leaves the decisions."""
    from .notes import ActionItem  # notes imports this module

    people = {item.owner for item in items if item.owner}
    for _, speaker, _ in labelled_sentences(source):
        if speaker:
            people.update([speaker, *speaker.split()])
    sentences = labelled_sentences(source)
    texts = [sentence for _, _, sentence in sentences]
    kept, moved = [], []
    for decision in decisions:
        task = _PERSON_TASK.match(decision.strip().rstrip("."))
        if not task or task.group("name") not in people:
            kept.append(decision)
            continue
        rest = task.group("rest")
        will = _WILL.match(rest)
        if not will and not _DEADLINE.search(rest):
            kept.append(decision)
            continue
        first = (split_sentences(decision) or [decision])[0]  # "… this month. No deploys …"
        index = _best_match(first, texts, DECISION_OVERLAP)
        if index is not None and _unsettled(index, sentences, requests_count=True):
            continue  # "I'd put a change freeze on it": an idea nobody took up, no task
        rest = rest[will.end() :] if will else rest
        if not any(same_task(rest, item.task) for item in items):
            moved.append(
                ActionItem(task.group("name"), rest[:1].upper() + rest[1:], due_phrase(rest))
            )
    return kept, items + moved


def drop_superseded(decisions: list[str]) -> list[str]:
    """When a later decision settles the same thing with other figures, the earlier one goes.

    Meetings correct themselves ("launch on the 3rd" … "make that the 10th"); a reader must see
    only the final date or number as decided. A later "…, not the 3rd" corrects any earlier
    mention of the 3rd; otherwise two decisions are about the same thing when most of the
    longer one's words (figures aside) are shared; decisions arrive in source order (one
    chunk after another, candidate statements in order), so the later one wins.
    """
    kept: list[str] = []
    for index, decision in enumerate(decisions):
        figures = _figures(decision)
        words = _content(decision) - figures
        denied_later = {
            figure
            for later in decisions[index + 1 :]
            if words & _content(later)  # about the same thing
            for figure in _figures(" ".join(_DENIED.findall(later)))
        }
        if figures & denied_later and not figures & _figures(" ".join(_DENIED.findall(decision))):
            continue  # a later "…, not the 13th" corrects this "the 13th"
        superseded = figures and any(
            (later_figures := _figures(later))
            and later_figures != figures
            and len(shared := words & (_content(later) - later_figures)) >= 2
            and len(shared) >= MIN_OVERLAP * max(len(words), len(_content(later) - later_figures))
            for later in decisions[index + 1 :]
        )
        if not superseded:
            kept.append(decision)
    return kept
