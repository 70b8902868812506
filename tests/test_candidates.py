from synopsis.summarize.candidates import candidate_statements

from .helpers import FIXTURES


def test_commitments_dates_and_numbers_are_selected_with_speakers():
    text = (
        "Ana: Good morning, thanks for coming.\n"
        "Ben: I will send the contract to legal by Friday.\n"
        "Ana: The weather was lovely this weekend, wasn't it.\n"
        "Ben: Revenue grew 12 percent last quarter.\n"
        "Ana: We agreed to pause hiring. Nice shoes, by the way."
    )
    assert candidate_statements(text) == [
        "Ben: I will send the contract to legal by Friday.",
        "Ben: Revenue grew 12 percent last quarter.",
        "Ana: We agreed to pause hiring.",
    ]


def test_repeats_are_kept_once_and_plain_text_works():
    text = "We will ship on Monday. We will ship on Monday. Tea is nice."
    assert candidate_statements(text) == ["We will ship on Monday."]


def test_planted_facts_of_the_long_fixture_are_candidates():
    statements = "\n".join(candidate_statements((FIXTURES / "long_meeting.txt").read_text()))
    for fact in ("18 months", "July 9", "73,000"):
        assert fact in statements
