"""Jobs about people: sending invitations and tidying expired ones (the digest lives in
``culture_of_care.notifications``)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from culture_of_care.accounts import services


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=60)
def send_invitation(self, invitation_id: int, token: str, site_url: str | None = None) -> bool:
    """Send one invitation e-mail; idempotent, so a retry never sends it twice."""
    try:
        return services.invitation_send(invitation_id=invitation_id, token=token, site_url=site_url)
    except OSError as exc:  # the mail server is unreachable: try again later
        raise self.retry(exc=exc) from exc


@shared_task(acks_late=True)
def purge_expired_invitations() -> int:
    """Delete invitations that expired more than 90 days ago."""
    from culture_of_care.accounts.models import Invitation

    cutoff = timezone.now() - timezone.timedelta(days=90)
    deleted, _ = Invitation.objects.filter(accepted_at__isnull=True, expires_at__lt=cutoff).delete()
    return deleted
