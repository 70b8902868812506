"""The job store on real SQLite: atomic claims, leases, fenced finishing, paging, keys."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import inspect

from synopsis.store.db import open_engine, sessions
from synopsis.store.keys import authenticate, count_active, create_key, list_keys, revoke_key
from synopsis.store.summaries import SummaryStore, summary_queue
from synopsis.store.transcripts import TranscriptStore, transcript_queue


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """The store on both engines it supports: the embedded default and a real PostgreSQL."""
    if request.param == "sqlite":
        return sessions(f"sqlite:///{tmp_path / 'synopsis.db'}")
    return sessions(request.getfixturevalue("postgres").new_database())


@pytest.fixture
def store(database):
    return TranscriptStore(database)


@pytest.fixture
def jobs(database):
    return transcript_queue(database)


def test_migrations_create_the_schema_and_rerun_as_a_no_op(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    engine = open_engine(url)
    assert {"api_keys", "uploads", "transcripts", "summaries", "alembic_version"} <= set(
        inspect(engine).get_table_names()
    )
    open_engine(url)  # second open: already at head


def test_concurrent_claims_take_each_job_exactly_once(store, jobs):
    ids = {store.create(None, {"audio_url": "u"}, "u").id for _ in range(40)}
    claimed: list[str] = []
    lock = threading.Lock()

    def worker(name: str) -> None:
        while (job := jobs.claim(name, 60)) is not None:
            with lock:
                claimed.append(job.id)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed) == sorted(ids)


def test_a_lapsed_lease_is_reclaimed_and_the_old_owner_is_fenced_out(store, jobs):
    job = store.create(None, {"audio_url": "u"}, "u")
    assert jobs.claim("dead", 0.2).id == job.id
    assert jobs.claim("other", 60) is None  # lease still held
    time.sleep(0.3)
    resumed = jobs.claim("alive", 60)
    assert resumed.id == job.id and resumed.attempts == 2
    assert not jobs.renew(job.id, "dead", 60)
    assert not jobs.finish(job.id, "dead", result={"text": "stale"})
    assert jobs.finish(job.id, "alive", result={"text": "fresh"})
    assert store.get(job.id, None).result == {"text": "fresh"}
    assert not jobs.finish(job.id, "alive", result={"text": "twice"})  # finishes once


def test_release_requeues_and_deleted_jobs_are_never_claimed(store, jobs):
    first = store.create(None, {"audio_url": "u"}, "u")
    second = store.create(None, {"audio_url": "u"}, "u")
    assert jobs.claim("w", 60).id == first.id
    jobs.release(first.id, "w")
    store.delete(second.id, None)
    assert store.get(second.id, None).status == "error"
    assert jobs.claim("w", 60).id == first.id
    assert jobs.claim("w", 60) is None


def test_pages_are_newest_first_and_per_key(store):
    create_key(store.sessions, "one")
    create_key(store.sessions, "two")
    ids = [store.create(1, {"audio_url": "u"}, "u").id for _ in range(5)]
    store.create(2, {"audio_url": "u"}, "u")
    assert [r.id for r in store.page(1, 2)] == [ids[4], ids[3]]
    assert [r.id for r in store.page(1, 2, before_id=ids[3])] == [ids[2], ids[1]]
    assert [r.id for r in store.page(1, 2, after_id=ids[1])] == [ids[3], ids[2]]
    assert store.page(1, 10, before_id="unknown") == []
    assert store.get(ids[0], 2) is None


def test_keys_are_stored_hashed_and_revocable(tmp_path):
    database = sessions(f"sqlite:///{tmp_path / 'keys.db'}")
    info, secret = create_key(database, "ci")
    assert secret.startswith("syn_") and len(secret) > 40
    assert authenticate(database, secret) == info.id
    assert authenticate(database, secret + "x") is None
    raw = (tmp_path / "keys.db").read_bytes()
    assert secret.encode() not in raw
    assert count_active(database) == 1 and list_keys(database)[0].name == "ci"
    assert revoke_key(database, "ci").id == info.id
    assert authenticate(database, secret) is None and count_active(database) == 0


def test_cancel_ends_a_queued_job_with_its_webhook_and_a_running_one_at_finish(store, jobs):
    hooked = store.create(None, {"audio_url": "u", "webhook_url": "https://example.com/h"}, "u")
    cancelled = jobs.cancel(hooked.id, None)
    assert (cancelled.status, cancelled.error) == ("error", "Cancelled by the caller")
    assert cancelled.webhook_state == "pending"  # the caller's webhook still hears of it
    assert jobs.claim("w", 60) is None  # nothing left to run
    assert jobs.cancel(hooked.id, 7) is None  # another key's job is not there

    running = store.create(None, {"audio_url": "u"}, "u")
    assert jobs.claim("w", 60).id == running.id
    progress = {"stage": "transcribe", "done": 1, "total": 9}
    assert jobs.report_progress(running.id, "w", progress) is False  # go on
    assert store.get(running.id, None).progress == progress
    jobs.cancel(running.id, None)
    assert jobs.report_progress(running.id, "w", progress) is True  # stop
    # the job's last step had passed: its result is not kept
    assert jobs.finish(running.id, "w", result={"text": "done anyway"})
    row = store.get(running.id, None)
    assert (row.status, row.error, row.result) == ("error", "Cancelled by the caller", None)


def test_search_reads_the_transcript_text_only(store, jobs):
    job = store.create(None, {"audio_url": "u"}, "u")
    jobs.claim("w", 60)
    jobs.finish(job.id, "w", result={"text": 'Müller said "ship it" on 50% of days', "words": []})
    for query in ("müller", '"ship it"', "50%", "SHIP"):
        assert [row.id for row in store.search(None, query, 10)] == [job.id], query
    for query in ("words", "text", "5_%"):  # JSON keys and wildcards match nothing
        assert store.search(None, query, 10) == [], query
    assert store.search(7, "ship", 10) == []  # another key's


def test_summary_jobs_have_their_own_queue_with_the_same_lease_rules(database):
    summaries, queue = SummaryStore(database), summary_queue(database)
    mine, other = (create_key(database, name)[0].id for name in ("mine", "other"))
    first = summaries.create(mine, {"style": "headline"}, source="Text one.")
    second = summaries.create(mine, {"style": "bullets"}, source="Text two.")
    assert transcript_queue(database).claim("w", 60) is None  # not a transcript
    assert queue.waiting(mine) == 2 and queue.waiting(other) == 0
    assert queue.claim("dead", 0.2).id == first.id
    time.sleep(0.3)
    assert queue.claim("alive", 60).id == first.id  # the lapsed lease is taken over
    assert queue.cancel(second.id, other) is None  # another key's
    cancelled = queue.cancel(second.id, mine)
    assert (cancelled.status, cancelled.error) == ("cancelled", "Cancelled by the caller")
    assert queue.finish(first.id, "alive", result={"summary": "One.", "style": "headline"})
    assert not queue.finish(first.id, "dead", result={"summary": "stale"})
    assert [row.id for row in summaries.search(mine, "one", 10)] == [first.id]
    assert summaries.search(mine, "two", 10) == []  # a cancelled job is no summary
    assert not summaries.delete(first.id, other) and summaries.delete(first.id, mine)


def test_summaries_kept_before_summary_jobs_stay_readable_after_the_upgrade(tmp_path):
    """A database written by revision 0002 (finished summaries only) upgrades in place."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, text

    from synopsis.store.db import MIGRATIONS

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
        connection.execute(
            text(
                "INSERT INTO summaries (id, key_id, transcript_id, source, text, style, result,"
                " created) VALUES ('s-old', NULL, NULL, 'The source.', 'A summary.', 'bullets',"
                " '{\"summary\": \"A summary.\"}', '2026-11-01 10:00:00')"
            )
        )
    engine.dispose()

    row = SummaryStore(sessions(url)).get("s-old", None)
    assert row is not None
    assert (row.status, row.style, row.request) == ("completed", "bullets", {"style": "bullets"})
    assert row.result == {"summary": "A summary."} and row.source == "The source."
    assert row.completed is not None
    assert summary_queue(sessions(url)).claim("w", 30) is None
