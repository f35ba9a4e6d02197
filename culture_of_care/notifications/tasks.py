"""Digest jobs: a plan at 07:30 (Europe/London) that fans out, one task per chunk of people, and a
sweep through the day that picks up anyone due and unsent. Tasks take ids and a date, acknowledge
late, and retry mail and database errors with backoff; the sent-log makes every retry safe."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from culture_of_care.notifications import services

RETRY_ON = services.TRANSIENT_ERRORS

# The planning jobs (plan and sweep) only read the database and queue chunks: they retry a
# database blip and stop well inside a minute and a half.
PLANNING_JOB = {
    "acks_late": True,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 5,
    "max_retries": 5,
    "soft_time_limit": 60,
    "time_limit": 90,
}


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=RETRY_ON,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=8,
    soft_time_limit=120,
    time_limit=150,
)
def send_digest_chunk(self, user_ids: list[int], day: str) -> int:
    """Send the day's digest to these people (those not yet sent) over one SMTP connection."""
    return services.digest_send_chunk(user_ids=user_ids, day=date.fromisoformat(day)).sent


@shared_task(**PLANNING_JOB)
def plan_digests(day: str | None = None) -> int:
    """Fan out today's digests: one sending task per chunk of people."""
    when = date.fromisoformat(day) if day else timezone.localdate()
    return services.digest_plan(day=when)


@shared_task(**PLANNING_JOB)
def sweep_digests() -> int:
    """Queue again anyone due today whose digest is unsent (a lost job, a relay that failed);
    nothing before the morning's send time."""
    from django.conf import settings

    now = timezone.localtime()
    if (now.hour, now.minute) < tuple(settings.NOTIFICATIONS_SEND_AT):
        return 0
    return services.digest_plan(day=now.date())
