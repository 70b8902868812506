"""The playground page in a real browser: Debian's headless Chromium, driven by Playwright, against
the real `synopsis serve` on loopback with the embedded models. Screenshots of the main states go
to `build/screenshots/` (or `SYNOPSIS_SCREENSHOTS`); the README shows the best of them."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import jsonschema
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from .helpers import MEETINGS
from .server_helpers import ServerProcess
from .speech_helpers import SPEECH

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Chromium's own background traffic is refused by this network; these flags keep it quiet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
    "--mute-audio",
]
SCREENSHOTS = Path(
    os.environ.get("SYNOPSIS_SCREENSHOTS", Path(__file__).parents[1] / "build" / "screenshots")
)
UPLOAD_LIMIT = 1_500_000  # the fixture recording (0.4 MB) fits; the "too large" file does not
JOB_TIMEOUT_MS = 600_000
# Records every progress step and line the page shows, so a test can replay what a user saw.
WATCH_PROGRESS = """
window.__stages = [];
window.__texts = [];
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("progress");
  const text = document.getElementById("progress-text");
  new MutationObserver(() => {
    if (window.__stages.at(-1) !== box.dataset.stage) window.__stages.push(box.dataset.stage);
  }).observe(box, { attributes: true, attributeFilter: ["data-stage"] });
  new MutationObserver(() => window.__texts.push(text.textContent))
    .observe(text, { childList: true, characterData: true, subtree: true });
});
"""
SCHEMA = {
    "type": "object",
    "properties": {
        "title": {"type": "string"},
        "decisions": {"type": "array", "items": {"type": "string"}},
        "action_items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"owner": {"type": "string"}, "task": {"type": "string"}},
                "required": ["owner", "task"],
            },
        },
    },
    "required": ["title", "decisions", "action_items"],
}


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[ServerProcess]:
    process = ServerProcess(
        tmp_path_factory.mktemp("playground"), {"SYNOPSIS_UPLOAD_MAX_BYTES": str(UPLOAD_LIMIT)}
    ).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: make dev installs it"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_page(
    browser: Browser, server: ServerProcess, *, key: str | None = None, **options
) -> Page:
    """A fresh browser profile on the page; with `key`, as if the user had saved it before."""
    context: BrowserContext = browser.new_context(
        viewport=options.pop("viewport", {"width": 1280, "height": 900}),
        accept_downloads=True,
        **options,
    )
    if key:
        context.add_init_script(f"localStorage.setItem('synopsis.key', {json.dumps(key)})")
    context.add_init_script(WATCH_PROGRESS)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.problems = problems  # type: ignore[attr-defined]
    page.goto(server.url + "/")
    return page


def shot(page: Page, name: str, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def wait_stage(page: Page, *stages: str) -> str:
    """Wait until the progress panel shows one of `stages`; the one it shows."""
    page.wait_for_function(
        "stages => stages.includes(document.getElementById('progress').dataset.stage)",
        arg=list(stages),
        timeout=JOB_TIMEOUT_MS,
    )
    return page.get_attribute("#progress", "data-stage")


def finish(page: Page) -> str:
    """Wait until the run ends; the outcome ("done", "error" or "cancelled")."""
    return wait_stage(page, "done", "error", "cancelled")


def wait_playing_at(page: Page, seconds: float) -> None:
    """The player's position is at `seconds` (give or take what it played since)."""
    page.wait_for_function(
        "at => Math.abs(document.getElementById('player').currentTime - at) < 1.5",
        arg=seconds,
        timeout=10_000,
    )


def in_order(seen: list[str], expected: list[str]) -> bool:
    """`expected` appears in `seen` in this order (other steps may come between)."""
    remaining = iter(seen)
    return all(step in remaining for step in expected)


def player_time(page: Page) -> float:
    return page.evaluate("document.getElementById('player').currentTime")


def test_a_recording_gives_progress_speakers_a_summary_names_playback_and_captions(browser, server):
    page = open_page(browser, server, key=server.key)
    page.set_input_files("#file-input", str(SPEECH / "two_speakers.mp4"))
    expect(page.locator("#file-name")).to_contain_text("two_speakers.mp4")
    page.select_option("#style", "conversational")
    page.fill("#speakers-expected", "2")
    page.click("#start")
    wait_stage(page, "summarizing")
    shot(page, "recording-progress", full_page=False)
    assert finish(page) == "done", page.inner_text("#error")

    stages = page.evaluate("window.__stages")
    assert in_order(stages, ["upload", "transcribing", "speakers", "summarizing", "done"]), stages
    texts = page.evaluate("window.__texts")
    assert any(re.fullmatch(r"Uploading: \d+ %", t) for t in texts), texts
    assert any(t.startswith("Transcribing") for t in texts) and any(
        t.startswith("Summarizing") for t in texts
    )

    # the transcript, with both speakers, beside the summary
    assert page.locator("#transcript .utterance").count() >= 4
    assert sorted(
        page.locator("#speaker-fields input").evaluate_all("n => n.map(i => i.dataset.speaker)")
    ) == ["A", "B"]
    assert page.locator("#summary li").count() >= 2
    assert "Speaker A" in page.inner_text("#summary")
    shot(page, "recording-result")

    # "Speaker A" becomes Dana everywhere the page shows it
    page.fill("#speaker-name-A", "Dana")
    expect(page.locator('#transcript .speaker[data-speaker="A"]').first).to_have_text("Dana")
    summary = page.inner_text("#summary")
    assert "Dana" in summary and "Speaker A" not in summary
    assert "Speaker A" not in page.inner_text("#transcript")

    # a timestamp plays the recording from there
    third = page.locator("#transcript .utterance").nth(2)
    start = int(third.get_attribute("data-start")) / 1000
    third.locator(".stamp").click()
    wait_playing_at(page, start)
    # and so does a summary line's citation
    cite = page.locator("#summary .cite").first
    expect(cite).to_be_visible()
    cited = int(cite.get_attribute("data-start")) / 1000
    cite.click()
    wait_playing_at(page, cited)
    assert abs(player_time(page) - cited) < 1.5

    with page.expect_download() as download:
        page.click('[data-download="srt"]')
    captions = Path(download.value.path()).read_text()
    assert download.value.suggested_filename.endswith(".srt")
    assert re.search(r"^00:00:\d\d,\d{3} --> 00:00:\d\d,\d{3}$", captions, re.MULTILINE)
    assert "Dana:" in captions and "Speaker A" not in captions

    page.click("#check")
    expect(page.locator("#check-result .ok, #check-result .warning")).to_be_visible(timeout=60_000)
    shot(page, "recording-named-checked")
    assert not page.problems  # type: ignore[attr-defined]


def test_pasted_text_gives_a_json_summary_that_matches_the_schema_then_history(browser, server):
    page = open_page(browser, server, key=server.key)
    page.check('input[name="source"][value="text"]')
    page.fill("#text-input", (MEETINGS / "launch_sync.txt").read_text())
    page.select_option("#style", "json")
    page.fill("#schema", '{"type": "object", "properties": ')
    expect(page.locator("#schema-status")).to_contain_text("Not valid JSON")
    page.click("#start")
    expect(page.locator("#error")).to_contain_text("Not valid JSON")
    assert page.get_attribute("#progress", "data-stage") == "idle"  # nothing was sent

    page.fill("#schema", json.dumps(SCHEMA, indent=2))
    expect(page.locator("#schema-status")).to_contain_text("valid schema with 3 fields")
    page.click("#start")
    assert finish(page) == "done", page.inner_text("#error")
    assert page.evaluate("window.__stages") == ["summarizing", "done"]
    data = json.loads(page.inner_text("#summary pre"))
    jsonschema.validate(data, SCHEMA)
    assert any("14" in d for d in data["decisions"])  # the launch moved to March 14
    expect(page.locator("#source-heading")).to_have_text("Source text")
    shot(page, "text-json-result")

    # the summary is in this key's history, found by its words, openable and deletable
    history = page.locator("#history-summaries > li")
    expect(history.first).to_contain_text("json")
    page.fill("#history-query", "orbit")  # a word of the pasted source, any case
    expect(page.locator("#history-status")).to_contain_text("found for")
    expect(history).to_have_count(1)
    page.fill("#history-query", "no such words anywhere")
    expect(page.locator("#history-summaries")).to_contain_text("No summary contains that.")
    page.fill("#history-query", "orbit")
    expect(history).to_have_count(1)
    page.reload()  # the key and the history outlive the page
    page.fill("#history-query", "orbit")
    expect(history).to_have_count(1)
    history.first.get_by_role("button", name=re.compile("^Open")).click()
    expect(page.locator("#summary pre")).to_contain_text('"decisions"')
    expect(page.locator("#transcript")).to_contain_text("Orbit mobile app")
    history.first.get_by_role("button", name=re.compile("^Delete")).click()
    expect(page.locator("#confirm")).to_be_visible()
    page.keyboard.press("Escape")  # Esc keeps it
    expect(history).to_have_count(1)
    history.first.get_by_role("button", name=re.compile("^Delete")).click()
    page.locator("#confirm").get_by_role("button", name="Delete").click()
    expect(page.locator("#history-summaries")).to_contain_text("No summary contains that.")
    expect(page.locator("#result")).to_be_hidden()  # what was open went with it
    assert not page.problems  # type: ignore[attr-defined]


def test_a_missing_wrong_or_revoked_key_is_a_clear_message(browser, server):
    page = open_page(browser, server)
    expect(page.locator("#key-status")).to_have_text("Enter your API key to start.")
    expect(page.locator("#key-input")).to_be_focused()
    page.fill("#key-input", "syn_this-key-was-never-made")
    page.click("text=Save key")
    expect(page.locator("#key-status")).to_contain_text("The server does not know this API key")
    shot(page, "wrong-key", full_page=False)

    revoked = server.create_key("playground-revoked")
    server.keys("revoke", "playground-revoked")
    page.fill("#key-input", revoked)
    page.click("text=Save key")
    expect(page.locator("#key-status")).to_contain_text("has been revoked")

    page.fill("#key-input", server.key)
    page.click("text=Save key")
    expect(page.locator("#key-panel")).to_be_hidden()
    expect(page.locator("#key-toggle")).to_have_text(f"API key {server.key[:8]}…")
    expect(page.locator("#model option")).not_to_have_count(1)  # the models came with the key

    # a key revoked while the page is open: the next request says so, in the page
    current = server.create_key("revoked-while-open")
    page.click("#key-toggle")
    page.fill("#key-input", current)
    page.click("text=Save key")
    expect(page.locator("#key-panel")).to_be_hidden()
    server.keys("revoke", "revoked-while-open")
    page.check('input[name="source"][value="text"]')
    page.fill("#text-input", "Anything at all.")
    page.click("#start")
    expect(page.locator("#error")).to_contain_text("has been revoked")
    expect(page.locator("#key-panel")).to_be_visible()


def test_a_corrupt_or_oversized_file_is_a_readable_message(browser, server, tmp_path):
    page = open_page(browser, server, key=server.key)
    corrupt = tmp_path / "broken.mp3"
    corrupt.write_bytes(os.urandom(64_000))
    page.set_input_files("#file-input", str(corrupt))
    page.click("#start")
    assert finish(page) == "error"
    expect(page.locator("#error")).to_contain_text("Transcription failed:")
    expect(page.locator("#error")).to_contain_text(
        "is not an audio or video file that can be decoded"
    )
    shot(page, "corrupt-file", full_page=False)

    large = tmp_path / "long.wav"
    large.write_bytes(b"RIFF" + bytes(UPLOAD_LIMIT + 1000))
    page.set_input_files("#file-input", str(large))
    page.click("#start")
    expect(page.locator("#error")).to_contain_text("this server takes recordings up to 1.5 MB")
    # the server's own limit holds for a client that skips the page's check
    answer = httpx.post(
        f"{server.url}/v2/upload", content=large.read_bytes(), headers=server.headers()
    )
    assert answer.status_code == 413


def test_a_running_summary_can_be_cancelled(browser, server):
    page = open_page(browser, server, key=server.key)
    page.check('input[name="source"][value="text"]')
    page.fill("#text-input", (MEETINGS / "warehouse_review.txt").read_text())
    page.click("#start")
    expect(page.locator("#cancel")).to_be_visible()
    page.click("#cancel")
    assert finish(page) == "cancelled"
    expect(page.locator("#progress-text")).to_contain_text("Cancelled")
    expect(page.locator("#error")).to_be_hidden()
    expect(page.locator("#start")).to_be_enabled()


def test_the_page_works_by_keyboard_and_labels_every_control(browser, server):
    page = open_page(browser, server, key=server.key)
    unlabelled = page.evaluate(
        """[...document.querySelectorAll('input, select, textarea')]
             .filter(n => !n.labels?.length && !n.getAttribute('aria-label'))
             .map(n => n.id || n.name)"""
    )
    assert unlabelled == []
    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.id || document.activeElement.name"))
    for control in ("file-input", "style", "model", "speakers-expected", "start", "history-query"):
        assert control in reached, reached
    # the outline a keyboard user follows is drawn
    page.focus("#start")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


def test_phone_width_in_the_dark_theme(browser, server):
    page = open_page(
        browser, server, key=server.key, viewport={"width": 390, "height": 844}, color_scheme="dark"
    )
    page.check('input[name="source"][value="text"]')
    page.fill("#text-input", (MEETINGS / "hiring_committee.txt").read_text())
    page.select_option("#style", "headline")
    page.click("#start")
    assert finish(page) == "done", page.inner_text("#error")
    assert page.inner_text("#summary").strip()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide at a 390 px viewport"
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(20, 23, 27)"  # the dark theme follows the system
    shot(page, "phone-dark")
    page.click("#theme-toggle")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(246, 247, 249)"
