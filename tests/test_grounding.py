from synopsis.summarize.grounding import find_unsupported

SOURCE = (
    "Dana: We move the launch to March 14. The ad budget is 48,500 dollars.\n"
    "Priya: I will send three invites to 200 customers by Friday."
)


def kinds(summary: str) -> set[tuple[str, str]]:
    return {(t.kind, t.text) for t in find_unsupported(summary, SOURCE)}


def test_supported_facts_pass():
    summary = (
        "- Launch moved to March 14.\n- Ad budget: 48500 dollars.\n"
        "- Priya: send 3 invites (due Friday)"
    )
    assert kinds(summary) == set()


def test_invented_numbers_dates_and_names_are_listed():
    summary = (
        "- Launch moved to April 2.\n- Budget is 60,000.\n- Marcus will email Priya on Monday."
    )
    found = kinds(summary)
    assert ("number", "2") in found
    assert ("number", "60,000") in found
    assert ("date", "April") in found
    assert ("date", "Monday") in found
    assert ("name", "Marcus") in found
    assert not any(text == "Priya" for _, text in found)


def test_owner_at_line_start_is_checked():
    assert ("name", "Hiro") in kinds("- Hiro: post the job ads")


def test_sentence_openers_are_not_names():
    assert kinds("Overall, the team agreed. Launch moved to March 14.") == set()


def test_numbers_a_source_corrects_away_are_stale_unless_the_sentence_says_so():
    from synopsis.summarize.grounding import denied_numbers, states_corrected

    source = "Use eleven hundred and forty, not the three hundred. Not 2.80, 2.90. Final."
    denied = denied_numbers(source)
    assert denied == {"300", "2.8"}
    assert states_corrected("About three hundred users were affected.", denied)
    assert not states_corrected("Affected users: 1,140, not 300.", denied)
    assert not states_corrected("The fare moved from 2.80 to 2.90 euros.", denied)
