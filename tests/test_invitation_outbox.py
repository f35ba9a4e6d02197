"""Invitations always arrive: the request only writes the invitation (the outbox); a nudge on
commit and a sweep on beat send it; a sender claims the row first so nothing goes twice; failures
are retried; organisation leads and admins can resend."""

from __future__ import annotations

import re
import socket
import threading
from contextlib import contextmanager

import pytest
from django.core import mail
from django.urls import reverse

from culture_of_care.accounts import services, tasks
from culture_of_care.accounts.models import Invitation, User
from culture_of_care.audit.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@contextmanager
def broker_at(url: str):
    """Publish to this broker for real (not eagerly), as production does."""
    from culture_of_care.celery import app

    previous = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield app
    finally:
        app.conf.task_always_eager, app.conf.broker_url = previous
        app._pool = None
        app.amqp._producer_pool = None


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def hung_server():
    """Accepts connections and never answers: a hung Redis."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(50)
    server.settimeout(0.2)
    held, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        server.close()


def invite(client, organisation, ward, email="pat.peer@example.org"):
    return client.post(
        reverse("organisations:invite", args=[organisation.ods_code]),
        {"full_name": "Pat Peer", "email": email, "ward": ward.pk},
    )


def link_in(message) -> str:
    return re.search(r"https?://\S+?(/accounts/invitation/\S+/)", message.body).group(1)


@pytest.mark.parametrize("broker", ["stopped", "hung"])
def test_inviting_with_the_broker_down_answers_normally_and_the_sweep_sends_it(
    client_for, org_lead, ward, broker, django_capture_on_commit_callbacks
):
    client = client_for(org_lead)
    with (
        hung_server() if broker == "hung" else _url(f"redis://127.0.0.1:{closed_port()}/0") as url,
        broker_at(url),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = invite(client, ward.organisation, ward)
    assert response.status_code == 302
    invitation = Invitation.objects.get(user__email="pat.peer@example.org")
    assert invitation.sent_at is None
    assert mail.outbox == []

    # Redis is back: the sweep on beat sends it, once, however often it runs.
    assert tasks.send_pending_invitations() == 1
    assert tasks.send_pending_invitations() == 0
    assert [m.to for m in mail.outbox] == [["pat.peer@example.org"]]
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    # The link the e-mail carries is the one that works.
    assert client_for(org_lead).get(link_in(mail.outbox[0])).status_code == 200


@contextmanager
def _url(url: str):
    yield url


def test_a_second_try_after_a_lost_form_is_not_a_dead_end(client_for, org_lead, ward):
    """The first request wrote everything; trying again says so and sends nothing twice."""
    client = client_for(org_lead)
    invite(client, ward.organisation, ward)
    again = invite(client, ward.organisation, ward)
    assert again.status_code == 302
    assert Invitation.objects.filter(user__email="pat.peer@example.org").count() == 1


def test_a_claimed_invitation_is_not_sent_by_a_second_sender(db):
    from django.utils import timezone

    user = UserFactory(email="claimed@example.org")
    invitation = services.invitation_create(user=user)
    Invitation.objects.filter(pk=invitation.pk).update(claimed_at=timezone.now())
    assert services.invitation_send(invitation_id=invitation.pk) is False
    assert tasks.send_pending_invitations() == 0
    assert mail.outbox == []


def test_a_claim_left_by_a_crashed_sender_is_taken_over(db, settings):
    from datetime import timedelta

    from django.utils import timezone

    user = UserFactory(email="crashed@example.org")
    invitation = services.invitation_create(user=user)
    long_ago = timezone.now() - timedelta(seconds=settings.INVITATION_CLAIM_SECONDS + 1)
    Invitation.objects.filter(pk=invitation.pk).update(claimed_at=long_ago)
    assert tasks.send_pending_invitations() == 1
    assert len(mail.outbox) == 1


def test_a_mail_server_failure_is_retried_and_the_sweep_sends_it_later(
    db, settings, django_capture_on_commit_callbacks
):
    # A real SMTP connection to a mail server that is not there.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port()
    settings.EMAIL_TIMEOUT = 2
    user = UserFactory(email="retry@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(user=user)  # the nudge fails, quietly
    invitation.refresh_from_db()
    assert invitation.sent_at is None
    assert invitation.claimed_at is None  # released for the next try
    assert invitation.send_attempts >= 1
    assert "Connection" in invitation.last_error or "refused" in invitation.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert tasks.send_pending_invitations() == 1
    assert [m.to for m in mail.outbox] == [["retry@example.org"]]


def test_database_and_mail_errors_are_retried():
    import smtplib

    from django.db import DatabaseError, OperationalError

    for error in (OperationalError("server closed the connection"), smtplib.SMTPException()):
        assert isinstance(error, tasks.RETRYABLE)
    assert issubclass(OperationalError, DatabaseError)


def test_the_sweep_is_on_beat_every_few_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["send-pending-invitations"]
    assert entry["task"] == "culture_of_care.accounts.tasks.send_pending_invitations"
    assert entry["schedule"] <= 10 * 60


def test_org_lead_resends_an_invitation_with_a_fresh_link(
    client_for, org_lead, ward, django_capture_on_commit_callbacks
):
    client = client_for(org_lead)
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, ward.organisation, ward)
    first_link = link_in(mail.outbox[0])
    invitation = Invitation.objects.get()

    page = client.get(reverse("organisations:invite", args=[ward.organisation.ods_code]))
    assert "Invitations not yet accepted" in page.text
    assert reverse("invitation_resend", args=[invitation.pk]) in page.text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("invitation_resend", args=[invitation.pk]), follow=True)
    assert "sending the invitation to pat.peer@example.org again" in response.text
    assert len(mail.outbox) == 2
    second_link = link_in(mail.outbox[1])
    assert second_link != first_link
    assert client.get(first_link).status_code == 410
    assert client.get(second_link).status_code == 200
    assert AuditEntry.objects.filter(action="invitation.resend").exists()


def test_admin_may_resend_and_others_get_404(
    client_for, admin, org_lead, ward_member, other_org_member, ward
):
    invitation = services.invitation_create(
        user=UserFactory(email="someone@example.org"), organisation_id=ward.organisation_id
    )
    url = reverse("invitation_resend", args=[invitation.pk])
    assert client_for(other_org_member).post(url).status_code == 404
    assert client_for(ward_member).post(url).status_code == 404
    assert client_for(admin).post(url).status_code == 302
    assert client_for(org_lead).get(url).status_code == 405


def test_an_accepted_invitation_is_not_resent(client_for, org_lead, ward):
    from django.utils import timezone

    invitation = services.invitation_create(
        user=UserFactory(email="done@example.org"), organisation_id=ward.organisation_id
    )
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())
    response = client_for(org_lead).post(
        reverse("invitation_resend", args=[invitation.pk]), follow=True
    )
    assert "has already accepted" in response.text
    assert User.objects.filter(email="done@example.org").exists()
