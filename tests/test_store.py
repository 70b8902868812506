"""The job store on real SQLite: atomic claims, leases, fenced finishing, paging, keys."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import inspect

from synopsis.store.db import open_engine, sessions
from synopsis.store.keys import authenticate, count_active, create_key, list_keys, revoke_key
from synopsis.store.transcripts import TranscriptStore


@pytest.fixture
def store(tmp_path):
    return TranscriptStore(sessions(f"sqlite:///{tmp_path / 'synopsis.db'}"))


def test_migrations_create_the_schema_and_rerun_as_a_no_op(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    engine = open_engine(url)
    assert {"api_keys", "uploads", "transcripts", "alembic_version"} <= set(
        inspect(engine).get_table_names()
    )
    open_engine(url)  # second open: already at head


def test_concurrent_claims_take_each_job_exactly_once(store):
    ids = {store.create(None, {"audio_url": "u"}, "u").id for _ in range(40)}
    claimed: list[str] = []
    lock = threading.Lock()

    def worker(name: str) -> None:
        while (job := store.claim(name, 60)) is not None:
            with lock:
                claimed.append(job.id)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed) == sorted(ids)


def test_a_lapsed_lease_is_reclaimed_and_the_old_owner_is_fenced_out(store):
    job = store.create(None, {"audio_url": "u"}, "u")
    assert store.claim("dead", 0.2).id == job.id
    assert store.claim("other", 60) is None  # lease still held
    time.sleep(0.3)
    resumed = store.claim("alive", 60)
    assert resumed.id == job.id and resumed.attempts == 2
    assert not store.renew(job.id, "dead", 60)
    assert not store.finish(job.id, "dead", result={"text": "stale"})
    assert store.finish(job.id, "alive", result={"text": "fresh"})
    assert store.get(job.id, None).result == {"text": "fresh"}
    assert not store.finish(job.id, "alive", result={"text": "twice"})  # finishes once


def test_release_requeues_and_deleted_jobs_are_never_claimed(store):
    first = store.create(None, {"audio_url": "u"}, "u")
    second = store.create(None, {"audio_url": "u"}, "u")
    assert store.claim("w", 60).id == first.id
    store.release(first.id, "w")
    store.delete(second.id, None)
    assert store.get(second.id, None).status == "error"
    assert store.claim("w", 60).id == first.id
    assert store.claim("w", 60) is None


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


def test_cancel_ends_a_queued_job_with_its_webhook_and_a_running_one_at_finish(store):
    hooked = store.create(None, {"audio_url": "u", "webhook_url": "https://example.com/h"}, "u")
    cancelled = store.cancel(hooked.id, None)
    assert (cancelled.status, cancelled.error) == ("error", "Cancelled by the caller")
    assert cancelled.webhook_state == "pending"  # the caller's webhook still hears of it
    assert store.claim("w", 60) is None  # nothing left to run
    assert store.cancel(hooked.id, 7) is None  # another key's job is not there

    running = store.create(None, {"audio_url": "u"}, "u")
    assert store.claim("w", 60).id == running.id
    progress = {"stage": "transcribe", "done": 1, "total": 9}
    assert store.report_progress(running.id, "w", progress) is False  # go on
    assert store.get(running.id, None).progress == progress
    store.cancel(running.id, None)
    assert store.report_progress(running.id, "w", progress) is True  # stop
    # the job's last step had passed: its result is not kept
    assert store.finish(running.id, "w", result={"text": "done anyway"})
    row = store.get(running.id, None)
    assert (row.status, row.error, row.result) == ("error", "Cancelled by the caller", None)


def test_search_reads_the_transcript_text_only(store):
    job = store.create(None, {"audio_url": "u"}, "u")
    store.claim("w", 60)
    store.finish(job.id, "w", result={"text": 'Müller said "ship it" on 50% of days', "words": []})
    for query in ("müller", '"ship it"', "50%", "SHIP"):
        assert [row.id for row in store.search(None, query, 10)] == [job.id], query
    for query in ("words", "text", "5_%"):  # JSON keys and wildcards match nothing
        assert store.search(None, query, 10) == [], query
    assert store.search(7, "ship", 10) == []  # another key's
