"""Jobs about people: sending invitations and tidying expired ones (the digest lives in
``culture_of_care.notifications``)."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.db import DatabaseError, InterfaceError
from django.utils import timezone

from culture_of_care.accounts import services

logger = logging.getLogger(__name__)


# What sending an invitation may meet and should simply try again after: the database (a
# restart, a lost connection) and the mail server (refused, timed out, a temporary SMTP error).
RETRYABLE = (DatabaseError, InterfaceError, OSError, smtplib.SMTPException)


@shared_task(bind=True, acks_late=True, max_retries=8)
def send_invitation(self, invitation_id: int, token: str | None = None) -> bool:
    """Send one invitation from the outbox. Claiming the row first makes a duplicate delivery
    of this job send nothing; a failure is retried with a growing delay (``token`` is ignored:
    kept so jobs queued before the outbox still run)."""
    try:
        return services.invitation_send(invitation_id=invitation_id)
    except RETRYABLE as exc:
        raise self.retry(exc=exc, countdown=min(30 * 2**self.request.retries, 1800)) from exc


@shared_task(acks_late=True)
def send_pending_invitations() -> int:
    """The outbox sweep (beat, every INVITATION_SWEEP_MINUTES): send every invitation that is
    not sent yet, whatever happened to its nudge. One failure does not stop the rest."""
    sent = 0
    for invitation_id in services.invitations_pending():
        try:
            sent += services.invitation_send(invitation_id=invitation_id)
        except RETRYABLE:
            logger.warning("Invitation %s not sent; the next sweep tries again", invitation_id)
        except Exception:  # one broken invitation (a bad template, say) must not block the rest
            logger.exception("Invitation %s could not be sent", invitation_id)
    return sent


@shared_task(acks_late=True)
def purge_expired_invitations() -> int:
    """Delete invitations that expired more than 90 days ago."""
    from culture_of_care.accounts.models import Invitation

    cutoff = timezone.now() - timezone.timedelta(days=90)
    deleted, _ = Invitation.objects.filter(accepted_at__isnull=True, expires_at__lt=cutoff).delete()
    return deleted
