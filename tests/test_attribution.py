"""Owners of action items are checked against who said the sentence a task came from."""

from synopsis.summarize.attribution import attribute_owners, drop_restated_tasks
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
    assert drop_restated_tasks(decisions, [], TRANSCRIPT) == decisions  # nothing covers them


def test_a_decision_with_a_figure_the_task_lacks_is_kept():
    items = [ActionItem("Speaker A", "Ask finance to approve the marketing budget")]
    decision = ["The marketing budget of $20,000 is approved by finance."]
    assert drop_restated_tasks(decision, items, TRANSCRIPT) == decision  # "20,000" would be lost
