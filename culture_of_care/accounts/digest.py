"""The daily digest: one e-mail a person a day at most, listing what needs their attention.

Apps register reminder sources with ``register``; each source returns plain-English lines for
one person. A ``SentEmail`` row keyed by person and date means a retried job sends nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from culture_of_care.accounts.models import SentEmail, User

ReminderSource = Callable[[User], list[str]]
_sources: list[ReminderSource] = []


def register(source: ReminderSource) -> ReminderSource:
    """Add a reminder source (usable as a decorator)."""
    if source not in _sources:
        _sources.append(source)
    return source


def reminders_for(user: User) -> list[str]:
    lines: list[str] = []
    for source in _sources:
        lines.extend(source(user))
    return lines


def send_digest(user: User) -> bool:
    """Send today's digest to ``user`` if there is anything to say and none has gone today."""
    lines = reminders_for(user)
    if not lines:
        return False
    key = f"digest:{user.id}:{timezone.localdate().isoformat()}"
    try:
        with transaction.atomic():
            SentEmail.objects.create(key=key, to=user.email)
            send_mail(
                subject="Culture of Care: what needs your attention today",
                message=render_to_string(
                    "accounts/email/digest.txt",
                    {"user": user, "lines": lines, "site_url": settings.SITE_URL},
                ),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[user.email],
            )
    except IntegrityError:
        return False
    return True


def send_all_digests() -> int:
    sent = 0
    for user in User.objects.filter(is_active=True, wants_daily_digest=True).iterator():
        if send_digest(user):
            sent += 1
    return sent
