"""Digests on a real Celery worker (a separate process) against Redis: a duplicated task, a
retry after the relay fails, and a worker killed mid-batch. Each checks the sent-log and the
outbox the worker writes to (``tests.mail_backends.SlowFileBackend``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from culture_of_care.notifications.models import DIGEST, SentLog, SentState
from tests.factories import UserFactory
from tests.mail_backends import read_outbox

pytestmark = [
    pytest.mark.skipif(
        not (os.environ.get("REDIS_URL") and settings.USING_POSTGRES),
        reason="needs REDIS_URL and PostgreSQL (CI sets both)",
    ),
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("celery"),
]

DAY = "2026-12-08"


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] or "postgres"
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Workers:
    """Start and stop real worker processes on a queue of their own (so nothing left in Redis
    by another run can reach them), writing mail to ``outbox``."""

    def __init__(self, tmp_path: Path, **env: str):
        self.queue = f"digest-test-{uuid.uuid4().hex[:8]}"
        self.outbox = tmp_path / "outbox"
        self.outbox.mkdir()
        self.logs = tmp_path
        self.env = {
            **os.environ,
            "TESTING": "1",
            "DATABASE_URL": _database_url(),
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            "TEST_EMAIL_BACKEND": "tests.mail_backends.SlowFileBackend",
            "TEST_EMAIL_FILE_PATH": str(self.outbox),
            "CELERY_VISIBILITY_TIMEOUT": "4",
            "CELERY_UNACKED_RESTORE_INTERVAL": "1",
            # A worker killed while holding kombu's restore lock must not block the next one.
            "CELERY_UNACKED_MUTEX_EXPIRE": "3",
            "NOTIFICATIONS_CLAIM_STALE_SECONDS": "3",
            **env,
        }
        self.processes: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        log = (self.logs / f"worker-{len(self.processes)}.log").open("w")
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "culture_of_care",
                "worker",
                "--pool=solo",
                "-Q",
                self.queue,
                "-n",
                f"{uuid.uuid4().hex[:8]}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
            ],
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        import redis

        redis.Redis.from_url(os.environ["REDIS_URL"]).delete(self.queue)

    def log_text(self) -> str:
        return "\n".join(p.read_text() for p in sorted(self.logs.glob("worker-*.log")))


@pytest.fixture
def producer():
    """Send tasks to Redis from the test process; ``send(task, *args, queue=...)`` names the
    workers' queue on each message (the app's default queue is fixed once it is first used)."""
    from culture_of_care.celery import app

    previous = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = os.environ["REDIS_URL"]

    def send(task, *args, queue: str):
        return task.apply_async(args=args, queue=queue)

    yield send
    app.conf.task_always_eager, app.conf.broker_url = previous


@pytest.fixture
def people(ward):
    """People with an overdue coaching action each, so each has a digest due."""
    from coaching.tests.factories import ActionFactory
    from culture_of_care.accounts.models import NotificationPreference

    result = []
    for n in range(6):
        person = UserFactory(email=f"person{n}@example.org")
        ActionFactory(ward=ward, owner=person, description=f"Action {n}", due_on="2026-12-01")
        NotificationPreference.objects.create(user=person, kind="actions", frequency="daily")
        result.append(person)
    return result


def wait_for(condition, timeout: float, workers: Workers, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    pytest.fail(f"Timed out waiting for {what}.\n{workers.log_text()[-4000:]}")


def sent_count() -> int:
    return SentLog.objects.filter(kind=DIGEST, state=SentState.SENT).count()


def assert_each_person_got_exactly_one(workers: Workers, people) -> None:
    recipients = Counter(m["To"] for m in read_outbox(workers.outbox))
    assert recipients == Counter(p.email for p in people)
    rows = SentLog.objects.filter(kind=DIGEST)
    assert rows.count() == len(people)
    assert set(rows.values_list("state", flat=True)) == {SentState.SENT}
    ids = [m["Message-ID"] for m in read_outbox(workers.outbox)]
    assert sorted(ids) == sorted(rows.values_list("message_id", flat=True))


def test_a_duplicated_task_and_two_workers_send_each_digest_once(tmp_path, producer, people):
    from culture_of_care.notifications.tasks import plan_digests, send_digest_chunk

    workers = Workers(tmp_path, TEST_MAIL_DELAY="0.3")
    ids = [p.pk for p in people]
    q = workers.queue
    try:
        workers.start()
        workers.start()
        # The same job delivered three times (a lost acknowledgement, a second beat), and the
        # plan run twice: every person still gets exactly one e-mail.
        producer(send_digest_chunk, ids, DAY, queue=q)
        producer(send_digest_chunk, ids, DAY, queue=q)
        producer(send_digest_chunk, list(reversed(ids)), DAY, queue=q)
        producer(plan_digests, DAY, queue=q)
        producer(plan_digests, DAY, queue=q)
        wait_for(lambda: sent_count() == len(people), 90, workers, "all digests")
        time.sleep(3)  # let any duplicate finish, so a second send would be seen
    finally:
        workers.stop()
    assert_each_person_got_exactly_one(workers, people)
    body = read_outbox(workers.outbox)[0].get_payload()[0].get_payload(decode=True).decode()
    assert "Your coaching actions" in body


def test_a_mail_failure_is_retried_and_sends_once(tmp_path, producer, people):
    from culture_of_care.notifications.tasks import send_digest_chunk

    workers = Workers(tmp_path, TEST_MAIL_FAIL_TIMES="1")
    try:
        workers.start()
        producer(send_digest_chunk, [p.pk for p in people], DAY, queue=workers.queue)
        wait_for(lambda: sent_count() == len(people), 90, workers, "the retried digests")
        time.sleep(1)
    finally:
        workers.stop()
    assert_each_person_got_exactly_one(workers, people)
    first = SentLog.objects.get(kind=DIGEST, user=people[0])
    assert first.attempts == 2  # failed once, sent on the retry
    assert "Retry in" in workers.log_text()
    # One chunk, one connection for the successful run (plus the one the failure dropped).
    assert len(list(workers.outbox.glob("open-*"))) == 2


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(
    tmp_path, producer, people
):
    from culture_of_care.notifications.tasks import send_digest_chunk

    workers = Workers(tmp_path, TEST_MAIL_DELAY="1.5")
    try:
        first = workers.start()
        producer(send_digest_chunk, [p.pk for p in people], DAY, queue=workers.queue)
        # Wait until two are sent and the relay is busy with the third, then kill the worker
        # outright (no warm shutdown, no acknowledgement).
        wait_for(
            lambda: len(list(workers.outbox.glob("sending-*"))) >= 3,
            60,
            workers,
            "the third message to start",
        )
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        assert sent_count() == 2
        assert SentLog.objects.filter(kind=DIGEST, state=SentState.CLAIMED).count() == 1
        # A new worker gets the unacknowledged job back within the visibility timeout and
        # sends the rest, the interrupted one included, and only those.
        workers.start()
        wait_for(lambda: sent_count() == len(people), 90, workers, "the rest of the batch")
        time.sleep(1)
    finally:
        workers.stop()
    assert_each_person_got_exactly_one(workers, people)
