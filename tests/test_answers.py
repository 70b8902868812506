"""Custom and JSON answers are made to agree with the checked notes (summarize/answers.py)."""

import jsonschema

from synopsis.summarize.answers import checked_data, checked_text, joined, prefilled, role_of
from synopsis.summarize.language import ENGLISH, LANGUAGES
from synopsis.summarize.notes import ActionItem, Notes, SourceChecks

SOURCE = """Hamid: The new autoclave was installed on Monday and it works.
Grace: I'd like to hire an agency nurse for the Saturdays.
Okafor: No, the agency is too expensive. We keep the first clinic on Saturday October 11.
Hamid: I will make the final order of 450 doses and confirm it with the supplier by Wednesday.
Grace: I'll update the consent forms by Thursday."""

NOTES = Notes(
    key_points=["The new autoclave was installed on Monday and it works."],
    decisions=["The first clinic is on Saturday October 11."],
    action_items=[
        ActionItem("Hamid", "Make the final order of 450 doses", ""),
        ActionItem("Hamid", "Confirm the order with the supplier", "Wednesday"),
        ActionItem("Grace", "Update the consent forms", "Thursday"),
    ],
)


def _checks() -> SourceChecks:
    return SourceChecks(SOURCE)


def test_custom_sections_list_the_checked_notes_and_free_lines_are_checked():
    answer = """**Topic:** Flu clinics

**Key points:**
- Grace hired an agency nurse for the Saturdays.
- The clinic will need 900 doses.

**Action items:**
- Grace updated the consent forms.
- Okafor will make the final order.

Conclusion: The final order has been made and confirmed with the supplier. The clinics are set."""
    text = checked_text(answer, NOTES, _checks(), ENGLISH)
    assert text.splitlines() == [
        "**Topic:** Flu clinics",
        "",
        "**Key points:**",
        "- The new autoclave was installed on Monday and it works.",
        "- The first clinic is on Saturday October 11.",  # no Decisions section: shown here
        "",
        "**Action items:**",
        "- Hamid: Make the final order of 450 doses",
        "- Hamid: Confirm the order with the supplier (due Wednesday)",
        "- Grace: Update the consent forms (due Thursday)",
        "",
        "Conclusion: The clinics are set.",  # the open order told as done is gone
    ]


def test_numbered_sections_and_owner_lines_stay_in_their_section():
    answer = """Decisions:
1. We hire an agency nurse.
Hamid: make the order
Next steps:
Grace: update the forms"""
    text = checked_text(answer, NOTES, _checks(), ENGLISH)
    assert text.splitlines() == [
        "Decisions:",
        "1. The first clinic is on Saturday October 11.",
        "Next steps:",
        "- Hamid: Make the final order of 450 doses",
        "- Hamid: Confirm the order with the supplier (due Wednesday)",
        "- Grace: Update the consent forms (due Thursday)",
    ]


def test_an_answer_without_sections_keeps_only_supported_sentences():
    answer = (
        "Dear team, the autoclave works. We will need 900 doses. Grace is hiring an agency nurse."
    )
    text = checked_text(answer, NOTES, _checks(), ENGLISH)
    assert text == "Dear team, the autoclave works."


def test_an_empty_section_says_so_in_the_summary_language():
    notes = Notes(key_points=["Der Ausflug ist im Juni."])
    text = checked_text(
        "Entscheidungen:\n- Wir fahren nach Berlin.", notes, _checks(), LANGUAGES["de"]
    )
    assert text == "Entscheidungen:\n- Keine."


SCHEMA = {
    "type": "object",
    "properties": {
        "title": {"type": "string"},
        "decisions": {"type": "array", "items": {"type": "string"}},
        "action_items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "assignee": {"type": "string"},
                    "description": {"type": "string"},
                    "deadline": {"type": "string"},
                },
                "required": ["assignee", "description", "deadline"],
            },
        },
        "notes": {"type": "string"},
    },
    "required": ["title", "decisions", "action_items", "notes"],
}


def test_json_fields_named_for_decisions_and_tasks_come_from_the_notes():
    model = {
        "title": "Flu clinics",
        "decisions": ["Hire an agency nurse for the Saturdays"],
        "action_items": [{"assignee": "Okafor", "description": "Make the order", "deadline": ""}],
        "notes": "The autoclave works. The clinic needs 900 doses.",
    }
    data = checked_data(model, SCHEMA, NOTES, _checks(), ENGLISH)
    jsonschema.validate(data, SCHEMA)
    assert data == {
        "title": "Flu clinics",
        "decisions": ["The first clinic is on Saturday October 11."],
        "action_items": [
            {
                "assignee": "Hamid",
                "description": "Make the final order of 450 doses",
                "deadline": "",
            },
            {
                "assignee": "Hamid",
                "description": "Confirm the order with the supplier",
                "deadline": "Wednesday",
            },
            {
                "assignee": "Grace",
                "description": "Update the consent forms",
                "deadline": "Thursday",
            },
        ],
        "notes": "The autoclave works.",
    }


def test_json_keeps_the_callers_limits_and_fields_it_cannot_fill():
    schema = {
        "type": "object",
        "properties": {
            "decisions": {"type": "array", "items": {"type": "string"}, "maxItems": 1},
            "tasks": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"task": {"type": "string"}, "priority": {"type": "integer"}},
                    "required": ["task", "priority"],
                },
            },
        },
    }
    model = {"decisions": ["The first clinic is on Saturday October 11."], "tasks": []}
    notes = Notes(decisions=["A settled thing.", "Another settled thing."])
    data = checked_data(model, schema, notes, _checks(), ENGLISH)
    assert data == {"decisions": ["A settled thing."], "tasks": []}


def test_names_of_sections_and_fields_in_three_languages():
    assert role_of("Action Items") == role_of("next_steps") == role_of("Aufgaben") == "action_items"
    assert role_of("Décisions") == role_of("Beschlüsse") == role_of("key decisions") == "decisions"
    assert role_of("Key points") == role_of("Points clés") == "key_points"
    assert role_of("Topic") is role_of("Conclusion") is role_of("owner") is None


def test_fields_the_notes_fill_are_not_asked_of_the_model():
    filled, rest = prefilled(SCHEMA, NOTES, ENGLISH)
    assert list(filled) == ["decisions", "action_items"]
    assert rest is not None and list(rest["properties"]) == ["title", "notes"]
    assert rest["required"] == ["title", "notes"]
    data = joined({"notes": "The autoclave works.", "title": "Flu clinics"}, filled, SCHEMA)
    assert list(data) == ["title", "decisions", "action_items", "notes"]  # the schema's order
    jsonschema.validate(data, SCHEMA)
    only_notes = {"type": "object", "properties": {"decisions": SCHEMA["properties"]["decisions"]}}
    assert prefilled(only_notes, NOTES, ENGLISH) == (
        {"decisions": ["The first clinic is on Saturday October 11."]},
        None,  # nothing is left to write: no model call
    )


def test_a_json_task_without_a_due_field_carries_its_date_once():
    schema = {
        "type": "object",
        "properties": {
            "action_items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"owner": {"type": "string"}, "task": {"type": "string"}},
                    "required": ["owner", "task"],
                },
            }
        },
        "required": ["action_items"],
    }
    notes = Notes(
        action_items=[
            ActionItem("Priya", "Send the beta invites by Friday", "Friday"),
            ActionItem("Grace", "Update the consent forms", "Thursday"),
        ]
    )
    data = checked_data({"action_items": []}, schema, notes, _checks(), ENGLISH)
    assert [item["task"] for item in data["action_items"]] == [
        "Send the beta invites by Friday",  # the task says it: no "(due Friday)" after it
        "Update the consent forms (due Thursday)",
    ]
