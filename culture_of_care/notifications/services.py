"""Sending digests exactly once: claim, send, mark, in that order, one person at a time.

The claim is its own committed transaction, so a duplicated task, a retry or a second beat
process finds the row and leaves it alone. A claim with no "sent" mark that is older than
``NOTIFICATIONS_CLAIM_STALE_SECONDS`` belonged to a worker that died before the relay took the
message, and is sent again, with the same Message-ID so that in the rare case where the relay had
accepted it the two copies are recognisably one message. The window for that case is the time
between the relay's reply and one UPDATE.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from email.utils import make_msgid
from smtplib import SMTPException
from typing import Any
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from culture_of_care.accounts.models import NotificationPreference, User
from culture_of_care.notifications import kinds as registry
from culture_of_care.notifications.models import (
    DIGEST,
    ItemMark,
    ItemState,
    SentLog,
    SentState,
)
from culture_of_care.notifications.selectors import Digest, digest_for

logger = logging.getLogger(__name__)

# Errors worth retrying: the relay or the database went away for a moment.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    SMTPException,
    OSError,
    OperationalError,
    InterfaceError,
    SoftTimeLimitExceeded,
)
UNSUBSCRIBE_SALT = "culture_of_care.notifications.unsubscribe"
ALL_KINDS = "*"


# --- Unsubscribe links -----------------------------------------------------------------------


def unsubscribe_token(user: Any, kind: str = ALL_KINDS) -> str:
    """A signed token naming the person and the kind; no expiry (old e-mails keep working)."""
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(user: Any, kind: str = ALL_KINDS) -> str:
    path = reverse("notifications:unsubscribe", args=[unsubscribe_token(user, kind)])
    return f"{settings.SITE_URL}{path}"


def read_unsubscribe_token(token: str) -> tuple[User, str] | None:
    """The person and kind a token names, or None when it was not signed by us."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    kind = data.get("k")
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or not (kind == ALL_KINDS or registry.get(kind)):
        return None
    return user, kind


@transaction.atomic
def notification_unsubscribe(*, user: User, kind: str) -> None:
    """Turn one kind (or every kind) off for ``user``: what the one-click link does."""
    keys = [k.key for k in registry.all_kinds()] if kind == ALL_KINDS else [kind]
    for key in keys:
        NotificationPreference.objects.update_or_create(
            user=user, kind=key, defaults={"frequency": NotificationPreference.Frequency.OFF}
        )
    _forget_count(user)


@transaction.atomic
def notification_preferences_set(*, user: User, frequencies: dict[str, str], enabled: bool) -> None:
    """Save the account page's choices: one row per kind and the overall e-mail switch."""
    for key, frequency in frequencies.items():
        NotificationPreference.objects.update_or_create(
            user=user, kind=key, defaults={"frequency": frequency}
        )
    if user.wants_daily_digest != enabled:
        user.wants_daily_digest = enabled
        user.save(update_fields=["wants_daily_digest"])


@transaction.atomic
def notification_mark(*, user: User, kind: str, object_key: str, state: str) -> ItemMark:
    """Remember that ``user`` marked one item done or dismissed it."""
    if state not in ItemState.values:
        raise ValueError(f"Unknown state {state!r}")
    mark, _ = ItemMark.objects.update_or_create(
        user=user, kind=kind, object_key=object_key, defaults={"state": state}
    )
    _forget_count(user)
    return mark


@transaction.atomic
def notification_unmark(*, user: User, kind: str, object_key: str) -> None:
    ItemMark.objects.filter(user=user, kind=kind, object_key=object_key).delete()
    _forget_count(user)


def count_cache_key(user_id: int) -> str:
    return f"notifications:count:{user_id}"


def _forget_count(user: Any) -> None:
    from django.core.cache import cache

    cache.delete(count_cache_key(user.pk))


# --- The e-mail ------------------------------------------------------------------------------


def digest_subject(digest: Digest) -> str:
    n = len(digest.items) + sum(s.more for s in digest.sections)
    things = "1 thing" if n == 1 else f"{n} things"
    return f"Culture of Care: {things} for you, {digest.day:%A %-d %B}"


def build_message(
    digest: Digest, *, message_id: str, connection: Any = None
) -> EmailMultiAlternatives:
    """The digest as plain text with an HTML part, one-click unsubscribe in the headers."""
    user = digest.user
    sections = [
        {
            "kind": section.kind,
            "items": [
                {
                    "text": item.text,
                    "url": f"{settings.SITE_URL}{item.url}"
                    if item.url.startswith("/")
                    else item.url,
                }
                for item in section.items
            ],
            "more": section.more,
            "unsubscribe_url": unsubscribe_url(user, section.kind.key),
        }
        for section in digest.sections
    ]
    context = {
        "user": user,
        "digest": digest,
        "sections": sections,
        "site_url": settings.SITE_URL,
        "account_url": f"{settings.SITE_URL}{reverse('account')}",
        "list_url": f"{settings.SITE_URL}{reverse('notifications:list')}",
        "unsubscribe_all_url": unsubscribe_url(user),
    }
    message = EmailMultiAlternatives(
        subject=digest_subject(digest),
        body=render_to_string("notifications/email/digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        connection=connection,
        headers={
            "Message-ID": message_id,
            "List-Unsubscribe": f"<{context['unsubscribe_all_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(
        render_to_string("notifications/email/digest.html", context), "text/html"
    )
    return message


# --- Claim, send, mark -----------------------------------------------------------------------


def _stale_before() -> Any:
    return timezone.now() - timedelta(seconds=settings.NOTIFICATIONS_CLAIM_STALE_SECONDS)


def digest_claim(*, user_id: int, day: date) -> SentLog | None:
    """Claim today's digest for one person, committed before anything is sent.

    Returns the claimed row, or None when it is sent, had nothing to say, or another worker
    holds a fresh claim on it.
    """
    now = timezone.now()
    domain = urlsplit(settings.SITE_URL).hostname or "culture-of-care.local"
    with transaction.atomic():
        row, created = SentLog.objects.select_for_update().get_or_create(
            user_id=user_id,
            kind=DIGEST,
            object_key="",
            period=day,
            defaults={
                "state": SentState.CLAIMED,
                "claimed_at": now,
                "attempts": 1,
                "message_id": make_msgid("digest", domain=domain),
            },
        )
        if created:
            return row
        if row.state in (SentState.SENT, SentState.NOTHING):
            return None
        if row.state == SentState.CLAIMED and row.claimed_at and row.claimed_at > _stale_before():
            return None
        row.state = SentState.CLAIMED
        row.claimed_at = now
        row.attempts += 1
        row.save(update_fields=["state", "claimed_at", "attempts"])
        return row


def _release(claim: SentLog, error: BaseException) -> None:
    try:
        SentLog.objects.filter(pk=claim.pk, state=SentState.CLAIMED).update(
            state=SentState.FAILED, error=f"{type(error).__name__}: {error}"[:300]
        )
    except Exception:  # the database itself may be what failed; the claim then goes stale
        logger.exception("Could not release digest claim %s", claim.pk)


@transaction.atomic
def _mark_sent(claim: SentLog, digest: Digest) -> None:
    now = timezone.now()
    SentLog.objects.filter(pk=claim.pk).update(state=SentState.SENT, sent_at=now, error="")
    SentLog.objects.bulk_create(
        [
            SentLog(
                user_id=claim.user_id,
                kind=item.kind,
                object_key=item.key[:200],
                period=claim.period,
                state=SentState.SENT,
                sent_at=now,
            )
            for item in digest.items
        ],
        ignore_conflicts=True,
    )


@dataclass
class ChunkResult:
    sent: int = 0
    nothing: int = 0
    skipped: int = 0
    failed: int = 0


def digest_send_chunk(*, user_ids: Iterable[int], day: date) -> ChunkResult:
    """Send the day's digest to each person in the chunk who has not had it, over one SMTP
    connection. A mail or database error stops the chunk and propagates (the task retries it;
    the people already sent are skipped by their sent-log rows)."""
    result = ChunkResult()
    connection = get_connection()
    opened = False
    try:
        for user_id in user_ids:
            claim = digest_claim(user_id=user_id, day=day)
            if claim is None:
                result.skipped += 1
                continue
            try:
                user = User.objects.filter(pk=user_id).first()
                digest = digest_for(user, day) if user is not None else None
                if digest is None or digest.is_empty:
                    SentLog.objects.filter(pk=claim.pk).update(state=SentState.NOTHING)
                    result.nothing += 1
                    continue
                message = build_message(digest, message_id=claim.message_id, connection=connection)
                if not opened:
                    connection.open()
                    opened = True
                message.send()
            except Exception as exc:
                _release(claim, exc)
                if isinstance(exc, TRANSIENT_ERRORS):
                    raise  # the task retries the chunk; those already sent are skipped
                # A fault with this one person's digest must not hold up everyone after them:
                # it is logged, left FAILED for the sweep (a few times), and the chunk goes on.
                logger.exception("Digest for user %s on %s failed", user_id, day)
                result.failed += 1
                continue
            except BaseException as exc:  # a time limit or a shutdown: give the claim back
                _release(claim, exc)
                raise
            _mark_sent(claim, digest)
            result.sent += 1
    finally:
        if opened:
            connection.close()
    return result


def people_due_a_digest(day: date) -> list[int]:
    """Everyone who may get an e-mail and whose digest for ``day`` is neither sent, nor had
    nothing to say, nor freshly claimed by a worker."""
    done = SentLog.objects.filter(kind=DIGEST, period=day).filter(
        Q(state__in=[SentState.SENT, SentState.NOTHING])
        | Q(state=SentState.CLAIMED, claimed_at__gt=_stale_before())
        | Q(attempts__gte=settings.NOTIFICATIONS_MAX_ATTEMPTS)
    )
    return list(
        User.objects.filter(is_active=True, wants_daily_digest=True)
        .exclude(email="")
        .exclude(pk__in=done.values("user_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def chunks(ids: list[int], size: int | None = None) -> list[list[int]]:
    size = size or settings.NOTIFICATIONS_CHUNK_SIZE
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def digest_plan(*, day: date) -> int:
    """Queue one sending task per chunk of people due a digest (after the transaction commits).
    Returns how many chunks were queued."""
    from culture_of_care.notifications.tasks import send_digest_chunk

    batches = chunks(people_due_a_digest(day))
    for batch in batches:
        transaction.on_commit(lambda batch=batch: send_digest_chunk.delay(batch, day.isoformat()))
    return len(batches)
