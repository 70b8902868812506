"""`POST /api/evaluations`: the evaluator over HTTP, on the real server."""

from __future__ import annotations

import httpx
import pytest

from .server_helpers import ServerProcess

SOURCE = """Ravi: I'll ask finance to approve the 20,000 budget for the campaign.
Tom: I will send the notes to everyone by Friday.
Ravi: Good. Then we keep the launch on March 12.
Tom: Agreed, March 12 it is."""
BROKEN = """Decisions:
- The 20,000 budget was approved.
- The launch stays on March 12.

Action items:
- Ravi: Send the notes to everyone by Friday."""
FACTS = {
    "people": ["Ravi", "Tom"],
    "facts": [
        {"id": "launch", "type": "decision", "phrases": [["march 12"], ["launch"]]},
        {"id": "notes", "type": "action", "phrases": [["notes"]], "owner": ["Tom"]},
    ],
    "absent": [
        {"id": "budget-approved", "type": "decision", "phrases": [["20,000"], ["approved"]]}
    ],
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    process = ServerProcess(tmp_path_factory.mktemp("evaluations")).start()
    yield process
    process.stop()


def evaluate(server: ServerProcess, body: dict) -> httpx.Response:
    return httpx.post(f"{server.url}/api/evaluations", json=body, headers=server.headers())


def test_an_invented_decision_and_a_wrong_owner_are_flagged_over_http(server):
    answer = evaluate(server, {"source": SOURCE, "summary": BROKEN, "facts": FACTS})
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert [item["id"] for item in data["facts"]["invented"]] == ["budget-approved"]
    assert [item["id"] for item in data["facts"]["wrong_owner"]] == ["notes"]
    assert any(w["credited"] == "Ravi" and w["expected"] == "Tom" for w in data["wrong_owners"])
    assert data["judge"] is None  # no judge unless asked


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"summary": "x"}, 400),  # no source
        ({"source": "a b", "transcript_id": "t", "summary": "x"}, 400),
        ({"source": "a b", "summary": "x", "facts": "/etc/passwd"}, 400),  # never a path
        ({"source": "a b", "summary": "x", "judge_model": "gpt-7"}, 400),
        ({"transcript_id": "nope", "summary": "x"}, 404),
    ],
)
def test_bad_evaluation_requests(server, body, status):
    answer = evaluate(server, body)
    assert answer.status_code == status, answer.text
    assert answer.json()["error"]
