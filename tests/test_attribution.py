"""Owners of action items are checked against who said the sentence a task came from."""

import pytest

from synopsis.summarize.attribution import (
    add_commitments,
    attribute_owners,
    declined_offers,
    drop_restated_tasks,
    rejected_proposals,
)
from synopsis.summarize.commitments import commitments, due_phrase, parse
from synopsis.summarize.notes import ActionItem, Notes

TRANSCRIPT = """Speaker A: Let's start. The goal is to agree on the launch plan.
Speaker B: Agreed. I will send the release notes to the support team by Friday.
Speaker A: I'll ask finance to approve the marketing budget of $20,000.
Speaker B: Then Maria from legal should finish the privacy review before March 5.
Speaker A: Okay. Tom, please update the pricing page by March 12.
Speaker B: Someone could look at the churn numbers at some point."""


def owners(items):
    return [item.owner for item in attribute_owners(items, TRANSCRIPT)]


def test_first_person_commitments_belong_to_their_speaker():
    items = [
        ActionItem("Speaker A", "Send the release notes to the support team", "Friday"),
        ActionItem("Speaker B", "Ask finance to approve the marketing budget"),
    ]
    assert owners(items) == ["Speaker B", "Speaker A"]


def test_named_and_addressed_people_own_their_tasks():
    items = [
        ActionItem("Speaker B", "Finish the privacy review", "March 5"),
        ActionItem("Speaker A", "Update the pricing page", "March 12"),
    ]
    assert owners(items) == ["Maria", "Tom"]


def test_unmatched_or_ownerless_sentences_keep_the_model_answer():
    items = [
        ActionItem("Speaker B", "Order new laptops for the team"),  # not in the transcript
        ActionItem("", "Look at the churn numbers"),  # nobody committed
    ]
    assert owners(items) == ["Speaker B", ""]


def test_text_without_speaker_turns_is_left_alone():
    items = [ActionItem("Dana", "Send the release notes to the support team")]
    plain = "We agreed that I will send the release notes to the support team by Friday."
    assert attribute_owners(items, plain) == items


def test_grounding_applies_attribution():
    notes = Notes(action_items=[ActionItem("Speaker A", "Send the release notes", "Friday")])
    assert notes.grounded(TRANSCRIPT).action_items[0].owner == "Speaker B"


def test_decisions_that_restate_a_listed_task_are_dropped():
    items = [
        ActionItem("Speaker A", "Ask finance to approve the marketing budget of $20,000"),
        ActionItem("Maria", "Finish the privacy review", "March 5"),
    ]
    decisions = [
        "The marketing budget of $20,000 is approved by finance.",  # only asked for: wrong
        "Maria from legal finishes the privacy review before March 5.",  # a task, listed
        "We keep the launch plan.",  # from "The goal is to agree on the launch plan": kept
    ]
    kept = drop_restated_tasks(decisions, items, TRANSCRIPT)
    assert kept == ["We keep the launch plan."]
    # In a labelled transcript every commitment becomes an action item, so even with no listed
    # task the restatements go, and grounding keeps their figures among the action items.
    assert drop_restated_tasks(decisions, [], TRANSCRIPT) == ["We keep the launch plan."]
    notes = Notes(decisions=decisions).grounded(TRANSCRIPT)
    assert notes.decisions == ["We keep the launch plan."]
    assert any("$20,000" in item.task for item in notes.action_items), notes.action_items


def test_in_unlabelled_text_a_commitment_decision_goes_only_when_a_task_keeps_its_figures():
    plain = (
        "Then Maria from legal should finish the privacy review before March 5. "
        "The team will meet again in April."
    )
    decision = ["Maria finishes the privacy review before March 5."]
    assert drop_restated_tasks(decision, [], plain) == decision  # nothing else would keep it
    lacking = [ActionItem("Maria", "Finish the privacy review")]
    assert drop_restated_tasks(decision, lacking, plain) == decision  # "March 5" would be lost
    covering = [ActionItem("Maria", "Finish the privacy review", "March 5")]
    assert drop_restated_tasks(decision, covering, plain) == []


CONVERSATION = """\
Speaker A: Let's start. The goal today is to agree on the launch plan for the mobile app.
Speaker B: Sure. The beta testers reported two crashes, and both are fixed in the latest build.
Speaker A: Good. Then we keep the launch date of March the twelfth.
Speaker B: Agreed. I will send the release notes to the support team by Friday.
Speaker A: I will ask finance to approve the marketing budget of twenty thousand dollars.
Speaker B: One more thing. The privacy review is still open, and legal needs a week for it.
Speaker A: Then Maria from legal should finish the privacy review before March the fifth.
Speaker B: Fine. I will book the launch meeting for Tuesday morning and invite everyone."""


def test_every_commitment_is_found_with_owner_task_and_due():
    found = [(c.owner, c.task, c.due) for c in commitments(CONVERSATION)]
    assert found == [
        ("Speaker B", "Send the release notes to the support team by Friday.", "Friday"),
        (
            "Speaker A",
            "Ask finance to approve the marketing budget of twenty thousand dollars.",
            "",
        ),
        ("Maria", "Finish the privacy review before March the fifth.", "before March the fifth"),
        ("Speaker B", "Book the launch meeting for Tuesday morning and invite everyone.", ""),
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "I'll update my slides and send them to Tom.",
            ["Update their slides and send them to Tom."],
        ),
        ("Let me check the numbers with finance.", ["Check the numbers with finance."]),
        (
            "Tom, please send me your draft by the end of the week.",
            ["Send Dana their draft by the end of the week."],
        ),
        ("Okay, Priya, you will send the beta invites.", ["Send the beta invites."]),
        (
            "I will send the notes, and Tom will review the slides.",
            ["Send the notes.", "Review the slides."],
        ),
        (
            "I will migrate the database by July 9, and I own that task.",
            ["Migrate the database by July 9."],
        ),
        ("I'll be honest, the numbers are bad.", []),
        ("If finance says no, I will cut the ads.", []),
        ("Should I send the notes?", []),
        ("I will not approve that.", []),
        ("Let me know if that works.", []),
        ("Everything should be fine by Monday.", []),
        ("Sure, I'll do it.", []),  # an answer to a request: the request is the commitment
    ],
)
def test_commitment_tasks_read_verb_first_from_outside(sentence, expected):
    assert [c.task for c in parse(sentence, "Dana")] == expected


def test_owners_of_commitments():
    assert [c.owner for c in parse("Then Maria from legal should finish the review.", "Dana")] == [
        "Maria"
    ]
    assert [c.owner for c in parse("Okay. I will book the room for Tuesday.", "Dana")] == ["Dana"]
    assert due_phrase("finish the review before March the fifth") == "before March the fifth"
    assert due_phrase("send it by next Friday") == "next Friday"
    assert due_phrase("book the room for Tuesday morning") == ""  # a time, not a deadline


def test_missed_or_copied_commitments_are_added_in_source_order():
    model = [
        ActionItem("Speaker B", "Book the launch meeting", "Tuesday"),  # model wording kept
        ActionItem("Speaker A", "I will ask finance to approve the budget"),  # copied "I"
        ActionItem("Speaker B", "Order pizza for the launch"),  # said by nobody: dropped
    ]
    items = Notes(action_items=model).grounded(CONVERSATION).action_items
    assert [(item.owner, item.task) for item in items] == [
        ("Speaker B", "Send the release notes to the support team by Friday."),
        ("Speaker A", "Ask finance to approve the marketing budget of twenty thousand dollars."),
        ("Maria", "Finish the privacy review before March the fifth."),
        ("Speaker B", "Book the launch meeting"),
    ]


def test_a_task_that_drops_the_commitments_figures_is_replaced():
    source = "Dana: Hi all.\nLee: I will ask finance to approve the budget of $20,000."
    items = add_commitments([ActionItem("Lee", "Ask finance to approve the budget")], source)
    assert [item.task for item in items] == ["Ask finance to approve the budget of $20,000."]


def test_decisions_are_only_what_was_agreed():
    source = """Dana: Should we move the launch to May?
Lee: No, that is too late. What if we cut the beta instead?
Dana: I don't think so. I suggest we keep the beta and hire a contractor.
Lee: Agreed, let's do that.
Dana: We need finance to approve the contractor budget.
Lee: Then we keep the launch date of March the twelfth."""
    decisions = [
        "The launch moves to May.",  # a question
        "The beta is cut.",  # a proposal that was rejected
        "The team keeps the beta and hires a contractor.",  # proposed, then agreed
        "The contractor budget is approved by finance.",  # only needed, never approved
        "The launch date stays March 12.",  # decided
    ]
    assert drop_restated_tasks(decisions, [], source) == [
        "The team keeps the beta and hires a contractor.",
        "The launch date stays March 12.",
    ]


def test_a_corrected_figure_supersedes_the_earlier_decision():
    from synopsis.summarize.attribution import drop_superseded

    decisions = [
        "The app launches on June 3.",
        "The budget stays at 40,000 euros.",
        "The clinic orders 450 doses of flu vaccine.",
        "The app launches on June 10.",
        "The flu clinic is on October 11.",
    ]
    assert drop_superseded(decisions) == decisions[1:]


def test_commitments_name_hyphenated_owners_and_whom_you_means():
    from synopsis.summarize.commitments import commitments

    source = (
        "Farah: That works for me.\n"
        "Tobias: And I will send you the calendar invite for Thursday today.\n"
        "Mei-Ling: I will send Farah the take-home exercise by Friday. "
        "I'll mail you all the notes.\n"
        "Olusegun: Let me ask a practical one."
    )
    found = [(c.owner, c.task) for c in commitments(source)]
    assert found == [
        ("Tobias", "Send Farah the calendar invite for Thursday today."),
        ("Mei-Ling", "Send Farah the take-home exercise by Friday."),
        ("Mei-Ling", "Mail everyone the notes."),
    ]


STANDUP = """Speaker A: Updates first. Noor?
Speaker B: The new printers arrived on Tuesday and they're set up. Nothing anyone needs to do.
Speaker C: It might be nice to send customers a survey after each repair.
Speaker A: Maybe later in the year. Let me stop you there, we're short on time.
Speaker B: I think we should close the shop on Mondays.
Speaker A: No, Mondays are busy. We stay open six days.
Speaker C: Noor, can you draft the supplier contract by Thursday?
Speaker B: Sure, Thursday.
Speaker A: Then Ivo reviews it on Friday."""


def test_status_reports_untaken_ideas_and_rejected_proposals_are_not_decisions():
    decisions = [
        "The new printers are set up.",  # status report
        "Customers get a survey after each repair.",  # idea nobody took up
        "The shop closes on Mondays.",  # proposed, then rejected
        "I think we should close the shop on Mondays.",  # a copied remark
        "The shop stays open six days.",  # what was settled
    ]
    assert drop_restated_tasks(decisions, [], STANDUP) == ["The shop stays open six days."]


def test_model_tasks_from_ideas_nobody_took_up_or_from_the_meeting_itself_are_dropped():
    items = [
        ActionItem("Speaker C", "Send customers a survey after each repair"),
        ActionItem("Speaker A", "Stop you there"),
        ActionItem("Speaker A", "Order new toner cartridges"),  # said by nobody
    ]
    kept = add_commitments(items, STANDUP)
    assert [(i.owner, i.task) for i in kept] == [
        ("Noor", "Draft the supplier contract by Thursday.")
    ]


def test_a_model_task_with_another_verb_than_the_commitment_takes_the_commitments_wording():
    items = [ActionItem("Noor", "Review the supplier contract", "Thursday")]
    (item,) = add_commitments(items, STANDUP)
    assert (item.owner, item.task, item.due) == (
        "Noor",
        "Draft the supplier contract by Thursday.",
        "Thursday",
    )


def test_people_asked_in_unlabelled_text_own_their_tasks_even_after_an_aside():
    memo = (
        "The survey is done. Tariq, as treasurer, could you please prepare the loan application "
        "by 30 April? Beatriz, you offered to help, so please collect the sign-up list by "
        "Wednesday."
    )
    found = [(c.owner, c.task, c.due) for c in commitments(memo)]
    assert found == [
        ("Tariq", "Prepare the loan application by 30 April.", "30 April"),
        ("Beatriz", "Collect the sign-up list by Wednesday.", "Wednesday"),
    ]


def test_what_the_source_rules_settled_is_a_decision_in_source_order():
    from synopsis.summarize.attribution import add_settled, settled_statements

    source = """Ana: One decision I want on record: we move the retro to Thursdays.
Ben: What if we cancel the demo? Let's correct that: the demo is on May 9, not May 2.
Ana: I decided nothing about the budget yet.
Cleo: So to confirm: three seats, billed monthly."""
    assert settled_statements(source) == [
        "We move the retro to Thursdays.",
        "The demo is on May 9, not May 2.",
        "Three seats, billed monthly.",
    ]
    model = ["The demo is on May 9.", "Cleo bills three seats monthly."]
    assert add_settled(model, source) == [
        "We move the retro to Thursdays.",
        "The demo is on May 9.",
        "Cleo bills three seats monthly.",
    ]


def test_you_is_the_next_speaker_when_they_take_up_the_request():
    source = """Tobias: I'll send you the calendar invite today. Could you send me two references?
Farah: Yes, two references by Monday, no problem.
Tobias: Great."""
    found = [(c.owner, c.task) for c in commitments(source)]
    assert found == [
        ("Tobias", "Send Farah the calendar invite today."),
        ("Farah", "Send Tobias two references."),
    ]
    unanswered = "Tobias: Could you send me two references?\nFarah: Why do you need them?"
    assert commitments(unanswered) == []


def test_a_later_not_the_figure_corrects_earlier_mentions_of_the_same_thing():
    from synopsis.summarize.attribution import drop_superseded

    decisions = [
        "The freeze starts on Friday the thirteenth of June.",
        "Bookings open on Monday.",
        "The freeze starts on the twentieth, not the thirteenth.",
        "The retro is on Tuesday, not Monday.",
    ]
    assert drop_superseded(decisions) == decisions[1:]


def test_corrections_are_settled_in_any_of_our_languages():
    from synopsis.summarize.attribution import settled_statements

    source = """Jonas: Dann korrigieren wir das: Wir starten nicht am 3., sondern am 10. Juni.
Tobias: So not Tuesday the ninth, the round is Thursday the eleventh at ten.
Ilona: Please note: not the fourteenth, the twenty-first."""
    assert settled_statements(source) == [
        "Wir starten nicht am 3., sondern am 10. Juni.",
        "Not Tuesday the ninth, the round is Thursday the eleventh at ten.",
    ]


def test_the_owners_own_fuller_wording_and_plain_deadlines_win():
    source = """Bea: Could you send us that list?
Cleo: Sure, I'll send you the list of tools this week.
Ann: I'll put the link in the show notes, then.
Bea: I think we should go weekly.
Ann: I love the enthusiasm, but no. We stay fortnightly."""
    found = [(c.owner, c.task, c.due) for c in commitments(source)]
    assert found == [
        ("Cleo", "Send Bea the list of tools this week.", "this week"),
        ("Ann", "Put the link in the show notes.", ""),
    ]
    decisions = ["We will go weekly instead of fortnightly", "The show stays fortnightly."]
    assert drop_restated_tasks(decisions, [], source) == ["The show stays fortnightly."]
    copied = [ActionItem("Cleo", "I will watch someone do it once")]
    assert [i.task for i in add_commitments(copied, source)] == [t for _, t, _ in found]


def test_what_the_group_keeps_is_settled_and_advice_to_listeners_is_no_decision():
    from synopsis.summarize.attribution import settled_statements

    source = """Ann: Weekly would mean worse shows. We stay fortnightly, and we make each one good.
Cleo: Fine, we go with it. First Saturday of every month. Bring your broken stuff."""
    assert settled_statements(source) == ["We stay fortnightly."]
    decisions = [
        "Listeners bring their broken stuff on the first Saturday.",
        "We stay fortnightly.",
    ]
    assert drop_restated_tasks(decisions, [], source) == ["We stay fortnightly."]


def test_a_persons_task_under_decisions_moves_to_the_action_items():
    from synopsis.summarize.attribution import tasks_stated_as_decisions

    source = """Aiko: I'll export the route data by Monday.
Élodie: J'envoie le communiqué d'ici jeudi.
Henrik: No, I'm going to stop you there. We sign for one year only."""
    items = [ActionItem("Aiko", "Export the route data by Monday", "Monday")]
    decisions = [
        "Aiko will export the route data by Monday.",  # a task already listed
        "Élodie envoie le communiqué d'ici jeudi.",  # a task, in French
        "The contract runs for one year only.",
    ]
    kept, tasks = tasks_stated_as_decisions(decisions, items, source)
    assert kept == ["The contract runs for one year only."]
    assert [(t.owner, t.task) for t in tasks] == [
        ("Aiko", "Export the route data by Monday"),
        ("Élodie", "Envoie le communiqué d'ici jeudi"),
    ]
    assert [c.task for c in commitments(source)] == [
        "Export the route data by Monday.",
        "Envoyer le communiqué d'ici jeudi.",
    ]


def test_a_proposal_turned_down_is_a_decision_with_its_reason_in_the_summary_language():
    from synopsis.summarize.attribution import rejected_proposals
    from synopsis.summarize.language import LANGUAGES

    source = """Mateus: So I'd like to propose that we hire an agency nurse for the Saturdays.
Dr Okafor: I understand, Mateus, but the agency rate is three times what we pay. No agency.
Anna: Ich hätte noch einen Vorschlag: ein Gratismonat für alle Neukunden.
Jonas: Hm, nein. Ein Gratismonat für alle kostet uns zu viel Geld.
Lena: I think we should go weekly.
Ann: Sounds good, weekly it is."""
    assert rejected_proposals(source) == [
        "Dr Okafor turned down the proposal by Mateus: The agency rate is three times what we pay.",
        "Jonas turned down the proposal by Anna: Ein Gratismonat für alle kostet uns zu viel Geld.",
    ]
    german = rejected_proposals(source, LANGUAGES["de"])[1]
    assert german.startswith("Jonas lehnte den Vorschlag von Anna ab: Ein Gratismonat")


def test_a_ruling_said_twice_is_one_decision_and_putting_off_is_none():
    from synopsis.summarize.attribution import settled_statements

    source = """Ann: Let's keep an eye on it and come back when we know more.
Ben: We stay on weekly releases. Not 2.80, 2.90.
Ann: Let's keep an eye on it and come back when we know more.
Ben: We stay on weekly releases."""
    assert settled_statements(source) == ["We stay on weekly releases."]
    items = [ActionItem("Ben", "We talked about the loop already"), ActionItem("Ann", "The plan")]
    assert add_commitments(items, source) == []


def test_a_task_named_before_a_colon_and_a_deadline_said_in_the_reply_are_kept():
    source = """Mina: And the broken invoice export: Jorge, could you repair it or switch it off?
Jorge: Sure, I'll have that by Thursday.
Mina: Ruth, can you order the new badges?
Ruth: Will do, I'll order them tomorrow."""
    found = [(c.owner, c.task, c.due) for c in commitments(source)]
    assert found == [
        ("Jorge", "Repair the broken invoice export or switch it off.", "Thursday"),
        ("Ruth", "Order the new badges.", "tomorrow"),
    ]
    assert due_phrase("by Monday 3 March") == "Monday 3 March"


def test_a_decision_that_restates_a_persons_task_in_the_present_goes():
    source = """Mina: Ruth, can you order the new badges?
Ruth: Will do.
Mina: So to sum up: we keep the Tuesday slot, Ruth orders the badges."""
    items = add_commitments([], source)
    decisions = drop_restated_tasks(
        ["Ruth orders the badges", "We keep the Tuesday slot"], items, source
    )
    assert decisions == ["We keep the Tuesday slot"]


def test_a_suggestion_a_document_turns_down_is_a_decision():
    from synopsis.summarize.attribution import rejected_suggestions

    memo = (
        "Parking. A neighbour suggested that we open the car park on Sundays. "
        "That won't work with the cleaning rota, so no Sunday opening for now.\n\n"
        "Someone proposed to paint the hall in May. The committee liked the idea."
    )
    assert rejected_suggestions(memo) == [
        "The suggestion to open the car park on Sundays was turned down."
    ]
    assert rejected_suggestions("Ann: I suggested a picnic.\nBo: No.") == []  # turns: elsewhere


def test_a_choice_confirmed_in_a_few_words_is_a_decision_of_who_confirmed_it():
    from synopsis.summarize.attribution import confirmations
    from synopsis.summarize.language import LANGUAGES

    source = """Ines: The hall is taken on the 9th, so the fair moves to the 16th instead.
Mark: Fine, the 16th then.
Ines: Should we invite the press?
Mark: Okay, that then.
Lea: Gut, Variante B dann."""
    assert confirmations(source) == ["Mark confirmed: the 16th.", "Lea confirmed: Variante B."]
    assert confirmations(source, LANGUAGES["de"])[1] == "Lea bestätigte: Variante B."


def test_german_commitments_and_requests_have_owners_tasks_and_deadlines():
    source = """Anna: Ich schicke den Elternbrief bis Montag raus.
Ben: Kannst du bitte die Halle für Samstag reservieren?
Anna: Mach ich.
Ben: Und ich rufe den Verein morgen an. Ich glaube, das passt.
Cleo: Ben, bringst du die Getränke mit?
Ben: Ja. Und ich kümmere mich um die Bänke.
Cleo: Ich frage den Hausmeister, ob die Aula frei ist."""
    assert [(c.owner, c.task, c.due) for c in commitments(source)] == [
        ("Anna", "Den Elternbrief bis Montag rausschicken.", "Montag"),
        ("Anna", "Die Halle für Samstag reservieren.", ""),
        ("Ben", "Den Verein morgen anrufen.", "morgen"),
        ("Ben", "Die Getränke mitbringen.", ""),
        ("Ben", "Um die Bänke kümmern.", ""),
        ("Cleo", "Den Hausmeister fragen, ob die Aula frei ist.", ""),
    ]


def test_an_approval_only_asked_for_is_claimed_nowhere():
    from synopsis.summarize.attribution import claims_unstated_approval

    said = "That's over my limit, so I'll ask Margit to sign off on it."
    assert claims_unstated_approval("Margit will sign off on it tomorrow.", said)
    assert not claims_unstated_approval("Will ask Margit to sign off on the vouchers.", said)
    assert not claims_unstated_approval("The vouchers were approved.", "Margit approved them.")


def test_a_statement_or_a_reply_is_no_task():
    from synopsis.summarize.cues import starts_like_a_task

    assert [
        starts_like_a_task(t)
        for t in (
            "Prima",
            "Okay, sure",
            "Kommunikation bleibt in der App",
            "The date is final",
            "Elternbrief schreiben",
            "Book the lab",
        )
    ] == [False, False, False, False, True, True]


def test_requests_of_the_meeting_deadlines_in_the_next_sentence_and_her_him():
    source = """Ola: Kai, can you walk us through the numbers?
Kai: Sure.
Ola: Mira, could you draft the tender? By Monday, if you can.
Mira: Yes.
Kai: I'll ask Petra to sign the order. I'll send her the form today."""
    assert [(c.owner, c.task, c.due) for c in commitments(source)] == [
        ("Mira", "Draft the tender.", "Monday"),
        ("Kai", "Ask Petra to sign the order.", ""),
        ("Kai", "Send Petra the form today.", "today"),
    ]


def test_an_idea_nobody_took_up_is_neither_fact_task_nor_rejection_when_put_off():
    from synopsis.summarize.attribution import (
        rejected_proposals,
        states_idea_as_fact,
        tasks_stated_as_decisions,
        untaken_ideas,
    )
    from synopsis.summarize.commitments import labelled_sentences

    source = """Ivo: I'd like to give every tester a free month of the premium plan.
Noor: Let's wait. Don't promise anyone a free month until finance has agreed.
Ivo: Honestly, I'd move the demo to the main hall for the whole week.
Noor: I don't want that. The main hall is booked for exams, and the small room is enough.
Ivo: I'd love to write a blog post about it.
Noor: Interesting, we'll see. Let's not plan that yet."""
    ideas = untaken_ideas(labelled_sentences(source))
    assert states_idea_as_fact("Every tester will get a free month of the premium plan.", ideas)
    assert not states_idea_as_fact("Ivo proposed a free month for testers.", ideas)
    assert rejected_proposals(source) == [
        "Noor turned down the proposal by Ivo: The main hall is booked for exams, and the small "
        "room is enough."
    ]
    kept, items = tasks_stated_as_decisions(
        ["Ivo will move the demo to the main hall for the whole week."], [], source
    )
    assert (kept, items) == ([], [])


def test_french_commitments_and_requests_have_owners_tasks_and_deadlines():
    source = """Anne: Paul, tu peux réserver la salle d'ici vendredi ?
Paul: Oui, je m'en occupe.
Anne: Je vais demander à la mairie de valider les 300 euros. Je fais aussi les affiches pour lundi.
Paul: Et je m'occupe des boissons.
Anne: Je pense que ça ira."""
    assert [(c.owner, c.task, c.due) for c in commitments(source)] == [
        ("Paul", "Réserver la salle d'ici vendredi.", "d'ici vendredi"),
        ("Anne", "Demander à la mairie de valider les 300 euros.", ""),
        ("Anne", "Faire les affiches pour lundi.", "pour lundi"),
        ("Paul", "S'occuper des boissons.", ""),
    ]


def test_call_notes_in_the_third_person_give_offers_turned_down_and_tasks_asked_for():
    notes = (
        "Jun then presented the Premium Care support plan: next-day replacement units, for "
        "$4,800 a year. Dana turned it down, because the standard warranty already covers three "
        "years. Dana asked Priya to test the two demo units in the cold store and send her a "
        "short report by Wednesday. Dana said she will ask Helen to approve the purchase and "
        "will send her the request on Monday."
    )
    assert declined_offers(notes) == [
        "Dana turned down the Premium Care support plan, because the standard warranty already "
        "covers three years."
    ]
    assert [(c.owner, c.task, c.due) for c in commitments(notes)] == [
        (
            "Priya",
            "Test the two demo units in the cold store and send Dana a short report by Wednesday.",
            "Wednesday",
        ),
        ("Dana", "Ask Helen to approve the purchase and send her the request on Monday.", "Monday"),
    ]


def test_an_idea_put_off_to_a_named_later_time_is_a_decision_and_it_names_the_act():
    source = (
        "Hana: We should really think about failover to a second payment provider.\n"
        "Ngozi: I agree in principle, but that's a proper project with contracts and a security "
        "review, not something we start this week. Not now. Put it on the list for next "
        "quarter's planning.\n"
        "Pieter: I'd like to send those 412 customers a 10-euro voucher with an apology. That's "
        "over my limit, so I'll ask Margit to sign off on it.\n"
        "Kofi: Just thinking out loud: we could run the hospital shuttle with minibuses one day.\n"
        "Mireille: Yeah, let's not go there today.\n"
    )
    assert rejected_proposals(source) == [
        "Ngozi put off Hana's idea of failover to a second payment provider: That's a proper "
        "project with contracts and a security review, not something we start this week. Put it "
        "on the list for next quarter's planning."
    ]  # the idea waved off with "let's not go there today" is no decision
    assert [c.task for c in commitments(source)] == [
        "Ask Margit to sign off on sending those 412 customers a 10-euro voucher with an apology."
    ]
