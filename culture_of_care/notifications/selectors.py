"""What is due for one person, and what their digest would hold today.

The rules live in each app's selectors (registered as kinds); here they are gathered, the
person's done/dismissed marks applied, and their preferences read.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings

from culture_of_care.accounts.models import NotificationPreference
from culture_of_care.notifications import kinds as registry
from culture_of_care.notifications.kinds import DueItem, Frequency, Kind
from culture_of_care.notifications.models import DIGEST, ItemMark, SentLog, SentState

logger = logging.getLogger(__name__)


def frequencies_for(user: Any) -> dict[str, str]:
    """Each registered kind's frequency for ``user``: their choice, else their role default."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "frequency"))
    roles = set(user.role_set)
    return {k.key: chosen.get(k.key) or k.default_for(roles) for k in registry.all_kinds()}


def _collect(user: Any, today: date, wanted: list[Kind]) -> list[DueItem]:
    items: list[DueItem] = []
    for kind in wanted:
        items.extend(kind.selector(user, today))
    if not items:
        return items
    marked = set(
        ItemMark.objects.filter(user=user, kind__in={i.kind for i in items}).values_list(
            "kind", "object_key"
        )
    )
    return [i for i in items if (i.kind, i.key) not in marked]


def due_items_for(user: Any, today: date) -> list[DueItem]:
    """Everything due for ``user`` today, whatever their e-mail preferences (the in-app list),
    less what they marked done or dismissed."""
    if not user.is_active:
        return []
    return _collect(user, today, registry.all_kinds())


@dataclass
class Section:
    kind: Kind
    items: list[DueItem]
    # How many more of this kind are due than the e-mail shows (all are on What needs you).
    more: int = 0


@dataclass
class Digest:
    user: Any
    day: date
    sections: list[Section] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.sections

    @property
    def items(self) -> list[DueItem]:
        return [i for s in self.sections for i in s.items]


def kinds_due_by_email(frequencies: dict[str, str], day: date) -> list[Kind]:
    """Daily kinds every day; weekly kinds on Mondays; off never."""
    wanted = []
    for kind in registry.all_kinds():
        frequency = frequencies.get(kind.key, Frequency.OFF)
        if frequency == Frequency.DAILY or (frequency == Frequency.WEEKLY and day.weekday() == 0):
            wanted.append(kind)
    return wanted


def digest_for(user: Any, day: date) -> Digest:
    """The e-mail ``user`` would get on ``day``: the kinds they take by e-mail that day, less
    items marked done or dismissed and items already e-mailed in the last few days (a
    reminder is repeated at most once every ``NOTIFICATIONS_REPEAT_AFTER_DAYS``)."""
    result = Digest(user=user, day=day)
    if not (user.is_active and user.email and user.wants_daily_digest):
        return result
    wanted = kinds_due_by_email(frequencies_for(user), day)
    if not wanted:
        return result
    items = _collect(user, day, wanted)
    if not items:
        return result
    since = day - timedelta(days=settings.NOTIFICATIONS_REPEAT_AFTER_DAYS - 1)
    recent = set(
        SentLog.objects.filter(user=user, period__gte=since, period__lt=day, state=SentState.SENT)
        .exclude(kind=DIGEST)
        .values_list("kind", "object_key")
    )
    by_kind: dict[str, list[DueItem]] = {}
    for item in items:
        if (item.kind, item.key) in recent:
            continue
        by_kind.setdefault(item.kind, []).append(item)
    limit = settings.NOTIFICATIONS_EMAIL_ITEMS_PER_KIND
    for kind in wanted:
        found = by_kind.get(kind.key)
        if found:
            result.sections.append(
                Section(kind=kind, items=found[:limit], more=max(len(found) - limit, 0))
            )
    return result


def marked_items_for(user: Any, limit: int = 20) -> list[ItemMark]:
    """What the person marked done or dismissed lately (to put back if they change their mind)."""
    return list(ItemMark.objects.filter(user=user).order_by("-at")[:limit])


def count_for_header(user: Any) -> int:
    """How many items are due (cached briefly: the header shows it on every page)."""
    from django.core.cache import cache
    from django.utils import timezone

    from culture_of_care.notifications.services import count_cache_key

    key = count_cache_key(user.pk)
    count = cache.get(key)
    if count is None:
        try:
            count = len(due_items_for(user, timezone.localdate()))
        except Exception:  # a header must never break a page
            logger.exception("Could not count what needs user %s", user.pk)
            return 0
        cache.set(key, count, settings.NOTIFICATIONS_COUNT_CACHE_SECONDS)
    return count
