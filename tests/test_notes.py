from synopsis.summarize.notes import Notes

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
    first = Notes.from_data(points={"key_points": ["Launch moved", "Budget set"]})
    second = Notes.from_data(points={"key_points": ["budget set.", "Beta invites"]})
    assert Notes.merge([first, second]).key_points == ["Launch moved", "Budget set", "Beta invites"]


def test_points_cut_by_the_length_bound_are_marked():
    cut = "word " * 40  # 200 characters: the grammar stops at 160
    notes = Notes.from_data(points={"key_points": [cut[:160], "Short. " + "x" * 150 + " y"]})
    assert notes.key_points[0].endswith("word…")
    assert notes.key_points[1] == "Short. " + "x" * 150 + "…"


def test_due_date_already_in_task_is_not_repeated():
    notes = Notes.from_data(
        facts={
            "decisions": [],
            "action_items": [{"owner": "Priya", "task": "Send by Friday", "due": "Friday"}],
        }
    )
    assert notes.render() == "Action items:\n- Priya: Send by Friday"
