"""Jobs: a real Celery worker on Redis sends an invitation made while Redis was stopped, once
(digests: the notifications tests)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.conf import settings
from django.core import mail
from django.urls import reverse

from culture_of_care.accounts.models import Invitation


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ThrowawayRedis:
    """A redis-server of our own on a free loopback port, to stop and start at will (the shared
    one stays up for everyone else)."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_timeout=0.5)
        for _ in range(100):
            try:
                if client.ping():
                    return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


@pytest.mark.skipif(
    not (shutil.which("redis-server") and settings.USING_POSTGRES),
    reason="needs redis-server and PostgreSQL (CI has both)",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("celery")
def test_an_invitation_made_while_redis_is_stopped_is_sent_once_redis_is_back(
    client_for, org_lead, ward
):
    from celery.contrib.testing.worker import start_worker

    from culture_of_care.accounts.tasks import send_invitation, send_pending_invitations
    from culture_of_care.celery import app

    server = ThrowawayRedis()
    previous = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = server.url
    app._pool = None
    app.amqp._producer_pool = None
    try:
        # Redis is stopped: the organisation lead's invitation answers normally.
        response = client_for(org_lead).post(
            reverse("organisations:invite", args=[ward.organisation.ods_code]),
            {"full_name": "Quinn Queue", "email": "queued@example.org", "ward": ward.pk},
        )
        assert response.status_code == 302
        invitation = Invitation.objects.get(user__email="queued@example.org")
        assert invitation.sent_at is None

        # Redis is back, with a real worker: beat's sweep sends it. The same send job delivered
        # twice at once (a broker redelivering after a lost acknowledgement) sends nothing more.
        server.start()
        with start_worker(
            app, perform_ping_check=False, pool="threads", concurrency=3, loglevel="WARNING"
        ):
            send_pending_invitations.delay()
            send_invitation.delay(invitation.id)
            send_invitation.delay(invitation.id)
            for _ in range(120):
                invitation.refresh_from_db()
                if invitation.sent_at:
                    break
                time.sleep(0.25)
            time.sleep(1.5)  # let the duplicate deliveries run to the end
    finally:
        app.conf.task_always_eager, app.conf.broker_url = previous
        app._pool = None
        app.amqp._producer_pool = None
        server.stop()
    assert Invitation.objects.get(pk=invitation.pk).sent_at is not None
    assert [m.to for m in mail.outbox].count(["queued@example.org"]) == 1
