from synopsis.summarize.notes import ActionItem, Notes
from synopsis.summarize.speakers import copied, entry, needs_condensing, spoken_by, trim

SOURCE = "Dana: Priya, please send the invites by Friday. Marcus: I will fix the page."


def test_invented_owners_and_dates_are_blanked():
    facts = {
        "decisions": ["Ship on time"],
        "action_items": [
            {"owner": "Priya", "task": "Send the invites", "due": "Friday"},
            {"owner": "Speaker B", "task": "Fix the page", "due": "2023-04-15"},
        ],
    }
    notes = Notes.from_data(facts=facts).grounded(SOURCE)
    assert notes.render() == (
        "Decisions:\n- Ship on time\n\n"
        "Action items:\n- Priya: Send the invites (due Friday)\n- Unassigned: Fix the page"
    )


def test_merge_keeps_order_and_drops_repeats():
    launch, budget, beta = (
        "The launch moved to March 14.",
        "The budget is set at $20,000.",
        "Beta invites go out next week.",
    )
    first = Notes.from_data(points={"key_points": [launch, budget]})
    second = Notes.from_data(points={"key_points": [budget.lower(), beta]})
    assert Notes.merge([first, second]).key_points == [launch, budget, beta]


def test_strings_cut_by_the_length_bound_fall_back_to_whole_sentences():
    bound = 240  # the grammar's maxLength for a key point or decision
    two = "The launch moves to March 14. " + "The team then discussed " + "word " * 60
    clause = "The budget is capped at 48,500 dollars, spent on search ads, and " + "x " * 100
    fragment = "word " * 60
    notes = Notes.from_data(
        points={
            "key_points": [
                two[:bound],
                clause[:bound],
                fragment[:bound],
                "A short point stays as it is",
            ]
        }
    )
    assert notes.key_points == [
        "The launch moves to March 14.",
        "The budget is capped at 48,500 dollars, spent on search ads.",
        "A short point stays as it is",
    ]
    assert not any(p.endswith("…") for p in notes.key_points)


def test_a_cut_task_keeps_its_complete_clause():
    task = "Send the release notes to the support team, then " + "word " * 40
    notes = Notes.from_data(
        facts={"decisions": [], "action_items": [{"owner": "Dana", "task": task[:160], "due": ""}]}
    )
    assert notes.action_items[0].task == "Send the release notes to the support team."


def test_due_date_already_in_task_is_not_repeated():
    notes = Notes.from_data(
        facts={
            "decisions": [],
            "action_items": [{"owner": "Priya", "task": "Send by Friday", "due": "Friday"}],
        }
    )
    assert notes.render() == "Action items:\n- Priya: Send by Friday"


TURNS = """Speaker A: Let's start. I will ask finance to approve the budget of $20,000.
Speaker B: Agreed. I will send the release notes to the support team by Friday.
Speaker A: Fine. Then Maria should finish the privacy review before March 5."""


def test_who_said_what_entries_that_copy_or_run_on_need_condensing():
    spoken = spoken_by(TURNS)
    assert (
        spoken["Speaker B"]
        == "Agreed. I will send the release notes to the support team by Friday."
    )
    copy = "I will send the release notes to the support team by Friday."
    assert copied(copy, spoken["Speaker B"]) and needs_condensing(copy, spoken["Speaker B"])
    own = "Will send the support team the release notes by Friday."
    assert not needs_condensing(own, spoken["Speaker B"])
    assert needs_condensing("Reported things. " * 3, spoken["Speaker A"])  # three sentences
    assert needs_condensing("word " * 41, spoken["Speaker A"])


def test_trimmed_entries_keep_whole_sentences_without_filler():
    assert trim(
        "Agreed. Reported two crashes, both fixed. Fine. Will send the notes by Friday. More."
    ) == ("Reported two crashes, both fixed. Will send the notes by Friday.")
    long = "Reported that " + "the build passed, " * 14 + "and more."
    assert trim(long).endswith("passed.") and len(trim(long).split()) <= 40
    assert entry("Speaker A", "Speaker A reported the plan.") == "Reported the plan."


def test_trim_turns_copied_first_person_sentences_around():
    said = "Reported two crashes, both fixed. I will send the release notes by Friday."
    assert trim(said, "Speaker B") == (
        "Reported two crashes, both fixed. Will send the release notes by Friday."
    )


def test_headings_follow_the_summary_language():
    from synopsis.summarize.language import LANGUAGES
    from synopsis.summarize.notes import ActionItem

    notes = Notes(
        key_points=["Die App startet im Juni."],
        decisions=["Start am 10. Juni."],
        action_items=[ActionItem("Lena", "Store-Texte schreiben", "Freitag"), ActionItem("", "x")],
    )
    assert notes.render(language=LANGUAGES["de"]) == (
        "Kernpunkte:\n- Die App startet im Juni.\n\nEntscheidungen:\n- Start am 10. Juni.\n\n"
        "Aufgaben:\n- Lena: Store-Texte schreiben (bis Freitag)\n- Nicht zugewiesen: x"
    )
    assert notes.render(language=LANGUAGES["fr"]).startswith("Points clés :\n")


def test_tasks_taken_on_stay_open_in_who_said_what():
    from synopsis.summarize.speakers import keep_tasks_open

    turns = "The crashes are fixed. I will send the release notes by Friday. I'll book the room."
    said = "Reported the fixes and sent the release notes by Friday. He booked the room."
    assert keep_tasks_open(said, turns, "Speaker B") == (
        "Reported the fixes and will send the release notes by Friday. Will book the room."
    )


def test_fragments_of_a_lost_json_string_are_not_key_points():
    points = {
        "key_points": [
            "The clinic switches to appointment-only slots on Saturdays.",
            "date of the last flu vaccine",
            "and a line for the date of the last flu vaccine.",
        ]
    }
    facts = {
        "decisions": ["Ten-minute slots.", "of 1 and the rest"],
        "action_items": [],
    }
    notes = Notes.from_data(points=points, facts=facts)
    assert notes.key_points == ["The clinic switches to appointment-only slots on Saturdays."]
    assert notes.decisions == ["Ten-minute slots."]


def test_key_points_say_each_sentence_once_without_courtesies_or_copied_labels():
    looped = (
        "Ngozi runs the repair café in the old fire station. People still write in about the "
        "toaster. People still write in about the toaster."
    )
    notes = Notes.from_data(
        points={
            "key_points": [
                looped,
                "People still write in about the toaster. The café opens on Saturdays.",
                "Thank you all, and good luck with the move.",
                "Sure.",
            ]
        },
        facts={"decisions": ["Jonas: Wir starten am 10. Juni.", "Wir starten am 10. Juni."]},
    )
    assert notes.key_points == [
        "Ngozi runs the repair café in the old fire station. People still write in about the "
        "toaster.",
        "The café opens on Saturdays.",
    ]
    grounded = notes.grounded("Jonas: Dann halten wir fest: wir starten am 10. Juni.\nAnna: Gut.")
    assert grounded.decisions == ["Wir starten am 10. Juni."]


def test_who_said_what_credits_proposals_only_to_those_who_made_them():
    from synopsis.summarize.speakers import own_proposals

    chair = "Siobhan's proposal stands: the clinics are appointment-only. Maybe one day."
    proposer = "What if we make the Saturday clinics appointment-only?"
    entry = "Confirmed the clinics. Proposed appointment-only clinics."
    assert own_proposals(entry, chair) == "Confirmed the clinics."
    assert own_proposals(entry, proposer) == entry


def test_a_key_point_inside_a_longer_one_goes():
    notes = Notes.from_data(
        points={
            "key_points": [
                "The café is open from ten until one.",
                "The café is open from ten until one on the first Saturday of every month.",
            ]
        }
    )
    assert notes.key_points == [
        "The café is open from ten until one on the first Saturday of every month."
    ]


def test_a_key_point_crediting_a_speaker_with_what_they_never_said_loses_that_sentence():
    source = """Jonas: Was fehlt noch? Die Texte für den App Store, oder?
Lena: Ja, die sind noch nicht geschrieben. Die Screenshots hab ich fertig.
Anna: Die Plakate an den Haltestellen kosten 15.000 Euro, ich frage die Finanzen."""
    notes = Notes(
        key_points=[
            "Anna hat die Texte für den App Store geschrieben und die Screenshots fertig.",
            "Anna fragt die Finanzen nach den 15.000 Euro für die Plakate.",
        ]
    ).grounded(source)
    assert notes.key_points == ["Anna fragt die Finanzen nach den 15.000 Euro für die Plakate."]


ESCALATION = """Adaeze: At that point we thought it was about three hundred users.
Wen: It's one thousand one hundred and forty distinct users with failed logins.
Nadia: Okay, so eleven hundred and forty. Let's use that number, not the three hundred.
Nadia: Björn, please write the root cause analysis by Wednesday.
Björn: Sure, I'll have the RCA ready by Wednesday.
Wen: And we could delay rotations for pinned customers. But that's a bigger design question.
Nadia: Good. Carlos, reply to Ms. Lindgren this morning.
Carlos: Will do."""


def test_notes_drop_invented_numbers_copied_turns_and_tasks_credited_to_another():
    notes = Notes(
        key_points=[
            "At that point we thought it was about three hundred users.",  # a copied turn
            "Failed logins hit 1,140 distinct users.",  # spelled out in the source: kept
            "Failed logins hit 1114 users.",  # a number the source never states
            "Carlos agreed to write the RCA by Wednesday.",  # Björn's task
        ],
        decisions=["Rotations are delayed for pinned customers.", "The credit is 1114 euros."],
    ).grounded(ESCALATION)
    assert notes.key_points == ["Failed logins hit 1,140 distinct users."]
    assert notes.decisions == []  # an idea put off, and an invented figure
    assert [(i.owner, i.task, i.due) for i in notes.action_items] == [
        ("Björn", "Write the root cause analysis by Wednesday.", "Wednesday"),
        ("Carlos", "Reply to Ms. Lindgren this morning.", "this morning"),
    ]


def test_a_key_point_crediting_a_speaker_with_anothers_proposal_or_task_goes():
    source = """Speaker B: I think we should go weekly, people keep asking for episodes.
Speaker A: I love the enthusiasm, but no. We stay fortnightly and make each episode good.
Speaker A: I'll put the link to the sign-up form in the show notes."""
    notes = Notes(
        key_points=[
            "Speaker A suggested a weekly schedule for the episodes.",
            "Speaker B suggested going weekly because people keep asking for episodes.",
            "Speaker B put the link to the sign-up form in the show notes.",
        ]
    ).grounded(source)
    assert notes.key_points == [
        "Speaker B suggested going weekly because people keep asking for episodes."
    ]


def test_an_unfinished_last_sentence_goes_from_points_and_entries():
    notes = Notes.from_data(
        points={"key_points": ["The outage lasted seven hours. Wen adds an alert to the VPN, a"]},
        speakers={"speakers": [{"speaker": "Henrik", "said": "Reported forty vans. Will ask a"}]},
    )
    assert notes.key_points == ["The outage lasted seven hours."]
    assert notes.said == {"Henrik": ["Reported forty vans."]}


def test_a_key_point_giving_one_speakers_words_to_another_goes():
    source = """Mireille: The district office asked me about the lost property office, views split.
Rahul: Could someone send me the old notes on the hospital shuttle? I can't find them."""
    notes = Notes(
        key_points=[
            "Rahul notes that the district office asked about the lost property office.",
            "Mireille notes that the district office asked about the lost property office.",
            "Rahul asks who owns the shuttle,",
        ]
    ).grounded(source)
    assert notes.key_points == [
        "Mireille notes that the district office asked about the lost property office."
    ]


def test_a_key_point_that_restates_an_action_item_goes_and_a_dropped_idea_is_no_task():
    memo = (
        "Daniel, please collect the medical forms by 4 March. Someone suggested that we add a "
        "stop at the Science Museum. That does not fit the coach times, so let's not plan for it."
    )
    notes = Notes(
        key_points=["Daniel, please collect the medical forms by 4 March.", "The trip is on."],
        action_items=[ActionItem("Gareth", "Add a stop at the Science Museum")],
    ).grounded(memo)
    assert notes.key_points == []
    assert [(i.owner, i.task) for i in notes.action_items] == [
        ("Daniel", "Collect the medical forms by 4 March.")
    ]


def test_model_tasks_read_as_tasks_of_their_named_owner():
    notes = Notes.from_data(
        facts={
            "decisions": [],
            "action_items": [
                {"owner": "Ines", "task": "send the floor plan to the landlord myself", "due": ""},
                {"owner": "Ines", "task": "iOS build check", "due": ""},
            ],
        }
    )
    assert [item.task for item in notes.action_items] == [
        "Send the floor plan to the landlord",
        "iOS build check",
    ]


def test_key_figures_the_notes_dropped_are_reported_by_their_speaker():
    from synopsis.summarize.figures import missing_figures
    from synopsis.summarize.language import ENGLISH

    source = """Ada: How did the pilot go?
Ben: Sign-ups went from 310 to 1,240 in the six weeks after we changed the form.
Ben: It might reach 2,000 next month.
Cleo: I think it was 1,250 actually, let me check.
Ada: Could you send me the 1,240 figure?
Cleo: Twenty percent on the next invoice.
Ben: It's eighty-two percent of new users who finish the tutorial on their first day."""
    found = missing_figures(source, "Key points:\n- The pilot went well.", ENGLISH)
    assert found == [
        (
            "Ben",
            "Ben reported that sign-ups went from 310 to 1,240 in the six weeks after they "
            "changed the form.",
        ),
        (
            "Ben",
            "Ben reported eighty-two percent of new users who finish the tutorial on their "
            "first day.",
        ),
    ]
    # a figure the summary already carries is not repeated
    assert missing_figures(source, "- Sign-ups rose from 310 to 1,240.", ENGLISH)[0][1].startswith(
        "Ben reported eighty-two"
    )
    document = (
        "Budget. The roof repair costs another 18,000 euros. In the original plan we had 240."
    )
    assert missing_figures(document, "", ENGLISH) == [
        ("", "The roof repair costs another 18,000 euros.")
    ]


def test_who_said_what_credits_decisions_only_to_who_settled_them():
    from synopsis.summarize.speakers import own_decisions

    entry = (
        "Reported the new vendor quote, proposed a second supplier, and decided to order 40 units."
    )
    assert own_decisions(entry, "I'd like to propose a second supplier. The quote came in.") == (
        "Reported the new vendor quote, proposed a second supplier."
    )
    assert own_decisions(entry, "Okay, we'll go with 40 units then.") == entry


def test_a_figure_corrected_in_a_later_turn_is_stale():
    from synopsis.summarize.figures import corrected_numbers

    source = (
        "Rosa: The hall hire comes to 640 euros for the whole weekend.\n"
        "Tim: And the catering quote is 900 euros.\n"
        "Rosa: Sorry, I have to correct myself on the hall. The landlord raised it, so the hall "
        "hire comes to 710 euros for the weekend.\n"
        "Tim: The band costs 400 euros for the weekend."
    )
    assert corrected_numbers(source) == {"640"}  # the band is another thing, not a correction


def test_a_figure_said_as_a_phrase_is_reported_in_the_speakers_name():
    from synopsis.summarize.figures import missing_figures
    from synopsis.summarize.language import ENGLISH

    source = """Ada: How bad was it?
Ben: 2,318 failed orders in that window.
Cleo: 72 minutes, and that is the number.
Ada: We page the on-call when more than 2 percent of orders fail over five minutes.
Ben: 40 percent."""
    found = missing_figures(source, "", ENGLISH)
    assert ("Ben", "Ben reported 2,318 failed orders in that window.") in found
    assert not any("72 minutes" in point or "40 percent" in point for _, point in found)


def test_key_points_never_tell_an_open_task_as_done():
    source = (
        "Oskar: I'll book the lab today.\n"
        "Grace: The new autoclave was installed on Monday.\n"
        "Lehmann: Ich schreibe einen Elternbrief mit dem neuen Betrag und der Kontonummer."
    )
    points = [
        "Oskar booked the lab.",
        "The new autoclave was installed on Monday.",
        "Frau Lehmann hat einen Elternbrief mit dem neuen Betrag und der Kontonummer geschrieben.",
        "Oskar will book the lab today.",
    ]
    facts = {
        "decisions": [],
        "action_items": [
            {"owner": "Oskar", "task": "Book the lab", "due": "today"},
            {
                "owner": "Lehmann",
                "task": "Elternbrief mit dem neuen Betrag und der Kontonummer schreiben",
                "due": "",
            },
        ],
    }
    notes = Notes.merge(
        [Notes.from_data(points={"key_points": points}), Notes.from_data(facts=facts)]
    ).grounded(source)
    assert notes.key_points == ["The new autoclave was installed on Monday."]


def test_a_decision_the_checker_would_call_incomplete_is_not_written():
    notes = Notes.from_data(
        facts={
            "decisions": [
                "Launch plan agreed on",  # a small model's fragment: the date is missing
                "The launch moves to March 14.",
                "The ad budget is capped at 48,500 dollars and",
            ]
        }
    )
    assert notes.decisions == ["The launch moves to March 14."]
