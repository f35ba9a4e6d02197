"""Jobs: a real Celery worker on Redis sends an invitation once (digests: notifications tests)."""

from __future__ import annotations

import os
import time

import pytest
from django.conf import settings
from django.core import mail

from culture_of_care.accounts.models import Invitation
from tests.factories import UserFactory


@pytest.mark.skipif(
    not (os.environ.get("REDIS_URL") and settings.USING_POSTGRES),
    reason="needs REDIS_URL and PostgreSQL (CI sets both)",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("celery")
def test_a_real_worker_on_redis_sends_the_invitation_once():
    from celery.contrib.testing.worker import start_worker

    from culture_of_care.accounts.services import invitation_create
    from culture_of_care.accounts.tasks import send_invitation
    from culture_of_care.celery import app

    previous = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = os.environ["REDIS_URL"]
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
            user = UserFactory(email="queued@example.org")
            invitation = invitation_create(user=user)  # queued on commit, run by the worker
            # Deliver the same job twice, as a broker might after a lost acknowledgement.
            send_invitation.delay(invitation.id, "token")
            for _ in range(60):
                invitation.refresh_from_db()
                if invitation.sent_at:
                    break
                time.sleep(0.5)
            time.sleep(1)
    finally:
        app.conf.task_always_eager, app.conf.broker_url = previous
    assert Invitation.objects.get(pk=invitation.pk).sent_at is not None
    assert [m.to for m in mail.outbox].count(["queued@example.org"]) == 1
